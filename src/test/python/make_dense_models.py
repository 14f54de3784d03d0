#!/usr/bin/env python3
"""Small dense-output (segmentation-like) test models with hand-computable attributions.

  src/test/resources/models/dense-linear.pt/.json
      one stage, a 1x1 convolution 1 -> 3 classes: out[k, y, x] = w[k] * x[y, x] + b[k],
      w = [1.0, -2.0, 0.5], b = [0.0, 1.0, -1.0]; no normalization; any image size.
      For a region R and class k: d mean_R(out[k]) / d x = w[k] / |R| inside R, 0 outside;
      the sum gives w[k] inside R.
  src/test/resources/models/dense-cnn.pt/.json
      conv(1->4, 3x3) relu pool(max 2) conv(4->3, 3x3) upsample(nearest x2), seeded random
      weights: a dense output at the image's size (even sizes) with stages of every kind the
      region target has to pass through (for Grad-CAM / guided backprop / LRP with regions).

  src/test/resources/models/linear-2ch.pt/.json
      flatten + Linear(2*8*8 -> 2), W[k, c, i] = ((5 i + 3 c + 7 k) % 11 - 5) / 10 * (1 + 3 c), b = (0.25, -0.5);
      channel_names ["DNA", "marker"]: channel 2's weights are 4x channel 1's (hand-computable channel tables).

and the reference fixture src/test/resources/fixtures/region/dense_cnn.json (plain PyTorch autograd).

Run with Debian's torch: /usr/bin/python3 src/test/python/make_dense_models.py
"""
import collections
import json
import os
import sys

import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402

OUT = os.path.join(ROOT, "src", "test", "resources", "models")


class Upsample(nn.Module):
    """Nearest-neighbour x2 upsampling (a linear map: relevance passes through it by the epsilon rule)."""

    def forward(self, x):
        return nn.functional.interpolate(x, scale_factor=2.0, mode="nearest")


def main():
    conv = nn.Conv2d(1, 3, 1)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, -2.0, 0.5]).view(3, 1, 1, 1))
        conv.bias.copy_(torch.tensor([0.0, 1.0, -1.0]))
    explainable.export([("conv", conv)], os.path.join(OUT, "dense-linear.pt"), "dense-linear",
                       ["background", "cell", "edge"], channels=1, normalize={"type": "none"})

    lin = nn.Linear(128, 2)
    with torch.no_grad():
        w = torch.zeros(2, 2, 64)
        for k in range(2):
            for c in range(2):
                for i in range(64):
                    w[k, c, i] = ((5 * i + 3 * c + 7 * k) % 11 - 5) / 10.0 * (1 + 3 * c)
        lin.weight.copy_(w.view(2, 128))
        lin.bias.copy_(torch.tensor([0.25, -0.5]))
    explainable.export([("flatten", nn.Flatten()), ("fc", lin)], os.path.join(OUT, "linear-2ch.pt"), "linear-2ch",
                       ["negative", "positive"], channels=2, height=8, width=8, normalize={"type": "none"})
    side = os.path.join(OUT, "linear-2ch.json")
    spec = json.load(open(side))
    spec["channel_names"] = ["DNA", "marker"]
    json.dump(spec, open(side, "w"), indent=2)

    torch.manual_seed(4321)
    cnn = collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 4, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(4, 3, 3, padding=1)), ("up", Upsample()),
    ])
    layered = explainable.LayeredModel(cnn)
    layered.kinds[4] = "upsample"  # explainable.kind_of does not know this module
    explainable.export(layered, os.path.join(OUT, "dense-cnn.pt"), "dense-cnn", ["background", "cell", "edge"],
                       channels=1, normalize={"type": "range", "min": 0, "max": 255}, cam_layer="relu1")


# ---- reference fixture: src/test/resources/fixtures/region/dense_cnn.json ----
# keys: model, width, height, input (raw values, row-major [H, W]), mask (0/1, row-major), cases: a list of
#   {class, score (logit|probability), region_score (mean|sum), class_scores ([K] region score of every class),
#    saliency (signed d score / d raw, [H, W]), gradcam_<layer> ([H, W], relu, bilinear align_corners=False)}
def region_score(out, mask, k, score, reduce):
    """out [1, K, H, W] -> the region score of class k (the Java side's ClassScore over a Region)."""
    p = torch.softmax(out, 1) if score == "probability" else out
    s = (p[0, k] * mask).sum()
    return s / mask.sum() if reduce == "mean" else s


def write_dense_fixture():
    w, h = 16, 16
    ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    raw = ((xs * 37 + ys * 11) % 29 * 8.0 + 20.0 * ((xs - 8) ** 2 + (ys - 7) ** 2 < 20)).float()
    mask = torch.zeros(h, w)
    mask[4:12, 3:10] = 1
    model = torch.jit.load(os.path.join(OUT, "dense-cnn.pt")).eval()
    names = list(model.layer_names())
    cases = []
    for k, score, reduce in [(1, "logit", "mean"), (2, "probability", "sum"), (0, "logit", "sum")]:
        x = raw.clone().view(1, 1, h, w).requires_grad_(True)
        out = model(x / 255.0)
        class_scores = [float(region_score(out, mask, j, score, reduce)) for j in range(out.shape[1])]
        region_score(out, mask, k, score, reduce).backward()
        case = {"class": k, "score": score, "region_score": reduce, "class_scores": class_scores,
                "saliency": [round(float(v), 9) for v in x.grad.flatten()]}
        for layer in ["relu1", "conv2"]:
            i = names.index(layer)
            with torch.no_grad():
                a0 = model.forward_layers(raw.view(1, 1, h, w) / 255.0, 0, i + 1)
            a = a0.clone().requires_grad_(True)
            s = region_score(model.forward_layers(a, i + 1, len(names)), mask, k, score, reduce)
            g, = torch.autograd.grad(s, a)
            cam = torch.relu((g.mean(dim=(2, 3), keepdim=True) * a).sum(1, keepdim=True))
            cam = torch.nn.functional.interpolate(cam, size=(h, w), mode="bilinear", align_corners=False)
            case["gradcam_" + layer] = [round(float(v), 9) for v in cam.flatten()]
        cases.append(case)
    d = os.path.join(ROOT, "src", "test", "resources", "fixtures", "region")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "dense_cnn.json"), "w") as f:
        json.dump({"model": "src/test/resources/models/dense-cnn.pt", "width": w, "height": h,
                   "input": [float(v) for v in raw.flatten()], "mask": [int(v) for v in mask.flatten()],
                   "cases": cases}, f)


if __name__ == "__main__":
    main()
    write_dense_fixture()
