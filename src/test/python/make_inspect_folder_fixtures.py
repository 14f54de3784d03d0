#!/usr/bin/env python3
"""Reference values for the folder-level inside-the-network commands, computed in NumPy / PyTorch.

    /usr/bin/python3 src/test/python/make_inspect_folder_fixtures.py

Writes src/test/resources/fixtures/inspect/folder/references.json. Everything is computed on the SAVED
TorchScript file (torch.jit.load, eval mode) through its exported forward_layers, on the network input
Explain-IJ builds (the sidecar's normalization; helpers from make_fixtures.py), image by image:

  A = forward_layers(x, 0, L+1)[0]        a stage's activations [C, h, w] for one image

  dataset_search  per image: m = A[c].max(), its position = np.argmax(A[c]) (row-major, first of ties);
                  images sorted by -m, stable (folder order breaks ties); the first `top`. The receptive
                  field of a position (y, x) is the ANALYTIC one of cells-gap (3x3 convolutions with
                  padding 1, 2x2 max-pooling with stride 2), clipped to the image:
                    relu2: jump 2, size 8,  start 2y - 3;   relu3: jump 4, size 18, start 4y - 7.
                  The channel of the selectivity case is the one with the highest class selectivity
                  (Morcos et al. 2018) of the per-image maximum over sample-data/cells:
                  (mu_max - mu_rest) / (mu_max + mu_rest), mu_max the largest class mean, mu_rest the
                  mean of the other class means (channels whose maximum is 0 on every image skipped).
                  The subset case takes the first channel of relu2 whose top 4 are positive and not tied.
  nearest         features: A flattened (pool none) or A.mean over (h, w) (pool mean), float32 -> float64;
                  euclidean = scipy.spatial.distance.euclidean, cosine = scipy.spatial.distance.cosine;
                  sorted ascending, stable; the first k.
  pca             rows = A.mean over (h, w) per image; Xc = rows - rows.mean(0); U, S, Vt =
                  np.linalg.svd(Xc, full_matrices=False); each row of Vt flipped so that its entry of
                  largest |value| (the first such) is positive; scores = Xc @ Vt[:2].T; ratios = S^2 / sum S^2.
  pca_matrix      the same PCA on a seeded random matrix (hand-made data, more features than samples).

Folders: the whole of sample-data/cells (48 images, labels.csv), and SUBSET (12 of them), which the Java
tests copy into a temporary folder with a labels.csv (file,label).
"""
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, RES, normalize, read_raw  # noqa: E402

OUT = os.path.join(RES, "fixtures", "inspect", "folder")
CELLS = os.path.join(ROOT, "sample-data", "cells")
MODEL = "models/cells-gap.pt"
SUBSET = ["interphase_000.tif", "interphase_001.tif", "interphase_002.tif",
          "mitotic_000.tif", "mitotic_001.tif", "mitotic_002.tif",
          "apoptotic_000.tif", "apoptotic_001.tif", "apoptotic_002.tif",
          "foci_000.tif", "foci_001.tif", "foci_002.tif"]
QUERY = "mitotic_010.tif"


def f32(v):
    return float("%.9g" % np.float32(v))


def labels():
    out = {}
    with open(os.path.join(CELLS, "labels.csv")) as f:
        next(f)
        for line in f:
            file, _, name = line.strip().split(",")
            out[file] = name
    return out


def load_model():
    model = torch.jit.load(os.path.join(ROOT, MODEL)).eval()
    sidecar = json.load(open(os.path.join(ROOT, os.path.splitext(MODEL)[0] + ".json")))
    return model, sidecar


def activations(model, sidecar, file, stage):
    raw = read_raw(os.path.join(CELLS, "images", file), 1)
    x = normalize(torch.from_numpy(raw), sidecar["normalize"]).unsqueeze(0)
    with torch.no_grad():
        return model.forward_layers(x, 0, stage + 1)[0].numpy().astype(np.float32)


def field(layer, y, x, size):
    jump, width, start = {"relu2": (2, 8, -3), "relu3": (4, 18, -7)}[layer]
    x0, y0 = jump * x + start, jump * y + start
    return [max(0, x0), max(0, y0), min(size - 1, x0 + width - 1), min(size - 1, y0 + width - 1)]


