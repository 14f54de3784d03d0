#!/usr/bin/env python3
"""Reference fixtures for activation maximization, DeepDream and their priors, in NumPy / PyTorch.

    /usr/bin/python3 src/test/python/make_inspect_optim_fixtures.py

Writes src/test/resources/fixtures/inspect/optim/: small float32 TIFFs (images) and one JSON per case.
Everything runs in network-input units v = (raw - mean) / std (cells-gap's mean/std sidecar) on a 32 x 32
crop of a sample image, through the SAVED TorchScript model (torch.jit.load, eval mode):

  fft_*        Lucid's fft_image (lucid/optvis/param/spatial.py) re-implemented with numpy.fft.irfft2:
               image = irfft2(spectrum * scale)[:, :h, :w] / 4, scale = sqrt(w h) / max(f, 1/max(w, h))^decay_power,
               f = sqrt(fx^2 + fy^2) from np.fft.fftfreq (one extra x frequency when w is odd).
  blur_*       scipy.ndimage.gaussian_filter(plane, sigma, mode="nearest") with radius ceil(3 sigma) (Baselines.blur).
  step_*       ONE plain gradient-ascent step: p1 = p0 + step_size * d(score(roll(image(p0), (dy, dx)))
               - l2_decay * sum(image^2) - tv_weight * TV(image)) / dp0, with p the pixels (image = p) or
               Lucid's spectrum (p0 = rfft2(4 v0) / scale); TV = sum |vertical diffs| + sum |horizontal diffs|.
               The shifts (dy, dx) are drawn as Java's java.util.Random(seed).nextInt(2 j + 1) - j.
  dream_*      Mordvintsev's deepdream notebook (render_deepdream): pyramid by int(float32(size) / float32(scale)),
               detail = level - upsample(downsample(level)), from the smallest octave up: upsample + detail,
               then per step roll by Java-Random jitter, g = d mean(layer^2) / dv, v += g * step_size / (mean|g| + 1e-7).
               Resizing: F.interpolate(mode="bilinear", align_corners=False).
"""
import json
import math
import os

import numpy as np
import scipy.ndimage
import tifffile
import torch
import torch.nn.functional as F

from make_perturbation_fixtures import JavaRandom  # java.util.Random, one definition

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT = os.path.join(REPO, "src/test/resources/fixtures/inspect/optim")
MODEL = "models/cells-gap.pt"


def shift(rnd, jitter):
    """Explain-IJ's jitter: dy, then dx, each java.util.Random.nextInt(2 jitter + 1) - jitter."""
    if jitter == 0:
        return 0, 0
    dy = rnd.next_int(2 * jitter + 1) - jitter
    dx = rnd.next_int(2 * jitter + 1) - jitter
    return dy, dx


