#!/usr/bin/env python3
"""Reference fixtures computed with the REAL Captum, Zennit and pytorch-grad-cam libraries.

    EXPLAINIJ_PYLIB=/work/pylib /usr/bin/python3 src/test/python/make_library_fixtures.py [--diagnose | --survey]

The other make_*_fixtures.py scripts re-implement the libraries' definitions in plain PyTorch; this
one calls the libraries themselves, so the Java tests check Explain-IJ against both (the plain
re-implementations stay as a second, independent check). It was run with Debian's python3-torch
1.13.1 and these sources (not installed with pip: EXPLAINIJ_PYLIB points at their source trees, and
none of their code is in this repository):

  $EXPLAINIJ_PYLIB/captum             github.com/pytorch/captum tag v0.7.0, commit 833d6aad27a9
  $EXPLAINIJ_PYLIB/zennit/src         github.com/chr5tphr/zennit tag 0.5.1, commit 3121bb223061
  $EXPLAINIJ_PYLIB/pytorch-grad-cam   github.com/jacobgil/pytorch-grad-cam commit 51ae19245f65
                                      (setup.py version 1.5.0)

with python3-tqdm and python3-opencv from Debian. `ttach` (test-time augmentation: only BaseCAM's
aug_smooth, which is not used) and `sklearn` (only the deep-feature-factorization module, not used)
are stubbed in `import_shim` below; nothing they would compute enters a fixture.

Writes src/test/resources/fixtures/library/<case>.json: the model and input (as the other fixture
scripts: the same models, images and crops), and a list of entries, each one library call:
  {"library", "call" (the call as written here), "method" (Explain-IJ's method key), "params"
   (Explain-IJ's parameters), "expect": "equal" | "differs", "shape", "values", "results"}
"expect": "differs" marks a documented difference between the library's defaults and Explain-IJ,
with the measured size in results["relative_difference"] = max|library - explainij| / max|explainij|
(Explain-IJ's side taken from the matching "equal" entry of the same case).

The model as the user sees it is normalization -> (bilinear resize) -> network (make_fixtures.py).
- Captum's gradient methods, NoiseTunnel, IntegratedGradients and Occlusion run on the SAVED
  TorchScript file wrapped in that transform (`AsUserSees`), with raw pixels as input.
- Hook-based methods (GuidedBackprop, Deconvolution, DeepLift, LayerGradCam, GuidedGradCam, LRP,
  Zennit, pytorch-grad-cam) need Python modules: the model is rebuilt as nn.Sequential with the
  saved weights (make_relevance_fixtures.rebuild, which checks it against the TorchScript forward).
- LRP (Captum LRP, Zennit) and pytorch-grad-cam run on the NETWORK input (after normalization and
  resize): LRP relevance at the network input goes to the raw pixels through the transpose of the
  resize (as Explain-IJ); pytorch-grad-cam's ScoreCAM masks the tensor it is given, which in
  Explain-IJ is the network input.
- pytorch-grad-cam's BaseCAM min-max scales its maps for display (utils.image.scale_cam_image);
  here that one function is replaced by the identity while the library's own forward runs, so the
  fixture holds the raw, ReLU'd map on the layer's grid that Explain-IJ returns.
- NoiseTunnel: Explain-IJ draws its noise from java.util.Random(seed), Captum from torch.normal; for
  the duration of the NoiseTunnel call torch.normal returns sigma times the java.util.Random
  Gaussians (make_gradient_fixtures.JavaRandom), so both see the same noisy images; the sampling,
  averaging and nt_type arithmetic are Captum's.

--diagnose prints, for cells-gap on foci_003 (zero baseline), which gradient Captum's DeepLift ReLU rule receives
from the max-pooling after it: in the stock model the ordinary max-pool gradient (the tensor hook on the ReLU's
output runs before the max-pool's hook on that same tensor has replaced it by the max-pool rule's multipliers);
with a Clone() after each ReLU, the max-pool rule's multipliers. It writes nothing.

--survey prints, for seeded random (untrained) conv-ReLU-MaxPool networks that no
Explain-IJ test was written against, how far stock Captum DeepLift and Zennit's default ZPlus are
from Explain-IJ's definitions (computed with the cloned-ReLU Captum / zero_params='bias' Zennit,
which the fixtures show equal Explain-IJ). It writes nothing.
"""
import collections
import json
import os
import sys
import types

