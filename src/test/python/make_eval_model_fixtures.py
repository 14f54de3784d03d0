#!/usr/bin/env python3
"""Reference values for the model-level evaluations (sanity check, unit ablation, ROAR / KAR).

Writes
  src/test/resources/models/constant-output.pt/.json
      a classifier whose output ignores its input: its first stage multiplies the image by 0, then
      conv(1->4) relu gap flatten fc(4->3) with seeded weights. Every attribution map of it is
      constant, before and after randomization: every method must fail the sanity check.
  src/test/resources/models/tiny-train.pt/.json
      conv(1->3, 3x3) relu maxpool(2) flatten fc(3*4*4 -> 3) on 8x8 images, seeded weights, for the
      optimizer test.
  src/test/resources/fixtures/evaluate/model/similarity.json
      pairs of maps and scipy.stats.spearmanr / skimage.metrics.structural_similarity (7x7 uniform
      window, sample covariance, K1 0.01, K2 0.03, data_range = max - min of the first map) of them.
  src/test/resources/fixtures/evaluate/model/ablation.json
      cells-gap on sample-data/cells: accuracy and each class's mean own-class logit with no channel
      zeroed and with each channel of relu2 zeroed in turn (plain PyTorch on the sidecar's meanstd).
  src/test/resources/fixtures/evaluate/model/optimizers.json
      two steps of torch.optim.SGD(lr 0.05, momentum 0.9), and of torch.optim.Adam(lr 0.01), with
      F.cross_entropy on tiny-train from its own weights, on two seeded batches of raw images
      (normalization none): the loss and the weights after each step.
  src/test/resources/fixtures/evaluate/model/removal.json
      maps with ties, fractions, and the removed pixels of ROAR (most relevant first, ties by index,
      numpy argsort stable) and KAR (least relevant first), and one image with ROAR's pixels filled by
      its mean.

Run with Debian's torch: /usr/bin/python3 src/test/python/make_eval_model_fixtures.py
"""
import collections
import csv
import json
import os
import sys

import numpy as np
import scipy.stats
import tifffile
import torch
import torch.nn as nn
import torch.nn.functional as F
from skimage.metrics import structural_similarity

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402

MODELS = os.path.join(ROOT, "src", "test", "resources", "models")
OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "evaluate", "model")


def f32(values):
    """float32 values as a list of Python floats (shortest repr that reads back as the same float32)."""
    return [float(np.format_float_positional(v, unique=True)) if np.isfinite(v) else None
            for v in np.asarray(values, dtype=np.float32).ravel()]


def write(name, obj):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


class Zero(nn.Module):
    """Multiplies by 0: the rest of the network never sees the image."""

    def forward(self, x):
        return x * 0.0


def constant_model():
    torch.manual_seed(31)
    stages = collections.OrderedDict([
        ("ignore", Zero()), ("conv1", nn.Conv2d(1, 4, 3, padding=1)), ("relu1", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(4, 3))])
    explainable.export(stages, os.path.join(MODELS, "constant-output.pt"), "constant-output", ["a", "b", "c"],
                       channels=1, normalize={"type": "none"}, cam_layer="relu1")


def tiny_model():
    torch.manual_seed(32)
    stages = collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 3, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()), ("fc", nn.Linear(3 * 4 * 4, 3))])
    return explainable.export(stages, os.path.join(MODELS, "tiny-train.pt"), "tiny-train", ["a", "b", "c"],
                              channels=1, height=8, width=8, normalize={"type": "none"})


def similarity():
    rng = np.random.default_rng(41)
    pairs = []
    for (h, w) in [(16, 16), (12, 20), (9, 7)]:
        a = rng.normal(size=(h, w)).astype(np.float32)
        b = (0.6 * a + 0.8 * rng.normal(size=(h, w))).astype(np.float32)
        b[0, :3] = b[0, 0]  # ties
        entry = {"width": w, "height": h, "a": f32(a), "b": f32(b)}
        for kind, (x, y) in (("signed", (a, b)), ("abs", (np.abs(a), np.abs(b)))):
            x64, y64 = x.astype(np.float64), y.astype(np.float64)
            entry["spearman_" + kind] = float(scipy.stats.spearmanr(x64.ravel(), y64.ravel()).correlation)
            entry["ssim_" + kind] = float(structural_similarity(x64, y64, win_size=7, gaussian_weights=False,
                                                               data_range=float(x64.max() - x64.min())))
        pairs.append(entry)
    write("similarity.json", {"pairs": pairs})


