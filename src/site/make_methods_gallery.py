"""The README's methods gallery: every attribution method of the CLI on one sample image, as overlays.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_methods_gallery.py

Runs `java -jar target/explain-ij.jar <method> ... --overlay` for every method that `list` shows
(default parameters, the predicted class), then tiles the overlay figures as the command line writes them
(each with its title, colour bar and legend), at their own size.
"""
import os
import subprocess
import tempfile

from PIL import Image

MODEL = "models/cells-gap.pt"
IMAGE = "sample-data/cells/images/mitotic_000.tif"
OUT = "src/site/resources/images/methods-gallery.png"
PAD, COLUMNS = 6, 4

listing = subprocess.run(["java", "-jar", "target/explain-ij.jar", "list"], check=True, capture_output=True, text=True).stdout
methods = [line.split()[0] for line in listing.splitlines() if line and not line[0].isspace()]
tiles = []
with tempfile.TemporaryDirectory() as tmp:
    for m in methods:
        png = os.path.join(tmp, m + ".png")
        r = subprocess.run(["java", "-jar", "target/explain-ij.jar", m, "--model", MODEL, "--image", IMAGE,
                            "--out", os.path.join(tmp, m + ".tif"), "--overlay", png], capture_output=True, text=True)
        if r.returncode != 0:
            print("skipped", m, r.stderr.strip())
            continue
        tiles.append((m, Image.open(png).convert("RGB")))
tw = max(t.width for _, t in tiles)
th = max(t.height for _, t in tiles)
rows = (len(tiles) + COLUMNS - 1) // COLUMNS
out = Image.new("RGB", (COLUMNS * (tw + PAD) + PAD, rows * (th + PAD) + PAD), "white")
for i, (name, tile) in enumerate(tiles):
    out.paste(tile, (PAD + (i % COLUMNS) * (tw + PAD), PAD + (i // COLUMNS) * (th + PAD)))
out.save(OUT, optimize=True)
print("wrote", OUT, "with", len(tiles), "methods")