sys.dont_write_bytecode = True

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, RES, read_raw  # noqa: E402
from make_gradient_fixtures import JavaRandom  # noqa: E402
from make_relevance_fixtures import (Transform, baseline_of, bn_arch, gap_arch, rebuild,  # noqa: E402
                                     tiny_arch)

OUT = os.path.join(RES, "fixtures", "library")
VERSIONS = collections.OrderedDict([
    ("torch", torch.__version__),
    ("captum", "0.7.0 (github.com/pytorch/captum tag v0.7.0, 833d6aad27a9)"),
    ("zennit", "0.5.1 (github.com/chr5tphr/zennit tag 0.5.1, 3121bb223061)"),
    ("pytorch-grad-cam", "1.5.0 (github.com/jacobgil/pytorch-grad-cam 51ae19245f65)"),
])


def import_shim():
    pylib = os.environ.get("EXPLAINIJ_PYLIB")
    if not pylib:
        sys.exit("set EXPLAINIJ_PYLIB to the folder holding captum/, zennit/ and pytorch-grad-cam/ (see the docstring)")
    for sub in ("captum", os.path.join("zennit", "src"), "pytorch-grad-cam"):
        sys.path.insert(0, os.path.join(pylib, sub))
    try:
        import ttach  # noqa: F401
    except ImportError:
        # BaseCAM builds a default tta.Compose([HorizontalFlip(), Multiply(...)]) in __init__ and uses it only
        # for aug_smooth=True, which is never used here: inert stand-ins
        tta = types.ModuleType("ttach")
        tta.Compose = lambda transforms: list(transforms)
        tta.HorizontalFlip = lambda *a, **k: None
        tta.Multiply = lambda *a, **k: None
        sys.modules["ttach"] = tta
    try:
        import sklearn  # noqa: F401
    except ImportError:
        # imported only by pytorch_grad_cam.feature_factorization (NMF), never called here
        sk = types.ModuleType("sklearn")
        sk.decomposition = types.ModuleType("sklearn.decomposition")
        sk.decomposition.NMF = None
        sys.modules["sklearn"] = sk
        sys.modules["sklearn.decomposition"] = sk.decomposition


import_shim()
import captum  # noqa: E402
from captum.attr import (LRP, Deconvolution, DeepLift, GuidedBackprop, GuidedGradCam,  # noqa: E402
                         InputXGradient, IntegratedGradients, LayerGradCam, NoiseTunnel, Occlusion, Saliency)
from captum.attr._utils.lrp_rules import EpsilonRule  # noqa: E402
import zennit.attribution  # noqa: E402
import zennit.composites  # noqa: E402
import zennit.rules  # noqa: E402
import pytorch_grad_cam  # noqa: E402
import pytorch_grad_cam.base_cam  # noqa: E402
from pytorch_grad_cam.utils.model_targets import ClassifierOutputSoftmaxTarget, ClassifierOutputTarget  # noqa: E402

assert captum.__version__ == "0.7.0", captum.__version__
EPS = 1e-6  # Explain-IJ's LRP epsilon (and Zennit's default stabilizer)


# ---------------------------------------------------------------- models

ARCH = {"models/cells-gap.pt": gap_arch, "models/cells-shortcut.pt": gap_arch, "models/cells-bn.pt": bn_arch,
        "src/test/resources/models/tiny-rgb.pt": tiny_arch}


class AsUserSees(nn.Module):
    """Raw pixels -> normalization (statistics of the explained image, held fixed) -> resize -> network
    -> logits (or softmax probabilities)."""

    def __init__(self, net, tf, score):
        super().__init__()
        self.net, self.tf, self.probability = net, tf, score == "probability"

    def forward(self, x):
        out = self.net(self.tf(x))
        return torch.softmax(out, 1) if self.probability else out


class Clone(nn.Module):
    """x.clone(): a new tensor after each ReLU, so Captum's hooks on the ReLU output and on the next
    module's input are on different tensors."""

    def forward(self, x):
        return x.clone()


def with_clones(net):
    layers = []
    for m in net:
        layers.append(m)
        if isinstance(m, nn.ReLU):
            layers.append(Clone())
    return nn.Sequential(*layers).eval()


