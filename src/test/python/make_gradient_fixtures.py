#!/usr/bin/env python3
"""Reference fixtures for the gradient family (Gradient x Input, SmoothGrad, Integrated Gradients,
Interior Gradients), computed with PyTorch autograd on the SAVED TorchScript files.

    /usr/bin/python3 src/test/python/make_gradient_fixtures.py

Writes src/test/resources/fixtures/gradient/*.json. Captum's definitions are re-implemented below in
plain torch (a second check beside make_library_fixtures.py, which calls the real Captum), each
function saying which Captum class it reproduces:

  InputXGradient     attribution = x * dS/dx                                  (multiply_by_inputs)
  NoiseTunnel(Saliency / InputXGradient), nt_type smoothgrad | smoothgrad_sq | vargrad:
                     mean of the sample attributions, mean of their squares, and
                     mean(a^2) - mean(a)^2, over x + N(0, sigma^2) samples
  IntegratedGradients (multiply_by_inputs=True), method gausslegendre | riemann_*:
                     (x - b) * sum_i w_i dS/dx(b + a_i (x - b)), with Captum's a_i, w_i from
                     captum/attr/_utils/approximation_methods.py (re-implemented in `quadrature`)
  interior gradients (Sundararajan et al., "Gradients of Counterfactuals"): dS/dx at alpha * x

The model as the user sees it is normalization -> (bilinear resize) -> network, as in
make_fixtures.py (whose helpers are copied here so this script stands alone). Normalization
statistics (percentile bounds) come from the SOURCE image and stay fixed for noisy / scaled copies.

SmoothGrad noise: Explain-IJ draws it from java.util.Random(seed).nextGaussian(), sample after
sample, channel-major; `JavaRandom` below is that documented algorithm (48-bit LCG, polar
Box-Muller), so the Java test sees the very same noisy images and the reference is independent of
the Java code that averages them. noisy = float32(float64(x) + sigma * g), sigma = noise * (max - min).
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
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "gradient")


# ---------------------------------------------------------------- model as the user sees it

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import read_raw  # noqa: E402  (TIFF -> float32 [C,H,W], one definition)


def affine(source, spec):
    """(offset[c], divisor[c]) of the sidecar normalization for this source image [C,H,W]."""
    c = source.shape[0]
    t = spec.get("type", "none")
    if t == "none":
        return np.zeros(c), np.ones(c)
    if t == "range":
        lo, hi = float(spec["min"]), float(spec["max"])
        return np.full(c, lo), np.full(c, hi - lo)
    if t == "meanstd":
        mean = np.broadcast_to(np.asarray(spec["mean"], np.float64), (c,))
        std = np.broadcast_to(np.asarray(spec["std"], np.float64), (c,))
        return mean.copy(), std.copy()
    if t == "percentile":
        lo = float(np.percentile(source, float(spec["low"])))
        hi = float(np.percentile(source, float(spec["high"])))
        return np.full(c, lo), np.full(c, (hi - lo) if hi != lo else 1.0)
    raise ValueError(t)


class Model:
    def __init__(self, model_rel):
        pt = os.path.join(ROOT, model_rel)
        self.rel = model_rel
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
        self.net = torch.jit.load(pt).eval()
        self.channels = self.sidecar["input"]["channels"]

    def forward(self, x, source):
        """x: raw [B,C,H,W] float32 tensor; normalization statistics from `source` [C,H,W]."""
        off, div = affine(source, self.sidecar.get("normalize", {"type": "none"}))
        c = x.shape[1]
        y = (x - torch.tensor(off, dtype=torch.float32).reshape(1, c, 1, 1)) / \
            torch.tensor(div, dtype=torch.float32).reshape(1, c, 1, 1)
        inp = self.sidecar["input"]
        if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
            y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
        return self.net(y)

    def scores(self, x, source, target, score):
        logits = self.forward(x, source)
        if score == "logit":
            return logits[:, target], logits
        if score == "probability":
            return torch.softmax(logits, 1)[:, target], logits
        raise ValueError(score)

    def gradients(self, xs, source, target, score):
        """d score / d raw for a batch [B,C,H,W] (float32 numpy) -> (grads float64 numpy, scores)."""
        x = torch.from_numpy(np.ascontiguousarray(xs, dtype=np.float32)).requires_grad_(True)
        s, _ = self.scores(x, source, target, score)
        s.sum().backward()
        return x.grad.detach().numpy().astype(np.float64), s.detach().numpy().astype(np.float64)

    def score_of(self, raw, source, target, score):
        with torch.no_grad():
            s, logits = self.scores(torch.from_numpy(raw[None].astype(np.float32)), source, target, score)
        return float(s[0]), logits[0].numpy()


# ---------------------------------------------------------------- Captum's definitions

def quadrature(method, n):
    """Captum's approximation_parameters(method): (step_sizes, alphas)."""
    if method == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(n)
        return list(0.5 * weights), list(0.5 * (1 + nodes))
    assert n > 1
    deltas = [1 / n] * n
    if method == "riemann_trapezoid":
        deltas[0] /= 2
        deltas[-1] /= 2
        return deltas, list(np.linspace(0, 1, n))
    if method == "riemann_left":
        return deltas, list(np.linspace(0, 1 - 1 / n, n))
    if method == "riemann_middle":
        return deltas, list(np.linspace(1 / (2 * n), 1 - 1 / (2 * n), n))
    if method == "riemann_right":
        return deltas, list(np.linspace(1 / n, 1, n))
    raise ValueError(method)


