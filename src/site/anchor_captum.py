"""The benchmark's anchors: one Python run of a method on the same TorchScript model and image, as a whole process.

    EXPLAINIJ_PYLIB=/path/to/sources /usr/bin/python3 src/site/anchor_captum.py METHOD MODEL.pt IMAGE.tif OUT.tif [key=value ...]
    EXPLAINIJ_PYLIB=/path/to/sources /usr/bin/python3 src/site/anchor_captum.py passes MODEL.pt IMAGE.tif OUT.json batch=N

`java -jar explain-ij.jar benchmark --anchor /usr/bin/python3` runs it beside `java -jar explain-ij.jar METHOD ...` on the
same files, alternating the two, and reports the ratio of their whole-process times, their peak memory and how far their
maps are apart. Each anchor is what a Python user would write with the library that Explain-IJ's README names as the
method's reference, with Explain-IJ's default parameters; it imports only the library it uses. EXPLAINIJ_PYLIB holds the
libraries' sources (captum/, zennit/src, pytorch-grad-cam/: see src/test/python/make_library_fixtures.py); torch gets
EXPLAINIJ_THREADS threads (default: the machine's cores), as libtorch does in Explain-IJ. `batch` (default 64) is the
libraries' own batching parameter (perturbations_per_eval, internal_batch_size, nt_samples_batch_size, ScoreCAM's
batch_size, the RISE code's batch); `target=N` replaces the predicted class. Scores are logits (Explain-IJ's default).

The model as the user sees it: raw pixels -> normalization with the explained image's statistics (held fixed for
perturbed copies, as Explain-IJ) -> bilinear resize where the sidecar fixes a size -> the network.
  - Captum's gradient and perturbation methods call the saved TorchScript module itself.
  - Hook-based methods (Captum GuidedBackprop, Deconvolution, DeepLift, GuidedGradCam; Zennit; pytorch-grad-cam) need
    Python modules: the network is rebuilt as nn.Sequential from the TorchScript stages (each stage's class and
    hyper-parameters, its weights), and checked against the TorchScript forward on the image.

METHOD (Explain-IJ's name): the library call
  saliency              Captum Saliency(abs=True), max over channels
  gradient-x-input      Captum InputXGradient, summed over channels
  smoothgrad            Captum NoiseTunnel(Saliency(abs=False)), nt_type='smoothgrad', nt_samples=samples (25),
                        stdevs = noise (0.15) * (max - min) of the image; torch's noise (values differ: see the r column)
  integrated-gradients  Captum IntegratedGradients, baselines=0, n_steps=steps (50), method='gausslegendre'
  interior-gradients    Captum Saliency(abs=False) on the batch of alpha * x, alphas 0.02, 0.04, ..., 1.0; one slice each
  guided-backprop       Captum GuidedBackprop (rebuilt network)
  deconvnet             Captum Deconvolution (rebuilt network)
  lrp                   Zennit Gradient with Epsilon(1e-6) on conv/linear/batchnorm/pooling and Pass on ReLU/Dropout, on the
                        network input (relevance to raw pixels through the resize's transpose where there is one)
  deeplift              Captum DeepLift (rebuilt network with a Clone() after each ReLU: see the README), baselines=0
  cam                   plain PyTorch (no library has CAM): the GAP's input weighted by the linear layer's class row
  grad-cam              Captum LayerGradCam(relu_attributions=True) at layer (the sidecar's cam_layer), bilinear upsampling
  grad-cam-pp           pytorch-grad-cam GradCAMPlusPlus   } at layer, with its display scaling (scale_cam_image) replaced
  layer-cam             pytorch-grad-cam LayerCAM          } by bilinear upsampling without min-max scaling, on the
  score-cam             pytorch-grad-cam ScoreCAM          } network input, as Explain-IJ
  guided-grad-cam       Captum GuidedGradCam(interpolate_mode='bilinear') at layer
  occlusion             Captum Occlusion, sliding_window_shapes=(C, window, window), strides=(C, stride, stride), baselines=0
  channel-ablation      Captum FeatureAblation, one feature per channel, baselines = each channel's mean; one slice per channel
  rise                  the RISE authors' PyTorch code (github.com/eclique/RISE, explanations.py: generate_masks with
                        skimage's resize, then batched masked passes), masks (2000), cell (8), p (0.5); random masks
  lime                  Captum Lime on skimage's SLIC superpixels (n_segments=segments (50), compactness (0.5) on the
                        image rescaled to [0, 1] between its 1st and 99.8th percentiles), baselines = each superpixel's
                        mean, SkLearnRidge(alpha=1), exponential cosine kernel of width kernel_width (0.25),
                        n_samples=samples (1000); random samples
  passes                no method: the network's batched forward and forward + backward (the gradient of the summed
                        target logits with respect to the input, torch.autograd.grad) per image in milliseconds of wall
                        and CPU time, after a warm-up, the faster of two rounds of at least 0.5 s each, written as JSON
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import tifffile

PYLIB = os.environ.get("EXPLAINIJ_PYLIB")
if PYLIB:
    for sub in ("captum", os.path.join("zennit", "src"), "pytorch-grad-cam"):
        sys.path.insert(0, os.path.join(PYLIB, sub))


# ---------------------------------------------------------------- the model as the user sees it

class Normalize(nn.Module):
    """Raw [B,C,H,W] -> network input: the sidecar's normalization with the explained image's statistics, then the
    sidecar's fixed size (bilinear, align_corners=False)."""

    def __init__(self, sidecar, raw):
        super().__init__()
        norm = sidecar.get("normalize") or {"type": "none"}
        c = raw.shape[0]
        kind = norm.get("type", "none")
        off, div = np.zeros(c), np.ones(c)
        if kind == "range":
            off[:], div[:] = float(norm["min"]), float(norm["max"]) - float(norm["min"])
        elif kind == "meanstd":
            off, div = np.array(norm["mean"], float), np.array(norm["std"], float)
        elif kind == "percentile":
            lo, hi = np.percentile(raw, float(norm["low"])), np.percentile(raw, float(norm["high"]))
            off[:], div[:] = lo, (hi - lo) if hi != lo else 1.0
        self.off = torch.tensor(off, dtype=torch.float32).reshape(1, c, 1, 1)
        self.div = torch.tensor(div, dtype=torch.float32).reshape(1, c, 1, 1)
        inp = sidecar.get("input", {})
        self.size = (int(inp["height"]), int(inp["width"])) if "height" in inp and "width" in inp else None

    def resize(self, y):
        if self.size is None or tuple(y.shape[2:]) == self.size:
            return y
        return F.interpolate(y, size=self.size, mode="bilinear", align_corners=False)

    def forward(self, x):
        return self.resize((x - self.off) / self.div)