def freqs(h, w):
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[: w // 2 + 2] if w % 2 == 1 else np.fft.fftfreq(w)[: w // 2 + 1]
    return np.sqrt(fx * fx + fy * fy)


def fft_scale(h, w, decay_power):
    return (1.0 / np.maximum(freqs(h, w), 1.0 / max(w, h)) ** decay_power) * np.sqrt(w * h)


def fft_image_np(spectrum, h, w, decay_power):
    """Lucid's fft_image for a given spectrum [2, C, H, Wf] -> [C, h, w] (float64)."""
    s = fft_scale(h, w, decay_power) * (spectrum[0].astype(np.float64) + 1j * spectrum[1].astype(np.float64))
    return np.fft.irfft2(s)[:, :h, :w] / 4.0


def fft_image_torch(p, h, w, decay_power):
    scale = torch.tensor(fft_scale(h, w, decay_power), dtype=torch.float64)
    s = torch.complex(p[0].double() * scale, p[1].double() * scale)
    return (torch.fft.irfft2(s)[:, :h, :w] / 4.0).float().unsqueeze(0)


def spectrum_of(v, h, w, decay_power):
    wf = freqs(h, w).shape[1]
    padded = 2 * (wf - 1)
    x = np.concatenate([v] + [v[:, :, -1:]] * (padded - w), axis=2).astype(np.float64)
    X = np.fft.rfft2(4.0 * x) / fft_scale(h, w, decay_power)
    return np.stack([X.real, X.imag]).astype(np.float32)


def tv(img):
    return (img[:, :, 1:, :] - img[:, :, :-1, :]).abs().sum() + (img[:, :, :, 1:] - img[:, :, :, :-1]).abs().sum()


def objective(model, v, spec):
    n = len(model.layer_names())
    kind = spec["objective"]
    if kind == "class":
        return model(v)[:, spec["class"]].sum()
    stage = model.layer_names().index(spec["layer"])
    a = model.forward_layers(v, 0, stage + 1)
    if kind == "channel":
        return a[:, spec["channel"]].mean()
    if kind == "neuron":
        return a[0, spec["channel"], spec["y"], spec["x"]]
    return (a * a).mean()


def save_tif(name, a):
    tifffile.imwrite(os.path.join(OUT, name), np.ascontiguousarray(a, dtype=np.float32))


def write_json(name, o):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(o, f, indent=1)


def f32(a):
    return [float(np.float32(x)) for x in np.ravel(a)]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    model = torch.jit.load(os.path.join(REPO, MODEL)).eval()
    side = json.load(open(os.path.join(REPO, MODEL.replace(".pt", ".json"))))
    mean, std = np.float32(side["normalize"]["mean"][0]), np.float32(side["normalize"]["std"][0])

    # Lucid's fft_image for given spectra
    rng = np.random.default_rng(7)
    for name, (c, h, w, dp) in {"fft_odd": (1, 6, 5, 1.0), "fft_even_2ch": (2, 8, 8, 1.5)}.items():
        wf = freqs(h, w).shape[1]
        spectrum = rng.normal(size=(2, c, h, wf)).astype(np.float32)
        image = fft_image_np(spectrum, h, w, dp)
        write_json(name, {"channels": c, "height": h, "width": w, "decay_power": dp, "spectrum": f32(spectrum), "image": f32(image)})

    # Explain-IJ's Gaussian blur (method/Baselines.blur: radius ceil(3 sigma), borders clamped) as scipy's
    plane = rng.normal(size=(9, 11)).astype(np.float32)
    sigma = 1.1
    write_json("blur_scipy", {"height": 9, "width": 11, "sigma": sigma, "image": f32(plane),
                              "blurred": f32(scipy.ndimage.gaussian_filter(plane.astype(np.float64), sigma, mode="nearest",
                                                                           truncate=math.ceil(3 * sigma) / sigma))})

    # the start image: a 32 x 32 crop of a sample, raw uint16 values as float32
    raw = tifffile.imread(os.path.join(REPO, "sample-data/cells/images/mitotic_001.tif")).astype(np.float32)[16:48, 16:48]
    save_tif("start.tif", raw)
    v0 = torch.tensor((raw - mean) / std).reshape(1, 1, 32, 32)

    cases = {
        "step_class": {"objective": "class", "class": 1},
        "step_channel": {"objective": "channel", "layer": "relu2", "channel": 3},
        "step_neuron": {"objective": "neuron", "layer": "relu3", "channel": 5, "y": 4, "x": 3},
        "step_layer": {"objective": "layer", "layer": "relu3"},
        "step_channel_l2_tv_jitter": {"objective": "channel", "layer": "relu2", "channel": 3, "l2_decay": 0.01, "tv_weight": 0.002,
                                      "jitter": 3, "seed": 5},
        "step_class_fft": {"objective": "class", "class": 1, "fft": True, "decay_power": 1.0},
    }
    for name, spec in cases.items():
        fft = spec.get("fft", False)
        dp = spec.get("decay_power", 1.0)
        dy, dx = shift(JavaRandom(spec.get("seed", 0)), spec.get("jitter", 0))

        def total(p):
            img = fft_image_torch(p, 32, 32, dp) if fft else p
            score = objective(model, torch.roll(img, (dy, dx), (2, 3)), spec)
            return score - spec.get("l2_decay", 0) * (img * img).sum() - spec.get("tv_weight", 0) * tv(img), score

        p0 = torch.tensor(spectrum_of(v0[0].numpy(), 32, 32, dp)) if fft else v0.clone()
        p = p0.clone().requires_grad_(True)
        t, score = total(p)
        t.backward()
        g = p.grad
        img0 = fft_image_torch(p0, 32, 32, dp) if fft else p0
        # a step that moves the image by about 0.5 network-input units at most
        lr = float(np.float32(0.5 / float((fft_image_torch(g, 32, 32, dp) if fft else g).abs().max())))
        p1 = (p0 + lr * g).detach()
        img1 = fft_image_torch(p1, 32, 32, dp) if fft else p1
        out = img1[0, 0].numpy() * std + mean
        save_tif(name + ".tif", out)
        with torch.no_grad():
            start = float(objective(model, img0, spec))
            end = float(objective(model, img1, spec))
        spec = dict(spec, step_size=lr, score_in_step=float(score), objective_start=start, objective_end=end, shift=[dy, dx],
                    image=name + ".tif", model=MODEL)
        write_json(name, spec)

    # DeepDream
    for name, (octaves, steps, jitter, seed) in {"dream_2octaves": (2, 2, 2, 3), "dream_1octave": (1, 3, 0, 0)}.items():
        scale, step_size, layer = 1.4, 0.05, "relu2"
        stage = model.layer_names().index(layer)
        sizes = [(32, 32)]
        for i in range(1, octaves):
            sizes.append(tuple(int(np.float32(s) / np.float32(scale)) for s in sizes[-1]))
        img = v0.clone()
        details = []
        for i in range(1, octaves):
            lo = F.interpolate(img, size=sizes[i], mode="bilinear", align_corners=False)
            details.append(img - F.interpolate(lo, size=sizes[i - 1], mode="bilinear", align_corners=False))
            img = lo
        rnd = JavaRandom(seed)
        for o in range(octaves):
            level = octaves - 1 - o
            if o > 0:
                img = F.interpolate(img, size=sizes[level], mode="bilinear", align_corners=False) + details[level]
            for s in range(steps):
                dy, dx = shift(rnd, jitter)
                x = img.clone().requires_grad_(True)
                a = model.forward_layers(torch.roll(x, (dy, dx), (2, 3)), 0, stage + 1)
                (a * a).mean().backward()
                g = x.grad
                img = (img + g * (step_size / (g.abs().mean() + 1e-7))).detach()
        with torch.no_grad():
            start = float((model.forward_layers(v0, 0, stage + 1) ** 2).mean())
            end = float((model.forward_layers(img, 0, stage + 1) ** 2).mean())
        save_tif(name + ".tif", img[0, 0].numpy() * std + mean)
        write_json(name, {"layer": layer, "octaves": octaves, "octave_scale": scale, "steps": steps, "step_size": step_size,
                          "jitter": jitter, "seed": seed, "sizes": sizes, "objective_start": start, "objective_end": end,
                          "image": name + ".tif", "model": MODEL})


if __name__ == "__main__":
    main()
