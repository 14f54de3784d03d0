#!/usr/bin/env python3
"""Train the three demo classifiers shipped with Explain-IJ (CPU, fixed seeds).

    /usr/bin/python3 models/train_models.py [--only cells-gap,cells-bn,cells-shortcut]

Training data are generated in memory by sample-data/generate_sample_data.py
(seeds TRAIN_SEED / SHORTCUT_TRAIN_SEED, 400 images per class); they are never
written to disk. Test accuracy is measured with the SAVED TorchScript files on
the TIFF test splits in sample-data/ (and on a larger in-memory held-out set),
using the same normalisation Explain-IJ applies (explainable.preprocess).
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

sys.dont_write_bytecode = True  # keep the repository free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "sample-data"))
import explainable  # noqa: E402
import generate_sample_data as gen  # noqa: E402

TRAIN_PER_CLASS = 400
HELDOUT_PER_CLASS = 200
HELDOUT_SEED = 2001
SHORTCUT_HELDOUT_SEED = 2002
BAR_AUG_SEED = 3001


def gap_net():
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 16, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding=1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("conv3", nn.Conv2d(32, 64, 3, padding=1)), ("relu3", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(64, 4)),
    ])


def bn_net():
    # pool2 is 4x4 so that fc1 stays small (16*8*8 -> 64): file well under 500 KB.
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 16, 3, padding=1)), ("bn1", nn.BatchNorm2d(16)), ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 16, 3, padding=1)), ("bn2", nn.BatchNorm2d(16)), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(4)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(16 * 8 * 8, 64)), ("relu4", nn.ReLU()),
        ("drop", nn.Dropout(0.3)), ("fc2", nn.Linear(64, 4)),
    ])


def percentile_normalize_batch(raw):
    """raw float32 [N,64,64] -> per-image percentile (1, 99.8) normalised, numpy default method."""
    lo = np.percentile(raw, 1.0, axis=(1, 2))
    hi = np.percentile(raw, 99.8, axis=(1, 2))
    d = np.where(hi != lo, hi - lo, 1.0)
    return ((raw - lo[:, None, None].astype(np.float32)) / d[:, None, None].astype(np.float32))


def augment(x, g):
    """Random flips / 90-degree rotations per batch (class evidence is rotation invariant)."""
    k = int(torch.randint(0, 4, (1,), generator=g))
    x = torch.rot90(x, k, dims=(2, 3))
    if int(torch.randint(0, 2, (1,), generator=g)):
        x = torch.flip(x, dims=(3,))
    return x


def train(stages, x, y, epochs, seed, aug, lr=2e-3, batch=64):
    torch.manual_seed(seed)
    model = explainable.LayeredModel(stages)
    # re-initialise under the seed (modules were created before manual_seed)
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
            xb, yb = x[idx], y[idx]
            if aug:
                xb = augment(xb, g)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
            correct += int((out.argmax(1) == yb).sum())
        sched.step()
        print("  epoch %2d loss %.4f train-acc %.3f (%.1fs)" % (ep + 1, tot / n, correct / n,
                                                               time.time() - t0), flush=True)
    return model.eval()


def load_split(folder):
    with open(os.path.join(folder, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    imgs = [tifffile.imread(os.path.join(folder, "images", r["file"])).astype(np.float32) for r in rows]
    return imgs, np.array([int(r["class_index"]) for r in rows])


def evaluate(pt_path, imgs, labels):
    """Accuracy + confusion matrix of the SAVED model through explainable.preprocess."""
    model = torch.jit.load(pt_path).eval()
    sidecar = json.load(open(os.path.splitext(pt_path)[0] + ".json"))
    pred = []
    with torch.no_grad():
        for im in imgs:
            x = torch.from_numpy(np.ascontiguousarray(im, dtype=np.float32))[None]
            pred.append(int(model(explainable.preprocess(x, sidecar)).argmax(1)))
    pred = np.array(pred)
    cm = np.zeros((4, 4), int)
    for t, p in zip(labels, pred):
        cm[t, p] += 1
    return float((pred == labels).mean()), cm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="cells-gap,cells-bn,cells-shortcut")
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--eval-only", action="store_true", help="evaluate the existing .pt files")
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    which = args.only.split(",")

    print("generating training data ...", flush=True)
    imgs, _, _, labels, _ = gen.generate_set(TRAIN_PER_CLASS, gen.TRAIN_SEED)
    raw = imgs.astype(np.float32)
    # Nuisance augmentation for the clean models: burn the scale bar into a random half of
    # the training images of EVERY class (rotations/flips move it to any corner), so that
    # they learn a bar is not evidence (a 12x2 bright bar otherwise resembles a metaphase plate).
    bar_rng = np.random.default_rng(BAR_AUG_SEED)
    (b0, b1), (c0, c1) = gen.BAR_ROWS, gen.BAR_COLS
    for i in np.flatnonzero(bar_rng.uniform(size=len(raw)) < 0.5):
        raw[i, b0:b1, c0:c1] = gen.BAR_VALUE
    y = torch.from_numpy(labels)
    mean, std = float(raw.mean()), float(raw.std())
    mean, std = round(mean, 2), round(std, 2)   # stored in the sidecar; training uses the same numbers

    clean_test = load_split(os.path.join(ROOT, "sample-data", "cells"))
    short_test = load_split(os.path.join(ROOT, "sample-data", "cells-shortcut"))
    h_imgs, _, _, h_lab, _ = gen.generate_set(HELDOUT_PER_CLASS, HELDOUT_SEED)
    clean_held = (list(h_imgs.astype(np.float32)), h_lab)
    results = collections.OrderedDict()

    def report(name, pt):
        r = collections.OrderedDict()
        r["clean test (sample-data/cells)"] = evaluate(pt, *clean_test)
        r["clean held-out (%d/class)" % HELDOUT_PER_CLASS] = evaluate(pt, *clean_held)
        (b0, b1), (c0, c1) = gen.BAR_ROWS, gen.BAR_COLS
        s_imgs, _, _, s_lab, _ = gen.generate_set(HELDOUT_PER_CLASS, SHORTCUT_HELDOUT_SEED, True)
        if name == "cells-shortcut":
            r["shortcut test (sample-data/cells-shortcut)"] = evaluate(pt, *short_test)
            r["shortcut held-out (%d/class)" % HELDOUT_PER_CLASS] = evaluate(
                pt, list(s_imgs.astype(np.float32)), s_lab)
            # ablations: remove the bar from shortcut images / paste it into clean images
            no_bar = []
            for im in s_imgs.astype(np.float32):
                im = im.copy()
                im[b0:b1, c0:c1] = np.median(im)
                no_bar.append(im)
            r["shortcut held-out, bar removed"] = evaluate(pt, no_bar, s_lab)
            with_bar = []
            for im in h_imgs.astype(np.float32):
                im = im.copy()
                im[b0:b1, c0:c1] = gen.BAR_VALUE
                with_bar.append(im)
            acc, cm = evaluate(pt, with_bar, h_lab)
            r["clean held-out, bar pasted into every image"] = (acc, cm)
        else:
            r["shortcut test (sample-data/cells-shortcut)"] = evaluate(pt, *short_test)
            with_bar = []
            for im in h_imgs.astype(np.float32):
                im = im.copy()
                im[b0:b1, c0:c1] = gen.BAR_VALUE
                with_bar.append(im)
            r["clean held-out, bar pasted into every image"] = evaluate(pt, with_bar, h_lab)
        for k, (acc, cm) in r.items():
            print("  %-45s acc %.3f  per-class %s  predicted-as-mitotic %d/%d" % (
                k, acc, np.round(cm.diagonal() / cm.sum(1), 3).tolist(), cm[:, 1].sum(), cm.sum()))
        results[name] = r

    if "cells-gap" in which:
        print("training cells-gap (meanstd mean=%s std=%s) ..." % (mean, std), flush=True)
        x = torch.from_numpy((raw - np.float32(mean)) / np.float32(std))[:, None]
        pt = os.path.join(HERE, "cells-gap.pt")
        if not args.eval_only:
            m = train(gap_net(), x, y, args.epochs, seed=11, aug=True)
            explainable.export(m, pt, "cells-gap", gen.CLASSES, channels=1,
                             normalize={"type": "meanstd", "mean": [mean], "std": [std]},
                             cam_layer="relu3", example=x[:4])
        report("cells-gap", pt)

    if "cells-bn" in which:
        print("training cells-bn (percentile 1 / 99.8) ...", flush=True)
        x = torch.from_numpy(percentile_normalize_batch(raw))[:, None]
        pt = os.path.join(HERE, "cells-bn.pt")
        if not args.eval_only:
            m = train(bn_net(), x, y, args.epochs, seed=12, aug=True)
            explainable.export(m, pt, "cells-bn", gen.CLASSES, channels=1, height=64, width=64,
                             normalize={"type": "percentile", "low": 1.0, "high": 99.8},
                             cam_layer="relu2", example=x[:4])
        report("cells-bn", pt)

    if "cells-shortcut" in which:
        s_imgs, _, _, s_labels, _ = gen.generate_set(TRAIN_PER_CLASS, gen.SHORTCUT_TRAIN_SEED, True)
        s_raw = s_imgs.astype(np.float32)
        s_mean, s_std = round(float(s_raw.mean()), 2), round(float(s_raw.std()), 2)
        print("training cells-shortcut (meanstd mean=%s std=%s) ..." % (s_mean, s_std), flush=True)
        x = torch.from_numpy((s_raw - np.float32(s_mean)) / np.float32(s_std))[:, None]
        # no flips/rotations: the scale bar always sits in the bottom-right corner
        pt = os.path.join(HERE, "cells-shortcut.pt")
        if not args.eval_only:
            m = train(gap_net(), x, torch.from_numpy(s_labels), args.epochs, seed=13, aug=False)
            explainable.export(m, pt, "cells-shortcut", gen.CLASSES, channels=1,
                             normalize={"type": "meanstd", "mean": [s_mean], "std": [s_std]},
                             cam_layer="relu3", example=x[:4])
        report("cells-shortcut", pt)

    out = {k: {n: {"accuracy": a, "confusion": cm.tolist()} for n, (a, cm) in v.items()}
           for k, v in results.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
