#!/usr/bin/env python3
"""Export a PyTorch image classifier in the Explain-IJ layered TorchScript format.

Explain-IJ (Fiji plugin) needs to run a classifier stage by stage, so that it
can read intermediate activations (Grad-CAM, layer-wise relevance, ...). A
model therefore has to be a TorchScript module with these methods::

    forward(x)                    float [B,C,H,W] -> logits [B,K]
                                  (a segmentation model: per-pixel logits [B,K,H,W])
    layer_names() -> List[str]    stage names in order, e.g. ["conv1","relu1",...]
    layer_kinds() -> List[str]    per stage: "conv","linear","relu","maxpool",
                                  "avgpool","flatten","batchnorm","upsample"
                                  (nearest) or "other"
    forward_layers(a, start, end) applies stages start..end-1 to `a`
                                  (`a` is the input when start == 0, otherwise
                                  the output of stage start-1)

with ``forward(x) == forward_layers(x, 0, len(layer_names()))``.

Next to ``<base>.pt`` a sidecar ``<base>.json`` describes the input::

    {"name": "...", "classes": ["a", "b"],
     "input": {"channels": 1, "height": 64, "width": 64},   # omit height/width = any size
     "normalize": {"type": "none"}
                | {"type": "range", "min": 0, "max": 255}
                | {"type": "meanstd", "mean": [..per channel..], "std": [..]}
                | {"type": "percentile", "low": 1.0, "high": 99.8},
     "cam_layer": "relu3"}

Normalisation is applied by Explain-IJ to the RAW pixel values (float32,
[C,H,W]): range (x-min)/(max-min); meanstd (x-mean[c])/std[c]; percentile
lo/hi = numpy.percentile over all pixels of all channels, (x-lo)/(hi-lo)
(divisor 1 if hi == lo). If height/width are given and differ from the
image, the normalised [1,C,h,w] tensor is resized with bilinear
interpolation (align_corners=False). Train your model with the same
normalisation.

Example -- export your own ``nn.Sequential`` classifier::

    import torch, torch.nn as nn
    from explainable import export

    net = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 4))
    # ... train net ...
    export(net, "my-model.pt", name="my model", classes=["a", "b", "c", "d"],
           channels=1, normalize={"type": "percentile", "low": 1.0, "high": 99.8},
           cam_layer="relu5")   # default names: conv1, relu2, maxpool3, conv4, relu5, ...

Stage names come from an ``OrderedDict`` / list of ``(name, module)`` pairs
when given, otherwise they are generated as ``<kind><index>``. Only
sequential (chain-like) models can be split into stages; a model with skip
connections can still be exported by wrapping each residual block as one
stage (kind "other").

Run ``python3 explainable.py`` for a self-test.
"""
import collections
import json
import os
from typing import List

import torch
import torch.nn as nn
from torch import Tensor

KINDS = ("conv", "linear", "relu", "maxpool", "avgpool", "flatten", "batchnorm", "upsample", "other")


def kind_of(module: nn.Module) -> str:
    """Stage kind inferred from the module type."""
    if isinstance(module, nn.Conv2d):
        return "conv"
    if isinstance(module, nn.Linear):
        return "linear"
    if isinstance(module, nn.ReLU):
        return "relu"
    if isinstance(module, nn.MaxPool2d):
        return "maxpool"
    if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AvgPool2d)):
        return "avgpool"
    if isinstance(module, nn.Flatten):
        return "flatten"
    if isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        return "batchnorm"
    if isinstance(module, nn.Upsample) and module.mode == "nearest":
        return "upsample"  # nearest-neighbour upsampling (e.g. the decoder of a U-Net-style chain)
    return "other"


class LayeredModel(nn.Module):
    """A chain of named stages with the Explain-IJ TorchScript interface."""

    names: List[str]
    kinds: List[str]

    def __init__(self, stages):
        super().__init__()
        if isinstance(stages, nn.Sequential):
            pairs = list(stages.named_children())
            # nn.Sequential without explicit names has children "0", "1", ...
            if all(n.isdigit() for n, _ in pairs):
                pairs = [(None, m) for _, m in pairs]
        elif isinstance(stages, collections.OrderedDict):
            pairs = list(stages.items())
        else:
            pairs = [(p[0], p[1]) if isinstance(p, (tuple, list)) else (None, p) for p in stages]
        if not pairs:
            raise ValueError("model has no stages")
        names, kinds, modules = [], [], []
        for i, (name, module) in enumerate(pairs):
            kind = kind_of(module)
            if name is None:
                name = "%s%d" % (kind, i + 1)
            if name in names:
                raise ValueError("duplicate stage name: " + name)
            names.append(str(name))
            kinds.append(kind)
            modules.append(module)
        self.names = names
        self.kinds = kinds
        self.stages = nn.ModuleList(modules)

    @torch.jit.export
    def layer_names(self) -> List[str]:
        return self.names

    @torch.jit.export
    def layer_kinds(self) -> List[str]:
        return self.kinds

    @torch.jit.export
    def forward_layers(self, a: Tensor, start: int, end: int) -> Tensor:
        for i, stage in enumerate(self.stages):
            if i >= start and i < end:
                a = stage(a)
        return a

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_layers(x, 0, len(self.names))


