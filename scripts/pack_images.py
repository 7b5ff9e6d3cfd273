#!/usr/bin/env python3
"""Packs JPEG/PNG images into one image pack for spix-train.

spix-train (the OpenCV-free trainer built with -DSPIX_TRAINER_ONLY=ON for GPU
hosts) reads packs instead of image files. Format (networks/train_util.h):
the 8 bytes b"SPIXPACK", then per image its width and height as little-endian
uint32 and width * height * 3 bytes of RGB. Images are packed sorted by name,
as spix reads directories. Needs Pillow.

  python3 scripts/pack_images.py DIR [DIR...] -o train.pack [--limit N]
"""
import argparse
import os
import struct
import sys

from PIL import Image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", help="directories of images")
    parser.add_argument("-o", "--output", required=True, help="the .pack file")
    parser.add_argument("--limit", type=int, default=0,
                        help="at most this many images per directory (0: all)")
    args = parser.parse_args()
    if not args.output.endswith(".pack"):
        sys.exit("pack_images: error: the output must end in .pack")
    count = 0
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as out:
        out.write(b"SPIXPACK")
        for directory in args.dirs:
            names = sorted(n for n in os.listdir(directory)
                           if n.lower().endswith((".jpg", ".jpeg", ".png")))
            if args.limit:
                names = names[:args.limit]
            for name in names:
                with Image.open(os.path.join(directory, name)) as image:
                    rgb = image.convert("RGB")
                out.write(struct.pack("<II", rgb.width, rgb.height))
                out.write(rgb.tobytes())
                count += 1
    os.replace(temporary, args.output)
    print(f"{count} images -> {args.output}")


if __name__ == "__main__":
    main()
