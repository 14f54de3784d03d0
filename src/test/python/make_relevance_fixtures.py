#!/usr/bin/env python3
"""Reference fixtures for Explain-IJ's relevance family: guided backpropagation,
deconvnet, LRP and DeepLIFT, computed in plain PyTorch, independently of the
Java code (Captum's definitions are reproduced and the Captum class is named at
each one; make_library_fixtures.py calls the real Captum and Zennit as well).

    /usr/bin/python3 src/test/python/make_relevance_fixtures.py

Writes
  src/test/resources/models/plain-linear.pt/.json   TorchScript with only forward (no stages)
  src/test/resources/models/biasfree-cnn.pt/.json   seeded conv-relu-maxpool-conv-relu-gap-
                                                    flatten-linear WITHOUT biases (LRP conservation)
  src/test/resources/models/other-stage.pt/.json    conv-relu-Tanh-gap-flatten-linear: a stage of
                                                    kind "other" that is not the identity
  src/test/resources/fixtures/relevance/<case>.json raw-space maps [C,H,W] per method

How the references are computed: the SAVED TorchScript model is rebuilt as plain
nn modules (same architecture, its state_dict loaded; forward checked against the
TorchScript forward), so Python hooks can be used as Captum does. The raw image
goes through the Explain-IJ normalisation and bilinear resize (copied from
make_fixtures.py) and every map is with respect to the RAW pixels at the image
size:
  guided / deconvnet: Captum GuidedBackprop / Deconvolution = backward hooks on
      every nn.ReLU returning relu(grad_input) / relu(grad_output); autograd does
      the rest (through normalisation and resize).
  lrp_<rule>: layer-by-layer LRP (Montavon et al. 2019, the "gradient trick" of
      the LRP tutorial) on the network input, mapped to raw pixels by the
      transpose of the bilinear resize (vjp of F.interpolate). Rules:
        epsilon on conv/linear/bn/maxpool/avgpool: R_in = a * grad(z . R/(z+eps*sgn z))
          with the ORIGINAL layer (bias included), sgn(0)=1 (Captum EpsilonRule,
          which Captum's LRP applies to these layer types);
        zplus on conv/linear: positive contributions a+ W+ + a- W-, no bias (Zennit ZPlus);
        alphabeta on conv/linear: alpha*pos/zpos - beta*neg/zneg, no bias (Zennit AlphaBeta);
        composite: z-box (l, h = raw image min/max through the normalisation) on the
          first conv, zplus on other convs, epsilon on linear (and bn/pools);
        ReLU and Dropout: identity (Captum's LRP non-linear layers); Flatten: reshape.
      Every denominator z is stabilised as z + eps*sgn(z).
  deeplift_<baseline>: Captum DeepLift (rescale rule), batched [x; baseline] as
      Captum does, with full backward hooks: ReLU = Captum's `nonlinear`, MaxPool2d
      = Captum's `maxpool` (max_unpool2d of both halves' indices); the target of both
      halves is summed and backpropagated to the RAW batch; attribution =
      (x - baseline) * grad of the input half. Module hooks give every ReLU
      the max-pool rule's multipliers from the max-pooling after it: this is
      Captum with a Clone() after each ReLU. Stock Captum's tensor hooks let
      the ReLU read the ordinary max-pool gradient instead and differ
      (make_library_fixtures.py measures and commits both). Baselines in raw
      space: zero, mean (per channel), blur (separable Gaussian sigma 5, radius 15, clamped borders:
      method/Baselines.java).
"""
import collections
import json
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
OUT = os.path.join(RES, "fixtures", "relevance")
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402  (only used to EXPORT the test models)

EPS = 1e-6


# ---------------------------------------------------------------- architectures

def gap_arch():
    return [nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 4)]


def bn_arch():
    return [nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(4),
            nn.Flatten(), nn.Linear(16 * 8 * 8, 64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 4)]


def tiny_arch():
    return [nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 2)]


def biasfree_arch():
    return [nn.Conv2d(1, 6, 3, padding=1, bias=False), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 8, 3, padding=1, bias=False), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3, bias=False)]