class Case:
    def __init__(self, name, model_rel, target, score, image_rel=None, raw=None):
        self.name, self.model_rel, self.target, self.score, self.image_rel = name, model_rel, target, score, image_rel
        pt = os.path.join(ROOT, model_rel)
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
        self.raw = read_raw(os.path.join(ROOT, image_rel), self.sidecar["input"]["channels"]) if image_rel else raw
        self.tf = Transform(self.sidecar, self.raw)
        self.ts = torch.jit.load(pt).eval()
        self.names = list(self.ts.layer_names())
        self.net = rebuild(model_rel, ARCH[model_rel])
        self.entries = []

    def x(self):
        return torch.from_numpy(self.raw.copy())[None]

    def network_input(self):
        with torch.no_grad():
            return self.tf(self.x())

    def user_model(self, rebuilt=False, net=None):
        return AsUserSees(net if net is not None else (self.net if rebuilt else self.ts), self.tf, self.score).eval()

    def layer(self, name, net=None):
        return (net if net is not None else self.net)[self.names.index(name)]

    def add(self, library, call, method, params, values, expect="equal", results=None):
        v = np.asarray(values.detach().numpy() if torch.is_tensor(values) else values, np.float64)
        e = collections.OrderedDict(library=library, call=call, method=method, params=params, expect=expect,
                                    shape=list(v.shape), values=flist(v), results=results or {})
        self.entries.append(e)
        return v

    def write(self):
        doc = collections.OrderedDict()
        doc["generated_by"] = "src/test/python/make_library_fixtures.py"
        doc["libraries"] = VERSIONS
        doc["model"] = self.model_rel
        if self.image_rel:
            doc["image"] = self.image_rel
        else:
            doc["input"] = flist(self.raw)
        doc["input_shape"] = list(self.raw.shape)
        doc["target"] = self.target
        doc["score"] = self.score
        doc["entries"] = self.entries
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, self.name + ".json"), "w") as f:
            json.dump(doc, f)
            f.write("\n")
        print("%s: %d entries" % (self.name, len(self.entries)))


def flist(a):
    """float32 values with 7 significant digits (5e-8 relative: far below the tests' 1e-4, and short JSON)."""
    return [float("%.7g" % v) for v in np.asarray(a, np.float32).ravel()]


def rel_diff(a, ref):
    a, ref = np.asarray(a, np.float64), np.asarray(ref, np.float64)
    return float(np.abs(a - ref).max() / np.abs(ref).max())


def to_raw(case, r):
    """Relevance at the network input -> raw pixels: the transpose of the resize (vjp of F.interpolate)."""
    y = torch.zeros((1,) + case.raw.shape, requires_grad=True)
    (case.tf.resize(y) * r.detach()).sum().backward()
    return y.grad[0]


# ---------------------------------------------------------------- Captum: gradient family

def captum_saliency(case):
    m = case.user_model()
    g = Saliency(m).attribute(case.x(), target=case.target, abs=False)[0]
    case.add("captum", "Saliency(model).attribute(x, target, abs=False)", "saliency",
             {"absolute": False, "per_channel": True}, g)
    a = InputXGradient(m).attribute(case.x(), target=case.target)[0]
    case.add("captum", "InputXGradient(model).attribute(x, target)", "gradient-x-input", {"per_channel": True}, a)


def captum_interior(case, alphas):
    """Interior gradients: Captum's Saliency(abs=False) at alpha * x, one slice per alpha, summed over channels."""
    m = case.user_model()
    slices = [Saliency(m).attribute(case.x() * float(a), target=case.target, abs=False)[0].sum(0) for a in alphas]
    case.add("captum", "Saliency(model).attribute(alpha * x, target, abs=False).sum(channels) for alpha in %s" % list(alphas),
             "interior-gradients", {"alphas": ",".join(repr(float(a)) for a in alphas), "absolute": False}, torch.stack(slices))


class JavaNoise:
    """torch.normal(0, stdev) -> stdev * java.util.Random(seed).nextGaussian() stream, sample after sample,
    channel-major (Explain-IJ's GaussianNoise), for the duration of one NoiseTunnel call."""

    def __init__(self, seed):
        self.rnd = JavaRandom(seed)

    def __enter__(self):
        self.normal = torch.normal

        def normal(mean, std, *args, **kwargs):
            assert float(mean) == 0 and torch.is_tensor(std) and not args and not kwargs
            g = np.array([self.rnd.next_gaussian() for _ in range(std.numel())]).reshape(tuple(std.shape))
            return (std.double() * torch.from_numpy(g)).float()

        torch.normal = normal
        return self

    def __exit__(self, *exc):
        torch.normal = self.normal


