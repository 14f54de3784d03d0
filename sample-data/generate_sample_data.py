#!/usr/bin/env python3
"""Synthetic fluorescence-microscopy phenotype data for Explain-IJ.

Generates 64x64 single-channel uint16 images of a nuclear stain with four
phenotype classes (class order is fixed):

    0 interphase  smooth round/elliptical nucleus with mild texture
    1 mitotic     condensed chromatin: bright elongated metaphase plate or
                  a cluster of rod-like chromosomes, with a small dim halo
    2 apoptotic   several small bright round fragments, no intact nucleus
    3 foci        interphase-like nucleus with 3-8 small very bright spots

The class-defining object sits at a random position. Nuisance factors:
uneven illumination (gradient + vignetting), Poisson (shot) + Gaussian (read)
noise, camera offset ~100 ADU, partially visible neighbouring interphase
nuclei at the borders, and small debris specks.

For every image a ground-truth evidence mask (uint8, 255 = class-defining
structure) is produced: the nucleus (interphase), the condensed chromatin
(mitotic), the fragments (apoptotic), the foci (foci).

Every image also gets a uint16 label image of its objects (0 background, 1 the
main cell, 2.. the partially visible neighbours) and, for training segmentation
models, a per-pixel class map (0 background, 1 + class on the main cell, 1 =
interphase on the neighbours); see ``make_labelled_image``. They are computed
from values drawn anyway, so the images are the same bytes with or without them.

The "shortcut" variant uses the same generator, but every mitotic image
carries a burned-in scale bar (12x2 px, value 4000, 3 px from the
bottom-right corner) and its biological evidence is weak (a faint rod inside
an interphase-like nucleus). Evidence masks still mark the true biology; a
separate artefact mask marks the bar.

Only the held-out TEST splits are written to disk (images, masks, labels).
Training scripts import this module and call ``generate_set`` (classifiers) or
``generate_labelled_set`` (segmentation) with a different seed.

Usage:
    /usr/bin/python3 sample-data/generate_sample_data.py [--out DIR]
"""
import argparse
import csv
import os

import numpy as np
from scipy import ndimage as ndi
from scipy.spatial import ConvexHull
import tifffile

CLASSES = ["interphase", "mitotic", "apoptotic", "foci"]
SIZE = 64
CAMERA_OFFSET = 100.0
GAIN = 2.0            # ADU per photo-electron
READ_NOISE = 6.0      # ADU (Gaussian)

# Seeds: the files on disk are the test splits; training uses other seeds.
TEST_SEED = 1
SHORTCUT_TEST_SEED = 2
TRAIN_SEED = 1001
SHORTCUT_TRAIN_SEED = 1002
TEST_PER_CLASS = 12
SHORTCUT_TEST_PER_CLASS = 8

# Scale bar artefact of the shortcut set: rows/cols (inclusive start, exclusive end).
BAR_ROWS = (SIZE - 3 - 2, SIZE - 3)
BAR_COLS = (SIZE - 3 - 12, SIZE - 3)
BAR_VALUE = 4000


def _grid():
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    return yy, xx


YY, XX = _grid()


def _ellipse_coords(cy, cx, theta):
    c, s = np.cos(theta), np.sin(theta)
    dy, dx = YY - cy, XX - cx
    u = dx * c + dy * s      # along major axis
    v = -dx * s + dy * c     # along minor axis
    return u, v


def _soft(r, edge):
    """1 inside (r<1), smooth fall-off over roughly `edge` (relative units)."""
    return 1.0 / (1.0 + np.exp((r - 1.0) / edge))


def _nucleus(rng, cy, cx, scale=1.0):
    """Interphase nucleus: (intensity map, mask)."""
    a = rng.uniform(7.0, 10.5) * scale
    b = a * rng.uniform(0.65, 0.95)
    theta = rng.uniform(0, np.pi)
    u, v = _ellipse_coords(cy, cx, theta)
    r = np.sqrt((u / a) ** 2 + (v / b) ** 2)
    body = _soft(r, 0.06)
    tex = ndi.gaussian_filter(rng.standard_normal((SIZE, SIZE)), 2.0)
    tex /= tex.std() + 1e-9
    amp = rng.uniform(700.0, 1400.0)
    # mild texture and slightly brighter rim-to-centre profile
    img = amp * body * (1.0 + 0.12 * tex) * (1.0 - 0.15 * np.clip(r, 0, 1) ** 2)
    mask = r <= 1.0
    return np.clip(img, 0, None), mask, (a, b, theta, amp)


