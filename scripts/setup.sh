#!/usr/bin/env bash
# Installs what spix needs from Debian packages (only what is missing, so it
# is safe to run again) and builds it in Release into build/.
#   bash scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ccache pkg-config
  libopencv-dev libeigen3-dev libzstd-dev zlib1g-dev libjbig-dev libcli11-dev
  libgtest-dev libbenchmark-dev
  libtorch-dev libgloo-dev nlohmann-json3-dev libssl-dev  # networks/
  libopenjp2-7-dev libwebp-dev  # spix bench: JPEG 2000 and WebP anchors
  libavif-bin libjxl-tools gnuplot-nox  # spix bench: AVIF, JPEG XL, RD plots
  libopenjp2-tools  # tests: the bench's JPEG 2000 against opj_compress
  clang libclang-rt-14-dev  # the fuzzer and sanitizer builds
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# Every option the suite needs, named: a cached OFF in an old build/ (e.g.
# from a trainer-only or bitstream-only configure) must not survive and
# leave CI with nothing to test.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSPIX_BUILD_TESTS=ON \
  -DSPIX_BUILD_TOOLS=ON -DSPIX_BUILD_BENCHMARKS=ON -DSPIX_BITSTREAM_ONLY=OFF \
  -DSPIX_TRAINER_ONLY=OFF -DSPIX_FUZZ=OFF >/dev/null
cmake --build build -j"$(nproc)"
