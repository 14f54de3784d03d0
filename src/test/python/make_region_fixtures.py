#!/usr/bin/env python3
"""Reference fixtures for region targets on a dense (segmentation) model, computed in plain PyTorch.

    /usr/bin/python3 src/test/python/make_region_fixtures.py

Writes src/test/resources/fixtures/region/: one <case>.json per case, plus the image the U-Net never
saw in training (regenerated here, fixed seed) and its masks:
  unseen_mitotic.tif          uint16 64x64, sample-data's generator, seed UNSEEN_SEED (not a training,
                              held-out or test seed), class mitotic, index UNSEEN_INDEX
  unseen_mitotic_cell.tif     uint8 0/255 mask of its main cell
  unseen_mitotic_objects.tif  uint16 label image of its three objects, relabelled to 2 (a neighbour),
                              5 (the main cell), 9 (the other neighbour) so that label values are
                              neither 1..n nor in drawing order

Model as the user sees it (every existing fixture script's convention): raw x [1,C,H,W] ->
normalization from the sidecar (meanstd here, raw units) -> network -> output [B,K,H,W] (same H, W).
Region score of class k on a region R (mask, non-zero = inside; no region = the whole image):
  P = output ("logit") or softmax(output, dim=1) ("probability")
  region_score = mean over R of P[:, k]  ("mean", default)   or   sum over R of P[:, k]  ("sum")
class_scores = the region score of every class; target "predicted" = argmax of class_scores.
Attributions are with respect to RAW pixels (autograd through the normalization).

Methods (Captum's definitions re-implemented in plain torch; each is ALSO checked against Captum on a
wrapper forward `x -> region scores [B,K]` when /work/pylib/captum or an installed captum exists):
  saliency   Captum Saliency(abs=True): |d score / d raw|, max over channels (1 channel here)
  ig         Captum IntegratedGradients, baseline zero (a black raw image), method gausslegendre or
             riemann_trapezoid (quadrature from make_gradient_fixtures.py)
  grad_cam   Captum LayerGradCam at the sidecar's cam_layer (attribute_to_layer_input=False,
             relu_attributions=True): w_c = mean_xy dS/dA_c, layer_map = relu(sum_c w_c A_c), then
             F.interpolate(bilinear, align_corners=False) to the image size (LayerAttribution.interpolate)
  guided     Captum GuidedBackprop: the network rebuilt as plain modules (models/train_segmentation.py's
             chain, the saved state_dict loaded, its output checked equal to the TorchScript output),
             a backward hook on every nn.ReLU returning relu(grad_input); the raw-pixel gradient,
             summed over channels (signed)
  occlusion  Captum Occlusion (sliding_window_shapes (C, window, window), strides (C, stride, stride),
             baselines 0): window origins 0, s, 2s, ... (the last cut at the border),
             a(p) = sum over windows covering p of (S(x) - S(occluded)) / number of windows covering p;
             the region stays fixed while the image is occluded

Keys of every case (maps are row-major [H, W], float32 values with 9 significant digits):
  method          "saliency" | "ig" | "grad_cam" | "guided" | "occlusion" | "objects"
  model           path of the .pt (relative to the repository); its sidecar is next to it
  image           path of the raw image TIFF
  region          path of the mask TIFF (non-zero = inside), or null = the whole image
  region_rect     [x, y, width, height] instead of a mask file (a rectangular selection), or absent
  region_pixels   number of pixels in the region
  target          the class index asked for, or "predicted"
  target_class    the class index used (= target, or the argmax of class_scores)
  score           "logit" | "probability"
  region_score    "mean" | "sum"
  class_scores    [K] region score of every class on the image
  score_value     class_scores[target_class]
  shape           [H, W]
  attribution     [H*W] the attribution map (grad_cam: the upsampled map)
 ig:        baseline "zero", integration "gausslegendre" | "riemann_trapezoid", steps,
            baseline_score (region score of the baseline image), sum_of_attributions
 grad_cam:  layer, layer_shape [C, h, w], grad_cam_weights [C], layer_map [h*w] (after relu),
            layer_map_norelu [h*w]
 occlusion: window, stride, fill "zero", rows, columns
 objects:   labels (path of the label image), method_per_object "saliency", and objects: a list in
            label order of {label, pixels, target_class (predicted for that object), class_scores,
            score_value, attribution [H*W], inside = sum of the attribution over the object's pixels,
            outside = sum over the rest, share_inside = sum |a| inside / sum |a| over the image}
Also "captum": what Captum returned (max abs difference to the plain-torch map), or "not available".
"""
import collections
import json
import math
import os
import sys
import warnings