def captum_noise_tunnel(case, samples, noise, seed):
    m = case.user_model()
    sigma = noise * (float(case.raw.max()) - float(case.raw.min()))
    runs = [("smoothgrad", "saliency", False), ("smoothgrad", "saliency", True), ("smoothgrad_sq", "saliency", False),
            ("vargrad", "saliency", False), ("smoothgrad", "gradient-x-input", False)]
    for nt_type, base, absolute in runs:
        inner = Saliency(m) if base == "saliency" else InputXGradient(m)
        kwargs = {"abs": absolute} if base == "saliency" else {}
        with JavaNoise(seed):
            a = NoiseTunnel(inner).attribute(case.x(), nt_type=nt_type, nt_samples=samples, stdevs=sigma,
                                             target=case.target, **kwargs)[0]
        case.add("captum", "NoiseTunnel(%s(model)).attribute(x, nt_type=%r, nt_samples=%d, stdevs=%.6g, target%s)" % (
            type(inner).__name__, nt_type, samples, sigma, ", abs=%s" % absolute if base == "saliency" else ""),
            "smoothgrad", {"samples": samples, "noise": noise, "seed": seed, "variant": nt_type, "base": base,
                           "absolute": absolute, "per_channel": True}, a, results={"noise_std": sigma})


def captum_ig(case, baseline, method, steps):
    m = case.user_model()
    b = torch.from_numpy(np.ascontiguousarray(baseline_of(baseline, case.raw)))[None]
    a, delta = IntegratedGradients(m).attribute(case.x(), baselines=b, target=case.target, n_steps=steps, method=method,
                                                return_convergence_delta=True)
    case.add("captum", "IntegratedGradients(model).attribute(x, baselines=%s, target, n_steps=%d, method=%r)" % (
        baseline, steps, method), "integrated-gradients",
        {"steps": steps, "integration": method, "baseline": baseline, "per_channel": True}, a[0],
        results={"convergence_delta": float(delta[0])})


def captum_occlusion(case, window, stride, fill):
    m = case.user_model()
    c = case.raw.shape[0]
    b = torch.from_numpy(np.ascontiguousarray(baseline_of(fill, case.raw)))[None]
    with torch.no_grad():
        a = Occlusion(m).attribute(case.x(), sliding_window_shapes=(c, window, window), strides=(c, stride, stride),
                                   baselines=b, target=case.target, perturbations_per_eval=32)[0]
    assert torch.allclose(a, a[:1].expand_as(a))  # the window covers all channels: one map
    case.add("captum", "Occlusion(model).attribute(x, sliding_window_shapes=(%d,%d,%d), strides=(%d,%d,%d), "
             "baselines=%s, target)" % (c, window, window, c, stride, stride, fill), "occlusion",
             {"window": window, "stride": stride, "fill": fill}, a[0])


# ---------------------------------------------------------------- Captum: hook-based (rebuilt modules)

def captum_guided(case):
    m = case.user_model(rebuilt=True)
    g = GuidedBackprop(m).attribute(case.x(), target=case.target)[0]
    case.add("captum", "GuidedBackprop(model).attribute(x, target)", "guided-backprop", {"per_channel": True}, g)
    d = Deconvolution(m).attribute(case.x(), target=case.target)[0]
    case.add("captum", "Deconvolution(model).attribute(x, target)", "deconvnet", {"per_channel": True}, d)


def captum_deeplift(case, baseline):
    """Stock Captum DeepLift on the model as it is, and on the same model with a Clone after each ReLU."""
    assert case.score == "logit"
    b = torch.from_numpy(np.ascontiguousarray(baseline_of(baseline, case.raw)))[None]
    with torch.no_grad():
        diff = float(case.user_model(rebuilt=True)(case.x())[0, case.target] -
                     case.user_model(rebuilt=True)(b)[0, case.target])
    out = {}
    for kind, net in (("cloned", with_clones(case.net)), ("stock", case.net)):
        a, delta = DeepLift(case.user_model(net=net)).attribute(case.x(), baselines=b, target=case.target,
                                                                return_convergence_delta=True)
        out[kind] = (a[0].detach().numpy().astype(np.float64), float(delta[0]))
    params = {"baseline": baseline, "per_channel": True}
    ref, ref_delta = out["cloned"]
    case.add("captum", "DeepLift(model with Clone() after every ReLU).attribute(x, baselines=%s, target, "
             "return_convergence_delta=True)" % baseline, "deeplift", params, ref,
             results={"convergence_delta": ref_delta, "score_difference": diff, "sum": float(ref.sum())})
    stock, stock_delta = out["stock"]
    d = rel_diff(stock, ref)
    case.add("captum", "DeepLift(model).attribute(x, baselines=%s, target, return_convergence_delta=True)" % baseline,
             "deeplift", params, stock, expect="differs" if d > 1e-3 else "equal",
             results={"relative_difference": d, "convergence_delta": stock_delta, "score_difference": diff,
                      "sum": float(stock.sum())})
    print("  %s deeplift %s: stock vs cloned %.3g; Captum delta stock %.3g, cloned %.3g (score difference %.4g)" % (
        case.name, baseline, d, stock_delta, ref_delta, diff))


