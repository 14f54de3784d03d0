#!/usr/bin/env python3
"""Reference fixtures for network dissection (`dissect`) and TracIn-style influence (`influential-examples`),
computed in NumPy / PyTorch, independently of Explain-IJ.

    /usr/bin/python3 src/test/python/make_inspect_dissect_fixtures.py

Writes src/test/resources/fixtures/inspect/dissect/<case>.json (small: a few numbers per channel or image).

Model as the user sees it: raw image [1,C,H,W] -> the sidecar's normalization (models/explainable.py's
preprocess: meanstd, or percentile per image) -> network. Folder order = sorted file names.

Dissection (Bau et al., network dissection), layer L with activations A[n, k, h, w]:
  T_k   = numpy.quantile(A[:, k].ravel(), 1 - quantile)   (NumPy's default "linear" interpolation)
  U     = F.interpolate(A[n:n+1], size=mask size, mode="bilinear", align_corners=False)[0, k]
  M_k,n = U > T_k ;  C_n = mask_n != 0
  iou_k = sum_n |M_k,n & C_n| / sum_n |M_k,n | C_n|      (0 when the union is empty)
  ranks: channels sorted by iou descending, ties by channel ascending.
Keys: model, folder, layer, quantile, channels, thresholds [C], ious [C], intersections [C], unions [C],
  order [C] (channel of rank 1, 2, ...), best_image [C] (file of each channel's highest per-image IoU, first
  on ties; "" when the channel never overlaps the concept).

Influence (TracIn restricted to the final linear layer fc: z = W h + b):
  for each training image i with label y_i (its folder label, mapped to the sidecar's class index by name):
    g_i = d F.cross_entropy(z_i, y_i) / d (W, b)  (PyTorch autograd on the TorchScript model's parameters,
    in float64: the model converted with .double() after the float32 normalization)
  for the current image with its predicted class y' = argmax z':  g' likewise
  influence_i = <g_i, g'>  (weight and bias gradients flattened and concatenated; weight only when fc has
  no bias). Closed form check: ((p - e_y) . (p' - e_y')) * (h . h' + 1 [bias]).
  ranks: influence descending, ties by folder order.
Keys: model, image, folder (or files + labels for a folder the test writes itself), predicted,
  files [N], labels [N], influences [N], order [N] (index of rank 1, 2, ...), bias (true/false).
Case mislabelled: the folder's files with one image relabelled (files/labels listed); the test checks where
  that image ranks for the current image (an image of its true class).
"""
import json
import os
import sys

import numpy as np
import tifffile
import torch
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "models"))
from explainable import preprocess  # noqa: E402

OUT = os.path.join(REPO, "src/test/resources/fixtures/inspect/dissect")


def rel(p):
    return os.path.relpath(p, REPO)


def load(model):
    path = os.path.join(REPO, model)
    net = torch.jit.load(path).eval()
    with open(path[:-3] + ".json") as f:
        sidecar = json.load(f)
    return net, sidecar


def raw(path):
    a = tifffile.imread(path).astype(np.float32)
    if a.ndim == 2:
        a = a[None]
    return torch.tensor(a)


def r32(values):
    return [float("%.9g" % np.float32(v)) for v in values]


def folder_files(folder):
    images = os.path.join(REPO, folder, "images")
    return images, sorted(f for f in os.listdir(images) if f.endswith(".tif"))


def dissect(model, folder, layer, quantile):
    net, sidecar = load(model)
    stage = list(net.layer_names()).index(layer)
    images, files = folder_files(folder)
    acts, masks = [], []
    with torch.no_grad():
        for f in files:
            x = preprocess(raw(os.path.join(images, f)), sidecar)
            acts.append(net.forward_layers(x, 0, stage + 1))
            masks.append(tifffile.imread(os.path.join(REPO, folder, "masks", f)) != 0)
    a = torch.cat(acts).numpy()  # [N, K, h, w] float32
    k = a.shape[1]
    thresholds = np.array([np.quantile(a[:, c].ravel(), 1 - quantile) for c in range(k)])
    inter = np.zeros(k, dtype=np.int64)
    union = np.zeros(k, dtype=np.int64)
    best = [""] * k
    best_iou = np.zeros(k)
    for n, f in enumerate(files):
        m = masks[n]
        up = F.interpolate(torch.tensor(a[n:n + 1]), size=m.shape, mode="bilinear", align_corners=False)[0].numpy()
        for c in range(k):
            fire = up[c] > thresholds[c]
            i, u = int((fire & m).sum()), int((fire | m).sum())
            inter[c] += i
            union[c] += u
            if u > 0 and i / u > best_iou[c]:
                best_iou[c], best[c] = i / u, f
    ious = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    order = sorted(range(k), key=lambda c: (-ious[c], c))
    distinct = np.unique(np.round(ious, 12))
    gap = np.min(np.diff(distinct)) if len(distinct) > 1 else 1.0
    print("%s %s: best %s, smallest gap between distinct IoUs %.3g" % (model, layer,
          [(c, round(float(ious[c]), 4)) for c in order[:4]], gap))
    return {"model": model, "folder": folder, "layer": layer, "quantile": quantile, "channels": k,
            "thresholds": r32(thresholds), "ious": [float("%.12g" % v) for v in ious],
            "intersections": inter.tolist(), "unions": union.tolist(), "order": order, "best_image": best}


