"""The README's segmentation picture: Grad-CAM of one object of the shipped segmentation model, beside its mask.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_segmentation_picture.py

Takes one sample cell and its label image, writes the main cell (label 1) as a mask, and runs
`java -jar target/explain-ij.jar grad-cam --model models/cells-unet.pt --region <mask> --target mitotic`
at the decoder's last layer (relu6) and at the bottleneck (relu4, the sidecar's cam_layer). Left: the
image with the object's outline; then the two overlay figures as the command line writes them.
"""
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image, ImageDraw

NAME = "mitotic_005"
IMAGE = "sample-data/cells/images/%s.tif" % NAME
LABELS = "sample-data/cells/labels/%s.tif" % NAME
OUT = "src/site/resources/images/segmentation-object.png"
PAD = 6

labels = tifffile.imread(LABELS)
cell = labels == 1
with tempfile.TemporaryDirectory() as tmp:
    mask = os.path.join(tmp, "cell.tif")
    tifffile.imwrite(mask, (cell * 255).astype(np.uint8))
    figures = []
    for layer in ["relu6", "relu4"]:
        png = os.path.join(tmp, layer + ".png")
        subprocess.run(["java", "-jar", "target/explain-ij.jar", "grad-cam", "--model", "models/cells-unet.pt", "--image", IMAGE,
                        "--region", mask, "--target", "mitotic", "--param", "layer=" + layer,
                        "--out", os.path.join(tmp, layer + ".tif"), "--overlay", png], check=True, capture_output=True)
        figures.append(Image.open(png).convert("RGB"))

# the image (1st-99.8th percentile to grey) with the object's outline, at the figures' map size
raw = tifffile.imread(IMAGE).astype(np.float64)
lo, hi = np.percentile(raw, [1, 99.8])
grey = (np.clip((raw - lo) / (hi - lo), 0, 1) * 255).astype(np.uint8)
scale = 4
left = Image.fromarray(grey).convert("RGB").resize((grey.shape[1] * scale, grey.shape[0] * scale), Image.NEAREST)
edge = cell & ~(np.roll(cell, 1, 0) & np.roll(cell, -1, 0) & np.roll(cell, 1, 1) & np.roll(cell, -1, 1))
draw = ImageDraw.Draw(left)
for y, x in zip(*np.nonzero(edge)):
    draw.rectangle([x * scale, y * scale, x * scale + scale - 1, y * scale + scale - 1], fill=(0, 220, 255))
title = Image.new("RGB", (left.width, 40), "white")
ImageDraw.Draw(title).text((4, 4), "%s.tif: the object (label 1)" % NAME, fill="black")
ImageDraw.Draw(title).text((4, 20), "region = its mask (cyan outline)", fill="black")
panel = Image.new("RGB", (left.width, left.height + 40), "white")
panel.paste(title, (0, 0))
panel.paste(left, (0, 40))

tiles = [panel] + figures
h = max(t.height for t in tiles)
out = Image.new("RGB", (sum(t.width for t in tiles) + PAD * (len(tiles) + 1), h + 2 * PAD), "white")
x = PAD
for t in tiles:
    out.paste(t, (x, PAD))
    x += t.width + PAD
out.save(OUT, optimize=True)
print("wrote", OUT)
