"""The README's pictures of activation-max and deep-dream, made with the command line on cells-gap.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_visualize_pictures.py

activation-max.png: the class model of each class (from noise, Lucid's fft parameterization, jitter 2,
total variation 0.001, 60 steps), then relu3 channel 5 with the same priors, each scaled to its own
1st-99th percentile. deep-dream.png: a sample cell and its dream at relu3 (defaults), on one grey scale.
"""
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image, ImageDraw

MODEL = "models/cells-gap.pt"
IMAGE = "sample-data/cells/images/mitotic_001.tif"
OUT = "src/site/resources/images"
SCALE, PAD, TITLE = 3, 6, 18


def run(name, tif, *params):
    args = ["java", "-jar", "target/explain-ij.jar", name, "--model", MODEL, "--image", IMAGE, "--out", tif]
    for p in params:
        args += ["--param", p]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    values = dict(line.split(": ", 1) for line in out.splitlines() if line.startswith("objective_"))
    return tifffile.imread(tif).astype(np.float64), values


def grey(a, lo=None, hi=None):
    if lo is None:
        lo, hi = np.percentile(a, [1, 99])
    g = (np.clip((a - lo) / (hi - lo + 1e-12), 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(g).resize((a.shape[1] * SCALE, a.shape[0] * SCALE), Image.NEAREST)


def tile(img, caption):
    t = Image.new("RGB", (img.width, img.height + TITLE), "white")
    ImageDraw.Draw(t).text((2, 2), caption, fill="black")
    t.paste(img.convert("RGB"), (0, TITLE))
    return t


def row(tiles, path):
    h = max(t.height for t in tiles)
    out = Image.new("RGB", (sum(t.width for t in tiles) + PAD * (len(tiles) + 1), h + 2 * PAD), "white")
    x = PAD
    for t in tiles:
        out.paste(t, (x, PAD))
        x += t.width + PAD
    out.save(path, optimize=True)
    print("wrote", path)


priors = ["parameterization=fft", "jitter=2", "tv_weight=0.001", "steps=60", "init=noise", "seed=1"]
with tempfile.TemporaryDirectory() as tmp:
    tiles = []
    for k in ["interphase", "mitotic", "apoptotic", "foci"]:
        a, v = run("activation-max", os.path.join(tmp, k + ".tif"), "objective=class", "target=" + k, *priors)
        tiles.append(tile(grey(a), "%s %.0f->%.0f" % (k, float(v["objective_start"]), float(v["objective_end"]))))
    a, v = run("activation-max", os.path.join(tmp, "channel.tif"), "objective=channel", "layer=relu3", "channel=5", *priors)
    tiles.append(tile(grey(a), "relu3 ch 5 %.1f->%.0f" % (float(v["objective_start"]), float(v["objective_end"]))))
    row(tiles, os.path.join(OUT, "activation-max.png"))

    source = tifffile.imread(IMAGE).astype(np.float64)
    dream, v = run("deep-dream", os.path.join(tmp, "dream.tif"), "layer=relu3")
    lo, hi = np.percentile(source, [1, 99.8])
    row([tile(grey(source, lo, hi), os.path.basename(IMAGE)),
         tile(grey(dream, lo, hi), "dream relu3 %.0f->%.0f" % (float(v["objective_start"]), float(v["objective_end"])))],
        os.path.join(OUT, "deep-dream.png"))
