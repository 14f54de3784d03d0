#!/usr/bin/env python3
"""Reference values for Explain-IJ's evaluations of maps: deletion / insertion curves, localization and
class sensitivity.

    /usr/bin/python3 src/test/python/make_eval_maps_fixtures.py

Writes src/test/resources/fixtures/evaluate/maps/
  *.tif    attribution maps (float32, row-major [H, W]) computed here: saliency = |d score / d raw|
           by torch autograd through the sidecar's normalization (one channel), and a seeded random map
  *.json   the reference numbers for those maps

Everything is plain NumPy / torch on the SAVED TorchScript models, independent of the Java code:
  - order: np.argsort(-map, kind="stable") (highest first, ties by index);
  - step i of N changes the first (2 i P + N) // (2 N) pixels (round half up) of every channel:
    deletion replaces them by the fill, insertion starts from the fill and puts them back;
  - AUC: np.trapz(scores, i / N);
  - the random baseline: orders by Fisher-Yates with a Python copy of java.util.Random (as
    Collections.shuffle), `repeats` orders drawn one after the other from one generator, curves averaged;
  - localization: pointing game (first maximum in row-major order inside?), relevance mass accuracy
    (positive inside / positive), relevance rank accuracy (top-|mask| pixels by the order above inside),
    attribution share inside (sum|a| inside / sum|a|);
  - class sensitivity: scipy.stats.pearsonr and spearmanr.
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import scipy.stats
import tifffile
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_perturbation_fixtures import ROOT, JavaRandom, Model, fill_image  # noqa: E402
from make_fixtures import read_raw, reference  # noqa: E402

OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "evaluate", "maps")
GAP, SHORTCUT = "models/cells-gap.pt", "models/cells-shortcut.pt"


def flist(a):
    return [float(v) for v in np.asarray(a, np.float64).ravel()]


def write(name, doc):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def saliency(model_rel, raw, target):
    """|gradient| of the logit (max over channels), and the logits."""
    logits, predicted, g, _ = reference(model_rel, raw, target, "logit")
    return np.abs(g).max(axis=0).astype(np.float32), logits


def changed(i, p, n):
    return (2 * i * p + n) // (2 * n)


def curve(m, raw, order, mode, steps, fill, target, score):
    c, h, w = raw.shape
    p = h * w
    filled = fill_image(raw, fill).reshape(c, p)
    x = raw.reshape(c, p)
    start, end = (x, filled) if mode == "deletion" else (filled, x)
    images = []
    for i in range(steps + 1):
        im = start.copy()
        k = changed(i, p, steps)
        im[:, order[:k]] = end[:, order[:k]]
        images.append(im.reshape(c, h, w))
    s = m.scores(torch.from_numpy(np.stack(images)), target, score).numpy()
    fr = np.arange(steps + 1) / steps
    return fr, s, float(np.trapz(s, fr))


def java_shuffle(n, rnd):
    a = list(range(n))
    for i in range(n, 1, -1):
        j = rnd.next_int(i)
        a[i - 1], a[j] = a[j], a[i - 1]
    return np.array(a)


def deletion_case(name, model_rel, image_rel, map_name, mode, steps, fill, score, repeats=0, seed=0):
    raw = read_raw(os.path.join(ROOT, image_rel), 1)
    m = Model(model_rel, raw)
    target = int(m.logits(torch.from_numpy(raw)[None])[0].argmax())
    a = tifffile.imread(os.path.join(OUT, map_name + ".tif"))
    order = np.argsort(-a.ravel(), kind="stable")
    fr, s, auc = curve(m, raw, order, mode, steps, fill, target, score)
    doc = collections.OrderedDict(model=model_rel, image=image_rel, map=map_name, mode=mode, steps=steps, fill=fill,
                                  score=score, target=target, fractions=flist(fr), scores=flist(s), auc=auc)
    if repeats:
        rnd = JavaRandom(seed)
        runs = [curve(m, raw, java_shuffle(a.size, rnd), mode, steps, fill, target, score)[1] for _ in range(repeats)]
        mean = np.mean(runs, axis=0)
        doc.update(repeats=repeats, seed=seed, random_scores=flist(mean), random_auc=float(np.trapz(mean, fr)))
    write(name, doc)
    print("%-24s target %d auc %.5f" % (name, target, auc) + (" random %.5f" % doc["random_auc"] if repeats else ""))


def localization(a, mask):
    a = a.ravel().astype(np.float64)
    mask = mask.ravel() != 0
    first_max = int(np.argmax(a))  # numpy: the first occurrence
    pos = np.clip(a, 0, None)
    k = int(mask.sum())
    top = np.argsort(-a, kind="stable")[:k]
    return collections.OrderedDict(pointing_game=float(mask[first_max]),
                                   mass_accuracy=float(pos[mask].sum() / pos.sum()) if pos.sum() > 0 else 0.0,
                                   rank_accuracy=float(mask[top].sum() / k),
                                   share_inside=float(np.abs(a)[mask].sum() / np.abs(a).sum()))


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    image = "sample-data/cells/images/mitotic_000.tif"
    raw = read_raw(os.path.join(ROOT, image), 1)
    m = Model(GAP, raw)
    lg = m.logits(torch.from_numpy(raw)[None])[0].numpy()
    first, second = [int(k) for k in np.argsort(-lg)[:2]]
    sal, _ = saliency(GAP, raw, first)
    sal_b, _ = saliency(GAP, raw, second)
    tifffile.imwrite(os.path.join(OUT, "saliency_gap_mitotic_000.tif"), sal)
    tifffile.imwrite(os.path.join(OUT, "saliency_gap_mitotic_000_second.tif"), sal_b)
    rng = np.random.default_rng(11)
    random_map = rng.standard_normal(raw.shape[1:]).astype(np.float32)
    tifffile.imwrite(os.path.join(OUT, "random_64.tif"), random_map)

    deletion_case("deletion_gap_zero", GAP, image, "saliency_gap_mitotic_000", "deletion", 20, "zero", "logit", repeats=2, seed=7)
    deletion_case("insertion_gap_blur", GAP, image, "saliency_gap_mitotic_000", "insertion", 10, "blur", "probability")
    deletion_case("deletion_gap_mean_random_map", GAP, image, "random_64", "deletion", 7, "mean", "logit")

    # localization of the given maps against the evidence mask
    mask = tifffile.imread(os.path.join(ROOT, "sample-data/cells/masks/mitotic_000.tif"))
    doc = collections.OrderedDict(mask="sample-data/cells/masks/mitotic_000.tif", mask_fraction=float((mask != 0).mean()))
    doc["saliency"] = localization(sal, mask)
    doc["random"] = localization(random_map, mask)
    write("localization_gap_mitotic_000", doc)
    print("localization", json.dumps(doc))

    # class sensitivity of the two given maps
    doc = collections.OrderedDict(model=GAP, image=image, class_a=first, class_b=second,
                                  pearson=float(scipy.stats.pearsonr(sal.ravel(), sal_b.ravel())[0]),
                                  spearman=float(scipy.stats.spearmanr(sal.ravel(), sal_b.ravel())[0]))
    write("class_sensitivity_gap_mitotic_000", doc)
    print("class sensitivity", json.dumps(doc))

    # the shortcut model: saliency of the predicted class against the scale bar (artefact-masks) and the biology (masks)
    rows = []
    for i in range(8):
        name = "mitotic_%03d.tif" % i
        r = read_raw(os.path.join(ROOT, "sample-data/cells-shortcut/images", name), 1)
        ms = Model(SHORTCUT, r)
        pred = int(ms.logits(torch.from_numpy(r)[None])[0].argmax())
        s, _ = saliency(SHORTCUT, r, pred)
        art = tifffile.imread(os.path.join(ROOT, "sample-data/cells-shortcut/artefact-masks", name))
        bio = tifffile.imread(os.path.join(ROOT, "sample-data/cells-shortcut/masks", name))
        rows.append(collections.OrderedDict(file=name, predicted=pred, artefact=localization(s, art), evidence=localization(s, bio),
                                            artefact_fraction=float((art != 0).mean())))
    mean = lambda key, metric: float(np.mean([row[key][metric] for row in rows]))  # noqa: E731
    doc = collections.OrderedDict(model=SHORTCUT, images=rows,
                                  artefact_mean={k: mean("artefact", k) for k in rows[0]["artefact"]},
                                  evidence_mean={k: mean("evidence", k) for k in rows[0]["evidence"]})
    write("shortcut_saliency_localization", doc)
    print("shortcut artefact", doc["artefact_mean"], "evidence", doc["evidence_mean"])


if __name__ == "__main__":
    main()
