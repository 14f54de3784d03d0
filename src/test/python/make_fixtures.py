#!/usr/bin/env python3
"""Reference fixtures for the Explain-IJ Java tests, computed with PyTorch autograd.

    /usr/bin/python3 src/test/python/make_fixtures.py

Writes
  src/test/resources/models/linear-8x8.pt/.json  flatten + Linear(64->3), weights by formula
  src/test/resources/models/tiny-rgb.pt/.json    seeded untrained 3-channel conv net, any size
  src/test/resources/fixtures/<case>.json        logits + d score / d raw pixels

All references are computed from the SAVED TorchScript files (torch.jit.load),
in eval mode, through the Explain-IJ normalisation and bilinear resize
(implemented here independently of models/explainable.py):

  raw x: float32 [C,H,W]
  none:       x
  range:      (x - min) / (max - min)
  meanstd:    (x - mean[c]) / std[c]
  percentile: lo = numpy.percentile(x, low), hi = numpy.percentile(x, high) over all
              pixels of all channels (linear interpolation), (x - lo) / (hi - lo)
              (divisor 1 if hi == lo); lo, hi are constants (no gradient)
  then, if the sidecar fixes height/width and they differ: interpolate(bilinear,
  align_corners=False) of [1,C,h,w] to [1,C,H,W]; then the network.
score "logit" = logits[target]; "probability" = softmax(logits)[target].

Models must exist first: /usr/bin/python3 models/train_models.py
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the repository free of __pycache__

import numpy as np
import tifffile
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
RES = os.path.join(ROOT, "src", "test", "resources")
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402  (only used to EXPORT the two test models)


def linear_weights():
    """W[k, i] = ((i*7 + k*13) % 17 - 8) / 10, i = y*8 + x; b[k] = 0.5*k."""
    w = np.zeros((3, 64), np.float32)
    for k in range(3):
        for i in range(64):
            w[k, i] = ((i * 7 + k * 13) % 17 - 8) / 10.0
    b = np.array([0.5 * k for k in range(3)], np.float32)
    return w, b


def make_test_models():
    d = os.path.join(RES, "models")
    os.makedirs(d, exist_ok=True)
    fc = nn.Linear(64, 3)
    w, b = linear_weights()
    with torch.no_grad():
        fc.weight.copy_(torch.from_numpy(w))
        fc.bias.copy_(torch.from_numpy(b))
    explainable.export([("flatten", nn.Flatten()), ("fc", fc)], os.path.join(d, "linear-8x8.pt"),
                       "linear-8x8", ["a", "b", "c"], channels=1, height=8, width=8,
                       normalize={"type": "none"})

    torch.manual_seed(1234)
    tiny = collections.OrderedDict([
        ("conv1", nn.Conv2d(3, 4, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(4, 6, 3, padding=1)), ("relu2", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(6, 2)),
    ])
    explainable.export(tiny, os.path.join(d, "tiny-rgb.pt"), "tiny-rgb", ["neg", "pos"],
                       channels=3, normalize={"type": "range", "min": 0, "max": 255},
                       cam_layer="relu2")


def read_raw(path, channels):
    """TIFF -> float32 [C,H,W]."""
    a = tifffile.imread(path).astype(np.float32)
    if a.ndim == 2:
        a = a[None]
    elif a.ndim == 3 and a.shape[0] != channels and a.shape[-1] == channels:
        a = np.moveaxis(a, -1, 0)
    return np.ascontiguousarray(a)


def normalize(x, spec):
    t = spec.get("type", "none")
    if t == "none":
        return x
    if t == "range":
        return (x - float(spec["min"])) / (float(spec["max"]) - float(spec["min"]))
    if t == "meanstd":
        c = x.shape[0]
        mean = torch.tensor(spec["mean"], dtype=torch.float32).reshape(c, 1, 1)
        std = torch.tensor(spec["std"], dtype=torch.float32).reshape(c, 1, 1)
        return (x - mean) / std
    if t == "percentile":
        v = x.detach().numpy()
        lo = float(np.percentile(v, float(spec["low"])))
        hi = float(np.percentile(v, float(spec["high"])))
        return (x - lo) / ((hi - lo) if hi != lo else 1.0)
    raise ValueError(t)


def reference(model_rel, raw, target, score):
    """Returns (logits, predicted, gradient [C,H,W]) for raw float32 [C,H,W]."""
    pt = os.path.join(ROOT, model_rel)
    sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
    model = torch.jit.load(pt).eval()
    x = torch.from_numpy(raw.copy()).requires_grad_(True)
    y = normalize(x, sidecar.get("normalize", {"type": "none"})).unsqueeze(0)
    inp = sidecar["input"]
    if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
        y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
    logits = model(y)[0]
    if score == "logit":
        s = logits[target]
    elif score == "probability":
        s = torch.softmax(logits, 0)[target]
    else:
        raise ValueError(score)
    s.backward()
    g = x.grad.detach().numpy().astype(np.float32)
    return logits.detach().numpy().astype(np.float32), int(logits.argmax()), g, float(s)


def flist(a):
    return [float(v) for v in np.asarray(a, np.float32).ravel()]


def write_case(name, model_rel, target, score, image_rel=None, raw=None):
    pt = os.path.join(ROOT, model_rel)
    channels = json.load(open(os.path.splitext(pt)[0] + ".json"))["input"]["channels"]
    if image_rel is not None:
        raw = read_raw(os.path.join(ROOT, image_rel), channels)
    logits, pred, grad, sval = reference(model_rel, raw, target, score)
    doc = collections.OrderedDict()
    doc["model"] = model_rel
    if image_rel is not None:
        doc["image"] = image_rel
        doc["input"] = None
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    doc["target"] = target
    doc["score"] = score
    doc["score_value"] = sval
    doc["logits"] = flist(logits)
    doc["predicted"] = pred
    doc["gradient_shape"] = list(grad.shape)
    doc["gradient"] = flist(grad)
    os.makedirs(os.path.join(RES, "fixtures"), exist_ok=True)
    with open(os.path.join(RES, "fixtures", name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("%-26s target %d pred %d %s=%.5g max|g|=%.4g shape %s" % (
        name, target, pred, score, sval, float(np.abs(grad).max()), list(grad.shape)))


def main():
    torch.set_num_threads(1)
    make_test_models()
    gap, bn, sc = "models/cells-gap.pt", "models/cells-bn.pt", "models/cells-shortcut.pt"
    write_case("gap_foci_logit", gap, 3, "logit", image_rel="sample-data/cells/images/foci_003.tif")
    write_case("gap_mitotic_prob", gap, 1, "probability",
               image_rel="sample-data/cells/images/mitotic_002.tif")
    write_case("bn_apoptotic_logit", bn, 2, "logit",
               image_rel="sample-data/cells/images/apoptotic_004.tif")
    # 50x72 input: crop rows 7..56, reflect-pad 4 columns on each side
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/mitotic_005.tif"), 1)
    raw = np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect")
    assert raw.shape == (1, 50, 72)
    write_case("bn_resized_logit", bn, 1, "logit", raw=raw)
    # 80x96 input for the any-size model: reflect-pad 8 rows / 16 columns on each side
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/apoptotic_007.tif"), 1)
    raw = np.pad(im, ((0, 0), (8, 8), (16, 16)), mode="reflect")
    assert raw.shape == (1, 80, 96)
    write_case("gap_anysize_logit", gap, 2, "logit", raw=raw)
    rng = np.random.default_rng(7)
    raw = rng.integers(0, 256, size=(3, 20, 24)).astype(np.float32)
    write_case("rgb_tiny_logit", "src/test/resources/models/tiny-rgb.pt", 1, "logit", raw=raw)
    write_case("shortcut_mitotic_logit", sc, 1, "logit",
               image_rel="sample-data/cells-shortcut/images/mitotic_000.tif")


if __name__ == "__main__":
    main()
