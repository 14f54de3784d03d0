"""The benchmark's anchor: one Captum run on the same TorchScript model and image, as a whole process.

    EXPLAINIJ_PYLIB=/path/to/sources /usr/bin/python3 src/site/anchor_captum.py METHOD MODEL.pt IMAGE.tif OUT.tif [key=value ...]

`java -jar explain-ij.jar benchmark --anchor` runs it (when a Python with torch and Captum's source is
present) beside `java -jar explain-ij.jar METHOD ...` on the same files, alternating the two, and reports
the ratio of their whole-process times and the largest difference of their maps. Threads: torch gets
EXPLAINIJ_THREADS (default: the machine's cores), as libtorch does in Explain-IJ.

METHOD and its parameters, with Explain-IJ's names and defaults:
  saliency                      Saliency(model).attribute(x, target, abs=True)
  gradient-x-input              InputXGradient(model).attribute(x, target)
  integrated-gradients steps=50 IntegratedGradients(model).attribute(x, baselines=0, target, n_steps=steps,
                                method='gausslegendre', internal_batch_size=batch)
  occlusion window=16 stride=4  Occlusion(model).attribute(x, sliding_window_shapes=(C, window, window),
                                strides=(C, stride, stride), baselines=0, target, perturbations_per_eval=batch)
  grad-cam layer=<cam_layer>    LayerGradCam(model, layer).attribute(x, target, relu_attributions=True), then
                                F.interpolate(bilinear, align_corners=False) to the image size
`model` is normalization (the sidecar's) -> the saved TorchScript network, with raw pixels as input, as
Explain-IJ explains it; for grad-cam the network is split at the layer by its forward_layers method with an
nn.Identity between the halves for Captum's hooks. target: the predicted class unless target=N is given.
batch: 64 unless batch=N is given (Captum's own batching parameters).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "models"))
PYLIB = os.environ.get("EXPLAINIJ_PYLIB")
if PYLIB:
    sys.path.insert(0, os.path.join(PYLIB, "captum"))

import tifffile  # noqa: E402
from explainable import preprocess  # noqa: E402
from captum.attr import (IntegratedGradients, InputXGradient, LayerGradCam, Occlusion,  # noqa: E402
                         Saliency)


class AsUserSees(nn.Module):
    """Normalization -> the saved network (split at a layer when one is given)."""

    def __init__(self, net, sidecar, layer=None):
        super().__init__()
        self.net, self.sidecar = net, sidecar
        self.split = None if layer is None else list(net.layer_names()).index(layer) + 1
        self.at = nn.Identity()

    def forward(self, x):
        y = torch.cat([preprocess(x[i], self.sidecar) for i in range(x.shape[0])])
        if self.split is None:
            return self.net(y)
        n = len(self.net.layer_names())
        return self.net.forward_layers(self.at(self.net.forward_layers(y, 0, self.split)), self.split, n)


def main(argv):
    method, model_path, image_path, out = argv[1:5]
    params = dict(kv.split("=", 1) for kv in argv[5:])
    torch.set_num_threads(int(os.environ.get("EXPLAINIJ_THREADS", os.cpu_count())))
    net = torch.jit.load(model_path).eval()
    sidecar_path = os.path.splitext(model_path)[0] + ".json"
    sidecar = json.load(open(sidecar_path)) if os.path.exists(sidecar_path) else {}
    raw = tifffile.imread(image_path).astype(np.float32)
    raw = raw[None] if raw.ndim == 2 else raw
    x = torch.from_numpy(raw)[None]
    batch = int(params.get("batch", 64))
    model = AsUserSees(net, sidecar, params.get("layer", sidecar.get("cam_layer")) if method == "grad-cam" else None)
    with torch.no_grad():
        target = int(params["target"]) if "target" in params else int(model(x).argmax(1))
    c = raw.shape[0]
    if method == "saliency":
        a = Saliency(model).attribute(x, target=target, abs=True).amax(1)
    elif method == "gradient-x-input":
        a = InputXGradient(model).attribute(x, target=target).sum(1)
    elif method == "integrated-gradients":
        a = IntegratedGradients(model).attribute(x, baselines=0.0, target=target, n_steps=int(params.get("steps", 50)),
                                                 method="gausslegendre", internal_batch_size=batch).sum(1)
    elif method == "occlusion":
        w, s = int(float(params.get("window", 16))), int(float(params.get("stride", 4)))
        with torch.no_grad():
            a = Occlusion(model).attribute(x, sliding_window_shapes=(c, w, w), strides=(c, s, s), baselines=0.0,
                                           target=target, perturbations_per_eval=batch)[:, 0]
    elif method == "grad-cam":
        cam = LayerGradCam(model, model.at).attribute(x, target=target, relu_attributions=True)
        a = F.interpolate(cam, size=raw.shape[1:], mode="bilinear", align_corners=False)[:, 0]
    else:
        sys.exit("anchor_captum.py: no anchor for method " + method)
    tifffile.imwrite(out, a[0].detach().numpy().astype(np.float32))


if __name__ == "__main__":
    main(sys.argv)
