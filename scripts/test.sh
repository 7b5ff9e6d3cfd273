#!/usr/bin/env bash
# Sets up spix (install + build) and runs the whole test suite.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ctest --test-dir build --output-on-failure --no-tests=error -j"$(nproc)"
