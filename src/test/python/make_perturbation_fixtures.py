#!/usr/bin/env python3
"""Reference fixtures for Explain-IJ's perturbation methods (occlusion, RISE) and the LIME test model.

    /usr/bin/python3 src/test/python/make_perturbation_fixtures.py

Writes
  src/test/resources/models/regions-4x4.pt/.json   logit_k = sum_r W[k, r] * mean(region r) over the
                                                  16 8x8 blocks of a 32x32 image (LIME's test model)
  src/test/resources/fixtures/perturbation/*.json

Everything runs on the SAVED TorchScript files (torch.jit.load, eval mode), through the Explain-IJ
normalisation and bilinear resize (helpers copied from make_fixtures.py). The normalisation is fixed
by the explained image (percentile bounds are statistics of the ORIGINAL image and are held fixed for
every perturbed copy), exactly as the Java side does.

Occlusion reproduces Captum's `Occlusion.attribute(x, target, sliding_window_shapes=(C, win, win),
strides=(C, s, s), baselines=fill)` (captum/attr/_core/occlusion.py + feature_ablation.py), written
in plain torch: window origins 0, s, 2s, ... (ceil((L - win) / s) + 1 per axis; the last window is
cut at the border, as Captum's negative padding does); occluded = x * (1 - m) + fill * m; each pixel
gets sum(score(x) - score(occluded)) / (number of windows covering it).

RISE (Petsiuk et al. 2018): the masks are regenerated here from the same seed with a Python copy of
java.util.Random (the Java side's generator), upsampled with F.interpolate(bilinear,
align_corners=False) and cropped; saliency = sum_i score_i * mask_i / (N * p).
"""
import collections
import json
import math
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import tifffile
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
RES = os.path.join(ROOT, "src", "test", "resources")
OUT = os.path.join(RES, "fixtures", "perturbation")
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402  (only used to EXPORT the LIME test model)

BLUR_SIGMA = 5.0  # io.github.explainij.method.Baselines.BLUR_SIGMA


# ---- helpers copied from make_fixtures.py ----

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import read_raw  # noqa: E402  (TIFF -> float32 [C,H,W], one definition)


def normalizer(raw, spec):
    """Returns f(x [B,C,H,W]) -> normalised, with constants fixed by the original raw image."""
    t = spec.get("type", "none")
    c = raw.shape[0]
    if t == "none":
        return lambda x: x
    if t == "range":
        lo, hi = float(spec["min"]), float(spec["max"])
        return lambda x: (x - lo) / (hi - lo)
    if t == "meanstd":
        mean = torch.tensor(spec["mean"], dtype=torch.float32).reshape(1, -1, 1, 1)
        std = torch.tensor(spec["std"], dtype=torch.float32).reshape(1, -1, 1, 1)
        return lambda x: (x - mean) / std
    if t == "percentile":
        lo = float(np.percentile(raw, float(spec["low"])))
        hi = float(np.percentile(raw, float(spec["high"])))
        d = (hi - lo) if hi != lo else 1.0
        return lambda x: (x - lo) / d
    raise ValueError(t)


class Model:
    def __init__(self, model_rel, raw):
        pt = os.path.join(ROOT, model_rel)
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
        self.net = torch.jit.load(pt).eval()
        self.norm = normalizer(raw, self.sidecar.get("normalize", {"type": "none"}))

    def logits(self, x):
        """x: float32 tensor [B,C,H,W] raw -> logits [B,K]."""
        with torch.no_grad():
            y = self.norm(x)
            inp = self.sidecar["input"]
            if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
                y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
            out = []
            for i in range(0, y.shape[0], 64):
                out.append(self.net(y[i:i + 64]))
            return torch.cat(out).double()

    def scores(self, x, target, score):
        lg = self.logits(x)
        if score == "logit":
            return lg[:, target]
        return torch.softmax(lg, 1)[:, target]