class AsUserSees(nn.Module):
    def __init__(self, normalize, net):
        super().__init__()
        self.normalize, self.net = normalize, net

    def forward(self, x):
        return self.net(self.normalize(x))


class Clone(nn.Module):
    def forward(self, x):
        return x.clone()


def rebuild(ts, example, clones=False):
    """The TorchScript stages as nn.Sequential of the same classes, hyper-parameters and weights."""
    layers = []
    for _, m in ts.stages.named_children():
        kind = m.original_name
        if kind == "Conv2d":
            w = m.weight
            layer = nn.Conv2d(w.shape[1] * m.groups, w.shape[0], tuple(w.shape[2:]), stride=m.stride, padding=m.padding,
                              dilation=m.dilation, groups=m.groups, bias=m.bias is not None)
        elif kind == "Linear":
            layer = nn.Linear(m.weight.shape[1], m.weight.shape[0], bias=m.bias is not None)
        elif kind == "BatchNorm2d":
            layer = nn.BatchNorm2d(m.weight.shape[0], eps=m.eps)
        elif kind == "MaxPool2d":
            layer = nn.MaxPool2d(m.kernel_size, m.stride, m.padding, m.dilation, ceil_mode=m.ceil_mode)
        elif kind == "AvgPool2d":
            layer = nn.AvgPool2d(m.kernel_size, m.stride, m.padding, ceil_mode=m.ceil_mode)
        elif kind == "AdaptiveAvgPool2d":
            layer = nn.AdaptiveAvgPool2d(m.output_size)
        elif kind == "Flatten":
            layer = nn.Flatten(m.start_dim, m.end_dim)
        elif kind in ("ReLU", "Dropout", "Identity"):
            layer = getattr(nn, kind)()
        else:
            sys.exit("anchor_captum.py: cannot rebuild a stage of class %s for the hook-based methods" % kind)
        layer.load_state_dict(m.state_dict())
        layers.append(layer)
        if clones and kind == "ReLU":
            layers.append(Clone())
    net = nn.Sequential(*layers).eval()
    with torch.no_grad():
        a, b = net(example), ts(example)
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-4 * float(b.abs().max())), "rebuilt network differs"
    return net


