#!/usr/bin/env python3
"""Test models and fixtures for "values are what the user sees; nonsense is refused" (issue 8).

  src/test/resources/models/trust-nan.pt/.json
      layered: conv1 (1->2, 3x3) relu2 sqrt3 (kind "other": sqrt(a - 1000), NaN for every value
      below 1000) avgpool4 flatten5 linear6 (2->3). Its logits are NaN for any ordinary image;
      the first non-finite activation is the output of stage 'sqrt3' (index 2).
  src/test/resources/models/trust-float64.pt/.json
      plain (no stages): flatten + Linear(64 -> 3) on an 8x8 image, logits returned as float64.
      W[k, i] = ((3 i + 5 k) % 7 - 3) / 4, b = (0.5, -1, 0.25), so the logit is W x + b and the
      saliency (d logit / d x) is the weight row.
  src/test/resources/models/trust-float16.pt/.json, trust-int.pt/.json
      the same linear map, logits returned as float16, and as int64 (round(10 * logit)).
  src/test/resources/models/trust-mismatch.pt/.json
      layered conv1 relu2 avgpool3 flatten4 linear5 (1 -> 2 -> 3 classes), but forward(x) returns
      forward_layers(x, 0, 5) + 1: its stages disagree with its forward.
  src/test/resources/fixtures/trust/signed16.tif
      a 16x16 signed 16-bit TIFF (int16, values -900 .. 1400) as a camera or a difference image
      gives; ImageJ stores it shifted by 32768 with a calibration function.
  src/test/resources/fixtures/trust/signed16_gap.json
      cells-gap (models/cells-gap.pt, meanstd normalization from its sidecar) on the REAL values
      of signed16.tif: the logits and, for class 1 (mitotic), the gradient and gradient x input
      (plain PyTorch autograd through the normalization).

and, for the main code, src/main/resources/io/github/explainij/model/to-float32.pt.base64: a TorchScript
module whose forward(x) is x.float(), base64-encoded (a zip file among the classes would stop JaCoCo's
report). Network runs float64 / float16 model outputs through it while autograd
records, because DJL's own NDArray.toType cuts the autograd graph (gradients would be lost).

Run with Debian's torch: /usr/bin/python3 src/test/python/make_trust_fixtures.py
"""
import base64
import io
import json
import os
import sys

import numpy as np
import tifffile
import torch
import torch.nn as nn
from torch import Tensor

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402

MODELS = os.path.join(ROOT, "src", "test", "resources", "models")
FIXTURES = os.path.join(ROOT, "src", "test", "resources", "fixtures", "trust")


class SqrtBelow(nn.Module):
    """sqrt(a - 1000): NaN wherever a < 1000 (an overflowing or broken stage)."""

    def forward(self, a):
        return torch.sqrt(a - 1000.0)


class LinearAs(nn.Module):
    """flatten + linear, with the logits returned in another dtype."""

    def __init__(self, lin, dtype: str):
        super().__init__()
        self.lin = lin
        self.dtype = dtype

    def forward(self, x: Tensor) -> Tensor:
        y = self.lin(x.flatten(1))
        if self.dtype == "float64":
            return y.double()
        if self.dtype == "float16":
            return y.half()
        return torch.round(y * 10.0).long()


class ToFloat32(nn.Module):
    """x.float(), differentiable (the cast Network uses for float64 / float16 outputs)."""

    def forward(self, x: Tensor) -> Tensor:
        return x.float()


class Shifted(explainable.LayeredModel):
    """A layered model whose forward adds 1 to what its stages compute."""

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_layers(x, 0, len(self.names)) + 1.0


def sidecar(name, classes, channels=1, height=None, width=None):
    explainable.write_sidecar(os.path.join(MODELS, name + ".json"), name, classes, channels, height, width,
                              {"type": "none"})


