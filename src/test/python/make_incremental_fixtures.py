#!/usr/bin/env python3
"""Test models and Captum references for occlusion by incremental inference (IncrementalOcclusionTest).

    EXPLAINIJ_PYLIB=/work/pylib /usr/bin/python3 src/test/python/make_incremental_fixtures.py

Writes two small untrained (seeded) models in the explainable convention to src/test/resources/models/,
chosen for the geometry incremental inference has to get right:
  incr-stride2  1 channel, any size: a stride-2 convolution, a dilated convolution (dilation 2), max
                pooling, a 5x5 stride-2 convolution, global average pooling, a linear head;
  incr-avgpool  1 channel, any size: average pooling 3/2 with padding 1 that does not count the padding
                (count_include_pad=False: a margin of zeros beyond the border would change it, so its
                patches are cut at the border instead), global average pooling, a linear head;
  incr-pool-bn  2 channels, meanstd normalization, fixed 42x38 input: convolution, batch norm (with
                non-trivial running statistics, eval mode), max pooling 3/2 with padding 1, an unpadded
                convolution, batch norm, max pooling in ceil mode, flatten, a dense head (linear, ReLU,
                linear);
and, in src/test/resources/fixtures/incremental/, Captum 0.7.0's Occlusion (the real library, from
$EXPLAINIJ_PYLIB/captum) on each saved TorchScript file behind the sidecar's normalization, on a seeded
smooth image: {"model", "input" (raw, channel-major, float32-rounded), "input_shape" [C, H, W], "target",
"score": "logit", "window", "stride", "fill", "fill_value", "attribution" [H * W], "logits"}.
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
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
RES = os.path.join(ROOT, "src", "test", "resources")
sys.path.insert(0, os.path.join(ROOT, "models"))
from explainable import export  # noqa: E402

pylib = os.environ.get("EXPLAINIJ_PYLIB")
if not pylib:
    sys.exit("set EXPLAINIJ_PYLIB to the folder holding captum/ (see the docstring)")
sys.path.insert(0, os.path.join(pylib, "captum"))
import captum  # noqa: E402
from captum.attr import Occlusion  # noqa: E402

assert captum.__version__ == "0.7.0", captum.__version__
OUT = os.path.join(RES, "fixtures", "incremental")


def stride2_model():
    torch.manual_seed(21)
    stages = collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 4, 3, stride=2, padding=1)), ("relu1", nn.ReLU()),
        ("conv2", nn.Conv2d(4, 6, 3, padding=2, dilation=2)), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("conv3", nn.Conv2d(6, 8, 5, stride=2, padding=2)), ("relu3", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, 3)),
    ])
    with torch.no_grad():
        for m in stages.values():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.mul_(3.0)  # an untrained net this small barely reacts to a window: make it react
    return stages


def avgpool_model():
    torch.manual_seed(23)
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 4, 3, padding=1)), ("relu1", nn.ReLU()),
        ("pool1", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
        ("conv2", nn.Conv2d(4, 6, 3, padding=1)), ("relu2", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(6, 2)),
    ])


def pool_bn_model():
    torch.manual_seed(22)
    bn1, bn2 = nn.BatchNorm2d(4), nn.BatchNorm2d(6)
    for bn in (bn1, bn2):
        n = bn.num_features
        bn.running_mean.copy_(torch.randn(n) * 0.3)
        bn.running_var.copy_(torch.rand(n) + 0.5)
        bn.weight.data.copy_(torch.rand(n) + 0.5)
        bn.bias.data.copy_(torch.randn(n) * 0.2)
    return collections.OrderedDict([
        ("conv1", nn.Conv2d(2, 4, 3, padding=1)), ("bn1", bn1), ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(3, stride=2, padding=1)),
        ("conv2", nn.Conv2d(4, 6, 3)), ("bn2", bn2), ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2, ceil_mode=True)),
        ("flatten", nn.Flatten()), ("fc1", nn.Linear(6 * 10 * 9, 8)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(8, 3)),
    ])


def smooth_image(seed, c, h, w, scale, offset):
    g = np.random.default_rng(seed)
    x = g.normal(size=(c, h + 4, w + 4))
    k = np.ones(5) / 5
    for axis in (1, 2):
        x = np.apply_along_axis(lambda v: np.convolve(v, k, mode="valid"), axis, x)
    return (x * scale + offset).astype(np.float32)


class AsUserSees(nn.Module):
    """Raw pixels -> the sidecar's meanstd normalization -> the saved TorchScript network -> logits."""

    def __init__(self, net, mean, std):
        super().__init__()
        self.net = net
        self.mean = torch.tensor(mean, dtype=torch.float32)[None, :, None, None]
        self.std = torch.tensor(std, dtype=torch.float32)[None, :, None, None]

    def forward(self, x):
        return self.net((x - self.mean) / self.std)


