#!/usr/bin/env bash
# Regenerates the golden .spix files and their expected decodings. Run only
# when the format version changes, and commit only the new version's files:
# the point of golden files is that later versions decode the committed ones
# to the committed pixels. Every flag the files depend on is named (the
# defaults change between versions).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
spix=${1:-$here/../../build/spix}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Synthetic test images: smooth gradients, a disc and a stripe pattern.
python3 - "$tmp" <<'PY'
import math, sys
out = sys.argv[1]
def image(w, h, channels):
    data = bytearray()
    for y in range(h):
        for x in range(w):
            disc = (x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (min(w, h) * 0.3) ** 2
            stripe = (x // 4 + y // 6) % 2
            r = int(255 * x / max(w - 1, 1))
            g = 200 if disc else int(127 + 100 * math.sin(y * 0.3))
            b = 40 + 150 * stripe
            px = [r, g, b] if channels == 3 else [(r + 2 * g + b) // 4]
            data += bytes(px)
    return data
for name, w, h, c in [("grey", 37, 23, 1), ("rgb", 48, 32, 3), ("tall", 5, 41, 3)]:
    magic = b"P6" if c == 3 else b"P5"
    with open(f"{out}/{name}.ppm" if c == 3 else f"{out}/{name}.pgm", "wb") as f:
        f.write(magic + f"\n{w} {h}\n255\n".encode() + image(w, h, c))
# The rgb image in a scanner-like frame: two grey rows on top, a black row
# at the bottom, three grey columns on the left (format version 8).
w, h = 48, 32
framed = bytearray(image(w, h, 3))
for y in range(h):
    for x in range(w):
        grey = 99 if y < 2 or x < 3 else None
        grey = 0 if y == h - 1 else grey
        if grey is not None:
            framed[3 * (y * w + x):3 * (y * w + x) + 3] = bytes([grey] * 3)
with open(f"{out}/framed.ppm", "wb") as f:
    f.write(b"P6" + f"\n{w} {h}\n255\n".encode() + framed)
PY

enc() { "$spix" encode "$@" -i diffusion -f --quiet; }
# Chroma at every point (version 1 has no luma preference).
full() { enc "$@" --chroma-fraction 1; }
# Version 1.
full "$tmp/grey.pgm" -o "$here/grey_random_d20_q1.spix" -d 0.2 -m random -q 1 --seed 5
full "$tmp/rgb.ppm" -o "$here/rgb_grid_d10_q4.spix" -d 0.1 -m grid -q 4,8
full "$tmp/rgb.ppm" -o "$here/rgb_random_d30_q1.spix" -d 0.3 -m random -q 1 --seed 9
full "$tmp/rgb.ppm" -o "$here/rgb_halftone_d8_q8.spix" -d 0.08 -m halftone -q 8
full "$tmp/tall.ppm" -o "$here/tall_random_d50_q16.spix" -d 0.5 -m random -q 16,32 --seed 2
# Version 2: a density-field mask; luma preference on a density field and on
# a flat halftone.
full "$tmp/rgb.ppm" -o "$here/v2_rgb_density_d15_q1.spix" -d 0.15 -m density -q 1
# (One luma step for all points: version 3 files carry steps per point.)
enc "$tmp/rgb.ppm" -o "$here/v2_rgb_density_cf25_q8.spix" -d 0.2 -m density -q 8 --chroma-fraction 0.25 --luma-step-exponent 0
enc "$tmp/rgb.ppm" -o "$here/v2_rgb_halftone_cf50_q4.spix" -d 0.1 -m halftone -q 4 --tonal --chroma-fraction 0.5 --luma-step-exponent 0
# A binary-tree mask.
enc "$tmp/grey.pgm" -o "$here/v2_grey_tree_d15_q2.spix" -d 0.15 -m tree -q 2
# Version 2, edge-enhancing diffusion: chroma everywhere, luma preference,
# grey.
eed() { "$spix" encode "$@" -i eed --tonal -f --quiet; }
eed "$tmp/rgb.ppm" -o "$here/v2_eed_rgb_density_d15_q4.spix" -d 0.15 -m density -q 4,8 --chroma-fraction 1
eed "$tmp/rgb.ppm" -o "$here/v2_eed_rgb_density_cf25_q8.spix" -d 0.2 -m density -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 0
eed "$tmp/grey.pgm" -o "$here/v2_eed_grey_halftone_d20_q2.spix" -d 0.2 -m halftone -q 2,4 --chroma-fraction 1
eed "$tmp/rgb.ppm" -o "$here/v2_eed_rgb_tree_cf25_q8.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 0
# Version 3: luma steps per point (QMAP), under EED on a tree and under
# diffusion on a density field.
eed "$tmp/rgb.ppm" -o "$here/v3_eed_rgb_tree_cf25_q8_x4.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 4
enc "$tmp/rgb.ppm" -o "$here/v3_rgb_density_cf25_q12_x8.spix" -d 0.2 -m density -q 12 --chroma-fraction 0.25 --luma-step-exponent 8
# Version 5: residuals coded with mixed models; grey and chroma at every
# point under diffusion, and EED's luma preference with steps per point on
# a tree.
full "$tmp/grey.pgm" -o "$here/v5_grey_halftone_d20_q1.spix" -d 0.2 -m halftone -q 1
full "$tmp/rgb.ppm" -o "$here/v5_rgb_random_d30_q4.spix" -d 0.3 -m random -q 4,8 --seed 4
eed "$tmp/rgb.ppm" -o "$here/v5_eed_rgb_tree_cf25_q8_x4.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 4
# Version 6: chroma points spread by the luma points' density on a tree.
eed "$tmp/rgb.ppm" -o "$here/v6_eed_rgb_tree_cf25_q8_x4.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 4
# Version 7: the post-filter (FILT), on the chroma planes of an EED file,
# on every plane of one with chroma at every point (Co with three direction
# classes), and on a grey diffusion file.
eed "$tmp/rgb.ppm" -o "$here/v7_eed_rgb_tree_cf25_q8_x4_pf.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 4 --post-filter
eed "$tmp/rgb.ppm" -o "$here/v7_eed_rgb_tree_d20_q2_pf.spix" -d 0.2 -m tree -q 2,4 --chroma-fraction 1 --post-filter
enc "$tmp/grey.pgm" -o "$here/v7_grey_tree_d15_q2_pf.spix" -d 0.15 -m tree -q 2 --post-filter
# Version 8: border lines (BRDR) around an EED file with luma preference.
eed "$tmp/framed.ppm" -o "$here/v8_eed_framed_tree_cf25_q8.spix" -d 0.2 -m tree -q 8,16 --chroma-fraction 0.25 --luma-step-exponent 4
# The learned decoder (g, the default): the shipped weights, named, and one
# LibTorch thread. The header records the weights' hash; the full SHA-256
# goes next to the files, so the test can say which weights they need.
# Regenerate these (only these) when the shipped inpaint-g weights change.
models=$here/../../networks/weights
learned() {
  "$spix" encode "$@" -i learned --models "$models" --threads 1 -f --quiet
}
learned "$tmp/rgb.ppm" -o "$here/learned_rgb_halftone_d10_q4.spix" -d 0.1 -m halftone -q 4,8 --tonal-steps 2
learned "$tmp/grey.pgm" -o "$here/learned_grey_random_d20_q2.spix" -d 0.2 -m random -q 2,4 --seed 3 --tonal-steps 0
learned "$tmp/tall.ppm" -o "$here/learned_tall_grid_d30_q8.spix" -d 0.3 -m grid -q 8,16 --tonal-steps 0
(cd "$models" && sha256sum inpaint-g.safetensors) >"$here/learned_weights.sha256"
for f in "$here"/*.spix; do
  "$spix" decode "$f" -o "${f%.spix}.png" --models "$models" --threads 1 -f --quiet
done
