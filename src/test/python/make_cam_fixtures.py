#!/usr/bin/env python3
"""Reference fixtures for the class activation maps (CAM family), computed in plain PyTorch.

    /usr/bin/python3 src/test/python/make_cam_fixtures.py

Writes src/test/resources/fixtures/cam/<case>.json. Everything is computed on the SAVED TorchScript
files (torch.jit.load, eval mode) through their exported forward_layers, on the network input that
Explain-IJ builds (normalization, then bilinear resize for fixed-size models; helpers imported from
make_fixtures.py). With x the network input, L the chosen stage, n the number of stages:

  A      = forward_layers(x, 0, L+1)                  activations [C, h, w] at the layer's output
  logits = forward_layers(A, L+1, n)                  A requires grad
  score  = logits[k] ("logit") or softmax(logits)[k] ("probability");  dA = d score / d A

  grad_cam   Captum's LayerGradCam (attribute_to_layer_input=False): w_c = mean_xy dA_c,
             cam = sum_c w_c A_c, relu_attributions=True -> relu(cam) (also stored without relu).
  grad_cam_pp  pytorch-grad-cam's GradCAMPlusPlus.get_cam_weights: g2 = dA^2, g3 = dA^3,
             s_c = sum_xy A_c, a = g2 / (2 g2 + s_c g3 + 1e-6) where dA != 0 else 0,
             w_c = sum_xy a * relu(dA); cam = relu(sum_c w_c A_c) (BaseCAM's np.maximum(cam, 0)).
  score_cam  pytorch-grad-cam's ScoreCAM.get_cam_weights: each A_c upsampled to the network input
             size with UpsamplingBilinear2d (align_corners=True), min-max normalized per channel
             (divisor max - min + 1e-8), multiplied with the NETWORK INPUT x (the tensor the model is
             given, i.e. after normalization), forwarded in batches of 16; the score of each masked
             input (logit or probability, as requested), softmax over the channels -> w_c;
             cam = relu(sum_c w_c A_c).
  layer_cam  pytorch-grad-cam's LayerCAM: cam = relu(sum_c relu(dA_c) * A_c), elementwise.
  cam        Zhou et al. 2016 by definition, read from the module's parameters: F = the features the
             global average pooling averages, W = the single linear layer's weight;
             cam = sum_c W[k, c] F_c (bias excluded, no relu).

pytorch-grad-cam's BaseCAM then min-max scales each map for display; Explain-IJ (like Captum) keeps
raw values, so the references do not scale. Every map is upsampled to the RAW IMAGE size with
F.interpolate(mode="bilinear", align_corners=False): for a fixed-size model fed an image of another
size the map on the network's grid goes straight to the image's size.

Models must exist first (models/train_models.py, make_fixtures.py for tiny-rgb).
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixtures import ROOT, RES, normalize, read_raw  # noqa: E402


def flist(a):
    """float32 values with 9 significant digits (float32 round-trips exactly)."""
    return [float("%.9g" % v) for v in np.asarray(a, np.float32).ravel()]

OUT = os.path.join(RES, "fixtures", "cam")


def network_input(model_rel, raw):
    sidecar = json.load(open(os.path.join(ROOT, os.path.splitext(model_rel)[0] + ".json")))
    y = normalize(torch.from_numpy(raw.copy()), sidecar.get("normalize", {"type": "none"})).unsqueeze(0)
    inp = sidecar["input"]
    if "height" in inp and "width" in inp and tuple(y.shape[2:]) != (inp["height"], inp["width"]):
        y = F.interpolate(y, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
    return y.detach()


def select(logits, target, score):
    if score == "logit":
        return logits[:, target]
    return torch.softmax(logits, 1)[:, target]


def activations_and_gradients(model, x, layer, target, score):
    n = len(model.layer_names())
    a = model.forward_layers(x, 0, layer + 1).detach().requires_grad_(True)
    logits = model.forward_layers(a, layer + 1, n)
    s = select(logits, target, score)
    s.sum().backward()
    return a.detach()[0], a.grad.detach()[0], logits.detach()[0], float(s)


def weighted(w, a):
    """sum_c w_c A_c; w is [C] or [C, h, w]."""
    if w.dim() == 1:
        w = w[:, None, None]
    return (w * a).sum(0)


def grad_cam_weights(a, g):
    return g.mean(dim=(1, 2))


def grad_cam_pp_weights(a, g):
    g2 = g ** 2
    g3 = g2 * g
    s = a.sum(dim=(1, 2))
    aij = g2 / (2 * g2 + s[:, None, None] * g3 + 1e-6)
    aij = torch.where(g != 0, aij, torch.zeros_like(aij))
    return (torch.clamp(g, min=0) * aij).sum(dim=(1, 2))


def score_cam_weights(model, x, a, target, score):
    with torch.no_grad():
        up = F.interpolate(a[None], size=x.shape[-2:], mode="bilinear", align_corners=True)[0]
        flat = up.reshape(up.shape[0], -1)
        mx = flat.max(dim=-1)[0][:, None, None]
        mn = flat.min(dim=-1)[0][:, None, None]
        up = (up - mn) / (mx - mn + 1e-8)
        inputs = x[0][None] * up[:, None]  # [C_layer, C_in, H, W]
        scores = []
        for i in range(0, inputs.shape[0], 16):
            scores.append(select(model(inputs[i:i + 16]), target, score))
        return torch.softmax(torch.cat(scores), 0)


def upsample(m, h, w):
    return F.interpolate(m[None, None], size=(h, w), mode="bilinear", align_corners=False)[0, 0]


def cam_definition(model, x, target):
    """Zhou et al.: features before the GAP weighted by the linear layer's weight row."""
    names, kinds = model.layer_names(), model.layer_kinds()
    gap = kinds.index("avgpool")
    fc = kinds.index("linear")
    feats = model.forward_layers(x, 0, gap)[0].detach()
    sd = model.state_dict()
    w = sd["stages.%d.weight" % fc][target]
    b = float(sd["stages.%d.bias" % fc][target])
    return weighted(w, feats), b