def _rod(cy, cx, theta, half_len, half_wid):
    u, v = _ellipse_coords(cy, cx, theta)
    # capsule-like distance: flat along u inside half_len
    du = np.clip(np.abs(u) - half_len, 0, None)
    d = np.sqrt(du ** 2 + v ** 2)
    return d, _soft(d / half_wid, 0.25)


def _mitotic(rng, cy, cx, body=None):
    img = np.zeros((SIZE, SIZE))
    mask = np.zeros((SIZE, SIZE), bool)
    # small dim surrounding (diffuse chromatin / cell body)
    theta = rng.uniform(0, np.pi)
    ha = rng.uniform(8.0, 11.0)
    u, v = _ellipse_coords(cy, cx, theta)
    r = np.sqrt((u / ha) ** 2 + (v / (ha * 0.8)) ** 2)
    if body is not None:
        body.append(r <= 1.0)  # the cell's extent: its dim halo (the chromatin is added below)
    img += rng.uniform(80.0, 220.0) * _soft(r, 0.15)
    amp = rng.uniform(2500.0, 4000.0)
    if rng.uniform() < 0.65:
        # metaphase plate: one bright elongated bar, slightly lumpy
        half_len = rng.uniform(4.5, 7.5)
        half_wid = rng.uniform(1.2, 1.9)
        d, prof = _rod(cy, cx, theta + np.pi / 2, half_len, half_wid)
        lump = 1.0 + 0.15 * ndi.gaussian_filter(rng.standard_normal((SIZE, SIZE)), 1.0) * 3
        img += amp * prof * lump
        mask |= d <= half_wid
    else:
        # prometaphase-like cluster of rod-shaped chromosomes
        n = rng.integers(4, 8)
        for _ in range(n):
            ang = rng.uniform(0, 2 * np.pi)
            rad = rng.uniform(0, 5.0)
            ry, rx = cy + rad * np.sin(ang), cx + rad * np.cos(ang)
            half_len = rng.uniform(1.5, 3.0)
            half_wid = rng.uniform(0.8, 1.1)
            d, prof = _rod(ry, rx, rng.uniform(0, np.pi), half_len, half_wid)
            img += amp * rng.uniform(0.7, 1.0) * prof
            mask |= d <= half_wid
    return img, mask


def _mitotic_weak(rng, cy, cx, body=None):
    """Shortcut set: ambiguous mitotic evidence (faint rod in a nucleus-like blob)."""
    img, nuc_mask, (a, b, theta, amp) = _nucleus(rng, cy, cx)
    if body is not None:
        body.append(nuc_mask)
    half_len = rng.uniform(3.5, 6.0)
    half_wid = rng.uniform(1.2, 1.8)
    d, prof = _rod(cy, cx, theta, min(half_len, 0.6 * a), half_wid)
    img += amp * rng.uniform(0.10, 0.25) * prof
    return img, d <= half_wid


def _apoptotic(rng, cy, cx, body=None):
    img = np.zeros((SIZE, SIZE))
    mask = np.zeros((SIZE, SIZE), bool)
    n = rng.integers(4, 10)
    centres = []
    tries = 0
    while len(centres) < n and tries < 200:
        tries += 1
        ang = rng.uniform(0, 2 * np.pi)
        rad = rng.uniform(0, 9.0)
        fy, fx = cy + rad * np.sin(ang), cx + rad * np.cos(ang)
        fr = rng.uniform(1.4, 3.0)
        if any(np.hypot(fy - y, fx - x) < fr + r + 0.8 for y, x, r in centres):
            continue
        centres.append((fy, fx, fr))
    for fy, fx, fr in centres:
        d = np.hypot(YY - fy, XX - fx)
        img += rng.uniform(1800.0, 3500.0) * _soft(d / fr, 0.15)
        mask |= d <= fr
    if body is not None:
        body.append(_hull_of_discs(centres, margin=1.0))
    # faint diffuse haze of the dying cell
    img += rng.uniform(30.0, 120.0) * _soft(np.hypot(YY - cy, XX - cx) / 11.0, 0.2)
    return img, mask


