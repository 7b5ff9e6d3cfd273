#!/usr/bin/env bash
# Fails unless the ctest run whose output is in LOG ran every expected test
# binary and at least MIN tests, all passed. A build configured without the
# tests (a cached SPIX_BUILD_TESTS=OFF or SPIX_BUILD_TOOLS=OFF), or a suite
# whose discovery silently found nothing, would otherwise pass CI.
#   bash scripts/check_suites.sh BUILD_DIR LOG
set -euo pipefail
build=$1 log=$2
# Raise this when tests are added; lower it only when they are removed on
# purpose.
min_tests=150
binaries=(bitstream_tests codec_tests baselines_tests bench_tests cli_tests
  networks_tests fill_tests reliability_test)

listing=$(ctest --test-dir "$build" --show-only=json-v1)
missing=()
for b in "${binaries[@]}"; do
  grep -q "\"[^\"]*/tests/$b\"" <<<"$listing" || missing+=("$b")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "check_suites: no tests from ${missing[*]} in $build" >&2
  exit 1
fi
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
ran=${summary##* }
if [ -z "$summary" ] || [ "$ran" -lt "$min_tests" ]; then
  echo "check_suites: ${ran:-no} tests ran, expected at least $min_tests" >&2
  exit 1
fi
echo "check_suites: $ran tests from ${#binaries[@]} binaries ran"
