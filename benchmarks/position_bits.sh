#!/usr/bin/env bash
# What a mask's positions cost: for each mask method at 2 / 5 / 10 %
# density, the MASK chunk in bits per image pixel and the PSNR at equal
# density (homogeneous diffusion, original colours, 12/24 quantisation, no
# luma preference), averaged over the first N Kodak images.
#   bash benchmarks/position_bits.sh [N] > benchmarks/results/position_bits.md
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-6}
spix=build/spix
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
images=$(ls ../shared/data/kodak/*.png | head -n "$n")

echo "| mask | density | positions (bpp) | whole file (bpp) | PSNR (dB) |"
echo "|---|---|---|---|---|"
for mask in ps+nlpe halftone density ps-density; do
  for d in 0.02 0.05 0.1; do
    for img in $images; do
      out="$tmp/x.spix"
      enc=$("$spix" encode "$img" -o "$out" -i diffusion -m "$mask" \
        --nlpe-cycles 1 --chroma-fraction 1 -d "$d" --psnr --json -f --threads 2)
      info=$("$spix" info "$out" --json)
      python3 -c '
import json, sys
e, i = json.loads(sys.argv[1]), json.loads(sys.argv[2])
px = e["width"] * e["height"]
mask = next(c["bytes"] for c in i["chunks"] if c["tag"] == "MASK")
print(8 * mask / px, e["bpp"], e["psnr"])' "$enc" "$info"
    done | awk -v m="$mask" -v d="$d" '{a+=$1; b+=$2; p+=$3; k++}
      END {printf "| %s | %s | %.4f | %.4f | %.2f |\n", m, d, a/k, b/k, p/k}'
  done
done
