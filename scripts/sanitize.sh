#!/usr/bin/env bash
# The bitstream tests under AddressSanitizer + UndefinedBehaviorSanitizer,
# then each libFuzzer target for FUZZ_SECONDS (default 60): the decoder
# (seeded with the golden files), the weight-file parser and the image-header
# peek (seeded with tests/fuzz/corpus/); then the decoder again for
# FUZZ_LEARNED_SECONDS (default 30) with the shipped weights, so that files
# reach the learned decoder g (seeded with the learned golden files). Needs
# clang (scripts/setup.sh installs it).
#   bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
learned_seconds=${FUZZ_LEARNED_SECONDS:-30}
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSPIX_BITSTREAM_ONLY=ON \
  -DCMAKE_CXX_FLAGS="$san" >/dev/null
cmake --build build-asan -j"$(nproc)"
ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$(nproc)"

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSPIX_FUZZ=ON -DSPIX_BUILD_TESTS=OFF \
  -DSPIX_BUILD_BENCHMARKS=OFF -DSPIX_BUILD_TOOLS=OFF \
  -DCMAKE_CXX_FLAGS="$san -fsanitize=fuzzer-no-link" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_decode fuzz_weights \
  fuzz_image_header
run_fuzzer() {  # NAME CORPUS SECONDS UNIT_TIMEOUT SEED_FILE...
  local name=$1 tag=$2 time=$3 unit_timeout=$4
  local corpus=build-fuzz/corpus-$tag log=build-fuzz/fuzz-$tag.log
  shift 4
  mkdir -p "$corpus"
  cp "$@" "$corpus/"
  echo "sanitize: fuzzing ${name} (${corpus}) for ${time} s"
  # The whole log is kept; on a finding its report and the input (base64)
  # are printed, since the last lines alone name neither.
  rm -f build-fuzz/"$tag"-*
  # `timeout` also ends a run that hangs without libFuzzer's own timer.
  if timeout $((time + 120)) build-fuzz/"$name" -max_total_time="$time" \
    -rss_limit_mb=2048 -timeout="$unit_timeout" -print_final_stats=1 \
    -artifact_prefix=build-fuzz/"$tag"- "$corpus" >"$log" 2>&1; then
    tail -n 12 "$log"
    return
  fi
  echo "sanitize: ${name} failed; its report (${log}):"
  grep -m1 -A80 -e '==ERROR' -e 'runtime error' -e 'deadly signal' \
    -e 'ERROR: libFuzzer' "$log" || tail -n 80 "$log"
  for input in build-fuzz/"$tag"-*; do
    [ -f "$input" ] || continue
    echo "input ${input} (base64):"
    head -c 65536 "$input" | base64 -w 0
    echo
  done
  return 1
}
run_fuzzer fuzz_decode decode "$seconds" 10 tests/golden/*.spix
run_fuzzer fuzz_weights weights "$seconds" 10 tests/fuzz/corpus/weights/*
run_fuzzer fuzz_image_header image_header "$seconds" 10 \
  tests/fuzz/corpus/image_header/*
# No per-input timer (-timeout=0) when LibTorch runs: libFuzzer's timer is a
# SIGALRM whose handler runs on the interrupted code's stack, and inside
# oneDNN's JIT convolution kernels ASan found that frame in heap memory and
# reported the handler itself (heap-buffer-overflow in clock_gettime called
# from Fuzzer::AlarmCallback: once in CI, where only "nested bug" showed, and
# once in 60 local runs of 30-45 s). `timeout` still bounds the run.
SPIX_FUZZ_MODELS=$PWD/networks/weights OMP_WAIT_POLICY=PASSIVE \
  run_fuzzer fuzz_decode decode_learned "$learned_seconds" 0 \
  tests/golden/learned_*.spix
