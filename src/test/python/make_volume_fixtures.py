#!/usr/bin/env python3
"""A tiny 3D classifier, a small volume, and reference attributions for Explain-IJ's 3D path.

    /usr/bin/python3 src/test/python/make_volume_fixtures.py

Writes
  src/test/resources/models/tiny-3d.pt/.json   Conv3d classifier with stages, input [B, 1, D, H, W]
  src/test/resources/fixtures/volume/volume.tif     8 x 24 x 24 uint16 ImageJ Z stack (0.5 x 0.5 x 2 um)
  src/test/resources/fixtures/volume/<method>.json  references below

The model: conv1 Conv3d(1->4, 3, pad 1), relu1, pool1 MaxPool3d(2), conv2 Conv3d(4->8, 3, pad 1),
relu2, gap AdaptiveAvgPool3d(1), flatten, fc Linear(8->2); stage kinds conv, relu, maxpool, conv,
relu, avgpool, flatten, linear. Classes ["round", "elongated"]: briefly trained (15 epochs, seed 31)
on 8 x 24 x 24 volumes holding one ellipsoid, round or stretched 2-3x along a random in-plane axis
(generated in memory by `make_volume`). Sidecar: {"input": {"channels": 1, "axes": "bczyx"},
"normalize": meanstd (raw units, of the training voxels), "cam_layer": "relu2"}; any D, H, W.

Everything is computed on the SAVED TorchScript file (torch.jit.load, eval mode), with respect to
the RAW voxel values through the normalization: y = (x - mean) / std, x = [1, 1, D, H, W].
The image is the volume's Z slices as depth (D = 8, H = W = 24). Every attribution is [D, H, W]
(written flat, z-major then y then x), float32 values with 9 significant digits.

Keys common to every file:
  model, image (paths from the repository root), shape [D, H, W], target, score ("logit"),
  logits [K], score_value (logit of the target class on the volume).
saliency.json
  saliency    |dS/dx| (absolute; max over the one channel)
  gradient    dS/dx signed (gradient x input is gradient times the volume's voxel values)
smoothgrad.json  (Captum NoiseTunnel(Saliency(abs=False)), nt_type smoothgrad, with SmoothGrad's noise)
  samples, noise, seed, noise_std = noise * (max - min of the volume), first_noisy_values (16),
  attribution: mean over samples of dS/dx at noisy_s = float32(float64(x) + noise_std * g), g from
  java.util.Random(seed).nextGaussian() sample after sample, voxel order [C, D, H, W]
  (make_gradient_fixtures.noisy_samples, as GaussianNoise.java draws them)
ig.json  (Captum IntegratedGradients, zero baseline, gausslegendre, steps 16)
  baseline "zero", integration "gausslegendre", steps, baseline_score, sum_of_attributions,
  attribution (x - 0) * sum_i w_i dS/dx(a_i x)
gradcam.json  (Captum LayerGradCam at cam_layer with relu_attributions=True, then
  F.interpolate(mode="trilinear", align_corners=False) to the volume, as LayerAttribution.interpolate)
  layer, layer_shape [d, h, w] (4 x 12 x 12), weights [C] = mean over d, h, w of dS/dA,
  layer_map_raw = sum_c w_c A_c (no relu, layer grid), layer_map = relu of it,
  attribution = layer_map upsampled trilinearly to [D, H, W];
  for the other class (other_target): other_weights, other_layer_map, other_attribution
occlusion.json  (Captum Occlusion with sliding_window_shapes (1, window_z, window, window),
  strides (1, stride_z, stride, stride), baselines 0)
  window, window_z, stride, stride_z, fill "zero", positions [nz, ny, nx]
  (ceil((L - win) / stride) + 1 per axis, the last window cut at the border),
  window_scores [nz * ny * nx] (target logit with the window at (z, y, x), z-major),
  attribution: each voxel the mean of score(x) - score(occluded) over the windows covering it.
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
OUT = os.path.join(RES, "fixtures", "volume")
MODEL_REL = "src/test/resources/models/tiny-3d.pt"
VOLUME_REL = "src/test/resources/fixtures/volume/volume.tif"
sys.path.insert(0, os.path.join(ROOT, "models"))
import explainable  # noqa: E402  (only used to build and check the layered model)

CLASSES = ["round", "elongated"]
DEPTH, SIZE = 8, 24
TRAIN_SEED, MODEL_SEED, VOLUME_SEED = 3101, 31, 3102
EPOCHS = 15
PIXEL_UM, Z_UM = 0.5, 2.0


# ---------------------------------------------------------------- data and model

def make_volume(rng, cls, dim=None):
    """One [D, H, W] float64 volume: background + one ellipsoid (+ optional dim round blob) + noise."""
    zz, yy, xx = np.mgrid[0:DEPTH, 0:SIZE, 0:SIZE].astype(np.float64)
    cz, cy, cx = rng.uniform(3.0, 4.5), rng.uniform(8.0, 16.0), rng.uniform(8.0, 16.0)
    r = rng.uniform(2.2, 3.2)
    theta = rng.uniform(0, np.pi)
    stretch = rng.uniform(2.0, 3.0) if cls == 1 else 1.0
    u = (xx - cx) * np.cos(theta) + (yy - cy) * np.sin(theta)
    v = -(xx - cx) * np.sin(theta) + (yy - cy) * np.cos(theta)
    d2 = (u / (r * stretch)) ** 2 + (v / r) ** 2 + ((zz - cz) / 1.6) ** 2
    vol = rng.uniform(100.0, 180.0) + rng.uniform(600.0, 1400.0) * np.exp(-1.5 * d2)
    if dim is not None:
        dz, dy, dx, amp = dim
        vol += amp * np.exp(-1.5 * (((zz - dz) / 1.2) ** 2 + ((yy - dy) / 2.0) ** 2 + ((xx - dx) / 2.0) ** 2))
    return vol + rng.normal(0.0, 25.0, size=vol.shape)


def stages():
    return collections.OrderedDict([
        ("conv1", nn.Conv3d(1, 4, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool3d(2)),
        ("conv2", nn.Conv3d(4, 8, 3, padding=1)), ("relu2", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool3d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, 2)),
    ])


KINDS = ["conv", "relu", "maxpool", "conv", "relu", "avgpool", "flatten", "linear"]


def make_model():
    """Briefly train the tiny 3D classifier; save it and its sidecar. Returns the sidecar."""
    n = 150
    data = np.stack([make_volume(np.random.default_rng([TRAIN_SEED, c, i]), c)
                     for c in (0, 1) for i in range(n)]).astype(np.float32)
    labels = torch.tensor([c for c in (0, 1) for _ in range(n)])
    mean, std = round(float(data.mean()), 2), round(float(data.std()), 2)
    x = torch.from_numpy((data - np.float32(mean)) / np.float32(std))[:, None]
    torch.manual_seed(MODEL_SEED)
    model = explainable.LayeredModel(stages())
    model.kinds = list(KINDS)  # explainable.kind_of knows the 2D modules only
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(MODEL_SEED)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        correct = 0
        for i in range(0, len(x), 30):
            idx = perm[i:i + 30]
            out = model(x[idx])
            loss = F.cross_entropy(out, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == labels[idx]).sum())
        print("  epoch %d train-acc %.3f" % (epoch + 1, correct / len(x)))
    pt = os.path.join(ROOT, MODEL_REL)
    os.makedirs(os.path.dirname(pt), exist_ok=True)
    explainable.save(model, pt)
    explainable.verify(torch.jit.load(pt), x[:3])
    sidecar = collections.OrderedDict([
        ("name", "tiny-3d"), ("classes", CLASSES),
        ("input", collections.OrderedDict([("channels", 1), ("axes", "bczyx")])),
        ("normalize", collections.OrderedDict([("type", "meanstd"), ("mean", [mean]), ("std", [std])])),
        ("cam_layer", "relu2")])
    with open(os.path.splitext(pt)[0] + ".json", "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    return sidecar


def make_test_volume():
    """The shipped volume: an elongated object and a dim round blob, as an ImageJ Z stack."""
    rng = np.random.default_rng(VOLUME_SEED)
    vol = make_volume(rng, 1, dim=(5.0, 18.0, 5.0, 450.0))
    vol = np.clip(np.rint(vol), 0, 65535).astype(np.uint16)
    path = os.path.join(ROOT, VOLUME_REL)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tifffile.imwrite(path, vol, imagej=True, resolution=(1 / PIXEL_UM, 1 / PIXEL_UM),
                     metadata={"axes": "ZYX", "spacing": Z_UM, "unit": "um"})
    return vol


# ---------------------------------------------------------------- references

class Volume3D:
    """The saved model as the user sees it: meanstd normalization of raw voxels, then the network."""

    def __init__(self):
        pt = os.path.join(ROOT, MODEL_REL)
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
        self.net = torch.jit.load(pt).eval()
        spec = self.sidecar["normalize"]
        assert spec["type"] == "meanstd"
        self.mean, self.std = float(spec["mean"][0]), float(spec["std"][0])

    def network_input(self, x):
        return (x - self.mean) / self.std

    def logits(self, x):
        """x: raw [B, D, H, W] float32 tensor (one channel) -> logits [B, K]."""
        return self.net(self.network_input(x[:, None]))

    def gradients(self, xs, target):
        x = torch.from_numpy(np.ascontiguousarray(xs, dtype=np.float32)).requires_grad_(True)
        s = self.logits(x)[:, target]
        s.sum().backward()
        return x.grad.detach().numpy().astype(np.float64), s.detach().numpy().astype(np.float64)

    def score(self, raw, target):
        with torch.no_grad():
            return self.logits(torch.from_numpy(raw[None].astype(np.float32)))[0].numpy()


def flist(a):
    """float32 values with 9 significant digits (float32 round-trips exactly)."""
    return [float("%.9g" % v) for v in np.asarray(a, np.float32).ravel()]


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def header(model, raw, target):
    logits = model.score(raw, target)
    doc = collections.OrderedDict()
    doc["model"] = MODEL_REL
    doc["image"] = VOLUME_REL
    doc["shape"] = list(raw.shape)
    doc["target"] = target
    doc["score"] = "logit"
    doc["logits"] = flist(logits)
    doc["score_value"] = float(logits[target])
    return doc


def saliency(model, raw, target):
    doc = header(model, raw, target)
    g, _ = model.gradients(raw[None], target)
    doc["saliency"] = flist(np.abs(g[0]))
    doc["gradient"] = flist(g[0])
    write("saliency", doc)
    print("saliency   max|g| %.4g" % np.abs(g).max())


def smoothgrad(model, raw, target, samples=3, noise=0.1, seed=7):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_gradient_fixtures import noisy_samples
    xs, sigma = noisy_samples(raw, samples, noise, seed)
    g, _ = model.gradients(xs, target)
    doc = header(model, raw, target)
    doc.update(samples=samples, noise=noise, seed=seed, noise_std=sigma, first_noisy_values=flist(xs.ravel()[:16]),
               attribution=flist(g.mean(0)))
    write("smoothgrad", doc)
    print("smoothgrad sigma %.4g max|mean g| %.4g" % (sigma, np.abs(g.mean(0)).max()))


def integrated_gradients(model, raw, target, steps=16):
    doc = header(model, raw, target)
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas, step_sizes = 0.5 * (1 + nodes), 0.5 * weights
    xt = torch.from_numpy(raw)
    scaled = torch.stack([0.0 + float(a) * (xt - 0.0) for a in alphas]).numpy()
    grads, _ = model.gradients(scaled, target)
    attribution = (grads * step_sizes.reshape(-1, 1, 1, 1)).sum(0) * raw.astype(np.float64)
    baseline_score = float(model.score(np.zeros_like(raw), target)[target])
    doc.update(baseline="zero", integration="gausslegendre", steps=steps, baseline_score=baseline_score,
               sum_of_attributions=float(attribution.sum()), attribution=flist(attribution))
    write("ig", doc)
    print("ig         sum %.5g  S(x)-S(0) %.5g" % (attribution.sum(), doc["score_value"] - baseline_score))


def grad_cam(model, raw, target, layer_name):
    """Captum LayerGradCam (weights = mean of dS/dA over d, h, w), relu, trilinear upsampling."""
    names = model.net.layer_names()
    layer, n = names.index(layer_name), len(names)
    x = model.network_input(torch.from_numpy(raw)[None, None])
    result = {}
    for t in (target, 1 - target):
        a = model.net.forward_layers(x, 0, layer + 1).detach().requires_grad_(True)
        s = model.net.forward_layers(a, layer + 1, n)[0, t]
        s.backward()
        act, grad = a.detach()[0], a.grad.detach()[0]
        weights = grad.mean(dim=(1, 2, 3))
        raw_map = (weights[:, None, None, None] * act).sum(0)
        cam = torch.relu(raw_map)
        up = F.interpolate(cam[None, None], size=raw.shape, mode="trilinear", align_corners=False)[0, 0]
        result[t] = (act.shape[1:], weights, raw_map, cam, up)
    doc = header(model, raw, target)
    shape, weights, raw_map, cam, up = result[target]
    doc.update(layer=layer_name, layer_shape=list(shape), weights=flist(weights), layer_map_raw=flist(raw_map),
               layer_map=flist(cam), attribution=flist(up), other_target=1 - target,
               other_weights=flist(result[1 - target][1]), other_layer_map=flist(result[1 - target][3]),
               other_attribution=flist(result[1 - target][4]))
    write("gradcam", doc)
    print("gradcam    layer %s %s max %.4g / other %.4g" % (layer_name, list(shape), float(up.max()),
                                                            float(result[1 - target][4].max())))


def positions(length, window, stride):
    return int(math.ceil((length - window) / stride)) + 1


def occlusion(model, raw, target, window, window_z, stride, stride_z):
    d, h, w = raw.shape
    nz, ny, nx = positions(d, window_z, stride_z), positions(h, window, stride), positions(w, window, stride)
    x = torch.from_numpy(raw)
    masks, occluded = [], []
    for k in range(nz):
        for j in range(ny):
            for i in range(nx):
                m = torch.zeros(d, h, w)
                m[k * stride_z:k * stride_z + window_z, j * stride:j * stride + window,
                  i * stride:i * stride + window] = 1  # slicing cuts the window at the border
                masks.append(m)
                occluded.append(x * (1 - m))  # zero fill
    with torch.no_grad():
        s0 = model.logits(x[None])[0, target].double()
        scores = torch.cat([model.logits(torch.stack(occluded[i:i + 64]))[:, target]
                            for i in range(0, len(occluded), 64)]).double()
    total = torch.zeros(d, h, w, dtype=torch.float64)
    count = torch.zeros(d, h, w, dtype=torch.float64)
    for s, m in zip(scores, masks):
        total += (s0 - s) * m.double()
        count += m.double()
    assert float(count.min()) > 0
    doc = header(model, raw, target)
    doc.update(window=window, window_z=window_z, stride=stride, stride_z=stride_z, fill="zero",
               positions=[nz, ny, nx], window_scores=flist(scores), attribution=flist(total / count))
    write("occlusion", doc)
    print("occlusion  %dx%dx%d windows, max|a| %.4g" % (nz, ny, nx, float((total / count).abs().max())))
    return masks, total / count


def captum_check(model, raw, target):
    """If Captum is importable (CAPTUM_PATH, default /work/pylib/captum), compare every written
    reference with Captum's own classes on the 3D model; prints the largest differences."""
    sys.path.insert(0, os.environ.get("CAPTUM_PATH", "/work/pylib/captum"))
    try:
        from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, NoiseTunnel, Occlusion, Saliency
    except ImportError:
        print("captum not found: no cross-check")
        return
    fwd = lambda x: model.net(model.network_input(x))  # noqa: E731  x: [B, 1, D, H, W]
    x = torch.from_numpy(raw[None, None].copy())

    def ref(name, key="attribution"):
        return np.asarray(json.load(open(os.path.join(OUT, name + ".json")))[key]).reshape(raw.shape)

    checks = collections.OrderedDict()
    checks["saliency"] = (Saliency(fwd).attribute(x, target=target, abs=True), ref("saliency", "saliency"))
    sg = json.load(open(os.path.join(OUT, "smoothgrad.json")))
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_gradient_fixtures import noisy_samples
    xs, sigma = noisy_samples(raw, sg["samples"], sg["noise"], sg["seed"])
    noise = torch.from_numpy((xs.astype(np.float64) - raw.astype(np.float64)[None]).astype(np.float32))[:, None]
    real_normal = torch.normal
    torch.normal = lambda mean, std, *a, **k: noise.clone()  # NoiseTunnel's only draw, the same noise
    try:
        checks["smoothgrad"] = (NoiseTunnel(Saliency(fwd)).attribute(
            x, nt_type="smoothgrad", nt_samples=sg["samples"], stdevs=float(sigma), target=target, abs=False),
            ref("smoothgrad"))
    finally:
        torch.normal = real_normal
    checks["ig"] = (IntegratedGradients(fwd).attribute(x, baselines=0.0, target=target, n_steps=16,
                                                       method="gausslegendre"), ref("ig"))
    # Captum hooks the layer: an eager copy of the saved network (hooks do not fire inside TorchScript)
    eager = explainable.LayeredModel(stages())
    eager.load_state_dict(model.net.state_dict())
    layer = eager.stages[model.net.layer_names().index(model.sidecar["cam_layer"])]
    cam = LayerGradCam(eager.eval(), layer).attribute(model.network_input(x), target=target,
                                                      relu_attributions=True)
    checks["gradcam"] = (LayerAttribution.interpolate(cam, raw.shape, "trilinear"), ref("gradcam"))
    occ = Occlusion(fwd).attribute(x, sliding_window_shapes=(1, 2, 4, 4), strides=(1, 2, 2, 2), baselines=0.0,
                                   target=target, perturbations_per_eval=64)
    checks["occlusion"] = (occ, ref("occlusion"))
    for name, (theirs, ours) in checks.items():
        theirs = theirs.detach().double().numpy().reshape(raw.shape)
        print("  captum %-10s max|diff| %.3g of max|a| %.3g" % (name, np.abs(theirs - ours).max(), np.abs(ours).max()))


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    make_model()
    make_test_volume()
    model = Volume3D()
    raw = tifffile.imread(os.path.join(ROOT, VOLUME_REL)).astype(np.float32)  # [D, H, W]
    assert raw.shape == (DEPTH, SIZE, SIZE)
    logits = model.score(raw, 0)
    target = int(np.argmax(logits))
    print("volume logits %s -> %s" % (np.round(logits, 4), CLASSES[target]))
    saliency(model, raw, target)
    smoothgrad(model, raw, target)
    integrated_gradients(model, raw, target)
    grad_cam(model, raw, target, model.sidecar["cam_layer"])
    occlusion(model, raw, target, window=4, window_z=2, stride=2, stride_z=2)
    captum_check(model, raw, target)


if __name__ == "__main__":
    main()