def captum_lrp(case):
    net = case.net
    for layer in net:
        if isinstance(layer, nn.Flatten):
            # a pass-through: Captum's IdentityRule returns the output's shape, which Flatten's input lacks;
            # EpsilonRule(1e-12) gives a * R / a = R in float32 (and 0 where a = 0, whose relevance is 0 anyway)
            layer.rule = EpsilonRule(epsilon=1e-12)
        elif not isinstance(layer, (nn.ReLU, nn.Dropout)):
            layer.rule = EpsilonRule(epsilon=EPS)
    y = case.network_input()
    r = LRP(net).attribute(y, target=case.target)
    case.add("captum", "LRP(net with EpsilonRule(epsilon=1e-6) on every layer, EpsilonRule(1e-12) on Flatten)"
             ".attribute(network input, target), mapped to raw pixels by the resize's transpose", "lrp",
             {"rule": "epsilon", "epsilon": EPS, "per_channel": True}, to_raw(case, r[0]))


def captum_cams(case, layer, guided_modes=()):
    m = case.user_model(rebuilt=True)
    mod = case.layer(layer)
    cam = LayerGradCam(m, mod).attribute(case.x(), target=case.target, relu_attributions=True)[0, 0]
    case.add("captum", "LayerGradCam(model, %s).attribute(x, target, relu_attributions=True)" % layer, "grad-cam",
             {"layer": layer, "at": "layer"}, cam)
    up = F.interpolate(cam[None, None], size=case.raw.shape[1:], mode="bilinear", align_corners=False)[0, 0]
    case.add("captum", "F.interpolate(LayerGradCam(...) map, image size, mode='bilinear', align_corners=False)",
             "grad-cam", {"layer": layer, "at": "image"}, up)
    for mode in guided_modes:
        g = GuidedGradCam(m, mod).attribute(case.x(), target=case.target, interpolate_mode=mode)[0]
        case.add("captum", "GuidedGradCam(model, %s).attribute(x, target, interpolate_mode=%r)" % (layer, mode),
                 "guided-grad-cam", {"layer": layer, "upsample": mode, "per_channel": True}, g)


# ---------------------------------------------------------------- Zennit

def zennit_layer_map(conv_rule, linear_rule):
    return [((nn.ReLU, nn.Dropout), zennit.rules.Pass()),
            (nn.Conv2d, conv_rule), (nn.Linear, linear_rule),
            ((nn.BatchNorm2d, nn.MaxPool2d, nn.AdaptiveAvgPool2d), zennit.rules.Epsilon(epsilon=EPS))]


def zennit_relevance(case, composite):
    y = case.network_input().clone().requires_grad_(True)
    with torch.no_grad():
        logit = case.net(y)[0, case.target]
    one_hot = torch.zeros(1, case.net[-1].out_features)
    one_hot[0, case.target] = logit
    with zennit.attribution.Gradient(case.net, composite) as attributor:
        _, r = attributor(y, one_hot)
    return to_raw(case, r[0])


