"""The README's pictures of the folder commands: dataset search, nearest examples, activation space.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_folder_pictures.py

Runs the command line on the shipped cells-gap model and sample-data/cells:
  dataset-search   layer relu3, channel 7 (the most class-selective unit), top 9: the patches under the
                   receptive field, each enlarged 4x, in a row;
  nearest-examples the image mitotic_010 (left, framed) and its 5 nearest images at relu3 (cosine);
  activation-space relu3: the plot the command writes, as it is.
Grey levels: the 1st to 99.8th percentile of each picture's values.
"""
import csv
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image, ImageDraw

JAR = "target/explain-ij.jar"
MODEL = "models/cells-gap.pt"
CELLS = "sample-data/cells"
OUT = "src/site/resources/images"
GAP = 4


def grey(a):
    lo, hi = np.percentile(a, [1, 99.8])
    return Image.fromarray((np.clip((a - lo) / max(hi - lo, 1e-12), 0, 1) * 255).astype(np.uint8))


def row(tiles, background=255):
    w = sum(t.width for t in tiles) + GAP * (len(tiles) - 1)
    h = max(t.height for t in tiles)
    out = Image.new("L", (w, h), background)
    x = 0
    for t in tiles:
        out.paste(t, (x, 0))
        x += t.width + GAP
    return out


def cli(*args):
    subprocess.run(["java", "-jar", JAR] + list(args), check=True, capture_output=True)


with tempfile.TemporaryDirectory() as tmp:
    hits = os.path.join(tmp, "hits.tif")
    cli("dataset-search", "--model", MODEL, "--input-dir", CELLS, "--param", "layer=relu3", "--param", "channel=7", "--out", hits)
    patches = tifffile.imread(hits).astype(np.float64)
    tiles = [grey(p).resize((p.shape[1] * 4, p.shape[0] * 4), Image.NEAREST) for p in patches]
    row(tiles).save(os.path.join(OUT, "dataset-search.png"), optimize=True)

    near = os.path.join(tmp, "near.tif")
    table = os.path.join(tmp, "near.csv")
    cli("nearest-examples", "--model", MODEL, "--image", CELLS + "/images/mitotic_010.tif", "--input-dir", CELLS, "--param",
        "layer=relu3", "--param", "k=5", "--out", near, "--table", table)
    query = grey(tifffile.imread(CELLS + "/images/mitotic_010.tif").astype(np.float64)).resize((128, 128), Image.BILINEAR)
    framed = Image.new("L", (136, 136), 0)
    framed.paste(query, (4, 4))
    found = [grey(p).resize((128, 128), Image.BILINEAR) for p in tifffile.imread(near).astype(np.float64)]
    picture = row([framed] + found)
    draw = ImageDraw.Draw(picture)
    with open(table) as f:
        labels = [r["label"] for r in csv.DictReader(f)]
    x = framed.width + GAP
    for label in labels:
        draw.text((x + 4, 4), label, fill=255)
        x += 128 + GAP
    draw.text((8, 8), "query", fill=255)
    picture.save(os.path.join(OUT, "nearest-examples.png"), optimize=True)

    space = os.path.join(tmp, "space.tif")
    cli("activation-space", "--model", MODEL, "--input-dir", CELLS, "--param", "layer=relu3", "--out", space)
    Image.open(os.path.join(tmp, "space_pca.png")).convert("RGB").save(os.path.join(OUT, "activation-space.png"), optimize=True)
print("wrote", OUT + "/{dataset-search,nearest-examples,activation-space}.png")
