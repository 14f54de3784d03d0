#!/usr/bin/env python3
"""Reference fixtures for the single-image inside-the-network commands: feature maps, filters and the
deconvnet projection of one activation.

    EXPLAINIJ_PYLIB=/work/pylib /usr/bin/python3 src/test/python/make_inspect_single_fixtures.py

Run with Debian's python3-torch 1.13.1 and Captum 0.7.0 (github.com/pytorch/captum tag v0.7.0, commit
833d6aad27a9) from $EXPLAINIJ_PYLIB/captum (not installed with pip; none of its code is in this repository).
The models and images are ones no other fixture uses in these combinations:

  feature_maps_bn_relu2: cells-bn on sample-data/cells-shortcut/images/mitotic_004.tif, the output of stage
      relu2 read with the SAVED TorchScript's own forward_layers(x, 0, stage + 1) after the sidecar's
      normalization (percentile 1 / 99.8, as make_fixtures.py) -> feature_maps_bn_relu2.tif ([C, H, W] float32)
      and per-channel mean, max and fraction of zeros in the JSON.
  filters_gap_conv2 / filters_rgb_conv1: the weights and bias of a conv stage as torch.jit.load reads them
      from the .pt file (stages.<i>.weight) -> <case>.tif ([out * in, kh, kw] float32, slice out * in_channels + in)
      and per output channel mean, std (population, ddof = 0), min, max, L2 norm and bias in the JSON.
  deconvnet_unit_<model>_<layer>: Captum's NeuronDeconvolution(model, layer).attribute(x, neuron_selector=(c, y, x))
      on the model as the user sees it (normalization -> network rebuilt as nn.Sequential from the saved weights,
      make_relevance_fixtures.rebuild) with the RAW pixels as input -> <case>.tif ([C, H, W] float32), the
      activation's value in the JSON.
"""
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import tifffile
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, RES, read_raw  # noqa: E402
from make_relevance_fixtures import Transform, bn_arch, gap_arch, rebuild  # noqa: E402

OUT = os.path.join(RES, "fixtures", "inspect", "single")

pylib = os.environ.get("EXPLAINIJ_PYLIB")
if not pylib:
    sys.exit("set EXPLAINIJ_PYLIB to the folder holding captum/ (see the docstring)")
sys.path.insert(0, os.path.join(pylib, "captum"))
from captum.attr import NeuronDeconvolution  # noqa: E402


def sidecar(model_rel):
    with open(os.path.join(ROOT, model_rel[:-3] + ".json")) as f:
        return json.load(f)


def write(case, tif, doc):
    os.makedirs(OUT, exist_ok=True)
    tifffile.imwrite(os.path.join(OUT, case + ".tif"), np.ascontiguousarray(tif, dtype=np.float32), photometric="minisblack")
    with open(os.path.join(OUT, case + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(case, tif.shape)


def feature_maps(case, model_rel, image_rel, layer):
    ts = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    raw = read_raw(os.path.join(ROOT, image_rel), sidecar(model_rel)["input"]["channels"])
    tf = Transform(sidecar(model_rel), raw)
    stage = list(ts.layer_names()).index(layer)
    with torch.no_grad():
        a = ts.forward_layers(tf(torch.from_numpy(raw)[None]), 0, stage + 1)[0].numpy()
    flat = a.reshape(a.shape[0], -1).astype(np.float64)
    write(case, a, {"model": model_rel, "image": image_rel, "layer": layer, "shape": list(a.shape),
                    "mean": [round(float(v), 7) for v in flat.mean(1)],
                    "max": [float(np.float32(v)) for v in flat.max(1)],
                    "fraction_zero": [float(v) for v in (flat == 0).mean(1)]})


def filters(case, model_rel, layer):
    ts = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    stage = list(ts.layer_names()).index(layer)
    sd = ts.state_dict()
    w = sd["stages.%d.weight" % stage].numpy()
    b = sd.get("stages.%d.bias" % stage)
    o, i, kh, kw = w.shape
    per = w.reshape(o, -1).astype(np.float64)
    doc = {"model": model_rel, "layer": layer, "shape": [o, i, kh, kw],
           "mean": per.mean(1).tolist(), "std": per.std(1).tolist(), "min": per.min(1).tolist(),
           "max": per.max(1).tolist(), "l2": np.sqrt((per ** 2).sum(1)).tolist()}
    if b is not None:
        doc["bias"] = [float(v) for v in b.numpy()]
    write(case, w.reshape(o * i, kh, kw), doc)


class AsUserSees(nn.Module):
    """normalization (and resize) -> network: the model Explain-IJ explains, with raw pixels as input."""

    def __init__(self, tf, net):
        super().__init__()
        self.tf = tf
        self.net = net

    def forward(self, x):
        return self.net(self.tf(x))


def deconvnet_unit(case, model_rel, arch, image_rel, layer, channel):
    """The unit is the channel's strongest activation on this image (its position: the first maximum in row-major order)."""
    ts = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    stage = list(ts.layer_names()).index(layer)
    net = rebuild(model_rel, arch)
    raw = read_raw(os.path.join(ROOT, image_rel), sidecar(model_rel)["input"]["channels"])
    model = AsUserSees(Transform(sidecar(model_rel), raw), net).eval()
    inp = torch.from_numpy(raw.copy())[None]
    with torch.no_grad():
        m = ts.forward_layers(model.tf(inp), 0, stage + 1)[0, channel]
    y, x = divmod(int(torch.argmax(m).item()), m.shape[1])
    attr = NeuronDeconvolution(model, net[stage]).attribute(inp, neuron_selector=(channel, y, x))[0].detach().numpy()
    with torch.no_grad():
        act = ts.forward_layers(model.tf(inp), 0, stage + 1)[0, channel, y, x].item()
    write(case, attr, {"model": model_rel, "image": image_rel, "layer": layer, "channel": channel, "x": x, "y": y,
                       "activation": act, "call": "NeuronDeconvolution(model, layer).attribute(x, neuron_selector=(channel, y, x))",
                       "captum": "0.7.0 (github.com/pytorch/captum tag v0.7.0, 833d6aad27a9)", "torch": torch.__version__})


def main():
    feature_maps("feature_maps_bn_relu2", "models/cells-bn.pt", "sample-data/cells-shortcut/images/mitotic_004.tif", "relu2")
    filters("filters_gap_conv2", "models/cells-gap.pt", "conv2")
    filters("filters_rgb_conv1", "src/test/resources/models/tiny-rgb.pt", "conv1")
    deconvnet_unit("deconvnet_unit_gap_relu2", "models/cells-gap.pt", gap_arch,
                   "sample-data/cells-shortcut/images/foci_002.tif", "relu2", 7)
    deconvnet_unit("deconvnet_unit_bn_pool1", "models/cells-bn.pt", bn_arch,
                   "sample-data/cells-shortcut/images/apoptotic_003.tif", "pool1", 3)


if __name__ == "__main__":
    main()