def zennit_rules(case):
    R, C = zennit.rules, zennit.composites
    nobias = "bias"
    runs = [
        ("epsilon", "Epsilon(epsilon=1e-6)", lambda: C.LayerMapComposite(zennit_layer_map(R.Epsilon(EPS), R.Epsilon(EPS)))),
        ("zplus", "ZPlus(stabilizer=1e-6, zero_params='bias')", lambda: C.LayerMapComposite(
            zennit_layer_map(R.ZPlus(EPS, zero_params=nobias), R.ZPlus(EPS, zero_params=nobias)))),
        ("alphabeta", "AlphaBeta(alpha=2, beta=1, stabilizer=1e-6, zero_params='bias')", lambda: C.LayerMapComposite(
            zennit_layer_map(R.AlphaBeta(2., 1., EPS, zero_params=nobias), R.AlphaBeta(2., 1., EPS, zero_params=nobias)))),
    ]
    # Explain-IJ's composite: z-box on the first conv (bounds: the raw image's min and max through the
    # normalization), z+ on the other convs, epsilon on linear layers
    lo = ((float(case.raw.min()) - case.tf.off) / case.tf.div).reshape(1, -1, 1, 1)
    hi = ((float(case.raw.max()) - case.tf.off) / case.tf.div).reshape(1, -1, 1, 1)
    low, high = torch.minimum(lo, hi), torch.maximum(lo, hi)
    runs.append(("composite", "first conv ZBox(low, high, 1e-6, zero_params='bias'), convs ZPlus(1e-6, zero_params='bias'), "
                 "linear Epsilon(1e-6)", lambda: C.SpecialFirstLayerMapComposite(
                     zennit_layer_map(R.ZPlus(EPS, zero_params=nobias), R.Epsilon(EPS)),
                     [(nn.Conv2d, R.ZBox(low, high, EPS, zero_params=nobias))])))
    values = {}
    for rule, text, composite in runs:
        values[rule] = case.add("zennit", "Gradient(net, LayerMapComposite(%s on conv/linear, Epsilon(1e-6) on "
                                "batchnorm/pools, Pass on ReLU/Dropout)) on the network input, attr_output = logit one-hot; "
                                "to raw pixels by the resize's transpose" % text, "lrp",
                                {"rule": rule, "epsilon": EPS, "alpha": 2.0, "beta": 1.0, "per_channel": True},
                                zennit_relevance(case, composite()))
    # Zennit's defaults keep the bias (its positive part in z+): a documented difference
    for rule, text, composite, ref in [
            ("zplus", "ZPlus(stabilizer=1e-6)", lambda: C.LayerMapComposite(zennit_layer_map(R.ZPlus(EPS), R.ZPlus(EPS))),
             "zplus"),
            ("alphabeta", "AlphaBeta(alpha=2, beta=1, stabilizer=1e-6)", lambda: C.LayerMapComposite(
                zennit_layer_map(R.AlphaBeta(2., 1., EPS), R.AlphaBeta(2., 1., EPS))), "alphabeta")]:
        r = zennit_relevance(case, composite()).numpy()
        d = rel_diff(r, values[ref])
        case.add("zennit", "as above with the default %s (zero_params=None: the bias is kept)" % text, "lrp",
                 {"rule": rule, "epsilon": EPS, "alpha": 2.0, "beta": 1.0, "per_channel": True}, r, expect="differs",
                 results={"relative_difference": d})
        print("  %s zennit default %s vs zero_params='bias': %.3g" % (case.name, rule, d))


# ---------------------------------------------------------------- pytorch-grad-cam

def grad_cam_library(case, layer, which=("grad-cam-pp", "layer-cam", "score-cam")):
    classes = {"grad-cam-pp": pytorch_grad_cam.GradCAMPlusPlus, "layer-cam": pytorch_grad_cam.LayerCAM,
               "score-cam": pytorch_grad_cam.ScoreCAM}
    target = (ClassifierOutputTarget if case.score == "logit" else ClassifierOutputSoftmaxTarget)(case.target)
    scale = pytorch_grad_cam.base_cam.scale_cam_image
    pytorch_grad_cam.base_cam.scale_cam_image = lambda cam, target_size=None: np.float32(cam)  # no display scaling
    try:
        for key in which:
            cam = classes[key](model=case.net, target_layers=[case.layer(layer)])
            out = cam(input_tensor=case.network_input(), targets=[target])[0]
            cam.activations_and_grads.release()
            case.add("pytorch-grad-cam", "%s(model=net, target_layers=[%s])(network input, targets=[%s(%d)]) with "
                     "scale_cam_image replaced by the identity" % (classes[key].__name__, layer, type(target).__name__,
                                                                    case.target), key, {"layer": layer, "at": "layer"}, out)
    finally:
        pytorch_grad_cam.base_cam.scale_cam_image = scale


# ---------------------------------------------------------------- why stock DeepLift differs