sys.dont_write_bytecode = True

import numpy as np
import tifffile
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, RES, read_raw  # noqa: E402  (TIFF -> float32 [C,H,W])
from make_gradient_fixtures import affine, flist, quadrature  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "sample-data"))
sys.path.insert(0, os.path.join(ROOT, "models"))
import generate_sample_data as gen  # noqa: E402
import explainable  # noqa: E402  (LayeredModel: the plain-module rebuild for guided backprop)
import train_segmentation  # noqa: E402  (unet_chain: the architecture of cells-unet)

OUT = os.path.join(RES, "fixtures", "region")
OUT_REL = "src/test/resources/fixtures/region"
UNET = "models/cells-unet.pt"
UNSEEN_SEED = 4242
UNSEEN_CLASS = 1  # mitotic
RELABEL = {1: 5, 2: 2, 3: 9}  # generator label -> label in the committed object image


# ---------------------------------------------------------------- the unseen image

def make_unseen():
    """Generate the first mitotic image (seed UNSEEN_SEED) with three objects; write it and its masks."""
    for i in range(100):
        rng = np.random.default_rng([UNSEEN_SEED, UNSEEN_CLASS, i])
        img, _, _, labels, _ = gen.make_labelled_image(rng, UNSEEN_CLASS)
        sizes = np.bincount(labels.ravel())
        # three objects, each big enough that its region score means something (>= 40 pixels)
        if labels.max() == 3 and sizes[1:].min() >= 40:
            break
    else:
        raise RuntimeError("no image with three objects")
    objects = np.zeros_like(labels)
    for old, new in RELABEL.items():
        objects[labels == old] = new
    os.makedirs(OUT, exist_ok=True)
    tifffile.imwrite(os.path.join(OUT, "unseen_mitotic.tif"), img, imagej=True)
    tifffile.imwrite(os.path.join(OUT, "unseen_mitotic_cell.tif"), ((labels == 1) * 255).astype(np.uint8),
                     imagej=True)
    tifffile.imwrite(os.path.join(OUT, "unseen_mitotic_objects.tif"), objects, imagej=True)
    print("unseen image: seed %d class %d index %d, object sizes %s" % (UNSEEN_SEED, UNSEEN_CLASS, i,
                                                                      sizes[1:].tolist()))
    return i


# ---------------------------------------------------------------- model and region score

class DenseModel:
    def __init__(self, model_rel):
        pt = os.path.join(ROOT, model_rel)
        self.rel = model_rel
        self.sidecar = json.load(open(os.path.splitext(pt)[0] + ".json"))
        self.net = torch.jit.load(pt).eval()
        self.channels = self.sidecar["input"]["channels"]

    def network_input(self, x, source):
        """raw [B,C,H,W] tensor -> normalized network input (statistics from `source`, fixed)."""
        off, div = affine(source, self.sidecar.get("normalize", {"type": "none"}))
        c = x.shape[1]
        return (x - torch.tensor(off, dtype=torch.float32).reshape(1, c, 1, 1)) / \
            torch.tensor(div, dtype=torch.float32).reshape(1, c, 1, 1)

    def output(self, x, source):
        return self.net(self.network_input(x, source))


def region_scores(output, region, score, reduce):
    """output [B,K,H,W], region float [H,W] (1 inside) -> [B,K]."""
    p = output if score == "logit" else torch.softmax(output, dim=1)
    s = (p * region).sum(dim=(2, 3))
    if reduce == "mean":
        s = s / region.sum()
    elif reduce != "sum":
        raise ValueError(reduce)
    return s


def gradients(model, raw, xs, region, k, score, reduce):
    """d region score of class k / d raw for a batch xs [B,C,H,W] -> (grads float64, scores)."""
    x = torch.from_numpy(np.ascontiguousarray(xs, dtype=np.float32)).requires_grad_(True)
    s = region_scores(model.output(x, raw), region, score, reduce)[:, k]
    s.sum().backward()
    return x.grad.detach().numpy().astype(np.float64), s.detach().numpy().astype(np.float64)


