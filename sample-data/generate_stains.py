#!/usr/bin/env python3
"""Synthetic two-channel "stains" data for Explain-IJ: which stain drove the decision?

Generates 64x64 two-channel uint16 images (channel order fixed):

    channel 1 "DNA"     a nuclear stain: one interphase nucleus (the nucleus generator of
                        generate_sample_data.py), drawn the SAME way for every class
    channel 2 "marker"  an immunostained protein whose localisation is the class:

    0 negative      no marker (only autofluorescence of the cell body and DNA bleed-through)
    1 nuclear       marker inside the nucleus, textured
    2 cytoplasmic   marker in a ring of cytoplasm around the nucleus, nucleus left dark

Because the DNA channel does not depend on the class, the nuclear channel alone cannot decide
(a model can only be right by reading the marker; the DNA tells it WHERE the nucleus is).
Nuisances, per channel: uneven illumination (own field per channel), background, camera offset
100 ADU, Poisson (gain 2) + Gaussian read noise, debris; partially visible neighbour cells at the
borders (DNA nucleus plus a marker state drawn at random, independent of the class); bleed-through
of 2-8 % of the DNA signal into the marker channel; cytoplasmic autofluorescence in every class;
marker brightness varies 4-fold between cells.

For every image an evidence mask (uint8, 255 = where the marker signal that decides the class
sits: the nucleus for `nuclear`, the cytoplasmic ring for `cytoplasmic`, empty for `negative`) and
a nucleus mask (uint8, 255 = the central nucleus) are produced.

Files are ImageJ hyperstacks: tifffile imagej=True, axes CYX, composite mode, slice labels
"DNA" and "marker", LUTs blue and green, so ImageJ opens a 2-channel composite with named channels.

Only the held-out TEST split is written; models/train_stains.py imports this module and calls
``generate_set`` with another seed. This module imports generate_sample_data.py without changing it.

Usage:
    /usr/bin/python3 sample-data/generate_stains.py [--out DIR]
"""
import argparse
import csv
import os
import sys

import numpy as np
from scipy import ndimage as ndi
import tifffile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_sample_data as gen  # noqa: E402

CLASSES = ["negative", "nuclear", "cytoplasmic"]
CHANNELS = ["DNA", "marker"]
SIZE = gen.SIZE

TEST_SEED = 11
TRAIN_SEED = 1011
TEST_PER_CLASS = 8

AUTOFLUORESCENCE = (20.0, 120.0)   # cell body, every class (ADU above background)
MARKER = (350.0, 1400.0)          # marker amplitude of a positive cell
BLEED = (0.02, 0.08)              # fraction of the DNA signal seen in the marker channel


def _cell(rng, cy, cx, nucleus_params):
    """Cell body around a nucleus (a, b, theta, amp): soft body and mask, slightly off-centre."""
    a, b, theta, _ = nucleus_params
    grow = rng.uniform(1.6, 2.1)
    oy, ox = rng.uniform(-1.5, 1.5, size=2)
    u, v = gen._ellipse_coords(cy + oy, cx + ox, theta + rng.uniform(-0.3, 0.3))
    r = np.sqrt((u / (a * grow)) ** 2 + (v / (b * grow * rng.uniform(0.9, 1.15))) ** 2)
    return gen._soft(r, 0.08), r <= 1.0


def _texture(rng, sigma):
    t = ndi.gaussian_filter(rng.standard_normal((SIZE, SIZE)), sigma)
    return t / (t.std() + 1e-9)


def _marker(rng, state, nucleus_img, nucleus_mask, cell_body, cell_mask):
    """Marker signal of one cell (state 0/1/2 as CLASSES) and the mask of where it sits."""
    auto = rng.uniform(*AUTOFLUORESCENCE) * cell_body
    nucleus_body = np.clip(nucleus_img / (nucleus_img.max() + 1e-9), 0, 1)
    if state == 0:
        return auto, np.zeros((SIZE, SIZE), bool)
    amp = rng.uniform(*MARKER)
    if state == 1:
        sig = amp * nucleus_body * np.clip(1.0 + 0.25 * _texture(rng, 1.5), 0.2, None)
        return auto + sig, nucleus_mask.copy()
    ring = cell_body * (1.0 - np.clip(nucleus_body * 1.3, 0, 1))
    sig = amp * ring * np.clip(1.0 + 0.3 * _texture(rng, 2.0), 0.2, None)
    return auto + sig, cell_mask & ~nucleus_mask