def dataset_search(model, sidecar, files, layer, channel, top):
    stage = model.layer_names().index(layer)
    rows = []
    for i, f in enumerate(files):
        a = activations(model, sidecar, f, stage)[channel]
        arg = int(np.argmax(a))
        rows.append((-float(a.flat[arg]), i, f, arg % a.shape[1], arg // a.shape[1], a.shape))
    rows.sort(key=lambda r: (r[0], r[1]))
    vals = sorted(-r[0] for r in rows)[::-1]
    gap = min(abs(vals[i] - vals[i + 1]) / max(abs(vals[i]), 1e-12) for i in range(top))
    assert gap > 1e-4, "near tie among the top images: the ranks would depend on rounding"
    hits = []
    for rank, r in enumerate(rows[:top]):
        hits.append({"rank": rank + 1, "file": r[2], "x": r[3], "y": r[4], "activation": f32(-r[0]),
                     "field": field(layer, r[4], r[3], 64)})
    return hits


def selective_channel(model, sidecar, files, lab, layer):
    stage = model.layer_names().index(layer)
    maxima = np.stack([activations(model, sidecar, f, stage).reshape(-1, 16 * 16).max(1) for f in files])  # [N, C]
    classes = sorted(set(lab[f] for f in files))
    means = np.stack([maxima[[lab[f] == c for f in files]].mean(0) for c in classes])  # [K, C]
    best, best_si, best_class = -1, -np.inf, None
    for c in range(maxima.shape[1]):
        if maxima[:, c].max() <= 0:
            continue
        k = int(np.argmax(means[:, c]))
        rest = np.delete(means[:, c], k).mean()
        si = (means[k, c] - rest) / (means[k, c] + rest)
        if si > best_si:
            best, best_si, best_class = c, si, classes[k]
    return best, float(best_si), best_class


def nearest(model, sidecar, files, lab, layer, metric, pool, k):
    stage = model.layer_names().index(layer)

    def feat(f):
        a = activations(model, sidecar, f, stage)
        return (a.mean(axis=(1, 2)) if pool == "mean" else a.ravel()).astype(np.float64)

    q = feat(QUERY)
    fn = distance.cosine if metric == "cosine" else distance.euclidean
    d = [(float(fn(q, feat(f))), i, f) for i, f in enumerate(files)]
    d.sort(key=lambda r: (r[0], r[1]))
    return {"layer": layer, "metric": metric, "pool": pool, "k": k, "query": QUERY,
            "neighbours": [{"rank": j + 1, "file": r[2], "label": lab[r[2]], "distance": r[0]} for j, r in enumerate(d[:k])]}


def pca(rows):
    x = np.asarray(rows, np.float64)
    xc = x - x.mean(0)
    _, s, vt = np.linalg.svd(xc, full_matrices=False)
    for m in range(vt.shape[0]):
        if vt[m, int(np.argmax(np.abs(vt[m])))] < 0:
            vt[m] = -vt[m]
    scores = xc @ vt[:2].T
    ratios = s ** 2 / np.sum(s ** 2)
    return scores, ratios[:2], vt[:2]


def main():
    os.makedirs(OUT, exist_ok=True)
    model, sidecar = load_model()
    lab = labels()
    everything = sorted(os.listdir(os.path.join(CELLS, "images")))
    channel, si, phenotype = selective_channel(model, sidecar, everything, lab, "relu3")
    search = dataset_search(model, sidecar, everything, "relu3", channel, 9)
    share = sum(lab[h["file"]] == phenotype for h in search) / len(search)
    print("selective channel", channel, "index", si, "prefers", phenotype, "share of the top 9:", share)
    # the subset case: the first channel of relu2 whose top 4 have no near tie (and are not all zero)
    for channel2 in range(32):
        try:
            search2 = dataset_search(model, sidecar, SUBSET, "relu2", channel2, 4)
        except AssertionError:
            continue
        if search2[-1]["activation"] > 0:
            break

    stage3 = model.layer_names().index("relu3")
    rows = [activations(model, sidecar, f, stage3).mean(axis=(1, 2)) for f in SUBSET]
    scores, ratios, _ = pca(rows)

    rng = np.random.default_rng(7)
    matrix = rng.normal(size=(6, 9)) + np.outer(rng.normal(size=6), rng.normal(size=9)) * 3
    matrix = matrix.astype(np.float32).astype(np.float64)
    mscores, mratios, mvt = pca(matrix)
    tall = rng.normal(size=(10, 3)).astype(np.float32).astype(np.float64)
    tscores, tratios, tvt = pca(tall)

    out = {
        "model": MODEL,
        "subset": SUBSET,
        "labels": {f: lab[f] for f in SUBSET},
        "dataset_search": {"folder": "sample-data/cells", "layer": "relu3", "channel": channel, "top": 9,
                           "selectivity": si, "phenotype": phenotype, "hits": search},
        "dataset_search_subset": {"layer": "relu2", "channel": channel2, "top": 4, "hits": search2},
        "nearest": [nearest(model, sidecar, SUBSET, lab, "relu3", "cosine", "none", 5),
                    nearest(model, sidecar, SUBSET, lab, "relu2", "euclidean", "mean", 4)],
        "pca": {"layer": "relu3", "pc1": [float(v) for v in scores[:, 0]], "pc2": [float(v) for v in scores[:, 1]],
                "ratios": [float(v) for v in ratios]},
        "pca_matrix": [
            {"data": matrix.tolist(), "pc1": scores_list(mscores, 0), "pc2": scores_list(mscores, 1),
             "ratios": [float(v) for v in mratios], "components": mvt.tolist()},
            {"data": tall.tolist(), "pc1": scores_list(tscores, 0), "pc2": scores_list(tscores, 1),
             "ratios": [float(v) for v in tratios], "components": tvt.tolist()},
        ],
    }
    with open(os.path.join(OUT, "references.json"), "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", os.path.join(OUT, "references.json"))


def scores_list(scores, m):
    return [float(v) for v in scores[:, m]]


if __name__ == "__main__":
    main()
