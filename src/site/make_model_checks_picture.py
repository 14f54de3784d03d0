"""The README's sanity-check picture: saliency and guided backpropagation as cells-gap is randomized from the top.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_model_checks_picture.py

Runs `java -jar target/explain-ij.jar sanity-check --model models/cells-gap.pt --image <mitotic_000>
--param method=<saliency | guided-backprop> --param seed=3` and draws each run's stack of maps (the
trained model's, then fc, conv3, conv2, conv1 randomized), absolute values, each map scaled to its own
maximum, with the Spearman rank correlation (absolute values) of each map with the first.
"""
import csv
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image, ImageDraw

IMAGE = "sample-data/cells/images/mitotic_000.tif"
OUT = "src/site/resources/images/sanity-check.png"
SCALE, PAD, LABEL, HEAD = 2, 4, 110, 16
STEPS = ["trained", "fc", "+ conv3", "+ conv2", "+ conv1"]

rows = []
with tempfile.TemporaryDirectory() as tmp:
    for method in ["saliency", "guided-backprop"]:
        tif, table = os.path.join(tmp, method + ".tif"), os.path.join(tmp, method + ".csv")
        subprocess.run(["java", "-jar", "target/explain-ij.jar", "sanity-check", "--model", "models/cells-gap.pt", "--image", IMAGE,
                        "--param", "method=" + method, "--param", "seed=3", "--out", tif, "--table", table], check=True, capture_output=True)
        maps = tifffile.imread(tif)
        with open(table) as f:
            spearman = [1.0] + [float(r["spearman_abs"]) for r in csv.DictReader(f)]
        rows.append((method, np.abs(maps), spearman))

h, w = rows[0][1].shape[1] * SCALE, rows[0][1].shape[2] * SCALE
out = Image.new("RGB", (LABEL + len(STEPS) * (w + PAD) + PAD, HEAD + len(rows) * (h + HEAD + PAD) + PAD), "white")
draw = ImageDraw.Draw(out)
for j, step in enumerate(STEPS):
    draw.text((LABEL + PAD + j * (w + PAD), 2), step, fill="black")
for i, (method, maps, spearman) in enumerate(rows):
    y = HEAD + i * (h + HEAD + PAD)
    draw.text((4, y + h // 2), method, fill="black")
    for j in range(len(STEPS)):
        m = maps[j]
        grey = (np.clip(m / m.max(), 0, 1) * 255).astype(np.uint8) if m.max() > 0 else np.zeros(m.shape, np.uint8)
        tile = Image.fromarray(grey).resize((w, h), Image.NEAREST).convert("RGB")
        x = LABEL + PAD + j * (w + PAD)
        out.paste(tile, (x, y))
        draw.text((x, y + h + 1), "rho %.2f" % spearman[j], fill="black")
out.save(OUT, optimize=True)
print("wrote", OUT)