def baseline_of(kind, raw):
    if kind == "zero":
        return np.zeros_like(raw)
    if kind == "mean":  # per channel, as method/Baselines.java
        return np.broadcast_to(raw.astype(np.float64).mean(axis=(1, 2), keepdims=True), raw.shape).astype(np.float32)
    raise ValueError(kind)


def integrated_gradients(model, raw, target, score, baseline, method, steps):
    """Captum's IntegratedGradients.attribute(inputs, baselines, target, n_steps, method)."""
    b = baseline_of(baseline, raw)
    step_sizes, alphas = quadrature(method, steps)
    xt, bt = torch.from_numpy(raw), torch.from_numpy(b)
    scaled = torch.stack([bt + float(a) * (xt - bt) for a in alphas]).numpy()
    grads, _ = model.gradients(scaled, raw, target, score)
    total = (grads * np.asarray(step_sizes, np.float64).reshape(-1, 1, 1, 1)).sum(0)
    attribution = total * (raw.astype(np.float64) - b.astype(np.float64))
    s_x, _ = model.score_of(raw, raw, target, score)
    s_b, _ = model.score_of(b, raw, target, score)
    return attribution, s_x, s_b


class JavaRandom:
    """java.util.Random: 48-bit LCG; nextGaussian is the polar method with a cached second value."""
    MULT, ADD, MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self.MULT) & self.MASK
        self.cached = None

    def next(self, bits):
        self.seed = (self.seed * self.MULT + self.ADD) & self.MASK
        return self.seed >> (48 - bits)  # bits <= 27 here: always non-negative, as Java's (int) cast

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * (2.0 ** -53)

    def next_gaussian(self):
        if self.cached is not None:
            g, self.cached = self.cached, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        m = math.sqrt(-2 * math.log(s) / s)
        self.cached = v2 * m
        return v1 * m


def noisy_samples(raw, samples, noise, seed):
    sigma = noise * (float(raw.max()) - float(raw.min()))
    rnd = JavaRandom(seed)
    flat = raw.astype(np.float64).ravel()
    out = np.empty((samples,) + raw.shape, np.float32)
    for i in range(samples):
        g = np.array([rnd.next_gaussian() for _ in range(flat.size)])
        out[i] = (flat + sigma * g).astype(np.float32).reshape(raw.shape)
    return out, sigma


def noise_tunnel(model, raw, target, score, samples, noise, seed):
    """Captum's NoiseTunnel(Saliency(abs=False / True)) and NoiseTunnel(InputXGradient): the
    per-channel means of g, |g|, g^2 and x_noisy * g over the samples, from which smoothgrad,
    smoothgrad_sq and vargrad follow."""
    xs, sigma = noisy_samples(raw, samples, noise, seed)
    grads, _ = model.gradients(xs, raw, target, score)
    gx = grads * xs.astype(np.float64)
    return {
        "noise_std": sigma,
        "first_noisy_values": flist(xs.ravel()[:16]),
        "mean_g": flist(grads.mean(0)), "mean_abs_g": flist(np.abs(grads).mean(0)),
        "mean_g2": flist((grads ** 2).mean(0)),
        "mean_gx": flist(gx.mean(0)), "mean_gx2": flist((gx ** 2).mean(0)),
        # vargrad, as Captum: mean of squares minus squared mean (population variance)
        "var_g": flist(grads.var(0)), "var_abs_g": flist(np.abs(grads).var(0)), "var_gx": flist(gx.var(0)),
    }


# ---------------------------------------------------------------- fixture files

def flist(a):
    """float32 values, written with 9 significant digits (enough to read back the same float32)."""
    return [float("%.9g" % v) for v in np.asarray(a, np.float32).ravel()]


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


def header(model, raw, target, score, image_rel):
    doc = collections.OrderedDict()
    doc["model"] = model.rel
    if image_rel is not None:
        doc["image"] = image_rel
        doc["input"] = None
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    doc["target"] = target
    doc["score"] = score
    doc["shape"] = list(raw.shape)
    return doc


def load(model, image_rel=None, raw=None):
    return read_raw(os.path.join(ROOT, image_rel), model.channels) if image_rel is not None else raw


def case_gxi(name, model, target, score, image_rel=None, raw=None):
    raw = load(model, image_rel, raw)
    doc = header(model, raw, target, score, image_rel)
    g, _ = model.gradients(raw[None], raw, target, score)
    doc["attribution"] = flist(g[0] * raw.astype(np.float64))  # per channel [C,H,W]
    write(name, doc)
    print("%-28s max|a| %.4g" % (name, float(np.abs(doc["attribution"]).max())))