def main():
    torch.manual_seed(8)
    os.makedirs(FIXTURES, exist_ok=True)

    cast_dir = os.path.join(ROOT, "src", "main", "resources", "io", "github", "explainij", "model")
    os.makedirs(cast_dir, exist_ok=True)
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(ToFloat32().eval()), buffer)
    with open(os.path.join(cast_dir, "to-float32.pt.base64"), "w") as f:
        f.write(base64.encodebytes(buffer.getvalue()).decode("ascii"))

    nan_model = explainable.LayeredModel([
        ("conv1", nn.Conv2d(1, 2, 3, padding=1)), ("relu2", nn.ReLU()), ("sqrt3", SqrtBelow()),
        ("avgpool4", nn.AdaptiveAvgPool2d(1)), ("flatten5", nn.Flatten()), ("linear6", nn.Linear(2, 3))])
    explainable.save(nan_model, os.path.join(MODELS, "trust-nan.pt"))
    sidecar("trust-nan", ["a", "b", "c"])

    lin = nn.Linear(64, 3)
    with torch.no_grad():
        w = torch.tensor([[((3 * i + 5 * k) % 7 - 3) / 4.0 for i in range(64)] for k in range(3)])
        lin.weight.copy_(w)
        lin.bias.copy_(torch.tensor([0.5, -1.0, 0.25]))
    for dtype, name in (("float64", "trust-float64"), ("float16", "trust-float16"), ("int64", "trust-int")):
        torch.jit.save(torch.jit.script(LinearAs(lin, dtype).eval()), os.path.join(MODELS, name + ".pt"))
        sidecar(name, ["a", "b", "c"], 1, 8, 8)

    mismatch = Shifted([
        ("conv1", nn.Conv2d(1, 2, 3, padding=1)), ("relu2", nn.ReLU()), ("avgpool3", nn.AdaptiveAvgPool2d(1)),
        ("flatten4", nn.Flatten()), ("linear5", nn.Linear(2, 3))])
    explainable.save(mismatch, os.path.join(MODELS, "trust-mismatch.pt"))
    sidecar("trust-mismatch", ["a", "b", "c"])

    # a signed 16-bit image and cells-gap on its real values
    rng = np.random.default_rng(8)
    yy, xx = np.mgrid[0:16, 0:16]
    blob = 2300.0 * np.exp(-((yy - 7.5) ** 2 + (xx - 8.5) ** 2) / 18.0)
    img = (blob - 900.0 + rng.normal(0, 40, (16, 16))).clip(-900, 1400).astype(np.int16)
    tifffile.imwrite(os.path.join(FIXTURES, "signed16.tif"), img)
    back = tifffile.imread(os.path.join(FIXTURES, "signed16.tif"))
    assert back.dtype == np.int16 and (back == img).all()

    gap = torch.jit.load(os.path.join(ROOT, "models", "cells-gap.pt")).eval()
    with open(os.path.join(ROOT, "models", "cells-gap.json")) as f:
        spec = json.load(f)
    mean = float(spec["normalize"]["mean"][0])
    std = float(spec["normalize"]["std"][0])
    x = torch.tensor(img.astype(np.float32)).view(1, 1, 16, 16).requires_grad_(True)
    logits = gap((x - mean) / std)
    logits[0, 1].backward()
    grad = x.grad.view(-1)
    doc = {
        "model": "models/cells-gap.pt", "image": "src/test/resources/fixtures/trust/signed16.tif",
        "target": 1, "values": img.astype(np.float32).reshape(-1).tolist(),
        "logits": logits.detach().view(-1).tolist(),
        "gradient": grad.tolist(),
        "gradient_x_input": (grad * x.detach().view(-1)).tolist(),
        "torch": torch.__version__,
    }
    with open(os.path.join(FIXTURES, "signed16_gap.json"), "w") as f:
        json.dump(doc, f)
    print("min", int(img.min()), "max", int(img.max()), "logits", doc["logits"])


if __name__ == "__main__":
    main()
