"""The README's pictures of network dissection and of the training images behind a decision.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_inspect_dissect_pictures.py

Runs the command line on the sample data with cells-gap:
  dissect --input-dir sample-data/cells --param layer=relu3 (the 8 best units, each on its best image)
  influential-examples --image <the unseen mitotic cell of the region fixtures> --input-dir sample-data/cells --param top=4
and writes their montages (RGB TIFFs), enlarged 2x without smoothing, as PNGs.
"""
import os
import subprocess
import tempfile

import tifffile
from PIL import Image

OUT = "src/site/resources/images"
MODEL = "models/cells-gap.pt"
UNSEEN = "src/test/resources/fixtures/region/unseen_mitotic.tif"
RUNS = {
    "dissect": ["dissect", "--model", MODEL, "--input-dir", "sample-data/cells", "--param", "layer=relu3"],
    "influential-examples": ["influential-examples", "--model", MODEL, "--image", UNSEEN, "--input-dir", "sample-data/cells",
                             "--param", "top=4"],
}

with tempfile.TemporaryDirectory() as tmp:
    for name, args in RUNS.items():
        tif = os.path.join(tmp, name + ".tif")
        subprocess.run(["java", "-jar", "target/explain-ij.jar"] + args + ["--out", tif], check=True, capture_output=True)
        rgb = tifffile.imread(tif)
        img = Image.fromarray(rgb).convert("RGB")
        img = img.resize((img.width * 2, img.height * 2), Image.NEAREST)
        path = os.path.join(OUT, name + ".png")
        img.save(path, optimize=True)
        print("wrote", path, img.size, os.path.getsize(path), "bytes")