def fill_image(raw, kind, value=0.0):
    """Baselines.of / Fill.image in raw space."""
    if kind == "zero":
        return np.zeros_like(raw)
    if kind == "mean":
        return np.broadcast_to(raw.mean(axis=(1, 2), dtype=np.float64)[:, None, None], raw.shape).astype(np.float32)
    if kind == "value":
        return np.full_like(raw, value)
    if kind == "blur":
        r = int(math.ceil(3 * BLUR_SIGMA))
        k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * BLUR_SIGMA ** 2))
        k /= k.sum()
        c, h, w = raw.shape
        out = np.zeros_like(raw, dtype=np.float64)
        for ch in range(c):
            p = np.pad(raw[ch].astype(np.float64), ((0, 0), (r, r)), mode="edge")
            tmp = sum(k[d] * p[:, d:d + w] for d in range(2 * r + 1))
            p = np.pad(tmp, ((r, r), (0, 0)), mode="edge")
            out[ch] = sum(k[d] * p[d:d + h, :] for d in range(2 * r + 1))
        return out.astype(np.float32)
    raise ValueError(kind)


def flist(a):
    return [float(v) for v in np.asarray(a, np.float64).ravel()]


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def source(doc, model_rel, image_rel=None, raw=None):
    channels = json.load(open(os.path.splitext(os.path.join(ROOT, model_rel))[0] + ".json"))["input"]["channels"]
    doc["model"] = model_rel
    if image_rel is not None:
        raw = read_raw(os.path.join(ROOT, image_rel), channels)
        doc["image"] = image_rel
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    return raw


# ---- occlusion (Captum's Occlusion) ----

def occlusion_case(name, model_rel, target, score, window, stride, fill, fill_value=0.0, image_rel=None, raw=None):
    doc = collections.OrderedDict()
    raw = source(doc, model_rel, image_rel, raw)
    m = Model(model_rel, raw)
    c, h, w = raw.shape
    base = fill_image(raw, fill, fill_value)
    x = torch.from_numpy(raw)
    b = torch.from_numpy(np.ascontiguousarray(base))
    rows = int(math.ceil((h - window) / stride)) + 1
    cols = int(math.ceil((w - window) / stride)) + 1
    occluded = []
    masks = []
    for j in range(rows):
        for i in range(cols):
            mask = torch.zeros(1, h, w)
            mask[:, j * stride:j * stride + window, i * stride:i * stride + window] = 1  # cut at the border
            masks.append(mask)
            occluded.append(x * (1 - mask) + b * mask)
    s0 = m.scores(x[None], target, score)[0]
    s = m.scores(torch.stack(occluded), target, score)
    prob = torch.softmax(m.logits(torch.stack(occluded)), 1)[:, target]
    total = torch.zeros(h, w, dtype=torch.float64)
    count = torch.zeros(h, w, dtype=torch.float64)
    for k, mask in enumerate(masks):
        total += (s0 - s[k]) * mask[0].double()
        count += mask[0].double()
    assert float(count.min()) > 0
    attribution = total / count
    doc.update(target=target, score=score, window=window, stride=stride, fill=fill, fill_value=fill_value,
               logits=flist(m.logits(x[None])[0]), score_value=float(s0), columns=cols, rows=rows,
               attribution=flist(attribution), window_map=flist(prob))
    write(name, doc)
    print("%-22s %dx%d windows %dx%d max|a|=%.4g" % (name, w, h, cols, rows, float(attribution.abs().max())))


# ---- RISE with java.util.Random ----

class JavaRandom:
    """java.util.Random (48-bit LCG), enough of it for RiseMasks."""
    MULT, ADD, MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self.MULT) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * self.MULT + self.ADD) & self.MASK
        r = self.seed >> (48 - bits)
        if r >= 1 << 31:
            r -= 1 << 32
        return r

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * 2.0 ** -53

    def next_int(self, bound):
        r = self.next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            v = u - r + m
            if v >= 1 << 31:  # int overflow in Java: negative, draw again
                u = self.next(31)
                continue
            return r


def rise_masks(n, w, h, cell, p, seed):
    rnd = JavaRandom(seed)
    gw = (w + cell - 1) // cell + 1
    gh = (h + cell - 1) // cell + 1
    out = []
    for _ in range(n):
        grid = np.array([1.0 if rnd.next_double() < p else 0.0 for _ in range(gw * gh)], np.float32).reshape(gh, gw)
        dx = rnd.next_int(cell)
        dy = rnd.next_int(cell)
        up = F.interpolate(torch.from_numpy(grid)[None, None], size=(gh * cell, gw * cell), mode="bilinear",
                           align_corners=False)[0, 0]
        out.append(up[dy:dy + h, dx:dx + w])
    return torch.stack(out)