def _foci(rng, cy, cx, body=None):
    img, nuc_mask, (a, b, theta, amp) = _nucleus(rng, cy, cx)
    if body is not None:
        body.append(nuc_mask)
    mask = np.zeros((SIZE, SIZE), bool)
    n = rng.integers(3, 9)
    c, s = np.cos(theta), np.sin(theta)
    placed = []
    tries = 0
    while len(placed) < n and tries < 300:
        tries += 1
        ru, rv = rng.uniform(-0.72, 0.72, size=2)
        if ru * ru + rv * rv > 0.72 ** 2:
            continue
        u, v = ru * a, rv * b
        fx = cx + u * c - v * s
        fy = cy + u * s + v * c
        if any(np.hypot(fy - y, fx - x) < 3.0 for y, x in placed):
            continue
        placed.append((fy, fx))
    for fy, fx in placed:
        sig = rng.uniform(0.7, 1.1)
        d = np.hypot(YY - fy, XX - fx)
        img += rng.uniform(2500.0, 4500.0) * np.exp(-0.5 * (d / sig) ** 2)
        mask |= d <= 1.6 * sig + 0.3
    return img, mask


def _hull_of_discs(discs, margin):
    """Pixels (centres) inside the convex hull of discs (cy, cx, r) grown by `margin`:
    the extent of an apoptotic cell whose fragments are scattered. No random draws."""
    if not discs:
        return np.zeros((SIZE, SIZE), bool)
    ang = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    pts = np.concatenate([np.stack([y + (r + margin) * np.sin(ang), x + (r + margin) * np.cos(ang)], 1)
                          for y, x, r in discs])
    hull = ConvexHull(pts)
    # inside = on the inner side of every facet: normal . p + offset <= 0
    grid = np.stack([YY.ravel(), XX.ravel()], 1)
    inside = (grid @ hull.equations[:, :2].T + hull.equations[:, 2] <= 1e-9).all(1)
    return inside.reshape(SIZE, SIZE)


def _neighbours(rng, masks=None):
    """Partially visible interphase nuclei centred just outside the frame (their masks, in the
    order drawn, are appended to `masks` when given)."""
    img = np.zeros((SIZE, SIZE))
    n = rng.choice([0, 1, 1, 2, 2, 3])
    sides = rng.permutation(4)[:n]
    for side in sides:
        along = rng.uniform(4, SIZE - 4)
        out = rng.uniform(2.0, 8.0)
        if side == 0:
            cy, cx = -out, along
        elif side == 1:
            cy, cx = SIZE - 1 + out, along
        elif side == 2:
            cy, cx = along, -out
        else:
            cy, cx = along, SIZE - 1 + out
        nimg, nmask, _ = _nucleus(rng, cy, cx)
        img += nimg
        if masks is not None:
            masks.append(nmask)
    return img


def _debris(rng):
    img = np.zeros((SIZE, SIZE))
    for _ in range(rng.integers(0, 5)):
        y, x = rng.integers(0, SIZE - 1, size=2)
        h, w = rng.integers(1, 3, size=2)
        img[y:y + h, x:x + w] += rng.uniform(200.0, 900.0)
    return ndi.gaussian_filter(img, 0.5)


def _illumination(rng):
    gy, gx = rng.uniform(-0.25, 0.25, size=2)
    cy, cx = rng.uniform(16, 48, size=2)
    vig = rng.uniform(0.1, 0.35)
    c = (SIZE - 1) / 2
    field = 1.0 + gy * (YY - c) / SIZE + gx * (XX - c) / SIZE
    field *= 1.0 - vig * (((YY - cy) ** 2 + (XX - cx) ** 2) / (2 * c * c))
    return field * rng.uniform(0.8, 1.2)


def make_image(rng, cls, shortcut=False):
    """One sample. Returns (image uint16 [64,64], evidence mask uint8, artefact mask uint8)."""
    img, mask, artefact, _ = _sample(rng, cls, shortcut)
    return img, mask, artefact


def make_labelled_image(rng, cls, shortcut=False):
    """Like make_image (same random draws, same bytes), plus the objects: returns (image, evidence
    mask, artefact mask, label image uint16, class map uint8).

    Label image: 0 background, 1 the main cell, 2.. the visible neighbours in the order drawn
    (a neighbour wholly outside the frame gets no label); where objects overlap, the lower label wins.
    Class map (for training a segmentation model): 0 background, 1 + cls on the main cell,
    1 (interphase) on the neighbours.
    Object extents: the nucleus ellipse (interphase, foci, weak mitotic of the shortcut set), the dim
    halo plus the chromatin (mitotic), the convex hull of the fragments grown by 1 px (apoptotic)."""
    img, mask, artefact, objects = _sample(rng, cls, shortcut)
    labels = np.zeros((SIZE, SIZE), np.uint16)
    label = 0
    for obj in objects:
        obj = obj & (labels == 0)
        if obj.any():
            label += 1
            labels[obj] = label
    classes = np.zeros((SIZE, SIZE), np.uint8)
    classes[labels == 1] = 1 + cls
    classes[labels > 1] = 1
    return img, mask, artefact, labels, classes


