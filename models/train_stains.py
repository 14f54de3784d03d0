#!/usr/bin/env python3
"""Train the two-channel stains classifier shipped with Explain-IJ (CPU, fixed seeds).

    /usr/bin/python3 models/train_stains.py [--epochs 20] [--eval-only]

Writes models/cells-2ch.pt and its sidecar models/cells-2ch.json (classes negative / nuclear /
cytoplasmic, "channel_names": ["DNA", "marker"], per-channel meanstd normalisation in raw units).
Training data (400 images per class, seed generate_stains.TRAIN_SEED) are generated in memory by
sample-data/generate_stains.py and never written to disk. Evaluated with the SAVED TorchScript file
through the Explain-IJ normalisation (explainable.preprocess) on the TIFF test split
sample-data/stains and on 200/class held-out images generated in memory with an unseen seed.

It also checks which stain the model uses, on the held-out set:
  * accuracy with each channel replaced by its own mean (channel ablation);
  * the share of the gradient mass sum |dS/dx| and of the Integrated Gradients mass sum |IG|
    (zero baseline, Gauss-Legendre 16 steps) that falls on each channel, for the predicted class.
"""
import argparse
import collections
import csv
import json
import os
import sys
import time

import numpy as np
import tifffile
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "sample-data"))
import explainable  # noqa: E402
import generate_stains as stains  # noqa: E402

TRAIN_PER_CLASS = 400
HELDOUT_PER_CLASS = 200
HELDOUT_SEED = 2011
SEED = 21
PT = os.path.join(HERE, "cells-2ch.pt")


def net():
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(2, 16, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding=1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("conv3", nn.Conv2d(32, 32, 3, padding=1)), ("relu3", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(32, 3)),
    ])


def augment(x, g):
    """Random 90-degree rotations / flips per batch (the marker pattern is rotation invariant)."""
    x = torch.rot90(x, int(torch.randint(0, 4, (1,), generator=g)), dims=(2, 3))
    if int(torch.randint(0, 2, (1,), generator=g)):
        x = torch.flip(x, dims=(3,))
    return x


def train(x, y, epochs, seed, lr=2e-3, batch=64):
    torch.manual_seed(seed)
    model = explainable.LayeredModel(net())
    torch.manual_seed(seed)
    for m in model.modules():
        if hasattr(m, "reset_parameters") and m is not model:
            m.reset_parameters()
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=g)
        tot, correct, t0 = 0.0, 0, time.time()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = augment(x[idx], g), y[idx]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
            correct += int((out.argmax(1) == yb).sum())
        sched.step()
        print("  epoch %2d loss %.4f train-acc %.3f (%.1fs)" % (ep + 1, tot / n, correct / n, time.time() - t0),
              flush=True)
    return model.eval()


def load_split(folder):
    with open(os.path.join(folder, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    imgs = np.stack([tifffile.imread(os.path.join(folder, "images", r["file"])) for r in rows])
    return imgs.astype(np.float32), np.array([int(r["class_index"]) for r in rows])


class Saved:
    """The SAVED model as Explain-IJ runs it: raw [C,H,W] -> explainable.preprocess -> network."""

    def __init__(self, pt):
        self.net = torch.jit.load(pt).eval()
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))

    def logits(self, raw):
        x = torch.from_numpy(np.ascontiguousarray(raw, dtype=np.float32))
        return self.net(torch.cat([explainable.preprocess(r, self.sidecar) for r in x]))

    def predict(self, imgs):
        with torch.no_grad():
            return np.concatenate([self.logits(imgs[i:i + 100]).argmax(1).numpy()
                                   for i in range(0, len(imgs), 100)])


def confusion(pred, labels):
    k = len(stains.CLASSES)
    cm = np.zeros((k, k), int)
    for t, p in zip(labels, pred):
        cm[t, p] += 1
    return cm


def channel_ablated(imgs, channel):
    """Each image's `channel` replaced by its own mean (over that channel's pixels)."""
    out = imgs.copy()
    out[:, channel] = imgs[:, channel].mean(axis=(1, 2), keepdims=True)
    return out