def diagnose():
    """Records, inside Captum's own DeepLift rules, the grad_output each ReLU rule receives and the ordinary
    gradient / rule multipliers of the max-pooling that follows it."""
    import captum.attr._core.deep_lift as dl
    case = Case("gap_foci", "models/cells-gap.pt", 3, "logit", image_rel="sample-data/cells/images/foci_003.tif")
    seen = {}
    relu_rule, pool_rule = dl.SUPPORTED_NON_LINEAR[nn.ReLU], dl.SUPPORTED_NON_LINEAR[nn.MaxPool2d]

    def relu(module, inputs, outputs, grad_input, grad_output, eps=1e-10):
        seen.setdefault(id(module), {})["relu_grad_output"] = grad_output.clone()
        return relu_rule(module, inputs, outputs, grad_input, grad_output, eps)

    def pool(module, inputs, outputs, grad_input, grad_output, eps=1e-10):
        out = pool_rule(module, inputs, outputs, grad_input, grad_output, eps)
        seen.setdefault(id(module), {}).update(ordinary=grad_input.clone(), rule=out.clone())
        return out

    dl.SUPPORTED_NON_LINEAR[nn.ReLU], dl.SUPPORTED_NON_LINEAR[nn.MaxPool2d] = relu, pool
    try:
        for kind, net in (("stock", case.net), ("Clone() after each ReLU", with_clones(case.net))):
            seen.clear()
            DeepLift(case.user_model(net=net)).attribute(case.x(), baselines=torch.zeros_like(case.x()), target=case.target)
            layers = [m for m in net if not isinstance(m, Clone)]
            for i, m in enumerate(layers):
                if isinstance(m, nn.MaxPool2d) and isinstance(layers[i - 1], nn.ReLU):
                    g, p = seen[id(layers[i - 1])]["relu_grad_output"], seen[id(m)]
                    print("%s: the ReLU before max-pooling %d receives the ordinary max-pool gradient: %s; the max-pool "
                          "rule's multipliers: %s (they differ by up to %.3g)" % (
                              kind, i, torch.equal(g, p["ordinary"]), torch.equal(g, p["rule"]),
                              float((p["rule"] - p["ordinary"]).abs().max())))
    finally:
        dl.SUPPORTED_NON_LINEAR[nn.ReLU], dl.SUPPORTED_NON_LINEAR[nn.MaxPool2d] = relu_rule, pool_rule


# ---------------------------------------------------------------- survey on unseen networks

def survey():
    """Seeded random conv-ReLU-MaxPool nets on sample images: stock vs cloned Captum DeepLift, and Zennit's
    default ZPlus vs zero_params='bias'. Prints the relative differences; writes nothing."""
    images = ["foci_003", "mitotic_002", "apoptotic_004", "interphase_005", "mitotic_005", "foci_004"]
    dl, zp, deltas = [], [], []
    for seed in range(6):
        torch.manual_seed(1000 + seed)
        width = [4, 8, 16][seed % 3]
        net = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(2 * width, 2 * width, 3, padding=1), nn.ReLU(),
                            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * width, 3)).eval()
        raw = read_raw(os.path.join(ROOT, "sample-data/cells/images/%s.tif" % images[seed]), 1)
        x = torch.from_numpy((raw - 280.0) / 390.0)[None].float()
        with torch.no_grad():
            target = int(net(x)[0].argmax())
        b = torch.zeros_like(x)
        ref, dref = DeepLift(with_clones(net)).attribute(x, baselines=b, target=target, return_convergence_delta=True)
        st, dst = DeepLift(net).attribute(x, baselines=b, target=target, return_convergence_delta=True)
        with torch.no_grad():
            diff = float(net(x)[0, target] - net(b)[0, target])
        dl.append(rel_diff(st.detach().numpy(), ref.detach().numpy()))
        deltas.append((abs(float(dst[0])) / abs(diff), abs(float(dref[0])) / abs(diff)))
        R, C = zennit.rules, zennit.composites
        rel = []
        for zero in ("bias", None):
            comp = C.LayerMapComposite(zennit_layer_map(R.ZPlus(EPS, zero_params=zero), R.ZPlus(EPS, zero_params=zero)))
            y = x.clone().requires_grad_(True)
            one_hot = torch.zeros(1, 3)
            with torch.no_grad():
                one_hot[0, target] = net(x)[0, target]
            with zennit.attribution.Gradient(net, comp) as attributor:
                rel.append(attributor(y, one_hot)[1].numpy())
        zp.append(rel_diff(rel[1], rel[0]))
        print("survey net %d (width %d, %s, class %d): DeepLift stock vs cloned %.3g (|delta|/|diff| stock %.3g, "
              "cloned %.2g); Zennit ZPlus default vs zero_params='bias' %.3g" % (
                  seed, width, images[seed], target, dl[-1], deltas[-1][0], deltas[-1][1], zp[-1]))
    print("survey: DeepLift %.3g-%.3g, ZPlus %.3g-%.3g" % (min(dl), max(dl), min(zp), max(zp)))