def class_scores(model, raw, region, score, reduce):
    with torch.no_grad():
        return region_scores(model.output(torch.from_numpy(raw[None]), raw), region, score, reduce)[0].double().numpy()


# ---------------------------------------------------------------- methods

def saliency(model, raw, region, k, score, reduce):
    g, _ = gradients(model, raw, raw[None], region, k, score, reduce)
    return np.abs(g[0]).max(axis=0)


def integrated_gradients(model, raw, region, k, score, reduce, method, steps):
    step_sizes, alphas = quadrature(method, steps)
    b = np.zeros_like(raw)
    scaled = np.stack([(torch.from_numpy(b) + float(a) * (torch.from_numpy(raw) - torch.from_numpy(b))).numpy()
                       for a in alphas])
    g, _ = gradients(model, raw, scaled, region, k, score, reduce)
    total = (g * np.asarray(step_sizes, np.float64).reshape(-1, 1, 1, 1)).sum(0)
    a = (total * (raw.astype(np.float64) - b)).sum(axis=0)  # signed: sum over channels
    with torch.no_grad():
        baseline_score = float(region_scores(model.output(torch.from_numpy(b[None]), raw), region, score, reduce)[0, k])
    return a, baseline_score


def grad_cam(model, raw, region, k, score, reduce, layer_name):
    net = model.net
    names = net.layer_names()
    layer = names.index(layer_name)
    with torch.no_grad():
        x = model.network_input(torch.from_numpy(raw[None]), raw)
    a = net.forward_layers(x, 0, layer + 1).detach().requires_grad_(True)
    out = net.forward_layers(a, layer + 1, len(names))
    s = region_scores(out, region, score, reduce)[0, k]
    s.backward()
    A, G = a.detach()[0], a.grad.detach()[0]
    w = G.mean(dim=(1, 2))
    cam = (w[:, None, None] * A).sum(0)
    up = F.interpolate(torch.clamp(cam, min=0)[None, None], size=raw.shape[1:], mode="bilinear",
                       align_corners=False)[0, 0]
    return up.numpy(), torch.clamp(cam, min=0).numpy(), cam.numpy(), w.numpy(), list(A.shape)


def rebuilt(model):
    """cells-unet as plain nn modules (hooks need them), weights from the saved file."""
    plain = explainable.LayeredModel(train_segmentation.unet_chain())
    plain.load_state_dict(model.net.state_dict())
    plain.eval()
    with torch.no_grad():
        x = torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(5))
        assert torch.allclose(plain(x), model.net(x), rtol=0, atol=1e-5)
    return plain


def guided_backprop(model, raw, region, k, score, reduce):
    plain = rebuilt(model)
    hooks = [m.register_full_backward_hook(lambda mod, gin, gout: (torch.clamp(gin[0], min=0),))
             for m in plain.modules() if isinstance(m, torch.nn.ReLU)]
    x = torch.from_numpy(raw[None].copy()).requires_grad_(True)
    s = region_scores(plain(model.network_input(x, raw)), region, score, reduce)[0, k]
    s.backward()
    for h in hooks:
        h.remove()
    return x.grad.detach()[0].sum(0).double().numpy()


def occlusion(model, raw, region, k, score, reduce, window, stride):
    c, h, w = raw.shape
    x = torch.from_numpy(raw)
    rows = int(math.ceil((h - window) / stride)) + 1
    cols = int(math.ceil((w - window) / stride)) + 1
    masks, occluded = [], []
    for j in range(rows):
        for i in range(cols):
            m = torch.zeros(1, h, w)
            m[:, j * stride:j * stride + window, i * stride:i * stride + window] = 1
            masks.append(m[0].double())
            occluded.append(x * (1 - m))  # zero fill
    with torch.no_grad():
        s0 = float(region_scores(model.output(x[None], raw), region, score, reduce)[0, k])
        s = torch.cat([region_scores(model.output(torch.stack(occluded[i:i + 64]), raw), region, score, reduce)[:, k]
                       for i in range(0, len(occluded), 64)]).double()
    total = torch.zeros(h, w, dtype=torch.float64)
    count = torch.zeros(h, w, dtype=torch.float64)
    for n, m in enumerate(masks):
        total += (s0 - s[n]) * m
        count += m
    return (total / count).numpy(), rows, cols


