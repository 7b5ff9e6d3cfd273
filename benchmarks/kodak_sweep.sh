#!/usr/bin/env bash
# Mean bpp, RGB PSNR and times of `spix encode --psnr` over the Kodak set for
# a few densities and both content-independent masks; prints a Markdown table.
#   bash benchmarks/kodak_sweep.sh > benchmarks/results/kodak_diffusion.md
set -euo pipefail
cd "$(dirname "$0")/.."
kodak=${KODAK:-../shared/data/kodak}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# Diffusion codec on Kodak (24 images, 768x512)"
echo
echo "Made by \`bash benchmarks/kodak_sweep.sh\`; quantisation steps 12/24 (the"
echo "default), homogeneous diffusion decoder, one core. Means over the images."
echo
echo "| mask | density | images | bpp | PSNR (dB) | encode (s) | decode (s) |"
echo "|---|---|---|---|---|---|---|"
for mask in grid random; do
  for density in 0.02 0.05 0.1 0.2; do
    for f in "$kodak"/*.png; do
      build/spix encode "$f" -o "$tmp/x.spix" --force --psnr --json \
        --density "$density" --mask "$mask"
    done | python3 -c "
import json, sys
r = [json.loads(line) for line in sys.stdin]
n = len(r)
mean = lambda k: sum(x[k] for x in r) / n
print('| $mask | $density | %d | %.4f | %.2f | %.3f | %.3f |' % (
    n, mean('bpp'), mean('psnr'), mean('encode_seconds'), mean('decode_seconds')))"
  done
done
