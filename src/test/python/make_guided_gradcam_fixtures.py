#!/usr/bin/env python3
"""Reference fixtures for Guided Grad-CAM, computed with PyTorch autograd.

    /usr/bin/python3 src/test/python/make_guided_gradcam_fixtures.py

Guided Grad-CAM (Selvaraju et al. 2017) as Captum's GuidedGradCam: the element-wise product of
guided backpropagation (Springenberg et al. 2015) with respect to the input and the non-negative
Grad-CAM map of a layer, upsampled to the input size. Attributions are with respect to the RAW
pixels (autograd runs through the sidecar normalization and resize, as make_fixtures.py documents).

- Guided backpropagation: the TorchScript model is run stage by stage through forward_layers; at
  every stage of kind "relu" a custom autograd function replaces the backward pass by
  relu(grad_out) * (input > 0), as Captum's GuidedBackprop does with its ReLU hooks. Every other
  stage back-propagates its ordinary gradient (max pooling through its forward switches).
- Grad-CAM: as Captum's LayerGradCam at the output of the layer (weights = spatial mean of
  d score / d A, cam = relu(sum_c w_c A_c)), computed on the network's input grid, then upsampled
  straight to the IMAGE size with F.interpolate(mode=bilinear, align_corners=False) (Explain-IJ's
  Grad-CAM convention) or mode=nearest (Captum's GuidedGradCam default).
- The product broadcasts the one-channel Grad-CAM map over the input channels: [C, H, W].
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ROOT, RES, normalize, read_raw  # noqa: E402


def flist(a):
    """float32 values with 9 significant digits: exact for float32, and short JSON."""
    return [float("%.9g" % v) for v in np.asarray(a, np.float32).ravel()]


class GuidedReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_tensors
        return grad_out.clamp(min=0) * (a > 0).to(grad_out.dtype)


def network_input(x, sidecar):
    y = normalize(x, sidecar.get("normalize", {"type": "none"})).unsqueeze(0)
    inp = sidecar["input"]
    if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
        y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
    return y


def score_of(logits, target, score):
    return logits[0, target] if score == "logit" else torch.softmax(logits[0], 0)[target]


def guided_backprop(model, kinds, raw, sidecar, target, score):
    x = torch.from_numpy(raw.copy()).requires_grad_(True)
    a = network_input(x, sidecar)
    for i, kind in enumerate(kinds):
        a = GuidedReLU.apply(a) if kind == "relu" else model.forward_layers(a, i, i + 1)
    score_of(a, target, score).backward()
    return x.grad.detach().numpy()


def grad_cam(model, names, raw, sidecar, target, score, layer, mode):
    x = torch.from_numpy(raw.copy())
    y = network_input(x, sidecar)
    li = names.index(layer)
    acts = model.forward_layers(y, 0, li + 1).detach().requires_grad_(True)
    logits = model.forward_layers(acts, li + 1, len(names))
    score_of(logits, target, score).backward()
    weights = acts.grad.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((weights * acts).sum(dim=1, keepdim=True))
    size = raw.shape[1:]
    if mode == "bilinear":
        up = F.interpolate(cam, size=size, mode="bilinear", align_corners=False)
    else:
        up = F.interpolate(cam, size=size, mode="nearest")
    return up[0, 0].detach().numpy(), logits.detach().numpy()[0]


def write_case(name, model_rel, target, score, layer, mode, image_rel=None, raw=None):
    pt = os.path.join(ROOT, model_rel)
    sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
    model = torch.jit.load(pt).eval()
    names, kinds = list(model.layer_names()), list(model.layer_kinds())
    if image_rel is not None:
        raw = read_raw(os.path.join(ROOT, image_rel), sidecar["input"]["channels"])
    gbp = guided_backprop(model, kinds, raw, sidecar, target, score)
    cam, logits = grad_cam(model, names, raw, sidecar, target, score, layer, mode)
    product = (gbp * cam[None]).astype(np.float32)
    doc = collections.OrderedDict()
    doc["model"] = model_rel
    if image_rel is not None:
        doc["image"] = image_rel
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    doc.update(target=target, score=score, layer=layer, upsample=mode, logits=flist(logits),
               predicted=int(np.argmax(logits)), grad_cam=flist(cam),
               attribution_shape=list(product.shape), attribution=flist(product))
    out = os.path.join(RES, "fixtures", "guided_gradcam")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("%-22s %s layer %s %s max|attr|=%.4g" % (name, model_rel, layer, mode, float(np.abs(product).max())))


def main():
    torch.set_num_threads(1)
    write_case("gap_foci", "models/cells-gap.pt", 3, "logit", "relu3", "bilinear",
               image_rel="sample-data/cells/images/foci_004.tif")
    write_case("gap_mitotic_prob_nearest", "models/cells-gap.pt", 1, "probability", "relu2", "nearest",
               image_rel="sample-data/cells/images/mitotic_003.tif")
    write_case("bn_interphase", "models/cells-bn.pt", 0, "logit", "relu2", "bilinear",
               image_rel="sample-data/cells/images/interphase_005.tif")
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/apoptotic_009.tif"), 1)
    write_case("bn_resized", "models/cells-bn.pt", 2, "logit", "relu1", "bilinear", raw=np.ascontiguousarray(im[:, 4:52, 2:58]))
    rng = np.random.default_rng(11)
    write_case("rgb_tiny", "src/test/resources/models/tiny-rgb.pt", 1, "logit", "relu2", "bilinear",
               raw=rng.integers(0, 256, size=(3, 18, 22)).astype(np.float32))


if __name__ == "__main__":
    main()