# ---------------------------------------------------------------- Captum cross-check (optional)

def captum():
    for p in ["/work/pylib/captum", "/work/pylib"]:
        if os.path.isdir(p) and p not in sys.path:
            sys.path.insert(0, p)
    try:
        import captum.attr as ca  # noqa: F401
        return ca
    except Exception as e:  # noqa: BLE001  (any import problem: no check, say so)
        print("captum not available (%s): plain-torch definitions only" % e)
        return None


def captum_check(ca, method, model, raw, region, k, score, reduce, **kw):
    """The same attribution from Captum on a wrapper forward x -> region scores [B,K]; max abs difference."""
    def fwd(x):
        return region_scores(model.output(x, raw), region, score, reduce)

    x = torch.from_numpy(raw[None].copy())
    warnings.filterwarnings("ignore", message="Input Tensor 0 did not already require gradients")
    warnings.filterwarnings("ignore", message="Setting backward hooks on ReLU activations")
    if method == "saliency":
        a = ca.Saliency(fwd).attribute(x, target=k, abs=True)[0].abs().max(0)[0]
    elif method == "ig":
        a = ca.IntegratedGradients(fwd).attribute(x, baselines=torch.zeros_like(x), target=k,
                                                  n_steps=kw["steps"], method=kw["integration"],
                                                  internal_batch_size=kw["steps"])[0].sum(0)
    elif method == "grad_cam":
        class Wrapped(torch.nn.Module):  # Captum needs the layer as a module: run the chain in two halves
            def __init__(self):
                super().__init__()
                self.lower = Half(model.net, 0, kw["layer"] + 1)
                self.upper = Half(model.net, kw["layer"] + 1, len(model.net.layer_names()))

            def forward(self, x):
                return region_scores(self.upper(self.lower(model.network_input(x, raw))), region, score, reduce)

        wrapped = Wrapped()
        m = ca.LayerGradCam(wrapped, wrapped.lower).attribute(x, target=k, relu_attributions=True)
        a = ca.LayerAttribution.interpolate(m, raw.shape[1:], interpolate_mode="bilinear")[0, 0]
    elif method == "guided":
        class Wrapped(torch.nn.Module):  # Captum hooks the nn.ReLU modules of the model it is given
            def __init__(self):
                super().__init__()
                self.plain = rebuilt(model)

            def forward(self, x):
                return region_scores(self.plain(model.network_input(x, raw)), region, score, reduce)

        a = ca.GuidedBackprop(Wrapped()).attribute(x, target=k)[0].sum(0)
    elif method == "occlusion":
        a = ca.Occlusion(fwd).attribute(x, sliding_window_shapes=(raw.shape[0], kw["window"], kw["window"]),
                                        strides=(raw.shape[0], kw["stride"], kw["stride"]), baselines=0,
                                        target=k)[0].sum(0)
    else:
        raise ValueError(method)
    return a.detach().double().numpy()


class Half(torch.nn.Module):
    def __init__(self, net, start, end):
        super().__init__()
        self.net, self.start, self.end = net, start, end

    def forward(self, a):
        return self.net.forward_layers(a, self.start, self.end)


# ---------------------------------------------------------------- cases

def region_of(shape, mask_rel=None, rect=None):
    h, w = shape
    if mask_rel is not None:
        m = tifffile.imread(os.path.join(ROOT, mask_rel))
        assert m.shape == (h, w), (mask_rel, m.shape)
        return torch.from_numpy((m != 0).astype(np.float32))
    if rect is not None:
        x, y, rw, rh = rect
        m = torch.zeros(h, w)
        m[y:y + rh, x:x + rw] = 1
        return m
    return torch.ones(h, w)


def head(model, method, image_rel, raw, region_rel, rect, region, target, score, reduce):
    doc = collections.OrderedDict()
    doc["method"] = method
    doc["model"] = model.rel
    doc["image"] = image_rel
    doc["region"] = region_rel
    if rect is not None:
        doc["region_rect"] = list(rect)
    doc["region_pixels"] = int(region.sum())
    cs = class_scores(model, raw, region, score, reduce)
    k = int(np.argmax(cs)) if target == "predicted" else int(target)
    doc["target"] = target
    doc["target_class"] = k
    doc["score"] = score
    doc["region_score"] = reduce
    doc["class_scores"] = [float("%.9g" % v) for v in cs]
    doc["score_value"] = float("%.9g" % cs[k])
    doc["shape"] = list(raw.shape[1:])
    return doc, k


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