def case_ig(name, model, target, score, baseline, method, steps, image_rel=None, raw=None):
    raw = load(model, image_rel, raw)
    doc = header(model, raw, target, score, image_rel)
    a, s_x, s_b = integrated_gradients(model, raw, target, score, baseline, method, steps)
    doc.update(baseline=baseline, integration=method, steps=steps, score_value=s_x, baseline_score=s_b,
               sum_of_attributions=float(a.sum()), attribution=flist(a))
    write(name, doc)
    print("%-28s %s %s n=%d  sum %.5g  S(x)-S(b) %.5g  gap %.3g" % (
        name, baseline, method, steps, a.sum(), s_x - s_b, a.sum() - (s_x - s_b)))


def case_sg(name, model, target, score, samples, noise, seed, image_rel=None, raw=None):
    raw = load(model, image_rel, raw)
    doc = header(model, raw, target, score, image_rel)
    doc.update(samples=samples, noise=noise, seed=seed)
    doc.update(noise_tunnel(model, raw, target, score, samples, noise, seed))
    write(name, doc)
    print("%-28s samples %d sigma %.4g max mean g^2 %.3g" % (name, samples, doc["noise_std"], max(doc["mean_g2"])))


def case_interior(name, model, target, score, alphas, image_rel=None, raw=None):
    raw = load(model, image_rel, raw)
    doc = header(model, raw, target, score, image_rel)
    xs = np.stack([torch.from_numpy(raw).mul(float(a)).numpy() for a in alphas])
    g, s = model.gradients(xs, raw, target, score)
    doc.update(alphas=[float(a) for a in alphas], scores=flist(s), gradients=flist(g))  # [N,C,H,W]
    write(name, doc)
    print("%-28s %d alphas, scores %s" % (name, len(alphas), np.round(s, 3)))


def quadrature_fixture():
    doc = collections.OrderedDict()
    for method in ["gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"]:
        for n in ([1, 2, 7, 50, 128] if method == "gausslegendre" else [2, 7, 50]):
            w, a = quadrature(method, n)
            doc["%s_%d" % (method, n)] = {"alphas": [float(v) for v in a], "weights": [float(v) for v in w]}
    write("quadrature", doc)


def main():
    torch.set_num_threads(1)
    gap, bn = Model("models/cells-gap.pt"), Model("models/cells-bn.pt")
    tiny = Model("src/test/resources/models/tiny-rgb.pt")
    foci = "sample-data/cells/images/foci_003.tif"
    mitotic = "sample-data/cells/images/mitotic_002.tif"
    apoptotic = "sample-data/cells/images/apoptotic_004.tif"
    # 50x72 input for the fixed 64x64 model (resize path): crop rows 7..56, reflect-pad 4 columns
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/mitotic_005.tif"), 1)
    resized = np.ascontiguousarray(np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect"))
    rgb = np.random.default_rng(7).integers(0, 256, size=(3, 20, 24)).astype(np.float32)

    quadrature_fixture()

    case_gxi("gxi_gap_foci_logit", gap, 3, "logit", image_rel=foci)
    case_gxi("gxi_bn_resized_prob", bn, 1, "probability", raw=resized)
    case_gxi("gxi_rgb_tiny_logit", tiny, 1, "logit", raw=rgb)

    case_ig("ig_gap_foci_zero_gl_logit", gap, 3, "logit", "zero", "gausslegendre", 50, image_rel=foci)
    case_ig("ig_gap_mitotic_mean_trap_prob", gap, 1, "probability", "mean", "riemann_trapezoid", 20, image_rel=mitotic)
    case_ig("ig_bn_apoptotic_mean_gl_logit", bn, 2, "logit", "mean", "gausslegendre", 32, image_rel=apoptotic)
    case_ig("ig_bn_resized_zero_left_prob", bn, 1, "probability", "zero", "riemann_left", 24, raw=resized)
    case_ig("ig_bn_resized_mean_right_logit", bn, 1, "logit", "mean", "riemann_right", 16, raw=resized)
    case_ig("ig_rgb_tiny_zero_middle_logit", tiny, 1, "logit", "zero", "riemann_middle", 10, raw=rgb)

    case_sg("sg_gap_foci_logit", gap, 3, "logit", 8, 0.15, 1, image_rel=foci)
    case_sg("sg_gap_mitotic_prob", gap, 1, "probability", 6, 0.05, 42, image_rel=mitotic)
    case_sg("sg_bn_resized_logit", bn, 1, "logit", 6, 0.1, 3, raw=resized)
    case_sg("sg_rgb_tiny_logit", tiny, 0, "logit", 5, 0.1, 7, raw=rgb)

    case_interior("interior_gap_foci_logit", gap, 3, "logit", [0.25, 0.5, 0.75, 1.0], image_rel=foci)
    case_interior("interior_bn_resized_prob", bn, 1, "probability", [0.0, 0.1, 0.55, 1.0], raw=resized)
    case_interior("interior_rgb_tiny_logit", tiny, 1, "logit", [0.02, 0.5, 1.0], raw=rgb)


if __name__ == "__main__":
    main()