def fc_parameters(net):
    names = list(net.layer_names())
    last = len(names) - 1
    params = dict(net.named_parameters())
    w = params["stages.%d.weight" % last]
    b = params.get("stages.%d.bias" % last)
    return w, b


def gradient(net, x, label):
    w, b = fc_parameters(net)
    ps = [w] + ([b] if b is not None else [])
    loss = F.cross_entropy(net(x), torch.tensor([label]))
    grads = torch.autograd.grad(loss, ps)
    return torch.cat([g.reshape(-1) for g in grads]).double()


def influence(model, image, files, labels, check_closed_form=True):
    """files: absolute paths; labels: class names. Autograd in float64 (the model and inputs converted
    after the float32 normalization): float32 gradients lose the small entries of p - e_y of confident
    predictions (p near 1) to rounding, which would make the reference, not Explain-IJ, the inexact side."""
    net, sidecar = load(model)
    net = net.double()
    classes = sidecar["classes"]
    w, b = fc_parameters(net)
    x = preprocess(raw(os.path.join(REPO, image)), sidecar).double()
    with torch.no_grad():
        z = net(x)
    predicted = int(z.argmax(1))
    g0 = gradient(net, x, predicted)
    last = len(net.layer_names()) - 1
    with torch.no_grad():
        h0 = net.forward_layers(x, 0, last).double().reshape(-1)
        p0 = F.softmax(z.double(), 1).reshape(-1)
    values = []
    for f, lab in zip(files, labels):
        xi = preprocess(raw(f), sidecar).double()
        y = classes.index(lab)
        v = float(gradient(net, xi, y) @ g0)
        values.append(v)
        if check_closed_form:
            with torch.no_grad():
                hi = net.forward_layers(xi, 0, last).double().reshape(-1)
                pi = F.softmax(net(xi).double(), 1).reshape(-1)
            e0, ei = torch.zeros_like(p0), torch.zeros_like(pi)
            e0[predicted] = 1
            ei[y] = 1
            closed = float((pi - ei) @ (p0 - e0)) * (float(hi @ h0) + (1.0 if b is not None else 0.0))
            assert abs(closed - v) <= 1e-9 * abs(v) + 1e-15, (f, closed, v)
    order = sorted(range(len(files)), key=lambda i: (-values[i], i))
    return {"model": model, "image": image, "predicted": predicted, "predicted_name": classes[predicted],
            "bias": b is not None, "influences": [float("%.12g" % v) for v in values], "order": order}


def labelled_folder(folder):
    images, files = folder_files(folder)
    import csv
    with open(os.path.join(REPO, folder, "labels.csv")) as f:
        by_file = {r["file"]: r["class_name"] for r in csv.DictReader(f)}
    return images, files, [by_file[f] for f in files]


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", rel(os.path.join(OUT, name + ".json")))


def main():
    write("dissect_gap_relu3", dissect("models/cells-gap.pt", "sample-data/cells", "relu3", 0.005))
    # percentile normalization per image, a pooled layer (32x32 upsampled to 64x64), another quantile
    write("dissect_bn_pool1", dissect("models/cells-bn.pt", "sample-data/cells", "pool1", 0.02))

    unseen = "src/test/resources/fixtures/region/unseen_mitotic.tif"
    images, files, labels = labelled_folder("sample-data/cells")
    doc = influence("models/cells-gap.pt", unseen, [os.path.join(images, f) for f in files], labels)
    doc.update({"folder": "sample-data/cells", "files": files, "labels": labels})
    write("influence_gap", doc)

    # weight only: a final linear layer without bias; a folder the test writes (labels a, b, c cycled)
    few = files[::6]
    few_labels = ["abc"[i % 3] for i in range(len(few))]
    doc = influence("src/test/resources/models/biasfree-cnn.pt", unseen, [os.path.join(images, f) for f in few], few_labels)
    doc.update({"source_folder": "sample-data/cells", "files": few, "labels": few_labels})
    write("influence_biasfree", doc)

    # one mitotic training image relabelled as interphase: harmful for another mitotic image
    wrong = "mitotic_003.tif"
    bad = [("interphase" if f == wrong else lab) for f, lab in zip(files, labels)]
    doc = influence("models/cells-gap.pt", unseen, [os.path.join(images, f) for f in files], bad)
    doc.update({"source_folder": "sample-data/cells", "files": files, "labels": bad, "mislabelled": wrong})
    rank_from_bottom = len(files) - doc["order"].index(files.index(wrong))
    print("mislabelled %s: predicted %s, rank %d of %d from the most harmful end" % (wrong, doc["predicted_name"],
          rank_from_bottom, len(files)))
    write("influence_mislabelled", doc)


if __name__ == "__main__":
    main()