def write_case(name, model_rel, layer_name, target, score, raw=None, image_rel=None, methods=(), cam=False):
    model = torch.jit.load(os.path.join(ROOT, model_rel)).eval()
    sidecar = json.load(open(os.path.join(ROOT, os.path.splitext(model_rel)[0] + ".json")))
    if image_rel is not None:
        raw = read_raw(os.path.join(ROOT, image_rel), sidecar["input"]["channels"])
    H, W = raw.shape[1], raw.shape[2]
    x = network_input(model_rel, raw)
    layer = model.layer_names().index(layer_name)
    a, g, logits, sval = activations_and_gradients(model, x, layer, target, score)
    doc = collections.OrderedDict()
    doc["model"] = model_rel
    if image_rel is not None:
        doc["image"] = image_rel
    else:
        doc["input"] = flist(raw)
        doc["input_shape"] = list(raw.shape)
    doc["layer"] = layer_name
    doc["target"] = target
    doc["score"] = score
    doc["score_value"] = sval
    doc["logits"] = flist(logits)
    doc["layer_shape"] = list(a.shape)
    maps = collections.OrderedDict()

    def put(key, layer_map, with_image=False):
        entry = collections.OrderedDict()
        entry["layer_map"] = flist(layer_map)
        if with_image:
            entry["map"] = flist(upsample(layer_map, H, W))
        maps[key] = entry

    gw = grad_cam_weights(a, g)
    doc["grad_cam_weights"] = flist(gw)
    put("grad-cam", torch.clamp(weighted(gw, a), min=0), with_image=True)
    put("grad-cam-norelu", weighted(gw, a), with_image=True)
    if "grad-cam-pp" in methods:
        put("grad-cam-pp", torch.clamp(weighted(grad_cam_pp_weights(a, g), a), min=0))
    if "layer-cam" in methods:
        put("layer-cam", torch.clamp(weighted(torch.clamp(g, min=0), a), min=0))
    if "score-cam" in methods:
        put("score-cam", torch.clamp(weighted(score_cam_weights(model, x, a, target, score), a), min=0), with_image=True)
    if cam:
        m, bias = cam_definition(model, x, target)
        put("cam", m, with_image=True)
        doc["cam_bias"] = bias
    doc["maps"] = maps
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print("%-28s %s@%s k=%d %s=%.5g layer %s image %dx%d: %s" % (
        name, os.path.basename(model_rel), layer_name, target, score, sval, list(a.shape), W, H,
        ", ".join("%s max %.4g" % (k, float(np.max(np.abs(v["layer_map"])))) for k, v in maps.items())))


def main():
    torch.set_num_threads(1)
    gap, bn, sc = "models/cells-gap.pt", "models/cells-bn.pt", "models/cells-shortcut.pt"
    every = ("grad-cam-pp", "layer-cam", "score-cam")
    write_case("gap_relu3_foci_logit", gap, "relu3", 3, "logit", image_rel="sample-data/cells/images/foci_003.tif",
               methods=every, cam=True)
    write_case("gap_relu2_mitotic_prob", gap, "relu2", 1, "probability",
               image_rel="sample-data/cells/images/mitotic_002.tif", methods=every)
    write_case("gap_conv3_mitotic_prob", gap, "conv3", 1, "probability",
               image_rel="sample-data/cells/images/mitotic_002.tif", methods=("grad-cam-pp",), cam=True)
    write_case("bn_relu2_apoptotic_logit", bn, "relu2", 2, "logit",
               image_rel="sample-data/cells/images/apoptotic_004.tif", methods=every)
    # 72x50 image for the fixed 64x64 model (same crop as make_fixtures.py's bn_resized_logit)
    im = read_raw(os.path.join(ROOT, "sample-data/cells/images/mitotic_005.tif"), 1)
    raw = np.pad(im[:, 7:57, :], ((0, 0), (0, 0), (4, 4)), mode="reflect")
    assert raw.shape == (1, 50, 72)
    write_case("bn_resized_relu2_logit", bn, "relu2", 1, "logit", raw=raw, methods=("score-cam",))
    write_case("shortcut_relu3_mitotic_logit", sc, "relu3", 1, "logit",
               image_rel="sample-data/cells-shortcut/images/mitotic_000.tif", methods=every, cam=True)
    rng = np.random.default_rng(11)
    raw = rng.integers(0, 256, size=(3, 20, 24)).astype(np.float32)
    write_case("rgb_tiny_relu2_prob", "src/test/resources/models/tiny-rgb.pt", "relu2", 0, "probability", raw=raw,
               methods=every, cam=True)


if __name__ == "__main__":
    main()
