"""The README's pictures of the evaluation commands, as the command line writes them.

    mvn -q -B -DskipTests package && /usr/bin/python3 src/site/make_evaluate_pictures.py

1. evaluate-deletion.png: deletion curves of saliency, Grad-CAM and Integrated Gradients against the
   random order, for the shortcut model on a mitotic cell with the burned-in scale bar.
2. evaluate-compare.png: the localization / class-sensitivity figure of `compare` over the shortcut
   model's 32 test images (the README's table; about 6 minutes).
"""
import os
import shutil
import subprocess
import tempfile

OUT = "src/site/resources/images"
JAR = ["java", "-jar", "target/explain-ij.jar"]
MODEL = "models/cells-shortcut.pt"
METHODS = ["--param", "methods=saliency,grad-cam,integrated-gradients", "--param", "method.integrated-gradients.steps=16"]

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(JAR + ["deletion", "--model", MODEL, "--image", "sample-data/cells-shortcut/images/mitotic_001.tif", *METHODS,
                          "--param", "steps=20", "--out", os.path.join(tmp, "d.tif")], check=True, capture_output=True)
    shutil.copy(os.path.join(tmp, "d_curves.png"), os.path.join(OUT, "evaluate-deletion.png"))
    subprocess.run(JAR + ["compare", "--model", MODEL, "--input-dir", "sample-data/cells-shortcut", *METHODS,
                          "--param", "steps=10", "--out", os.path.join(tmp, "c.tif")], check=True, capture_output=True)
    shutil.copy(os.path.join(tmp, "c_localization.png"), os.path.join(OUT, "evaluate-compare.png"))
