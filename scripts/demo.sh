#!/usr/bin/env bash
# Sets up spix, then encodes and decodes a sample image, printing bytes, bpp,
# PSNR and time. Outputs go to out/.
#   bash scripts/demo.sh [IMAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
image=${1:-../shared/data/kodak/kodim23.png}
mkdir -p out
name=$(basename "${image%.*}")
build/spix encode "$image" -o "out/$name.spix" --force --psnr
build/spix decode "out/$name.spix" -o "out/$name.png" --force