# ---------------------------------------------------------------- cases

def main():
    torch.set_num_threads(1)
    if "--survey" in sys.argv:
        survey()
        return
    if "--diagnose" in sys.argv:
        diagnose()
        return
    img = lambda name: "sample-data/cells/images/%s.tif" % name  # noqa: E731
    # 50x72 input to the fixed 64x64 model: crop rows 7..56, reflect-pad 4 columns (as the other scripts)
    im = read_raw(os.path.join(ROOT, img("mitotic_005")), 1)
    resized = np.ascontiguousarray(np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect"))
    rgb = np.random.default_rng(7).integers(0, 256, size=(3, 20, 24)).astype(np.float32)

    c = Case("gap_foci", "models/cells-gap.pt", 3, "logit", image_rel=img("foci_003"))
    captum_saliency(c)
    captum_noise_tunnel(c, 8, 0.15, 1)
    captum_interior(c, [0.25, 0.5, 0.75, 1.0])
    captum_ig(c, "zero", "gausslegendre", 50)
    captum_occlusion(c, 16, 8, "zero")
    captum_guided(c)
    captum_deeplift(c, "zero")
    captum_deeplift(c, "blur")
    captum_cams(c, "relu3", guided_modes=("bilinear", "nearest"))
    grad_cam_library(c, "relu3")
    zennit_rules(c)
    captum_lrp(c)
    c.write()

    c = Case("gap_mitotic_prob", "models/cells-gap.pt", 1, "probability", image_rel=img("mitotic_002"))
    captum_saliency(c)
    captum_noise_tunnel(c, 6, 0.05, 42)
    captum_ig(c, "mean", "riemann_trapezoid", 20)
    captum_occlusion(c, 12, 5, "mean")
    captum_cams(c, "relu2", guided_modes=("nearest",))
    grad_cam_library(c, "relu2")
    c.write()

    c = Case("shortcut_mitotic", "models/cells-shortcut.pt", 1, "logit",
             image_rel="sample-data/cells-shortcut/images/mitotic_000.tif")
    captum_saliency(c)
    captum_ig(c, "zero", "riemann_middle", 16)
    captum_guided(c)
    captum_deeplift(c, "zero")
    captum_deeplift(c, "mean")
    captum_cams(c, "relu3", guided_modes=("bilinear",))
    grad_cam_library(c, "relu3")
    zennit_rules(c)
    captum_lrp(c)
    c.write()

    c = Case("bn_apoptotic", "models/cells-bn.pt", 2, "logit", image_rel=img("apoptotic_004"))
    captum_saliency(c)
    captum_ig(c, "mean", "gausslegendre", 32)
    captum_occlusion(c, 16, 4, "zero")
    captum_guided(c)
    captum_deeplift(c, "zero")
    captum_deeplift(c, "mean")
    captum_cams(c, "relu2", guided_modes=("bilinear",))
    grad_cam_library(c, "relu2")
    zennit_rules(c)
    captum_lrp(c)
    c.write()

    c = Case("bn_resized", "models/cells-bn.pt", 1, "logit", raw=resized)
    captum_saliency(c)
    captum_noise_tunnel(c, 6, 0.1, 3)
    captum_interior(c, [0.0, 0.1, 0.55, 1.0])
    captum_ig(c, "zero", "riemann_left", 24)
    captum_occlusion(c, 10, 6, "blur")
    captum_guided(c)
    captum_deeplift(c, "blur")
    captum_cams(c, "relu2", guided_modes=("bilinear",))
    grad_cam_library(c, "relu2", which=("score-cam", "layer-cam"))
    zennit_rules(c)
    captum_lrp(c)
    c.write()

    c = Case("rgb_tiny", "src/test/resources/models/tiny-rgb.pt", 1, "logit", raw=rgb)
    captum_saliency(c)
    captum_noise_tunnel(c, 5, 0.1, 7)
    captum_interior(c, [0.02, 0.5, 1.0])
    captum_ig(c, "zero", "riemann_middle", 10)
    captum_occlusion(c, 10, 4, "zero")
    captum_guided(c)
    captum_deeplift(c, "zero")
    captum_deeplift(c, "mean")
    captum_cams(c, "relu2", guided_modes=("bilinear",))
    grad_cam_library(c, "relu2")
    zennit_rules(c)
    captum_lrp(c)
    c.write()


if __name__ == "__main__":
    main()
