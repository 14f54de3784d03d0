#!/usr/bin/env python3
"""Train the small segmentation model shipped with Explain-IJ, cells-unet (CPU, fixed seeds).

    /usr/bin/python3 models/train_segmentation.py [--epochs N] [--eval-only]

Per-pixel classes, in this order: background, interphase, mitotic, apoptotic, foci. The targets
are the class maps of sample-data/generate_sample_data.py (`generate_labelled_set`): the main
cell's pixels carry its phenotype, the partially visible neighbours at the borders are interphase.
Training images (TRAIN_PER_CLASS per phenotype, seed gen.TRAIN_SEED, the classifiers' training
images) are generated in memory and never written to disk.

The network is a chain of stages (Explain-IJ's explainable convention, models/explainable.py), an
encoder-decoder without skip connections, so that every stage-wise method (Grad-CAM, guided
backprop, LRP, ...) can run it stage by stage:

    conv1 relu1 pool1 | conv2 relu2 pool2 | conv3 relu3 conv4 relu4 | up1 conv5 relu5 | up2 conv6 relu6 | head
    (3x3 convolutions with padding 1, 2x2 max pooling, nearest x2 upsampling (kind "upsample"),
     a 1x1 convolution head)

forward(x): [B,1,H,W] -> logits [B,5,H,W] for any H, W divisible by 4. The sidecar normalises raw
pixels with meanstd (mean/std of all raw training pixels, rounded to 2 decimals; training uses
exactly these numbers); cam_layer is relu4, the deepest stage (1/4 resolution).

Intersection over union is measured with the SAVED TorchScript file through explainable.preprocess
on the test split on disk (sample-data/cells: images, labels/ and labels.csv; the class map of an
image is: label 1 -> 1 + its class, any other label -> interphase) and on HELDOUT_PER_CLASS images
per phenotype generated in memory with an unseen seed. IoU of class c = |pred = c AND true = c| /
|pred = c OR true = c| over all pixels of the split; mean IoU = their average over the 5 classes.
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

CLASSES = ["background"] + gen.CLASSES
TRAIN_PER_CLASS = 200
HELDOUT_PER_CLASS = 100
HELDOUT_SEED = 2101
SEED = 21
PT = os.path.join(HERE, "cells-unet.pt")


def unet_chain():
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 16, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(16, 32, 3, padding=1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("conv3", nn.Conv2d(32, 64, 3, padding=1)), ("relu3", nn.ReLU()),
        ("conv4", nn.Conv2d(64, 64, 3, padding=1)), ("relu4", nn.ReLU()),
        ("up1", nn.Upsample(scale_factor=2, mode="nearest")),
        ("conv5", nn.Conv2d(64, 16, 3, padding=1)), ("relu5", nn.ReLU()),
        ("up2", nn.Upsample(scale_factor=2, mode="nearest")),
        ("conv6", nn.Conv2d(16, 16, 3, padding=1)), ("relu6", nn.ReLU()),
        ("head", nn.Conv2d(16, len(CLASSES), 1)),
    ])


def augment(x, y, g):
    """The same random flip / 90-degree rotation of a batch of images [B,1,H,W] and targets [B,H,W]."""
    k = int(torch.randint(0, 4, (1,), generator=g))
    x, y = torch.rot90(x, k, dims=(2, 3)), torch.rot90(y, k, dims=(1, 2))
    if int(torch.randint(0, 2, (1,), generator=g)):
        x, y = torch.flip(x, dims=(3,)), torch.flip(y, dims=(2,))
    return x, y


def train(x, y, epochs, lr=3e-3, batch=32):
    torch.manual_seed(SEED)
    model = explainable.LayeredModel(unet_chain())
    torch.manual_seed(SEED)  # initialise under the seed, whatever was drawn before
    for m in model.modules():
        if hasattr(m, "reset_parameters") and m is not model:
            m.reset_parameters()
    freq = torch.bincount(y.flatten(), minlength=len(CLASSES)).double() / y.numel()
    print("  class pixel frequencies %s" % np.round(freq.numpy(), 4).tolist())
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    g = torch.Generator().manual_seed(SEED)
    n = x.shape[0]
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=g)
        tot, t0 = 0.0, time.time()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = augment(x[idx], y[idx], g)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(idx)
        sched.step()
        print("  epoch %2d loss %.4f (%.1fs)" % (ep + 1, tot / n, time.time() - t0), flush=True)
    return model.eval()


def class_map(label_image, phenotype):
    """Per-pixel classes of a labelled image: label 1 -> 1 + phenotype, other labels -> interphase."""
    out = np.where(label_image > 0, 1, 0).astype(np.int64)
    out[label_image == 1] = 1 + phenotype
    return out


def load_test_split():
    folder = os.path.join(ROOT, "sample-data", "cells")
    with open(os.path.join(folder, "labels.csv")) as f:
        rows = list(csv.DictReader(f))
    imgs = [tifffile.imread(os.path.join(folder, "images", r["file"])).astype(np.float32) for r in rows]
    labels = [tifffile.imread(os.path.join(folder, "labels", r["file"])) for r in rows]
    return imgs, labels, [int(r["class_index"]) for r in rows]


def predict(model, sidecar, imgs):
    out = []
    with torch.no_grad():
        for im in imgs:
            x = torch.from_numpy(np.ascontiguousarray(im, dtype=np.float32))[None]
            out.append(model(explainable.preprocess(x, sidecar))[0].argmax(0).numpy())
    return out


def iou(preds, truths):
    """Per-class IoU over all pixels of the split, and the pixel confusion matrix (true x predicted)."""
    k = len(CLASSES)
    cm = np.zeros((k, k), np.int64)
    for p, t in zip(preds, truths):
        cm += np.bincount(t.ravel() * k + p.ravel(), minlength=k * k).reshape(k, k)
    inter = cm.diagonal().astype(np.float64)
    union = cm.sum(0) + cm.sum(1) - cm.diagonal()
    return inter / np.maximum(union, 1), cm


def object_accuracy(preds, label_images, phenotypes):
    """Main cell called right: the most frequent non-background class over its pixels (label 1)."""
    ok = 0
    for p, lab, ph in zip(preds, label_images, phenotypes):
        votes = np.bincount(p[lab == 1], minlength=len(CLASSES))
        votes[0] = 0
        ok += int(votes.argmax() == 1 + ph)
    return ok / len(preds)


def evaluate(name, imgs, truths):
    model = torch.jit.load(PT).eval()
    sidecar = json.load(open(os.path.splitext(PT)[0] + ".json"))
    preds = predict(model, sidecar, imgs)
    per_class, cm = iou(preds, truths)
    print("  %-32s IoU %s  mean %.3f" % (name, " ".join("%s %.3f" % (c, v) for c, v in zip(CLASSES, per_class)),
                                           per_class.mean()))
    print("  %-32s pixel confusion (rows true, columns predicted) %s" % ("", cm.tolist()))
    return per_class, cm, preds


def check_shapes():
    """The saved model takes any H, W divisible by 4 and keeps them; stages chain exactly."""
    model = torch.jit.load(PT).eval()
    g = torch.Generator().manual_seed(0)
    for h, w in [(64, 64), (48, 80), (4, 8)]:
        x = torch.randn(2, 1, h, w, generator=g)
        out = explainable.verify(model, x)
        assert tuple(out.shape) == (2, len(CLASSES), h, w), out.shape
    print("  shapes ok:", model.layer_names(), model.layer_kinds())


def main():
    global PT
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--eval-only", action="store_true", help="evaluate the existing cells-unet.pt")
    ap.add_argument("--out", default=PT, help="where to write the .pt (and its .json), default models/cells-unet.pt")
    args = ap.parse_args()
    PT = os.path.abspath(args.out)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    print("generating training data ...", flush=True)
    imgs, _, _, _, maps, _, _ = gen.generate_labelled_set(TRAIN_PER_CLASS, gen.TRAIN_SEED)
    raw = imgs.astype(np.float32)
    mean, std = round(float(raw.mean()), 2), round(float(raw.std()), 2)
    if not args.eval_only:
        print("training cells-unet (meanstd mean=%s std=%s) ..." % (mean, std), flush=True)
        x = torch.from_numpy((raw - np.float32(mean)) / np.float32(std))[:, None]
        y = torch.from_numpy(maps.astype(np.int64))
        model = train(x, y, args.epochs)
        explainable.export(model, PT, "cells-unet", CLASSES, channels=1,
                           normalize={"type": "meanstd", "mean": [mean], "std": [std]},
                           cam_layer="relu4", example=x[:4])
    check_shapes()
    h_imgs, _, _, h_labels, _, h_phen, _ = gen.generate_labelled_set(HELDOUT_PER_CLASS, HELDOUT_SEED)
    splits = collections.OrderedDict([
        ("test (sample-data/cells)", load_test_split()),
        ("held-out (%d/class)" % HELDOUT_PER_CLASS, (list(h_imgs.astype(np.float32)), list(h_labels),
                                                     list(h_phen))),
    ])
    results = collections.OrderedDict()
    for name, (imgs_s, labels_s, phen_s) in splits.items():
        truths = [class_map(lab, ph) for lab, ph in zip(labels_s, phen_s)]
        per_class, cm, preds = evaluate(name, imgs_s, truths)
        acc = object_accuracy(preds, labels_s, phen_s)
        print("  %-32s main cell called right (pixel majority): %.3f" % (name, acc))
        results[name] = {"iou": dict(zip(CLASSES, np.round(per_class, 4).tolist())),
                         "mean_iou": round(float(per_class.mean()), 4), "main_cell_accuracy": acc,
                         "confusion": cm.tolist()}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