def stage_module(ts, net, name):
    """The rebuilt module of a stage name (counting past inserted Clones)."""
    index = list(ts.layer_names()).index(name)
    return [m for m in net if not isinstance(m, Clone)][index]


def upsample(cam, size):
    return F.interpolate(cam, size=size, mode="bilinear", align_corners=False)


# ---------------------------------------------------------------- methods

def gradient_method(method, model, x, target, p):
    from captum.attr import InputXGradient, IntegratedGradients, NoiseTunnel, Saliency
    if method == "saliency":
        return Saliency(model).attribute(x, target=target, abs=True).amax(1)
    if method == "gradient-x-input":
        return InputXGradient(model).attribute(x, target=target).sum(1)
    if method == "integrated-gradients":
        return IntegratedGradients(model).attribute(x, baselines=0.0, target=target, n_steps=int(p.get("steps", 50)),
                                                    method="gausslegendre", internal_batch_size=p["batch"]).sum(1)
    if method == "smoothgrad":
        sigma = float(p.get("noise", 0.15)) * float(x.max() - x.min())
        return NoiseTunnel(Saliency(model)).attribute(x, nt_type="smoothgrad", nt_samples=int(p.get("samples", 25)),
                                                      nt_samples_batch_size=p["batch"], stdevs=sigma, target=target,
                                                      abs=False).sum(1)
    if method == "interior-gradients":
        alphas = [0.02 * (i + 1) for i in range(50)]
        slices = []
        for i in range(0, len(alphas), p["batch"]):
            xs = torch.cat([x * a for a in alphas[i:i + p["batch"]]])
            slices.append(Saliency(model).attribute(xs, target=target, abs=False).sum(1))
        return torch.cat(slices)[None]
    return None


def relevance_method(method, ts, normalize, x, target, p):
    from captum.attr import Deconvolution, DeepLift, GuidedBackprop
    if method in ("guided-backprop", "deconvnet"):
        model = AsUserSees(normalize, rebuild(ts, normalize(x)))
        kind = GuidedBackprop if method == "guided-backprop" else Deconvolution
        return kind(model).attribute(x, target=target).sum(1)
    if method == "deeplift":
        model = AsUserSees(normalize, rebuild(ts, normalize(x), clones=True))
        return DeepLift(model).attribute(x, baselines=torch.zeros_like(x), target=target).sum(1)
    return None


def lrp(ts, normalize, x, target):
    import zennit.attribution
    import zennit.composites
    import zennit.rules
    y = normalize(x).detach()
    net = rebuild(ts, y)
    eps = zennit.rules.Epsilon(epsilon=1e-6)
    composite = zennit.composites.LayerMapComposite([
        ((nn.ReLU, nn.Dropout), zennit.rules.Pass()), (nn.Conv2d, eps), (nn.Linear, eps),
        ((nn.BatchNorm2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d), eps)])
    y.requires_grad_(True)
    with torch.no_grad():
        logits = net(y)
    one_hot = torch.zeros_like(logits)
    one_hot[0, target] = logits[0, target]
    with zennit.attribution.Gradient(net, composite) as attributor:
        _, r = attributor(y, one_hot)
    raw = torch.zeros_like(x, requires_grad=True)  # relevance at the network input -> raw pixels: the resize's transpose
    (normalize.resize(raw) * r).sum().backward()
    return raw.grad.sum(1)