def _sample(rng, cls, shortcut):
    """One sample: (image, evidence mask, artefact mask, [main cell mask, neighbour masks...]).
    The object masks are computed from values drawn anyway: they do not touch the random stream."""
    body = []
    cy, cx = rng.uniform(20.0, 44.0, size=2)
    if cls == 0:
        obj, mask, _ = _nucleus(rng, cy, cx)
        body.append(mask)
    elif cls == 1:
        obj, mask = _mitotic_weak(rng, cy, cx, body) if shortcut else _mitotic(rng, cy, cx, body)
        body[0] = body[0] | mask
    elif cls == 2:
        obj, mask = _apoptotic(rng, cy, cx, body)
    elif cls == 3:
        obj, mask = _foci(rng, cy, cx, body)
    else:
        raise ValueError(cls)
    background = rng.uniform(40.0, 180.0)
    neighbours = []
    signal = (background + obj + _neighbours(rng, neighbours) + _debris(rng)) * _illumination(rng)
    signal = np.clip(signal, 0, None)
    electrons = rng.poisson(signal / GAIN).astype(np.float64)
    adu = CAMERA_OFFSET + GAIN * electrons + rng.normal(0.0, READ_NOISE, size=signal.shape)
    artefact = np.zeros((SIZE, SIZE), bool)
    if shortcut and cls == 1:
        artefact[BAR_ROWS[0]:BAR_ROWS[1], BAR_COLS[0]:BAR_COLS[1]] = True
        adu[artefact] = BAR_VALUE
    img = np.clip(np.rint(adu), 0, 65535).astype(np.uint16)
    return img, (mask * 255).astype(np.uint8), (artefact * 255).astype(np.uint8), body + neighbours


def generate_set(n_per_class, seed, shortcut=False):
    """Deterministic set. Returns images [N,64,64] uint16, masks, artefacts, labels [N], names."""
    images, masks, arts, _, _, labels, names = generate_labelled_set(n_per_class, seed, shortcut)
    return images, masks, arts, labels, names


def generate_labelled_set(n_per_class, seed, shortcut=False):
    """generate_set plus the objects: returns images, masks, artefacts, label images [N,64,64] uint16,
    class maps [N,64,64] uint8 (see make_labelled_image), labels [N], names. Same images as generate_set."""
    images, masks, arts, objects, classmaps, labels, names = [], [], [], [], [], [], []
    for cls, cname in enumerate(CLASSES):
        for i in range(n_per_class):
            rng = np.random.default_rng([seed, cls, i])
            img, m, a, lab, cmap = make_labelled_image(rng, cls, shortcut)
            images.append(img)
            masks.append(m)
            arts.append(a)
            objects.append(lab)
            classmaps.append(cmap)
            labels.append(cls)
            names.append("%s_%03d.tif" % (cname, i))
    return (np.stack(images), np.stack(masks), np.stack(arts), np.stack(objects), np.stack(classmaps),
            np.array(labels, dtype=np.int64), names)


def write_set(out_dir, n_per_class, seed, shortcut=False):
    images, masks, arts, objects, _, labels, names = generate_labelled_set(n_per_class, seed, shortcut)
    sub = ["images", "masks", "labels"] + (["artefact-masks"] if shortcut else [])
    for s in sub:
        os.makedirs(os.path.join(out_dir, s), exist_ok=True)
    for img, m, a, lab, name in zip(images, masks, arts, objects, names):
        tifffile.imwrite(os.path.join(out_dir, "images", name), img, imagej=True)
        tifffile.imwrite(os.path.join(out_dir, "masks", name), m, imagej=True)
        tifffile.imwrite(os.path.join(out_dir, "labels", name), lab, imagej=True)
        if shortcut:
            tifffile.imwrite(os.path.join(out_dir, "artefact-masks", name), a, imagej=True)
    with open(os.path.join(out_dir, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "class_index", "class_name"])
        for name, lab in zip(names, labels):
            w.writerow([name, int(lab), CLASSES[lab]])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = p.parse_args()
    write_set(os.path.join(args.out, "cells"), TEST_PER_CLASS, TEST_SEED, shortcut=False)
    write_set(os.path.join(args.out, "cells-shortcut"), SHORTCUT_TEST_PER_CLASS,
              SHORTCUT_TEST_SEED, shortcut=True)
    print("wrote test splits to", args.out)


if __name__ == "__main__":
    main()