CAPTUM = None
CAPTUM_DIFFS = []


def note_captum(doc, ref, method, model, raw, region, k, score, reduce, **kw):
    if CAPTUM is None:
        doc["captum"] = "not available"
        return
    c = captum_check(CAPTUM, method, model, raw, region, k, score, reduce, **kw)
    diff = float(np.abs(c - ref).max())
    scale = float(np.abs(ref).max())
    doc["captum"] = "max abs difference %.3g (max |a| %.3g)" % (diff, scale)
    CAPTUM_DIFFS.append((method, diff / scale))
    assert diff <= 1e-4 * scale + 1e-12, (method, diff, scale)


def case(name, method, model, image_rel, target, score, reduce, region_rel=None, rect=None, **kw):
    raw = read_raw(os.path.join(ROOT, image_rel), model.channels)
    region = region_of(raw.shape[1:], region_rel, rect)
    doc, k = head(model, method, image_rel, raw, region_rel, rect, region, target, score, reduce)
    if method == "saliency":
        a = saliency(model, raw, region, k, score, reduce)
        note_captum(doc, a, method, model, raw, region, k, score, reduce)
    elif method == "ig":
        a, bs = integrated_gradients(model, raw, region, k, score, reduce, kw["integration"], kw["steps"])
        doc.update(baseline="zero", integration=kw["integration"], steps=kw["steps"], baseline_score=bs,
                   sum_of_attributions=float(a.sum()))
        note_captum(doc, a, method, model, raw, region, k, score, reduce, integration=kw["integration"],
                    steps=kw["steps"])
    elif method == "grad_cam":
        layer = kw.get("layer", model.sidecar["cam_layer"])
        a, lm, lm0, w, shape = grad_cam(model, raw, region, k, score, reduce, layer)
        doc.update(layer=layer, layer_shape=shape, grad_cam_weights=flist(w), layer_map=flist(lm),
                   layer_map_norelu=flist(lm0))
        note_captum(doc, a, method, model, raw, region, k, score, reduce,
                    layer=model.net.layer_names().index(layer))
    elif method == "guided":
        a = guided_backprop(model, raw, region, k, score, reduce)
        note_captum(doc, a, method, model, raw, region, k, score, reduce)
    elif method == "occlusion":
        a, rows, cols = occlusion(model, raw, region, k, score, reduce, kw["window"], kw["stride"])
        doc.update(window=kw["window"], stride=kw["stride"], fill="zero", rows=rows, columns=cols)
        note_captum(doc, a, method, model, raw, region, k, score, reduce, window=kw["window"], stride=kw["stride"])
    else:
        raise ValueError(method)
    doc["attribution"] = flist(a)
    write(name, doc)
    extra = " sum %.5g S(x)-S(b) %.5g" % (doc["sum_of_attributions"], doc["score_value"] - doc["baseline_score"]) \
        if method == "ig" else ""
    print("%-40s k=%d %s/%s score %.5g max|a| %.4g%s  captum: %s" % (
        name, k, score, reduce, doc["score_value"], float(np.abs(a).max()), extra, doc["captum"]))