def cam_method(method, ts, normalize, x, target, p, layer):
    size = tuple(x.shape[2:])
    if method == "cam":
        kinds = list(ts.layer_kinds())
        gap = kinds.index("avgpool")
        with torch.no_grad():
            a = ts.forward_layers(normalize(x), 0, gap)
            w = list(ts.stages.children())[kinds.index("linear", gap)].weight[target]
            return upsample(torch.einsum("c,bchw->bhw", w, a)[:, None], size)[:, 0]
    if method in ("grad-cam", "guided-grad-cam"):
        from captum.attr import GuidedGradCam, LayerGradCam
        net = rebuild(ts, normalize(x))
        model, mod = AsUserSees(normalize, net), stage_module(ts, net, layer)
        if method == "grad-cam":
            cam = LayerGradCam(model, mod).attribute(x, target=target, relu_attributions=True)
            return upsample(cam, size)[:, 0]
        return GuidedGradCam(model, mod).attribute(x, target=target, interpolate_mode="bilinear").sum(1)
    import types
    try:
        import ttach  # noqa: F401
    except ImportError:  # used only for aug_smooth, never here
        tta = types.ModuleType("ttach")
        tta.Compose, tta.HorizontalFlip, tta.Multiply = (lambda t: list(t)), (lambda *a, **k: None), (lambda *a, **k: None)
        sys.modules["ttach"] = tta
    import pytorch_grad_cam
    import pytorch_grad_cam.base_cam
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
    y = normalize(x).detach()
    net = rebuild(ts, y)
    # the library min-max scales its map for display and resizes it with OpenCV; Explain-IJ returns raw values
    # upsampled bilinearly to the image
    pytorch_grad_cam.base_cam.scale_cam_image = lambda cam, target_size=None: np.float32(cam)
    kind = {"grad-cam-pp": pytorch_grad_cam.GradCAMPlusPlus, "layer-cam": pytorch_grad_cam.LayerCAM,
            "score-cam": pytorch_grad_cam.ScoreCAM}[method]
    cam = kind(model=net, target_layers=[stage_module(ts, net, layer)])
    cam.batch_size = p["batch"]
    out = cam(input_tensor=y, targets=[ClassifierOutputTarget(target)])
    cam.activations_and_grads.release()
    return upsample(torch.from_numpy(out)[:, None], size)[:, 0]


def occlusion(model, x, target, p):
    from captum.attr import Occlusion
    c, w, s = x.shape[1], int(float(p.get("window", 16))), int(float(p.get("stride", 4)))
    with torch.no_grad():
        return Occlusion(model).attribute(x, sliding_window_shapes=(c, w, w), strides=(c, s, s), baselines=0.0,
                                          target=target, perturbations_per_eval=p["batch"])[:, 0]


def channel_ablation(model, x, target, p):
    from captum.attr import FeatureAblation
    c = x.shape[1]
    mask = torch.arange(c).reshape(1, c, 1, 1).expand_as(x)
    baseline = x.mean(dim=(2, 3), keepdim=True).expand_as(x)
    with torch.no_grad():
        return FeatureAblation(model).attribute(x, baselines=baseline, feature_mask=mask, target=target,
                                                perturbations_per_eval=p["batch"])


def rise(model, x, target, p):
    """github.com/eclique/RISE explanations.py (RISE class: generate_masks, forward), for one class."""
    from skimage.transform import resize
    n, cell, p1 = int(p.get("masks", 2000)), int(p.get("cell", 8)), float(p.get("p", 0.5))
    h, w = x.shape[2:]
    s = int(np.ceil(max(h, w) / cell))
    np.random.seed(int(p.get("seed", 0)))
    cell_size = np.ceil(np.array((h, w)) / s)
    up_size = ((s + 1) * cell_size).astype(int)
    grid = (np.random.rand(n, s, s) < p1).astype("float32")
    masks = np.empty((n, h, w))
    for i in range(n):
        dx, dy = np.random.randint(0, cell_size[0]), np.random.randint(0, cell_size[1])
        masks[i] = resize(grid[i], up_size, order=1, mode="reflect", anti_aliasing=False)[dx:dx + h, dy:dy + w]
    masks = torch.from_numpy(masks.reshape(-1, 1, h, w)).float()
    scores = []
    with torch.no_grad():
        for i in range(0, n, p["batch"]):
            scores.append(model(masks[i:i + p["batch"]] * x)[:, target])
    scores = torch.cat(scores)
    return (scores @ masks.view(n, h * w)).view(1, h, w) / n / p1


