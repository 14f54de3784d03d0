"""The README's pictures of feature maps, filters, receptive field and deconvnet-unit (one PNG each).

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_inside_pictures.py

Runs the command line on one sample cell with cells-gap:
  feature-maps --param layer=relu2 --param montage=true     -> the montage of the 32 channels
  filters --param layer=conv1                                -> the montage of the 16 kernels
  receptive-field --param layer=pool2 --param x=7 --param y=9 -> the table's rectangle, drawn on the image
  deconvnet-unit --param layer=relu2 --param channel=7 ...    -> the map beside the image and the unit's field
and writes src/site/resources/images/inside-<command>.png. Values are shown with a min-max grey scale
(diverging blue-white-red for the signed deconvnet map); the commands' outputs are raw values.
"""
import csv
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image, ImageDraw

IMAGE = "sample-data/cells-shortcut/images/foci_002.tif"
MODEL = "models/cells-gap.pt"
OUT = "src/site/resources/images"
SCALE = 4


def run(tmp, command, *params):
    out = os.path.join(tmp, command + "_" + "_".join(p.replace("=", "") for p in params) + ".tif")
    args = ["java", "-jar", "target/explain-ij.jar", command, "--model", MODEL, "--out", out]
    if command != "filters":
        args += ["--image", IMAGE]
    for p in params:
        args += ["--param", p]
    subprocess.run(args, check=True, capture_output=True)
    return out


def grey(a):
    a = a.astype(np.float64)
    lo, hi = np.percentile(a, [0.5, 99.8]) if a.size > 64 else (a.min(), a.max())
    return Image.fromarray((np.clip((a - lo) / max(hi - lo, 1e-12), 0, 1) * 255).astype(np.uint8)).convert("RGB")


def diverging(a):
    m = max(np.abs(a).max(), 1e-12)
    t = np.clip(a / m, -1, 1)
    rgb = np.ones(a.shape + (3,))
    rgb[..., 0] -= np.where(t < 0, -t, 0)
    rgb[..., 1] -= np.abs(t)
    rgb[..., 2] -= np.where(t > 0, t, 0)
    return Image.fromarray((rgb * 255).astype(np.uint8))


def big(img, scale=SCALE):
    return img.resize((img.width * scale, img.height * scale), Image.NEAREST)


def titled(img, lines):
    panel = Image.new("RGB", (img.width, img.height + 16 * len(lines) + 6), "white")
    for i, line in enumerate(lines):
        ImageDraw.Draw(panel).text((4, 3 + 16 * i), line, fill="black")
    panel.paste(img, (0, 16 * len(lines) + 6))
    return panel


def side_by_side(tiles, path):
    pad = 6
    h = max(t.height for t in tiles)
    out = Image.new("RGB", (sum(t.width for t in tiles) + pad * (len(tiles) + 1), h + 2 * pad), "white")
    x = pad
    for t in tiles:
        out.paste(t, (x, pad))
        x += t.width + pad
    out.save(path, optimize=True)
    print(path, out.size)


def table(tif):
    with open(tif[:-4] + ".csv") as f:
        return list(csv.DictReader(f))


def main():
    cell = tifffile.imread(IMAGE)
    with tempfile.TemporaryDirectory() as tmp:
        maps = run(tmp, "feature-maps", "layer=relu2", "montage=true")
        montage = tifffile.imread(maps[:-4] + "_montage.tif")
        side_by_side([titled(big(grey(cell)), ["foci_002.tif"]),
                      titled(big(grey(montage), 2), ["feature-maps layer=relu2: 32 channels of 32x32"])],
                     os.path.join(OUT, "inside-feature-maps.png"))

        filters = run(tmp, "filters", "layer=conv1")
        kernels = tifffile.imread(filters[:-4] + "_montage.tif")
        side_by_side([titled(big(grey(kernels), 2), ["filters layer=conv1:", "16 kernels 3x3 (cells-gap)"])],
                     os.path.join(OUT, "inside-filters.png"))

        field = run(tmp, "receptive-field", "layer=pool2", "x=7", "y=9")
        row = table(field)[0]
        img = big(grey(cell))
        x0, y0, x1, y1 = (int(row[k]) for k in ("x0", "y0", "x1", "y1"))
        ImageDraw.Draw(img).rectangle([x0 * SCALE, y0 * SCALE, (x1 + 1) * SCALE - 1, (y1 + 1) * SCALE - 1], outline=(255, 220, 0), width=2)
        side_by_side([titled(img, ["receptive-field layer=pool2 x=7 y=9:",
                                   "columns %d..%d, rows %d..%d (%s)" % (x0, x1, y0, y1, row["found_by"])])],
                     os.path.join(OUT, "inside-receptive-field.png"))

        unit = run(tmp, "deconvnet-unit", "layer=relu2", "channel=7", "x=11", "y=14")
        projection = tifffile.imread(unit)
        field = run(tmp, "receptive-field", "layer=relu2", "x=11", "y=14")
        row = table(field)[0]
        img = big(grey(cell))
        x0, y0, x1, y1 = (int(row[k]) for k in ("x0", "y0", "x1", "y1"))
        ImageDraw.Draw(img).rectangle([x0 * SCALE, y0 * SCALE, (x1 + 1) * SCALE - 1, (y1 + 1) * SCALE - 1], outline=(255, 220, 0), width=2)
        side_by_side([titled(img, ["foci_002.tif, the receptive field", "of relu2 at (11, 14)"]),
                      titled(big(diverging(projection)), ["deconvnet-unit layer=relu2", "channel=7 x=11 y=14"])],
                     os.path.join(OUT, "inside-deconvnet-unit.png"))


if __name__ == "__main__":
    main()
