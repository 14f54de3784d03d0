#!/usr/bin/env python3
"""Compare a saliency map written by the Explain-IJ CLI with a PyTorch reference.

    /usr/bin/python3 src/test/python/check_saliency.py --model M.pt --image I.tif \
        --target N --attribution OUT.tif [--absolute true|false] [--score logit|probability]

The reference is the gradient of the score (logit or softmax probability of
class N) w.r.t. the RAW pixels, through the sidecar normalisation and the
bilinear resize (see make_fixtures.py for the exact semantics), reduced over
channels: absolute=true -> max_c |g|; absolute=false -> g (C == 1) or sum_c g.
Prints the max relative error max|a-b| / max|b| and exits 1 if it exceeds
--tolerance (default 1e-4), 2 on shape mismatch.
"""
import argparse
import json
import os
import sys

import numpy as np
import tifffile
import torch
import torch.nn.functional as F


sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import normalize, read_raw as read_any  # noqa: E402  (one definition of the semantics)


def read_raw(path, channels):
    a = read_any(path, channels)
    if a.shape[0] != channels:
        raise SystemExit("image has %d channels, model expects %d" % (a.shape[0], channels))
    return a


def saliency(model_path, image_path, target, absolute=True, score="logit"):
    sidecar = json.load(open(os.path.splitext(model_path)[0] + ".json"))
    inp = sidecar["input"]
    model = torch.jit.load(model_path).eval()
    x = torch.from_numpy(read_raw(image_path, int(inp["channels"]))).requires_grad_(True)
    y = normalize(x, sidecar.get("normalize", {"type": "none"})).unsqueeze(0)
    if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
        y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
    logits = model(y)[0]
    s = logits[target] if score == "logit" else torch.softmax(logits, 0)[target]
    s.backward()
    g = x.grad.detach().numpy().astype(np.float64)
    if absolute:
        return np.abs(g).max(axis=0)
    return g[0] if g.shape[0] == 1 else g.sum(axis=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--attribution", required=True, help="32-bit TIFF written by the Java CLI")
    ap.add_argument("--absolute", default="true", choices=["true", "false"])
    ap.add_argument("--score", default="logit", choices=["logit", "probability"])
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--save-reference", help="optionally write the reference as 32-bit TIFF")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ref = saliency(a.model, a.image, a.target, a.absolute == "true", a.score)
    if a.save_reference:
        tifffile.imwrite(a.save_reference, ref.astype(np.float32), imagej=True)
    got = np.squeeze(tifffile.imread(a.attribution).astype(np.float64))
    if got.shape != ref.shape:
        print("shape mismatch: attribution %s, reference %s" % (got.shape, ref.shape))
        return 2
    denom = np.abs(ref).max()
    err = np.abs(got - ref).max() / (denom if denom > 0 else 1.0)
    print("max relative error %.3g (max|ref| %.6g, max|a-b| %.3g)" % (
        err, denom, np.abs(got - ref).max()))
    return 0 if err <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
