#!/usr/bin/env python3
"""Reference fixtures for SmoothGrad over Integrated Gradients: Captum's
NoiseTunnel(IntegratedGradients).attribute(x, nt_type="smoothgrad", nt_samples=S, stdevs=sigma,
baselines=0, n_steps=N, method="gausslegendre"), with the noise Explain-IJ's SmoothGrad draws.

    /usr/bin/python3 src/test/python/make_noisetunnel_fixtures.py

Writes src/test/resources/fixtures/noisetunnel/<case>.json. Computed in plain PyTorch on the SAVED
TorchScript files, with respect to the raw pixels through the sidecar normalization (helpers imported
from make_gradient_fixtures.py, normalization statistics from the source image):

  noisy_s   = float32(float64(x) + sigma * g_s), sigma = noise * (max(x) - min(x)), g drawn from
              java.util.Random(seed).nextGaussian(), sample after sample, channel-major [C, H, W]
              (exactly as SmoothGrad / GaussianNoise.java; make_gradient_fixtures.noisy_samples)
  IG_s      = Integrated Gradients of noisy_s with the baseline FIXED at zero (NoiseTunnel adds noise
              to the inputs only): noisy_s * sum_i w_i dS/dx(a_i noisy_s), Gauss-Legendre nodes
  smoothgrad = mean over s of IG_s                                   (nt_type "smoothgrad")

Keys (arrays flat; float32 values with 9 significant digits):
  model, image, shape [C, H, W], target, score ("logit"), samples, noise, seed, noise_std (sigma),
  baseline "zero", integration "gausslegendre", steps, first_noisy_values (the first 16 values of
  noisy_0), sample_sums [S] (sum of IG_s), sample_gaps [S] (S(noisy_s) - S(0)),
  channel_sums [C] (sum over each channel's pixels of the mean of IG_s),
  attribution [H, W] (the mean of IG_s, signed, summed over channels: the map Explain-IJ shows).

When Captum is importable (CAPTUM_PATH, default /work/pylib/captum) the script also runs Captum's
own NoiseTunnel(IntegratedGradients) with torch.normal patched to return the same noise, and prints
the largest difference (the fixtures never depend on it).
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_gradient_fixtures import ROOT, Model, flist, load, noisy_samples, quadrature  # noqa: E402

OUT = os.path.join(ROOT, "src", "test", "resources", "fixtures", "noisetunnel")


def ig_zero(model, x, source, target, steps):
    """IG of x [C,H,W] from a zero baseline (Gauss-Legendre); normalization statistics of `source`."""
    step_sizes, alphas = quadrature("gausslegendre", steps)
    xt = torch.from_numpy(x)
    scaled = torch.stack([float(a) * xt for a in alphas]).numpy()
    grads, _ = model.gradients(scaled, source, target, "logit")
    return (grads * np.asarray(step_sizes, np.float64).reshape(-1, 1, 1, 1)).sum(0) * x.astype(np.float64)


def noise_tunnel_ig(model, raw, target, samples, noise, seed, steps):
    xs, sigma = noisy_samples(raw, samples, noise, seed)
    zero, _ = model.score_of(np.zeros_like(raw), raw, target, "logit")
    igs, gaps = [], []
    for x in xs:
        igs.append(ig_zero(model, x, raw, target, steps))
        s, _ = model.score_of(x, raw, target, "logit")
        gaps.append(s - zero)
    return xs, sigma, np.stack(igs), gaps


def captum_check(model, raw, target, xs, sigma, steps, ours):
    path = os.environ.get("CAPTUM_PATH", "/work/pylib/captum")
    sys.path.insert(0, path)
    try:
        from captum.attr import IntegratedGradients, NoiseTunnel
    except ImportError:
        print("  captum not found: no cross-check")
        return
    x = torch.from_numpy(raw[None].copy())
    noise = torch.from_numpy((xs.astype(np.float64) - raw.astype(np.float64)[None]).astype(np.float32))
    real_normal = torch.normal

    def same_noise(mean, std, *args, **kwargs):  # NoiseTunnel's only draw: torch.normal(0, stdev_expanded)
        assert tuple(std.shape) == tuple(noise.shape), (std.shape, noise.shape)
        return noise.clone()

    torch.normal = same_noise
    try:
        nt = NoiseTunnel(IntegratedGradients(lambda t: model.forward(t, raw)))
        a = nt.attribute(x, nt_type="smoothgrad", nt_samples=len(xs), stdevs=float(sigma), baselines=0.0,
                         target=target, n_steps=steps, method="gausslegendre")[0].double().numpy()
    finally:
        torch.normal = real_normal
    print("  captum NoiseTunnel(IntegratedGradients): max|diff| %.3g of max|a| %.3g" % (
        np.abs(a - ours).max(), np.abs(ours).max()))


def case(name, model, target, image_rel, samples=4, noise=0.15, seed=5, steps=16):
    raw = load(model, image_rel)
    xs, sigma, igs, gaps = noise_tunnel_ig(model, raw, target, samples, noise, seed, steps)
    mean = igs.mean(0)
    doc = collections.OrderedDict()
    doc.update(model=model.rel, image=image_rel, shape=list(raw.shape), target=target, score="logit",
               samples=samples, noise=noise, seed=seed, noise_std=sigma, baseline="zero",
               integration="gausslegendre", steps=steps, first_noisy_values=flist(xs.ravel()[:16]),
               sample_sums=[float(v) for v in igs.sum(axis=(1, 2, 3))], sample_gaps=[float(v) for v in gaps],
               channel_sums=[float(v) for v in mean.sum(axis=(1, 2))], attribution=flist(mean.sum(0)))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("%-24s sigma %.4g  sample sums %s  gaps %s" % (name, sigma, np.round(doc["sample_sums"], 4),
                                                        np.round(gaps, 4)))
    captum_check(model, raw, target, xs, sigma, steps, mean)


def main():
    torch.set_num_threads(2)
    case("nt_ig_gap_foci_logit", Model("models/cells-gap.pt"), 3, "sample-data/cells/images/foci_003.tif")
    case("nt_ig_stains_nuclear_logit", Model("models/cells-2ch.pt"), 1, "sample-data/stains/images/nuclear_003.tif",
         seed=11)


if __name__ == "__main__":
    main()