def objects_case(name, model, image_rel, labels_rel, score, reduce):
    raw = read_raw(os.path.join(ROOT, image_rel), model.channels)
    labels = tifffile.imread(os.path.join(ROOT, labels_rel))
    doc = collections.OrderedDict()
    doc["method"] = "objects"
    doc["method_per_object"] = "saliency"
    doc["model"] = model.rel
    doc["image"] = image_rel
    doc["labels"] = labels_rel
    doc["target"] = "predicted"
    doc["score"] = score
    doc["region_score"] = reduce
    doc["shape"] = list(raw.shape[1:])
    objs = []
    for lab in sorted(int(v) for v in np.unique(labels) if v > 0):
        inside = labels == lab
        region = torch.from_numpy(inside.astype(np.float32))
        cs = class_scores(model, raw, region, score, reduce)
        k = int(np.argmax(cs))
        a = saliency(model, raw, region, k, score, reduce)
        a32 = np.asarray(a, np.float32).astype(np.float64)  # the stored values, so sums match them
        o = collections.OrderedDict()
        o["label"] = lab
        o["pixels"] = int(inside.sum())
        o["target_class"] = k
        o["class_scores"] = [float("%.9g" % v) for v in cs]
        o["score_value"] = float("%.9g" % cs[k])
        o["inside"] = float(a32[inside].sum())
        o["outside"] = float(a32[~inside].sum())
        o["share_inside"] = float(np.abs(a32[inside]).sum() / np.abs(a32).sum())
        o["attribution"] = flist(a)
        if CAPTUM is not None:
            c = captum_check(CAPTUM, "saliency", model, raw, region, k, score, reduce)
            assert np.abs(c - a).max() <= 1e-4 * np.abs(a).max()
        objs.append(o)
        print("%-40s label %d (%d px) -> %s score %.5g inside %.4g outside %.4g share %.3f" % (
            name, lab, o["pixels"], model.sidecar["classes"][k], cs[k], o["inside"], o["outside"], o["share_inside"]))
    doc["captum"] = "saliency checked per object" if CAPTUM is not None else "not available"
    doc["objects"] = objs
    write(name, doc)


def main():
    global CAPTUM
    torch.set_num_threads(2)
    CAPTUM = captum()
    make_unseen()
    unet = DenseModel(UNET)
    unseen = OUT_REL + "/unseen_mitotic.tif"
    cell = OUT_REL + "/unseen_mitotic_cell.tif"
    objects = OUT_REL + "/unseen_mitotic_objects.tif"
    foci = "sample-data/cells/images/foci_003.tif"
    foci_mask = "sample-data/cells/masks/foci_003.tif"
    apoptotic = "sample-data/cells/images/apoptotic_004.tif"
    mitotic = "sample-data/cells/images/mitotic_002.tif"
    mitotic_mask = "sample-data/cells/masks/mitotic_002.tif"

    # the image training never saw
    case("saliency_unseen_cell_mitotic_mean_logit", "saliency", unet, unseen, 2, "logit", "mean", region_rel=cell)
    case("saliency_unseen_whole_predicted_sum_prob", "saliency", unet, unseen, "predicted", "probability", "sum")
    case("ig_unseen_cell_mitotic_gl32_mean_logit", "ig", unet, unseen, 2, "logit", "mean", region_rel=cell,
         integration="gausslegendre", steps=32)
    case("ig_unseen_cell_mitotic_trap16_sum_prob", "ig", unet, unseen, 2, "probability", "sum", region_rel=cell,
         integration="riemann_trapezoid", steps=16)
    case("gradcam_unseen_cell_mitotic_mean_logit", "grad_cam", unet, unseen, 2, "logit", "mean", region_rel=cell)
    case("guided_unseen_cell_mitotic_mean_logit", "guided", unet, unseen, 2, "logit", "mean", region_rel=cell)
    case("occlusion_unseen_cell_mitotic_mean_prob", "occlusion", unet, unseen, 2, "probability", "mean",
         region_rel=cell, window=8, stride=4)
    objects_case("objects_unseen_saliency_mean_logit", unet, unseen, objects, "logit", "mean")

    # sample images (the test split) with their evidence masks or a rectangle as the region
    case("saliency_foci003_evidence_foci_sum_prob", "saliency", unet, foci, 4, "probability", "sum",
         region_rel=foci_mask)
    case("gradcam_apoptotic004_rect_predicted_sum_prob", "grad_cam", unet, apoptotic, "predicted", "probability",
         "sum", rect=(31, 12, 20, 19))
    case("occlusion_mitotic002_evidence_predicted_mean_logit", "occlusion", unet, mitotic, "predicted", "logit",
         "mean", region_rel=mitotic_mask, window=8, stride=4)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("fixtures/region: %d files, %.0f KB" % (len(os.listdir(OUT)), total / 1024))
    if CAPTUM_DIFFS:
        print("captum: worst relative difference %.3g" % max(d for _, d in CAPTUM_DIFFS))


if __name__ == "__main__":
    main()
