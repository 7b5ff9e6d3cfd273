#!/usr/bin/env bash
# The bitstream tests under AddressSanitizer + UndefinedBehaviorSanitizer,
# then each libFuzzer target for FUZZ_SECONDS (default 60): the decoder
# (seeded with the golden files), the weight-file parser and the image-header
# peek (seeded with tests/fuzz/corpus/). Needs clang (scripts/setup.sh
# installs it).
#   bash scripts/sanitize.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
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
run_fuzzer() {  # NAME SEED_FILE...
  local name=$1 corpus=build-fuzz/corpus-$1
  shift
  mkdir -p "$corpus"
  cp "$@" "$corpus/"
  echo "sanitize: fuzzing ${name} for ${seconds} s"
  build-fuzz/"$name" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
}
run_fuzzer fuzz_decode tests/golden/*.spix
run_fuzzer fuzz_weights tests/fuzz/corpus/weights/*
run_fuzzer fuzz_image_header tests/fuzz/corpus/image_header/*