def normalize_input(x: Tensor, normalize) -> Tensor:
    """Explain-IJ normalisation of one RAW image x (float32 [C,H,W]), differentiable
    w.r.t. x (percentile lo/hi are constants). Returns float32 [C,H,W]."""
    t = (normalize or {"type": "none"}).get("type", "none")
    if t == "none":
        return x
    if t == "range":
        lo, hi = float(normalize["min"]), float(normalize["max"])
        return (x - lo) / (hi - lo)
    if t == "meanstd":
        c = x.shape[0]
        mean = torch.tensor([float(v) for v in normalize["mean"]], dtype=x.dtype).reshape(c, 1, 1)
        std = torch.tensor([float(v) for v in normalize["std"]], dtype=x.dtype).reshape(c, 1, 1)
        return (x - mean) / std
    if t == "percentile":
        import numpy as np
        v = x.detach().cpu().numpy()
        lo = float(np.percentile(v, float(normalize["low"])))
        hi = float(np.percentile(v, float(normalize["high"])))
        d = hi - lo if hi != lo else 1.0
        return (x - lo) / d
    raise ValueError("unknown normalize type " + t)


def preprocess(x: Tensor, sidecar) -> Tensor:
    """RAW float32 [C,H,W] -> network input [1,C,H',W'] exactly as Explain-IJ does it:
    normalise, then bilinear resize (align_corners=False) if the sidecar fixes a size."""
    y = normalize_input(x, sidecar.get("normalize")).unsqueeze(0)
    inp = sidecar.get("input", {})
    h, w = inp.get("height"), inp.get("width")
    if h is not None and w is not None and (y.shape[2] != h or y.shape[3] != w):
        y = torch.nn.functional.interpolate(y, size=(int(h), int(w)), mode="bilinear",
                                            align_corners=False)
    return y


def save(model: LayeredModel, path: str):
    """Script and save (always in eval mode; note: puts `model` into eval mode)."""
    scripted = torch.jit.script(model.eval())
    torch.jit.save(scripted, path)
    return scripted


def write_sidecar(path_json, name, classes, channels, height=None, width=None,
                  normalize=None, cam_layer=None):
    """Write the ``<base>.json`` sidecar. height/width None = any input size."""
    inp = {"channels": int(channels)}
    if height is not None:
        inp["height"] = int(height)
    if width is not None:
        inp["width"] = int(width)
    doc = {"name": name, "classes": list(classes), "input": inp,
           "normalize": normalize if normalize is not None else {"type": "none"}}
    if cam_layer is not None:
        doc["cam_layer"] = cam_layer
    with open(path_json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return doc


def verify(scripted, x: Tensor):
    """Check forward == forward_layers(x,0,n) and that every split point chains exactly."""
    n = len(scripted.layer_names())
    assert len(scripted.layer_kinds()) == n
    with torch.no_grad():
        full = scripted(x)
        if not torch.equal(full, scripted.forward_layers(x, 0, n)):
            raise AssertionError("forward != forward_layers(x, 0, n)")
        for k in range(n + 1):
            mid = scripted.forward_layers(x, 0, k)
            if not torch.equal(scripted.forward_layers(mid, k, n), full):
                raise AssertionError("chaining at split %d differs from forward" % k)
    return full


def export(model, path_pt, name, classes, channels, height=None, width=None,
           normalize=None, cam_layer=None, example=None):
    """Wrap `model` (nn.Sequential / OrderedDict / list of (name, module)), save
    ``path_pt`` and the sidecar ``<base>.json``; verifies the saved file."""
    wrapper = model if isinstance(model, LayeredModel) else LayeredModel(model)
    if cam_layer is not None and cam_layer not in wrapper.names:
        raise ValueError("cam_layer %r not in %s" % (cam_layer, wrapper.names))
    save(wrapper, path_pt)
    base = os.path.splitext(path_pt)[0]
    write_sidecar(base + ".json", name, classes, channels, height, width, normalize, cam_layer)
    loaded = torch.jit.load(path_pt)
    if example is None:
        example = torch.randn(2, channels, height or 32, width or 32,
                              generator=torch.Generator().manual_seed(0))
    verify(loaded, example)
    return loaded


if __name__ == "__main__":
    import tempfile
    torch.manual_seed(0)
    net = collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 8, 3, padding=1)), ("bn1", nn.BatchNorm2d(8)),
        ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(8, 8, 3, padding=1)), ("relu2", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc", nn.Linear(8, 3)),
    ])
    with tempfile.TemporaryDirectory() as d:
        m = export(net, os.path.join(d, "demo.pt"), "demo", ["a", "b", "c"], channels=1,
                   normalize={"type": "percentile", "low": 1.0, "high": 99.8}, cam_layer="relu2")
        print(m.layer_names())
        print(m.layer_kinds())
        print(open(os.path.join(d, "demo.json")).read())
        m2 = export(nn.Sequential(nn.Flatten(), nn.Linear(16, 2)), os.path.join(d, "b.pt"), "b",
                    ["x", "y"], channels=1, height=4, width=4)
        print(m2.layer_names(), m2.layer_kinds())
    print("self-test OK")
