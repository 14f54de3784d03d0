#!/usr/bin/env python3
"""Test models whose forward fails inside the TorchScript interpreter (for the exit-code contract).

  src/test/resources/models/failing-raises.pt
      forward raises RuntimeError("this model needs a mask channel") for any input: the message a
      user must see is that line, not "The following operation failed in the TorchScript interpreter."
  src/test/resources/models/failing-shape.pt
      flatten + Linear(5 -> 2): any real image fails with "mat1 and mat2 shapes cannot be multiplied".

No sidecars: the defaults apply. Run with Debian's torch: /usr/bin/python3 src/test/python/make_failure_models.py
"""
import os

import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
OUT = os.path.join(ROOT, "src", "test", "resources", "models")


class Raises(nn.Module):
    def forward(self, x):
        if bool(x.sum() > -1e30):  # always, but TorchScript keeps the return path typed
            raise RuntimeError("this model needs a mask channel")
        return x.flatten(1)


class WrongSize(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc(x.flatten(1))


def main():
    torch.manual_seed(8)
    os.makedirs(OUT, exist_ok=True)
    torch.jit.save(torch.jit.script(Raises().eval()), os.path.join(OUT, "failing-raises.pt"))
    torch.jit.save(torch.jit.script(WrongSize().eval()), os.path.join(OUT, "failing-shape.pt"))
    print("wrote failing-raises.pt and failing-shape.pt in", OUT)


if __name__ == "__main__":
    main()
