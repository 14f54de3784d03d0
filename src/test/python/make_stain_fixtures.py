#!/usr/bin/env python3
"""Reference fixtures for "which stain drove this decision": per-channel attributions, the
attribution mass per channel, and channel ablation, computed in plain PyTorch.

    /usr/bin/python3 src/test/python/make_stain_fixtures.py

Writes
  src/test/resources/models/plain-2ch.pt/.json  a 2-channel TorchScript classifier with ONLY forward
      (no stages): conv 3x3 (2->4, pad 1), relu, mean over y and x, linear 4->3; seeded, untrained;
      any size; meanstd per channel (mean [100, 50], std [40, 20]); channel_names ["Hoechst", "GFP"]
  src/test/resources/fixtures/stains/<case>.json

Models: models/cells-2ch.pt (models/train_stains.py; channels "DNA", "marker") on the TIFFs of
sample-data/stains, plain-2ch and tiny-rgb (make_fixtures.py) on inline inputs. Everything runs on the
SAVED TorchScript files, with respect to the RAW pixels through the sidecar normalization (the model
as the user sees it; helpers imported from make_gradient_fixtures.py). Score: the target's logit.

Keys (arrays flat, channel-major [C, H, W]; float32 values with 9 significant digits):
  model; image (path from the repository root) or input + input_shape (inline raw values);
  shape [C, H, W]; channel_names (the sidecar's); target; score "logit"; logits; score_value
  saliency_per_channel   |dS/dx| per channel, NOT reduced over channels        (cases with maps)
  ig_per_channel         Integrated Gradients per channel, zero baseline, gausslegendre, ig_steps
                         steps (Captum's IntegratedGradients), not reduced      (cases with maps)
  saliency_mass [C]      sum over the channel's pixels of |dS/dx|; saliency_share = mass / sum(mass)
  ig_mass [C]            sum over the channel's pixels of |IG|; ig_share likewise
  ig_steps, ig_sum (sum of all IG values), baseline_score (S of the zero image)
  ablation               channel ablation: for each channel c, the image with channel c replaced by
                         its own mean (float64 mean over that channel's pixels, stored as float32;
                         the other channels untouched):
    channel_means [C], ablated_scores [C] (target logit of each ablated image),
    drops [C] = score_value - ablated_scores[c]  (positive = the channel supported the class)
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_gradient_fixtures import ROOT, Model, flist, integrated_gradients, load  # noqa: E402

OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "stains")
PLAIN_REL = "src/test/resources/models/plain-2ch.pt"
IG_STEPS = 32


class Plain2ch(nn.Module):
    """No stages: only forward, so layer-aware methods must refuse it and channel ablation must not."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))


