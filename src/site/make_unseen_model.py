#!/usr/bin/env python3
"""A network no test and no fixture has seen, for the benchmark against the Python anchors.

    /usr/bin/python3 src/site/make_unseen_model.py target/unseen/unseen-net.pt

An untrained (seeded) classifier of another shape than the shipped models: a stride-2 first convolution,
batch norm with non-trivial statistics, average pooling, a dense head with a hidden layer; 1 channel,
any image size, 5 classes. Untrained weights are enough for timing and for comparing maps: the
libraries and Explain-IJ compute the same functions of whatever weights there are.
"""
import collections
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "models"))
from explainable import export  # noqa: E402


def main(path):
    torch.manual_seed(20261122)
    stages = collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 12, 5, stride=2, padding=2)), ("bn1", nn.BatchNorm2d(12)), ("relu1", nn.ReLU()),
        ("conv2", nn.Conv2d(12, 24, 3, padding=1)), ("relu2", nn.ReLU()), ("pool2", nn.AvgPool2d(2)),
        ("conv3", nn.Conv2d(24, 48, 3, padding=1)), ("relu3", nn.ReLU()),
        ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(48, 32)), ("relu4", nn.ReLU()), ("fc2", nn.Linear(32, 5))])
    bn = stages["bn1"]
    bn.running_mean.uniform_(-0.2, 0.2)
    bn.running_var.uniform_(0.5, 2.0)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    export(stages, path, "unseen-net", ["a", "b", "c", "d", "e"], channels=1,
           normalize={"type": "meanstd", "mean": [280.0], "std": [390.0]}, cam_layer="relu3")
    print("wrote", path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/unseen/unseen-net.pt")