def _neighbours(rng):
    """Partially visible neighbour cells centred just outside the frame, random marker state."""
    dna = np.zeros((SIZE, SIZE))
    marker = np.zeros((SIZE, SIZE))
    n = rng.choice([0, 1, 1, 2, 2, 3])
    for side in rng.permutation(4)[:n]:
        along = rng.uniform(4, SIZE - 4)
        out = rng.uniform(2.0, 8.0)
        cy, cx = [(-out, along), (SIZE - 1 + out, along), (along, -out), (along, SIZE - 1 + out)][side]
        nimg, nmask, params = gen._nucleus(rng, cy, cx)
        body, cmask = _cell(rng, cy, cx, params)
        m, _ = _marker(rng, int(rng.integers(0, 3)), nimg, nmask, body, cmask)
        dna += nimg
        marker += m
    return dna, marker


def _camera(rng, signal):
    signal = np.clip(signal, 0, None)
    electrons = rng.poisson(signal / gen.GAIN).astype(np.float64)
    adu = gen.CAMERA_OFFSET + gen.GAIN * electrons + rng.normal(0.0, gen.READ_NOISE, size=signal.shape)
    return np.clip(np.rint(adu), 0, 65535).astype(np.uint16)


def make_image(rng, cls):
    """One sample: (image uint16 [2,64,64], evidence mask uint8, nucleus mask uint8)."""
    cy, cx = rng.uniform(22.0, 42.0, size=2)
    nimg, nmask, params = gen._nucleus(rng, cy, cx)
    body, cmask = _cell(rng, cy, cx, params)
    marker, evidence = _marker(rng, cls, nimg, nmask, body, cmask)
    n_dna, n_marker = _neighbours(rng)
    dna = nimg + n_dna
    marker = marker + n_marker + rng.uniform(*BLEED) * dna
    dna_signal = (rng.uniform(40.0, 180.0) + dna + gen._debris(rng)) * gen._illumination(rng)
    marker_signal = (rng.uniform(30.0, 150.0) + marker + gen._debris(rng)) * gen._illumination(rng)
    img = np.stack([_camera(rng, dna_signal), _camera(rng, marker_signal)])
    return img, (evidence * 255).astype(np.uint8), (nmask * 255).astype(np.uint8)


def generate_set(n_per_class, seed):
    """Deterministic set: images [N,2,64,64] uint16, evidence masks, nucleus masks, labels [N], names."""
    images, masks, nuclei, labels, names = [], [], [], [], []
    for cls, cname in enumerate(CLASSES):
        for i in range(n_per_class):
            rng = np.random.default_rng([seed, cls, i])
            img, m, n = make_image(rng, cls)
            images.append(img)
            masks.append(m)
            nuclei.append(n)
            labels.append(cls)
            names.append("%s_%03d.tif" % (cname, i))
    return (np.stack(images), np.stack(masks), np.stack(nuclei),
            np.array(labels, dtype=np.int64), names)


def _lut(rgb):
    ramp = np.arange(256, dtype=np.uint8)
    return np.stack([ramp if on else np.zeros(256, np.uint8) for on in rgb])


def write_hyperstack(path, img):
    """[C,Y,X] uint16 -> ImageJ composite hyperstack with the channel names as slice labels."""
    tifffile.imwrite(path, img, imagej=True,
                     metadata={"axes": "CYX", "mode": "composite", "Labels": list(CHANNELS),
                               "LUTs": [_lut((0, 0, 1)), _lut((0, 1, 0))]})


def write_set(out_dir, n_per_class, seed):
    images, masks, nuclei, labels, names = generate_set(n_per_class, seed)
    for s in ("images", "masks", "nucleus-masks"):
        os.makedirs(os.path.join(out_dir, s), exist_ok=True)
    for img, m, n, name in zip(images, masks, nuclei, names):
        write_hyperstack(os.path.join(out_dir, "images", name), img)
        tifffile.imwrite(os.path.join(out_dir, "masks", name), m, imagej=True)
        tifffile.imwrite(os.path.join(out_dir, "nucleus-masks", name), n, imagej=True)
    with open(os.path.join(out_dir, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "class_index", "class_name"])
        for name, lab in zip(names, labels):
            w.writerow([name, int(lab), CLASSES[lab]])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = p.parse_args()
    write_set(os.path.join(args.out, "stains"), TEST_PER_CLASS, TEST_SEED)
    print("wrote the stains test split to", os.path.join(args.out, "stains"))


if __name__ == "__main__":
    main()