def f32(values):
    """float32 values as the shortest decimal that reads back to the same float32."""
    return [float("%.9g" % v) for v in np.asarray(values, dtype=np.float32).ravel()]


def case(name, model_rel, raw, mean, std, window, stride, fill):
    net = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    m = AsUserSees(net, mean, std)
    x = torch.from_numpy(raw)[None]
    with torch.no_grad():
        logits = m(x)[0]
        target = int(torch.argmax(logits))
        c = raw.shape[0]
        if fill == "mean":
            # Explain-IJ's mean fill: each channel's mean over the image
            b = torch.from_numpy(raw.mean(axis=(1, 2), dtype=np.float64).astype(np.float32))[None, :, None, None].expand_as(x)
        else:
            b = torch.zeros_like(x)
        a = Occlusion(m).attribute(x, sliding_window_shapes=(c, window, window), strides=(c, stride, stride),
                                   baselines=b.contiguous(), target=target, perturbations_per_eval=16)[0]
    assert torch.allclose(a, a[:1].expand_as(a))  # the window covers all channels: one map
    doc = {"model": model_rel, "input": f32(raw), "input_shape": list(raw.shape), "target": target,
           "score": "logit", "window": window, "stride": stride, "fill": fill, "fill_value": 0.0,
           "attribution": f32(a[0].numpy()), "logits": f32(logits.numpy()),
           "call": "Occlusion(model).attribute(x, sliding_window_shapes=(%d,%d,%d), strides=(%d,%d,%d), baselines=%s, target)"
                   % (c, window, window, c, stride, stride, fill),
           "versions": {"torch": torch.__version__, "captum": captum.__version__}}
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(name, "target", target, "max |attribution|", float(a.abs().max()))


def main():
    models = os.path.join(RES, "models")
    export(stride2_model(), os.path.join(models, "incr-stride2.pt"), "incr-stride2", ["a", "b", "c"], channels=1)
    export(pool_bn_model(), os.path.join(models, "incr-pool-bn.pt"), "incr-pool-bn", ["a", "b", "c"], channels=2,
           height=42, width=38, normalize={"type": "meanstd", "mean": [100.0, 50.0], "std": [40.0, 20.0]},
           example=torch.randn(2, 2, 42, 38, generator=torch.Generator().manual_seed(0)))
    export(avgpool_model(), os.path.join(models, "incr-avgpool.pt"), "incr-avgpool", ["a", "b"], channels=1)
    case("incr_avgpool_zero", "src/test/resources/models/incr-avgpool.pt", smooth_image(7, 1, 40, 44, 3.0, 1.0),
         [0.0], [1.0], 8, 4, "zero")
    case("incr_stride2_zero", "src/test/resources/models/incr-stride2.pt", smooth_image(5, 1, 64, 56, 3.0, 1.0),
         [0.0], [1.0], 8, 4, "zero")
    case("incr_pool_bn_mean", "src/test/resources/models/incr-pool-bn.pt", smooth_image(6, 2, 42, 38, 60.0, 90.0),
         [100.0, 50.0], [40.0, 20.0], 6, 3, "mean")


if __name__ == "__main__":
    main()