def read_folder(folder):
    with open(os.path.join(folder, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: r["file"])  # ImageFolder's order: sorted by path
    imgs = np.stack([tifffile.imread(os.path.join(folder, "images", r["file"])).astype(np.float32) for r in rows])
    return imgs, [r["class_name"] for r in rows]


def ablation():
    model = torch.jit.load(os.path.join(ROOT, "models", "cells-gap.pt")).eval()
    side = json.load(open(os.path.join(ROOT, "models", "cells-gap.json")))
    classes = side["classes"]
    mean, std = side["normalize"]["mean"][0], side["normalize"]["std"][0]
    imgs, names = read_folder(os.path.join(ROOT, "sample-data", "cells"))
    labels = torch.tensor([classes.index(n) for n in names])
    x = torch.from_numpy((imgs - np.float32(mean)) / np.float32(std))[:, None]
    stage = model.layer_names().index("relu2")
    n = len(model.layer_names())

    def summary(logits):
        acc = float((logits.argmax(1) == labels).double().mean())
        own = [float(logits[labels == k, k].double().mean()) for k in range(len(classes))]
        return {"accuracy": acc, "class_scores": own}

    with torch.no_grad():
        a = model.forward_layers(x, 0, stage + 1)
        rows = [dict(channel=-1, **summary(model.forward_layers(a, stage + 1, n)))]
        for c in range(a.shape[1]):
            z = a.clone()
            z[:, c] = 0
            rows.append(dict(channel=c, **summary(model.forward_layers(z, stage + 1, n))))
    write("ablation.json", {"model": "models/cells-gap.pt", "folder": "sample-data/cells", "layer": "relu2",
                            "classes": classes, "rows": rows})


def optimizers():
    rng = np.random.default_rng(43)
    batches = []
    for _ in range(2):
        raw = rng.uniform(0, 2, size=(5, 1, 8, 8)).astype(np.float32)
        labels = rng.integers(0, 3, size=5)
        batches.append((raw, labels))
    out = {"model": "src/test/resources/models/tiny-train.pt", "batches": [{"raw": f32(r), "labels": [int(v) for v in l]}
                                                                         for r, l in batches]}
    for name, make in (("sgd", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)),
                       ("adam", lambda ps: torch.optim.Adam(ps, lr=0.01))):
        tiny = torch.jit.load(os.path.join(MODELS, "tiny-train.pt"))
        opt = make(list(tiny.parameters()))
        steps = []
        for raw, labels in batches:
            opt.zero_grad()
            loss = F.cross_entropy(tiny(torch.from_numpy(raw)), torch.from_numpy(labels))
            loss.backward()
            opt.step()
            steps.append({"loss": float(loss), "weights": {n: f32(p.detach().numpy()) for n, p in tiny.named_parameters()}})
        out[name] = steps
    fresh = torch.jit.load(os.path.join(MODELS, "tiny-train.pt"))
    out["parameters"] = [n for n, _ in fresh.named_parameters()]
    out["start"] = {n: f32(p.detach().numpy()) for n, p in fresh.named_parameters()}
    write("optimizers.json", out)


def removal():
    rng = np.random.default_rng(44)
    cases = []
    for (h, w) in [(8, 8), (6, 10)]:
        m = np.round(rng.normal(size=(h, w)), 1).astype(np.float32)  # rounding makes ties
        p = h * w
        for fraction in (0.1, 0.25, 0.5, 0.9):
            k = int(np.floor(fraction * p + 0.5))  # round half up, as Java's Math.round
            roar = np.argsort(-m.ravel(), kind="stable")[:k]
            kar = np.argsort(m.ravel(), kind="stable")[:k]
            cases.append({"width": w, "height": h, "map": f32(m), "fraction": fraction,
                          "roar": sorted(int(i) for i in roar), "kar": sorted(int(i) for i in kar)})
    image = rng.uniform(0, 100, size=(2, 6, 10)).astype(np.float32)  # two channels
    m = np.round(rng.normal(size=(6, 10)), 1).astype(np.float32)
    removed = np.argsort(-m.ravel(), kind="stable")[:30]
    filled = image.copy().reshape(2, -1)
    for c in range(2):
        filled[c, removed] = image[c].astype(np.float64).mean()
    write("removal.json", {"cases": cases, "fill": {"width": 10, "height": 6, "channels": 2, "image": f32(image), "map": f32(m),
                                                   "fraction": 0.5, "filled": f32(filled)}})


def main():
    torch.set_num_threads(1)
    constant_model()
    tiny_model()
    similarity()
    ablation()
    optimizers()
    removal()


if __name__ == "__main__":
    main()