def attribution_shares(model, imgs, targets, steps=16):
    """Mean over images of the per-channel share of sum|grad| and of sum|IG| (zero baseline, GL)."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas, w = 0.5 * (1 + nodes), 0.5 * weights
    grad_shares, ig_shares = [], []
    for raw, t in zip(imgs, targets):
        x = torch.from_numpy(raw[None]).requires_grad_(True)
        g = torch.autograd.grad(model_logit(model, x)[:, t].sum(), x)[0][0].double()
        scaled = torch.from_numpy(np.stack([raw * np.float32(a) for a in alphas])).requires_grad_(True)
        gs = torch.autograd.grad(model_logit(model, scaled)[:, t].sum(), scaled)[0].double()
        ig = (gs * torch.from_numpy(w).reshape(-1, 1, 1, 1)).sum(0) * torch.from_numpy(raw).double()
        for a, dest in ((g, grad_shares), (ig, ig_shares)):
            mass = a.abs().sum(dim=(1, 2)).numpy()
            dest.append(mass / mass.sum())
    return np.mean(grad_shares, 0), np.mean(ig_shares, 0)


def model_logit(model, x):
    """Differentiable logits of raw x [B,C,H,W] (meanstd normalisation, as the sidecar)."""
    spec = model.sidecar["normalize"]
    mean = torch.tensor(spec["mean"], dtype=torch.float32).reshape(1, -1, 1, 1)
    std = torch.tensor(spec["std"], dtype=torch.float32).reshape(1, -1, 1, 1)
    return model.net((x - mean) / std)


def write_channel_names(pt, names):
    """Add the sidecar key "channel_names" (explainable.write_sidecar does not know it)."""
    path = os.path.splitext(pt)[0] + ".json"
    doc = json.load(open(path), object_pairs_hook=collections.OrderedDict)
    out = collections.OrderedDict()
    for k, v in doc.items():
        out[k] = v
        if k == "input":
            out["channel_names"] = list(names)
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--eval-only", action="store_true", help="evaluate the existing cells-2ch.pt")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    if not args.eval_only:
        print("generating training data ...", flush=True)
        imgs, _, _, labels, _ = stains.generate_set(TRAIN_PER_CLASS, stains.TRAIN_SEED)
        raw = imgs.astype(np.float32)
        mean = [round(float(raw[:, c].mean()), 2) for c in range(raw.shape[1])]
        std = [round(float(raw[:, c].std()), 2) for c in range(raw.shape[1])]
        print("training cells-2ch (meanstd mean=%s std=%s) ..." % (mean, std), flush=True)
        x = torch.from_numpy((raw - np.float32(mean).reshape(1, -1, 1, 1)) / np.float32(std).reshape(1, -1, 1, 1))
        model = train(x, torch.from_numpy(labels), args.epochs, SEED)
        explainable.export(model, PT, "cells-2ch", stains.CLASSES, channels=2,
                           normalize={"type": "meanstd", "mean": mean, "std": std},
                           cam_layer="relu3", example=x[:4])
        write_channel_names(PT, stains.CHANNELS)

    saved = Saved(PT)
    test_imgs, test_labels = load_split(os.path.join(ROOT, "sample-data", "stains"))
    h, _, _, h_labels, _ = stains.generate_set(HELDOUT_PER_CLASS, HELDOUT_SEED)
    held = h.astype(np.float32)
    results = collections.OrderedDict()
    for name, (im, lab) in [("test (sample-data/stains)", (test_imgs, test_labels)),
                            ("held-out (%d/class)" % HELDOUT_PER_CLASS, (held, h_labels)),
                            ("held-out, DNA replaced by its mean", (channel_ablated(held, 0), h_labels)),
                            ("held-out, marker replaced by its mean", (channel_ablated(held, 1), h_labels))]:
        pred = saved.predict(im)
        cm = confusion(pred, lab)
        results[name] = {"accuracy": float((pred == lab).mean()), "confusion": cm.tolist()}
        print("  %-40s acc %.4f  per-class %s" % (name, (pred == lab).mean(),
                                                   np.round(cm.diagonal() / cm.sum(1), 3).tolist()))
    # attribution shares, for the predicted class, on the first 50 held-out images of each class
    for k, cname in enumerate(stains.CLASSES):
        pick = np.flatnonzero(h_labels == k)[:50]
        grad_share, ig_share = attribution_shares(saved, held[pick], saved.predict(held[pick]))
        results["%s: gradient mass share (DNA, marker)" % cname] = grad_share.round(4).tolist()
        results["%s: IG mass share (DNA, marker)" % cname] = ig_share.round(4).tolist()
        print("  %-12s share of sum|dS/dx|: DNA %.3f marker %.3f   of sum|IG|: DNA %.3f marker %.3f" % (
            cname, grad_share[0], grad_share[1], ig_share[0], ig_share[1]))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
