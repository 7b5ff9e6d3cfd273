"""Per-image Bjontegaard deltas between two curves of `spix bench` CSVs.

Usage: python3 scripts/bd_per_image.py A.csv LABEL_A B.csv LABEL_B

For each image both files hold, fits log(rate) and PSNR as cubics (lower
degree with fewer points) through that image's points, as VCEG-M33 does,
and prints B's BD-rate and BD-PSNR against A, then the means. Standard
library only.
"""
import csv
import math
import sys


def load(path, label):
    curves = {}
    for row in csv.DictReader(open(path)):
        if row["codec"] == label:
            curves.setdefault(row["image"], []).append(
                (float(row["bpp"]), float(row["psnr_rgb"])))
    return curves


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [m[r][k] - f * m[c][k] for k in range(n + 1)]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(xs, ys):
    degree = min(3, len(xs) - 1)
    a = [[sum(x ** (i + j) for x in xs) for j in range(degree + 1)]
         for i in range(degree + 1)]
    b = [sum(y * x ** i for x, y in zip(xs, ys)) for i in range(degree + 1)]
    return solve(a, b)


def mean_over(coeffs, lo, hi):
    return sum(c * (hi ** (i + 1) - lo ** (i + 1)) / (i + 1)
               for i, c in enumerate(coeffs)) / (hi - lo)


def deltas(a, b):
    ra, pa = [math.log(r) for r, _ in a], [p for _, p in a]
    rb, pb = [math.log(r) for r, _ in b], [p for _, p in b]
    lo, hi = max(min(pa), min(pb)), min(max(pa), max(pb))
    rate = math.exp(mean_over(fit(pb, rb), lo, hi) -
                    mean_over(fit(pa, ra), lo, hi)) - 1
    lo, hi = max(min(ra), min(rb)), min(max(ra), max(rb))
    psnr = mean_over(fit(rb, pb), lo, hi) - mean_over(fit(ra, pa), lo, hi)
    return 100 * rate, psnr


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    a = load(sys.argv[1], sys.argv[2])
    b = load(sys.argv[3], sys.argv[4])
    rates, psnrs = [], []
    for image in sorted(set(a) & set(b)):
        rate, psnr = deltas(sorted(a[image]), sorted(b[image]))
        rates.append(rate)
        psnrs.append(psnr)
        print(f"{image}: {rate:+.2f} % {psnr:+.3f} dB")
    if not rates:
        sys.exit("no image has both curves")
    print(f"mean: {sum(rates) / len(rates):+.2f} % "
          f"{sum(psnrs) / len(psnrs):+.3f} dB over {len(rates)} images")


if __name__ == "__main__":
    main()