def other_arch():
    return [nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Tanh(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2)]


class PlainLinear(nn.Module):
    """A classifier with only forward: no layer_names / forward_layers."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 3)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


def make_test_models():
    d = os.path.join(RES, "models")
    torch.manual_seed(99)
    plain = torch.jit.script(PlainLinear().eval())
    torch.jit.save(plain, os.path.join(d, "plain-linear.pt"))
    with open(os.path.join(d, "plain-linear.json"), "w") as f:
        json.dump({"name": "plain-linear", "classes": ["a", "b", "c"],
                   "input": {"channels": 1, "height": 8, "width": 8}, "normalize": {"type": "none"}}, f, indent=2)
        f.write("\n")
    torch.manual_seed(2024)
    names = ["conv1", "relu1", "pool1", "conv2", "relu2", "gap", "flatten", "fc"]
    stages = collections.OrderedDict(zip(names, biasfree_arch()))
    explainable.export(stages, os.path.join(d, "biasfree-cnn.pt"), "biasfree-cnn", ["a", "b", "c"],
                       channels=1, normalize={"type": "meanstd", "mean": [280.0], "std": [390.0]})
    # a stage of kind "other" that is not the identity (Tanh): guided backprop/deconvnet pass its
    # ordinary gradient (Captum hooks only ReLUs); LRP and DeepLIFT refuse it
    torch.manual_seed(77)
    stages = collections.OrderedDict(zip(["conv1", "relu1", "tanh", "gap", "flatten", "fc"], other_arch()))
    explainable.export(stages, os.path.join(d, "other-stage.pt"), "other-stage", ["a", "b"],
                       channels=1, normalize={"type": "range", "min": 0, "max": 10})


def rebuild(model_rel, arch):
    """The saved TorchScript model as plain nn.Sequential (hooks need Python modules)."""
    ts = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    net = nn.Sequential(*arch())
    sd = {k.replace("stages.", ""): v for k, v in ts.state_dict().items()}
    net.load_state_dict(sd)
    net.eval()
    x = torch.randn(1, net[0].in_channels, 64, 64, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        assert torch.allclose(net(x), ts(x), rtol=1e-5, atol=1e-5), model_rel
    return net


# ---------------------------------------------------------------- input transform

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import read_raw  # noqa: E402  (TIFF -> float32 [C,H,W], one definition)


def affine(raw, spec):
    """Per-channel (offset, divisor) of the normalisation, computed from the raw image."""
    c = raw.shape[0]
    t = spec.get("type", "none")
    if t == "none":
        return [0.0] * c, [1.0] * c
    if t == "range":
        return [float(spec["min"])] * c, [float(spec["max"]) - float(spec["min"])] * c
    if t == "meanstd":
        return [float(v) for v in spec["mean"]], [float(v) for v in spec["std"]]
    if t == "percentile":
        lo = float(np.percentile(raw, float(spec["low"])))
        hi = float(np.percentile(raw, float(spec["high"])))
        return [lo] * c, [(hi - lo) if hi != lo else 1.0] * c
    raise ValueError(t)


class Transform:
    """Raw [B,C,h,w] -> network input: (x - offset)/divisor, then bilinear resize if fixed size."""

    def __init__(self, sidecar, raw):
        off, div = affine(raw, sidecar.get("normalize", {"type": "none"}))
        c = raw.shape[0]
        self.off = torch.tensor(off, dtype=torch.float32).reshape(1, c, 1, 1)
        self.div = torch.tensor(div, dtype=torch.float32).reshape(1, c, 1, 1)
        inp = sidecar["input"]
        self.size = (inp["height"], inp["width"]) if "height" in inp and "width" in inp else None

    def resize(self, y):
        if self.size is not None and tuple(y.shape[2:]) != tuple(self.size):
            y = F.interpolate(y, size=self.size, mode="bilinear", align_corners=False)
        return y

    def __call__(self, x):
        return self.resize((x - self.off) / self.div)


def blur(image, sigma=5.0):
    """method/Baselines.blur: separable Gaussian, radius ceil(3 sigma), clamped borders."""
    r = int(np.ceil(3 * sigma))
    k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * sigma * sigma))
    k = k / k.sum()
    out = np.zeros_like(image)
    for c in range(image.shape[0]):
        p = image[c].astype(np.float64)
        h, w = p.shape
        xs = np.clip(np.arange(w)[:, None] + np.arange(-r, r + 1)[None, :], 0, w - 1)
        tmp = (p[:, xs] * k).sum(-1)
        ys = np.clip(np.arange(h)[:, None] + np.arange(-r, r + 1)[None, :], 0, h - 1)
        out[c] = (tmp[ys, :] * k[None, :, None]).sum(1).astype(np.float32)
    return out


def baseline_of(kind, raw):
    if kind == "zero":
        return np.zeros_like(raw)
    if kind == "mean":
        return np.broadcast_to(raw.reshape(raw.shape[0], -1).astype(np.float64).mean(1)
                               .astype(np.float32)[:, None, None], raw.shape).copy()
    if kind == "blur":
        return blur(raw)
    raise ValueError(kind)


# ---------------------------------------------------------------- guided / deconvnet

def modified_relu(net, tf, raw, target, mode):
    """Captum ModifiedReluGradientAttribution: GuidedBackprop (relu of the ReLU's ordinary
    grad_input) / Deconvolution (relu of grad_output)."""
    def hook(module, grad_input, grad_output):
        if mode == "guided":
            return (F.relu(grad_input[0]),)
        return (F.relu(grad_output[0]),)
    handles = [m.register_full_backward_hook(hook) for m in net if isinstance(m, nn.ReLU)]
    try:
        x = torch.from_numpy(raw.copy())[None].requires_grad_(True)
        net(tf(x))[0, target].backward()
        return x.grad[0].detach().numpy()
    finally:
        for h in handles:
            h.remove()


# ---------------------------------------------------------------- LRP

def stab(z):
    return z + EPS * torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z))


def clone_with(layer, weight):
    """A copy of a conv/linear layer with other weights and no bias."""
    new = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding,
                    bias=False) if isinstance(layer, nn.Conv2d) else nn.Linear(layer.in_features, layer.out_features,
                                                                               bias=False)
    with torch.no_grad():
        new.weight.copy_(weight)
    return new


def lrp_epsilon(layer, a, r):
    a = a.clone().detach().requires_grad_(True)
    z = layer(a)
    s = (r / stab(z)).detach()
    (z * s).sum().backward()
    return (a * a.grad).detach()


def lrp_terms(leaves, build, coefs, r):
    leaves = [v.clone().detach().requires_grad_(True) for v in leaves]
    zs = build(*leaves)
    total = 0
    for z, c in zip(zs, coefs):
        total = total + (z * (c * r / stab(z)).detach()).sum()
    total.backward()
    return sum(v * v.grad for v in leaves).detach()


def lrp_zplus(layer, a, r):
    wp, wn = clone_with(layer, layer.weight.clamp(min=0)), clone_with(layer, layer.weight.clamp(max=0))
    return lrp_terms([a.clamp(min=0), a.clamp(max=0)], lambda p, n: [wp(p) + wn(n)], [1.0], r)


def lrp_alphabeta(layer, a, r, alpha=2.0, beta=1.0):
    wp, wn = clone_with(layer, layer.weight.clamp(min=0)), clone_with(layer, layer.weight.clamp(max=0))
    return lrp_terms([a.clamp(min=0), a.clamp(max=0)], lambda p, n: [wp(p) + wn(n), wn(p) + wp(n)], [alpha, -beta], r)


def lrp_zbox(layer, a, r, low, high):
    w = clone_with(layer, layer.weight)
    wp, wn = clone_with(layer, layer.weight.clamp(min=0)), clone_with(layer, layer.weight.clamp(max=0))
    lo = torch.ones_like(a) * low.reshape(1, -1, 1, 1)
    hi = torch.ones_like(a) * high.reshape(1, -1, 1, 1)
    return lrp_terms([a, lo, hi], lambda x, l, h: [w(x) - wp(l) - wn(h)], [1.0], r)


def lrp(net, tf, raw, target, rule):
    x = torch.from_numpy(raw.copy())[None]
    with torch.no_grad():
        acts = [tf(x)]
        for m in net:
            acts.append(m(acts[-1]))
    logits = acts[-1]
    r = torch.zeros_like(logits)
    r[0, target] = logits[0, target]
    first_conv = next(i for i, m in enumerate(net) if isinstance(m, nn.Conv2d)) if any(
        isinstance(m, nn.Conv2d) for m in net) else -1
    lo_raw, hi_raw = float(raw.min()), float(raw.max())
    low = ((lo_raw - tf.off) / tf.div).reshape(-1)
    high = ((hi_raw - tf.off) / tf.div).reshape(-1)
    for i in range(len(net) - 1, -1, -1):
        m, a = net[i], acts[i]
        if isinstance(m, (nn.ReLU, nn.Dropout)):
            continue
        if isinstance(m, nn.Flatten):
            r = r.reshape(a.shape)
        elif isinstance(m, (nn.Conv2d, nn.Linear)):
            if rule == "zplus" or (rule == "composite" and isinstance(m, nn.Conv2d) and i != first_conv):
                r = lrp_zplus(m, a, r)
            elif rule == "alphabeta":
                r = lrp_alphabeta(m, a, r)
            elif rule == "composite" and i == first_conv:
                r = lrp_zbox(m, a, r, torch.minimum(low, high), torch.maximum(low, high))
            else:
                r = lrp_epsilon(m, a, r)
        elif isinstance(m, (nn.BatchNorm2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d)):
            r = lrp_epsilon(m, a, r)
        else:
            raise ValueError(m)
    # relevance at the network input -> raw pixels: transpose of the resize only
    y = torch.zeros((1,) + raw.shape, requires_grad=True)
    (tf.resize(y) * r).sum().backward()
    return y.grad[0].numpy(), float(logits[0, target])


# ---------------------------------------------------------------- DeepLIFT

def deeplift(net, tf, raw, base, target):
    """Captum DeepLift (rescale): forward of the batch [x; baseline], hooks on ReLU
    (captum.attr._core.deep_lift.nonlinear) and MaxPool2d (deep_lift.maxpool)."""
    saved = {}

    def fwd(module, inputs, output):
        saved[module] = (inputs[0].detach(), output.detach())

    def relu_hook(module, grad_input, grad_output):
        inputs, outputs = saved[module]
        x, ref = inputs.chunk(2)
        o, oref = outputs.chunk(2)
        delta_in = torch.cat(2 * [x - ref])
        delta_out = torch.cat(2 * [o - oref])
        return (torch.where(abs(delta_in) < 1e-10, grad_input[0], grad_output[0] * delta_out / delta_in),)

    def pool_hook(module, grad_input, grad_output):
        inputs, outputs = saved[module]
        x, ref = inputs.chunk(2)
        o, oref = outputs.chunk(2)
        delta_in = torch.cat(2 * [x - ref])
        xmax = torch.max(o, oref)
        delta_out = torch.cat([xmax - oref, o - xmax])
        _, indices = F.max_pool2d(inputs, module.kernel_size, module.stride, module.padding, module.dilation,
                                  module.ceil_mode, True)
        un = F.max_unpool2d(grad_output[0] * delta_out, indices, module.kernel_size, module.stride, module.padding,
                            list(inputs.shape))
        a, b = un.chunk(2)
        un = torch.cat(2 * [a + b])
        return (torch.where(abs(delta_in) < 1e-10, grad_input[0], un / delta_in),)

    handles = []
    for m in net:
        if isinstance(m, nn.ReLU):
            handles += [m.register_forward_hook(fwd), m.register_full_backward_hook(relu_hook)]
        if isinstance(m, nn.MaxPool2d):
            handles += [m.register_forward_hook(fwd), m.register_full_backward_hook(pool_hook)]
    try:
        batch = torch.from_numpy(np.stack([raw, base])).requires_grad_(True)
        out = net(tf(batch))
        out[:, target].sum().backward()
        grad = batch.grad[0].detach().numpy()
        logits = out.detach().numpy()
    finally:
        for h in handles:
            h.remove()
    attr = (raw - base) * grad
    return attr, float(logits[0, target]), float(logits[1, target])


# ---------------------------------------------------------------- cases

def flist(a):
    return [float("%.7g" % v) for v in np.asarray(a, np.float32).ravel()]


def write_case(name, model_rel, arch, target, raw, image_rel=None, methods=(), baselines=(), lrp_rules=()):
    pt = os.path.join(ROOT, model_rel)
    sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
    net = rebuild(model_rel, arch)
    tf = Transform(sidecar, raw)
    doc = collections.OrderedDict()
    doc["model"] = model_rel
    if image_rel is not None:
        doc["image"] = image_rel
    else:
        doc["input"] = flist(raw)
    doc["input_shape"] = list(raw.shape)
    doc["target"] = target
    maps = collections.OrderedDict()
    results = collections.OrderedDict()
    for mode in methods:
        maps[mode] = flist(modified_relu(net, tf, raw, target, mode))
    for rule in lrp_rules:
        r, score = lrp(net, tf, raw, target, rule)
        maps["lrp_" + rule] = flist(r)
        results["lrp_" + rule + "_sum"] = float(r.sum())
        results["logit"] = score
    for kind in baselines:
        attr, sx, sb = deeplift(net, tf, raw, baseline_of(kind, raw), target)
        maps["deeplift_" + kind] = flist(attr)
        results["deeplift_" + kind + "_baseline_score"] = sb
        results["deeplift_" + kind + "_sum"] = float(attr.astype(np.float64).sum())
        results["logit"] = sx
    doc["maps"] = maps
    doc["results"] = results
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("%-22s %s" % (name, ", ".join("%s max %.3g" % (k, float(np.abs(np.array(v)).max())) for k, v in maps.items())))
    print("    ", {k: round(v, 5) for k, v in results.items()})


def main():
    torch.set_num_threads(1)
    make_test_models()
    gap, bn = "models/cells-gap.pt", "models/cells-bn.pt"
    tiny, free = "src/test/resources/models/tiny-rgb.pt", "src/test/resources/models/biasfree-cnn.pt"
    both = ("guided", "deconvnet")
    rules = ("epsilon", "zplus", "alphabeta", "composite")
    img = "sample-data/cells/images/foci_003.tif"
    write_case("gap_foci", gap, gap_arch, 3, read_raw(os.path.join(ROOT, img), 1), img,
               methods=both, baselines=("zero", "blur"), lrp_rules=rules)
    img = "sample-data/cells/images/apoptotic_004.tif"
    write_case("bn_apoptotic", bn, bn_arch, 2, read_raw(os.path.join(ROOT, img), 1), img,
               methods=both, baselines=("zero", "mean"), lrp_rules=rules)
    # 50x72 input to the fixed 64x64 model: crop rows 7..56, reflect-pad 4 columns on each side
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/mitotic_005.tif"), 1)
    raw = np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect")
    write_case("bn_resized", bn, bn_arch, 1, raw, methods=("guided",), baselines=("blur",),
               lrp_rules=("composite",))
    rng = np.random.default_rng(7)
    raw = rng.integers(0, 256, size=(3, 20, 24)).astype(np.float32)
    write_case("rgb_tiny", tiny, tiny_arch, 1, raw, methods=both, baselines=("zero", "mean"),
               lrp_rules=("epsilon", "composite"))
    img = "sample-data/cells/images/mitotic_002.tif"
    raw = rng.uniform(0, 10, size=(1, 12, 16)).astype(np.float32)
    write_case("other_stage", "src/test/resources/models/other-stage.pt", other_arch, 1, raw, methods=both)
    write_case("biasfree_mitotic", free, biasfree_arch, 0, read_raw(os.path.join(ROOT, img), 1), img,
               lrp_rules=("epsilon", "composite"))


if __name__ == "__main__":
    main()