def rise_case(name, model_rel, target, score, masks, cell, p, seed, fill, image_rel=None, raw=None):
    doc = collections.OrderedDict()
    raw = source(doc, model_rel, image_rel, raw)
    m = Model(model_rel, raw)
    c, h, w = raw.shape
    x = torch.from_numpy(raw)
    b = torch.from_numpy(np.ascontiguousarray(fill_image(raw, fill)))
    mk = rise_masks(masks, w, h, cell, p, seed)
    masked = b[None] + mk[:, None] * (x - b)[None]
    s = m.scores(masked, target, score)
    sal = (s[:, None, None] * mk.double()).sum(0) / (masks * p)
    doc.update(target=target, score=score, masks=masks, cell=cell, p=p, seed=seed, fill=fill,
               logits=flist(m.logits(x[None])[0]), first_masks=flist(mk[:3]), saliency=flist(sal))
    write(name, doc)
    print("%-22s %dx%d masks %d max|s|=%.4g" % (name, w, h, masks, float(sal.abs().max())))


# ---- LIME test model ----

def region_weights():
    """W[k, r] = ((r * 5 + k * 3) % 11 - 5) / 4, r = block row * 4 + block column."""
    return np.array([[((r * 5 + k * 3) % 11 - 5) / 4.0 for r in range(16)] for k in range(2)], np.float32)


def make_region_model():
    fc = nn.Linear(16, 2, bias=False)
    with torch.no_grad():
        fc.weight.copy_(torch.from_numpy(region_weights()))
    stages = collections.OrderedDict([("pool", nn.AvgPool2d(8)), ("flatten", nn.Flatten()), ("fc", fc)])
    d = os.path.join(RES, "models")
    explainable.export(stages, os.path.join(d, "regions-4x4.pt"), "regions-4x4", ["a", "b"],
                       channels=1, height=32, width=32, normalize={"type": "none"})
    # check the saved file: logit = sum_r W[k, r] * mean(block r)
    net = torch.jit.load(os.path.join(d, "regions-4x4.pt")).eval()
    x = torch.rand(1, 1, 32, 32)
    means = x[0, 0].reshape(4, 8, 4, 8).mean(axis=(1, 3)).reshape(16)
    assert torch.allclose(net(x)[0], torch.from_numpy(region_weights()) @ means, atol=1e-5)


def main():
    torch.set_num_threads(1)
    make_region_model()
    gap, bn = "models/cells-gap.pt", "models/cells-bn.pt"
    rgb = "src/test/resources/models/tiny-rgb.pt"
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/mitotic_005.tif"), 1)
    cropped = np.ascontiguousarray(np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect"))  # 50x72
    rng = np.random.default_rng(7)
    colour = rng.integers(0, 256, size=(3, 20, 24)).astype(np.float32)

    occlusion_case("occ_gap_logit", gap, 3, "logit", 16, 8, "zero", image_rel="sample-data/cells/images/foci_003.tif")
    occlusion_case("occ_gap_prob_edges", gap, 1, "probability", 12, 5, "mean", raw=cropped)
    occlusion_case("occ_bn_resized_blur", bn, 1, "logit", 10, 6, "blur", raw=cropped)
    occlusion_case("occ_bn_percentile", bn, 2, "probability", 16, 4, "zero",
                   image_rel="sample-data/cells/images/apoptotic_004.tif")
    occlusion_case("occ_rgb_value", rgb, 1, "logit", 10, 4, "value", fill_value=255.0, raw=colour)

    rise_case("rise_gap_logit", gap, 3, "logit", 40, 8, 0.5, 7, "zero", image_rel="sample-data/cells/images/foci_003.tif")
    rise_case("rise_bn_odd", bn, 1, "logit", 30, 7, 0.5, 3, "zero", raw=cropped)
    rise_case("rise_rgb_prob", rgb, 1, "probability", 30, 6, 0.3, 11, "mean", raw=colour)


if __name__ == "__main__":
    main()
