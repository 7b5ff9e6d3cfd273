#!/usr/bin/env bash
# Sets up spix (install + build) and runs the whole test suite.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
log=build/ctest.log
ctest --test-dir build --output-on-failure --no-tests=error -j"$(nproc)" |
  tee "$log"
# And that it ran what it should (pipefail keeps ctest's own failure).
bash scripts/check_suites.sh build "$log"
