"""A run folder used without netspec: its model.py's `preprocess` against raw [0, 1] pixels.

    netspec train specs/lenet.net --device cpu
    python bench/portable_accuracy.py runs/LeNet5-…

Loads the run's model.py and weights.safetensors as a person would (plain torch + safetensors; the
run folder's model.py is executed here, so use it on your own runs only), and prints the test
accuracy on the bundled digits (or `--data FILE.npz` with x_test, y_test) of

- the snippet in model.py's docstring: `model(preprocess(images))`;
- the issue's mistake: pixels scaled to [0, 1] and resized to the input size, not normalized.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

BUNDLED = Path(__file__).resolve().parent.parent / "netspec" / "data" / "digits_offline.npz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--data", type=Path, default=BUNDLED, help="an .npz with x_test, y_test")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("run_model", args.run_dir / "model.py")
    module = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode = True
    spec.loader.exec_module(module)
    network = next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, torch.nn.Module) and value.__module__ == "run_model"
    )
    model = network().eval()
    model.load_state_dict(load_file(args.run_dir / "weights.safetensors"))
    with np.load(args.data, allow_pickle=False) as arrays:
        images, labels = arrays["x_test"], torch.as_tensor(arrays["y_test"])

    with torch.no_grad():
        snippet = (model(module.preprocess(images)).argmax(dim=1) == labels).float().mean().item()
        raw = torch.as_tensor(images).float()
        raw = raw / 255 if images.dtype == np.uint8 else raw
        if raw.dim() == 3:
            raw = raw[:, None]
        shape = module.INPUT_SHAPE
        if len(shape) == 3:
            raw = torch.nn.functional.interpolate(raw, size=shape[1:], mode="bilinear", align_corners=False)
        else:
            raw = raw.reshape(len(raw), -1)
        unnormalized = (model(raw).argmax(dim=1) == labels).float().mean().item()
    print(f"{len(labels):,} test samples, {network.__name__} from {args.run_dir}")
    print(f"model(preprocess(images)):                      {snippet:.2%}")
    print(f"[0, 1] pixels, resized, not normalized:         {unnormalized:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
