"""Reading and writing quantities: byte sizes (KiB, MiB, GiB) and counts (K, M, G)."""

from __future__ import annotations

import re

BINARY = {
    "": 1,
    "b": 1,
    "k": 2**10,
    "kib": 2**10,
    "m": 2**20,
    "mib": 2**20,
    "g": 2**30,
    "gib": 2**30,
    "t": 2**40,
    "tib": 2**40,
}
DECIMAL = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}


def parse_bytes(text: str) -> int:
    """`16GiB`, `16G`, `512MiB`, `8GB` (decimal), `1024` (bytes) → bytes. Raises ValueError."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).lower() if match else None
    if not match or (unit not in BINARY and unit not in DECIMAL):
        raise ValueError(f"expected a size such as 16GiB, 512MiB or 8GB, got {text!r}")
    return int(float(match.group(1)) * {**BINARY, **DECIMAL}[unit])


def fmt_bytes(n: float) -> str:
    """1536 → `1.5 KiB`; binary units, three significant digits."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}" if n / size < 1000 else f"{n / size:,.0f} {unit}"
    return f"{int(n)} B"


def fmt_count(n: float) -> str:
    """61706 → `61.7 K`; decimal units (K, M, G, T), three significant digits."""
    for unit, size in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}" if n / size < 1000 else f"{n / size:,.0f} {unit}"
    return f"{int(n)}"
