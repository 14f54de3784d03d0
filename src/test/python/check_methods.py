#!/usr/bin/env python3
"""Check CLI attributions on any model and image against the PyTorch references of the fixture scripts.

    mvn -q -B -DskipTests package
    /usr/bin/python3 src/test/python/check_methods.py --model models/cells-bn.pt \
        --image sample-data/cells-shortcut/images/foci_005.tif --target 3

For Grad-CAM (Captum's LayerGradCam + bilinear interpolate), Occlusion (Captum's Occlusion) and
Integrated Gradients (Captum's IntegratedGradients, Gauss-Legendre), it runs
`java -jar target/explain-ij.jar <method>` with default parameters, computes the reference with the
same functions that make the committed fixtures (make_cam_fixtures.py, make_perturbation_fixtures.py,
make_gradient_fixtures.py), and prints the max relative error max|a-b| / max|b| of each. Exit status 1
if any exceeds --tolerance (default 1e-4). Model and image paths are relative to the repository.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tifffile  # noqa: E402

import make_cam_fixtures as cam  # noqa: E402
import make_gradient_fixtures as grad  # noqa: E402
import make_perturbation_fixtures as pert  # noqa: E402
from make_fixtures import ROOT, read_raw  # noqa: E402


def cli(method, model, image, target, out):
    subprocess.run(["java", "-jar", os.path.join(ROOT, "target", "explain-ij.jar"), method, "--model", os.path.join(ROOT, model),
                    "--image", os.path.join(ROOT, image), "--target", str(target), "--out", out],
                   check=True, capture_output=True)
    return tifffile.imread(out).astype(np.float64)


def reference(module, call, name):
    """Runs a fixture-script case with its output folder redirected; returns the written document."""
    with tempfile.TemporaryDirectory() as tmp:
        module.OUT = tmp
        call()
        with open(os.path.join(tmp, name + ".json")) as f:
            return json.load(f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--target", type=int, required=True)
    p.add_argument("--tolerance", type=float, default=1e-4)
    a = p.parse_args()
    sidecar = json.load(open(os.path.join(ROOT, os.path.splitext(a.model)[0] + ".json")))
    raw = read_raw(os.path.join(ROOT, a.image), sidecar["input"]["channels"])
    h, w = raw.shape[1:]
    refs = {}
    # Grad-CAM at the sidecar's cam_layer
    doc = reference(cam, lambda: cam.write_case("x", a.model, sidecar["cam_layer"], a.target, "logit", image_rel=a.image,
                                                  methods=("grad-cam",)), "x")
    refs["grad-cam"] = np.asarray(doc["maps"]["grad-cam"]["map"]).reshape(h, w)
    # Occlusion: window 16, stride 4, zero fill, logit (the command's defaults)
    doc = reference(pert, lambda: pert.occlusion_case("x", a.model, a.target, "logit", 16, 4, "zero", image_rel=a.image), "x")
    refs["occlusion"] = np.asarray(doc["attribution"]).reshape(h, w)
    # Integrated Gradients: 50 Gauss-Legendre steps, zero baseline, summed over channels
    model = grad.Model(a.model)
    attribution, _, _ = grad.integrated_gradients(model, raw, a.target, "logit", "zero", "gausslegendre", 50)
    refs["integrated-gradients"] = np.asarray(attribution).reshape(-1, h, w).sum(0)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for method, ref in refs.items():
            got = cli(method, a.model, a.image, a.target, os.path.join(tmp, method + ".tif")).reshape(h, w)
            err = float(np.abs(got - ref).max() / np.abs(ref).max())
            worst = max(worst, err)
            print("%-22s max relative error %.2e (max|ref| %.4g)" % (method, err, float(np.abs(ref).max())))
    sys.exit(1 if worst > a.tolerance else 0)


if __name__ == "__main__":
    main()