def lime(model, x, target, p):
    from captum._utils.models.linear_model import SkLearnRidge
    from captum.attr import Lime
    from captum.attr._core.lime import get_exp_kernel_similarity_function
    from skimage.segmentation import slic
    raw = x[0].numpy()
    lo, hi = np.percentile(raw, 1.0), np.percentile(raw, 99.8)
    scaled = np.clip((raw - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
    image = scaled[0] if raw.shape[0] == 1 else np.moveaxis(scaled, 0, -1)
    segments = slic(image, n_segments=int(p.get("segments", 50)), compactness=float(p.get("compactness", 0.5)),
                    channel_axis=None if raw.shape[0] == 1 else -1, start_label=0)
    mask = torch.from_numpy(segments).long()[None, None].expand_as(x)
    baseline = torch.zeros_like(x)
    for label in np.unique(segments):
        where = torch.from_numpy(segments == label)
        for c in range(x.shape[1]):
            baseline[0, c][where] = x[0, c][where].mean()
    explainer = Lime(model, interpretable_model=SkLearnRidge(alpha=1.0),
                     similarity_func=get_exp_kernel_similarity_function("cosine", float(p.get("kernel_width", 0.25))))
    with torch.no_grad():
        return explainer.attribute(x, target=target, baselines=baseline, feature_mask=mask,
                                   n_samples=int(p.get("samples", 1000)), perturbations_per_eval=p["batch"])[:, 0]


def passes(model, x, target, p):
    """Per-image milliseconds of the batched forward and forward + backward passes."""
    xs = x.expand(p["batch"], *x.shape[1:]).contiguous()

    def forward():
        with torch.no_grad():
            model(xs)

    def backward():
        xg = xs.clone().requires_grad_(True)
        torch.autograd.grad(model(xg)[:, target].sum(), xg)

    def per_image(call):
        """[wall, CPU] milliseconds per image."""
        call()
        best, best_cpu = float("inf"), float("inf")
        for _ in range(2):
            calls, start, cpu = 0, time.perf_counter(), time.process_time()
            while True:
                call()
                calls += 1
                elapsed = time.perf_counter() - start
                if elapsed >= 0.5 and calls >= 2:
                    break
            best = min(best, elapsed / (calls * p["batch"]))
            best_cpu = min(best_cpu, (time.process_time() - cpu) / (calls * p["batch"]))
        return best * 1e3, best_cpu * 1e3

    f, fb = per_image(forward), per_image(backward)
    return {"batch": p["batch"], "forward_ms": f[0], "forward_cpu_ms": f[1], "forward_backward_ms": fb[0],
            "forward_backward_cpu_ms": fb[1], "threads": torch.get_num_threads(), "torch": torch.__version__}


def main(argv):
    method, model_path, image_path, out = argv[1:5]
    p = dict(kv.split("=", 1) for kv in argv[5:])
    p["batch"] = int(p.get("batch", 64))
    torch.set_num_threads(int(os.environ.get("EXPLAINIJ_THREADS", os.cpu_count())))
    ts = torch.jit.load(model_path).eval()
    sidecar_path = os.path.splitext(model_path)[0] + ".json"
    sidecar = json.load(open(sidecar_path)) if os.path.exists(sidecar_path) else {}
    raw = tifffile.imread(image_path).astype(np.float32)
    raw = raw[None] if raw.ndim == 2 else raw
    x = torch.from_numpy(raw)[None]
    normalize = Normalize(sidecar, raw)
    model = AsUserSees(normalize, ts).eval()
    with torch.no_grad():
        target = int(p["target"]) if "target" in p else int(model(x).argmax(1))
    if method == "passes":
        with open(out, "w") as f:
            json.dump(passes(model, x, target, p), f)
        return
    layer = p.get("layer", sidecar.get("cam_layer"))
    a = gradient_method(method, model, x, target, p)
    if a is None:
        a = relevance_method(method, ts, normalize, x, target, p)
    if a is None and method == "lrp":
        a = lrp(ts, normalize, x, target)
    if a is None and method in ("cam", "grad-cam", "grad-cam-pp", "layer-cam", "score-cam", "guided-grad-cam"):
        a = cam_method(method, ts, normalize, x, target, p, layer)
    if a is None:
        anchors = {"occlusion": occlusion, "channel-ablation": channel_ablation, "rise": rise, "lime": lime}
        if method not in anchors:
            sys.exit("anchor_captum.py: no anchor for method " + method)
        a = anchors[method](model, x, target, p)
    tifffile.imwrite(out, a[0].detach().numpy().astype(np.float32))


if __name__ == "__main__":
    main(sys.argv)