def make_plain_model():
    torch.manual_seed(2024)
    model = torch.jit.script(Plain2ch().eval())
    pt = os.path.join(ROOT, PLAIN_REL)
    torch.jit.save(model, pt)
    sidecar = collections.OrderedDict([
        ("name", "plain-2ch"), ("classes", ["a", "b", "c"]), ("input", {"channels": 2}),
        ("channel_names", ["Hoechst", "GFP"]),
        ("normalize", collections.OrderedDict([("type", "meanstd"), ("mean", [100.0, 50.0]), ("std", [40.0, 20.0])]))])
    with open(os.path.splitext(pt)[0] + ".json", "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def channel_ablation(model, raw, target):
    base, _ = model.score_of(raw, raw, target, "logit")
    means, scores = [], []
    for c in range(raw.shape[0]):
        ablated = raw.copy()
        mean = np.float32(raw[c].astype(np.float64).mean())
        ablated[c] = mean
        s, _ = model.score_of(ablated, raw, target, "logit")
        means.append(mean)
        scores.append(s)
    scores = np.asarray(scores, np.float64)
    return collections.OrderedDict([("channel_means", flist(means)), ("ablated_scores", flist(scores)),
                                    ("drops", [float(base - s) for s in scores])])


def mass(a):
    m = np.abs(a).sum(axis=(1, 2))
    return m, m / m.sum()


def case(name, model, target, image_rel=None, raw=None, maps=True):
    raw = load(model, image_rel, raw)
    doc = collections.OrderedDict()
    doc["model"] = model.rel
    if image_rel is not None:
        doc["image"] = image_rel
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    doc["shape"] = list(raw.shape)
    doc["channel_names"] = model.sidecar.get("channel_names")
    score, logits = model.score_of(raw, raw, target, "logit")
    doc.update(target=target, score="logit", logits=flist(logits), score_value=score)
    g, _ = model.gradients(raw[None], raw, target, "logit")
    sal = np.abs(g[0])
    ig, _, s_b = integrated_gradients(model, raw, target, "logit", "zero", "gausslegendre", IG_STEPS)
    if maps:
        doc["saliency_per_channel"] = flist(sal)
        doc["ig_per_channel"] = flist(ig)
    (sm, ss), (im, ish) = mass(sal), mass(ig)
    doc.update(saliency_mass=[float(v) for v in sm], saliency_share=[float(v) for v in ss],
               ig_steps=IG_STEPS, ig_sum=float(ig.sum()), baseline_score=s_b,
               ig_mass=[float(v) for v in im], ig_share=[float(v) for v in ish])
    doc["ablation"] = channel_ablation(model, raw, target)
    write(name, doc)
    print("%-26s logit %.4f  saliency share %s  IG share %s  ablation drops %s" % (
        name, score, np.round(ss, 3), np.round(ish, 3), np.round(doc["ablation"]["drops"], 4)))
    return raw


def captum_check(model, raw, target):
    """If Captum is importable (CAPTUM_PATH or /work/pylib/captum), compare with its classes."""
    path = os.environ.get("CAPTUM_PATH", "/work/pylib/captum")
    sys.path.insert(0, path)
    try:
        from captum.attr import FeatureAblation, IntegratedGradients, Saliency
    except ImportError:
        print("captum not found: no cross-check")
        return
    fwd = lambda x: model.forward(x, raw)  # noqa: E731
    x = torch.from_numpy(raw[None].copy())
    ours_ig, _, _ = integrated_gradients(model, raw, target, "logit", "zero", "gausslegendre", IG_STEPS)
    ig = IntegratedGradients(fwd).attribute(x, baselines=0.0, target=target, n_steps=IG_STEPS,
                                           method="gausslegendre")[0].double().numpy()
    sal = Saliency(fwd).attribute(x, target=target, abs=True)[0].double().numpy()
    g, _ = model.gradients(raw[None], raw, target, "logit")
    c = raw.shape[0]
    mask = torch.arange(c).reshape(1, c, 1, 1).expand_as(x).contiguous()
    means = torch.from_numpy(raw.astype(np.float64).mean(axis=(1, 2)).astype(np.float32)).reshape(1, c, 1, 1)
    fa = FeatureAblation(fwd).attribute(x, baselines=means, target=target, feature_mask=mask)[0]
    drops = channel_ablation(model, raw, target)["drops"]
    print("  captum: IG max|diff| %.3g (max|a| %.3g), saliency max|diff| %.3g, ablation drops %s vs %s" % (
        np.abs(ig - ours_ig).max(), np.abs(ours_ig).max(), np.abs(sal - np.abs(g[0])).max(),
        np.round([float(fa[k, 0, 0]) for k in range(c)], 6), np.round(drops, 6)))


def main():
    torch.set_num_threads(2)
    make_plain_model()
    stains = Model("models/cells-2ch.pt")
    plain = Model(PLAIN_REL)
    tiny = Model("src/test/resources/models/tiny-rgb.pt")
    cyto = "sample-data/stains/images/cytoplasmic_002.tif"
    nuclear = "sample-data/stains/images/nuclear_003.tif"
    raw = case("stains_cytoplasmic_logit", stains, 2, image_rel=cyto)
    captum_check(stains, raw, 2)
    case("stains_nuclear_logit", stains, 1, image_rel=nuclear, maps=False)
    two = np.random.default_rng(9).gamma(2.0, [[[50.0]], [[25.0]]], size=(2, 16, 20)).astype(np.float32)
    raw = case("plain_2ch_logit", plain, 0, raw=two)
    captum_check(plain, raw, 0)
    rgb = np.random.default_rng(7).integers(0, 256, size=(3, 20, 24)).astype(np.float32)
    case("rgb_tiny_logit", tiny, 1, raw=rgb, maps=False)


if __name__ == "__main__":
    main()
