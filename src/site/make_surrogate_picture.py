"""The README's surrogate picture: the decision tree that mimics cells-gap on the sample cells, as the command draws it.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_surrogate_picture.py

Runs `java -jar target/explain-ij.jar surrogate --model models/cells-gap.pt --input-dir sample-data/cells
--param seed=7` and saves its main image (the drawn tree) as a PNG.
"""
import os
import subprocess
import tempfile

import numpy as np
import tifffile
from PIL import Image

OUT = "src/site/resources/images/surrogate-tree.png"

with tempfile.TemporaryDirectory() as tmp:
    tif = os.path.join(tmp, "tree.tif")
    subprocess.run(["java", "-jar", "target/explain-ij.jar", "surrogate", "--model", "models/cells-gap.pt", "--input-dir", "sample-data/cells",
                    "--param", "seed=7", "--out", tif], check=True, capture_output=True)
    rgb = tifffile.imread(tif)
    if rgb.ndim == 3 and rgb.shape[0] == 3:  # planar RGB
        rgb = np.moveaxis(rgb, 0, -1)
    Image.fromarray(np.ascontiguousarray(rgb.astype(np.uint8))).save(OUT, optimize=True)
print("wrote", OUT)
