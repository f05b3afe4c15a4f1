"""Reading and writing quantities: byte sizes (KiB, MiB, GiB) and counts (K, M, G)."""

from __future__ import annotations

import re

BINARY = {
    "": 1,  # accepted by the pattern, then refused with a hint: `8` means 8 GiB more often than 8 bytes
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


MAX_SIZE = 2**64  # 16 EiB: a larger size is a typo, and would overflow every later computation


def parse_bytes(text: str) -> int:
    """`16GiB`, `16G`, `512MiB`, `8GB` (decimal), `1024B` (bytes) → bytes. Raises ValueError.

    A bare number is refused rather than read as bytes: `--memory 8` almost always means 8 GiB.
    Decimals are read exactly (`1.5GiB`), and any number of digits is an error, not an overflow."""
    from fractions import Fraction  # ~1.5 ms at import: only a size given on the command line needs it

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).lower() if match else None
    if not match or (unit not in BINARY and unit not in DECIMAL):
        raise ValueError(f"expected a size such as 16GiB, 512MiB or 8GB, got {_short(text)!r}")
    whole, _, fraction = match.group(1).partition(".")
    whole = whole.lstrip("0") or "0"
    shown = _short(match.group(1))
    if not unit:
        raise ValueError(f"{shown} has no unit: {shown} bytes? write {shown}GiB (or {shown}B for bytes)")
    if len(whole) > 30:  # past 16 EiB whatever the unit; and no 4,300-digit int conversion
        value = Fraction(MAX_SIZE + 1)
    else:
        value = Fraction(f"{whole}.{fraction[:30] or 0}") * {**BINARY, **DECIMAL}[unit]
    if value > MAX_SIZE:
        raise ValueError(f"{shown}{match.group(2)} is more than 16 EiB; write a size such as 16GiB")
    if value < 1:
        raise ValueError(f"expected a size of at least one byte, got {_short(text)!r}")
    return int(value)


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[:width] + "…"


def fmt_bytes(n: float) -> str:
    """1536 → `1.5 KiB`; binary units, three significant digits."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}" if n / size < 1000 else f"{n / size:,.0f} {unit}"
    return f"{int(n)} B"


def fmt_count(n: float) -> str:
    """61706 → `61.7 K`; decimal units (K, M, G, T), three significant digits, rounded half up in
    exact integer arithmetic (999,999 → `1 M`, never `1e+03 K`)."""
    units = (("K", 10**3), ("M", 10**6), ("G", 10**9), ("T", 10**12))
    magnitude = abs(int(n))
    if magnitude < 1000:
        return str(int(n))
    sign = "-" if n < 0 else ""
    for position, (unit, size) in enumerate(units):
        if position + 1 < len(units) and magnitude >= units[position + 1][1]:
            continue
        decimals = max(0, 3 - len(str(magnitude // size)))
        rounded = (2 * magnitude * 10**decimals + size) // (2 * size)  # ⌊magnitude/size·10^d + ½⌋
        if decimals == 0 and rounded >= 1000 and position + 1 < len(units):
            continue  # 999.6 K is 1 M
        if decimals and len(str(rounded)) > 3:
            rounded //= 10  # 9.995 K rounds to 10.0 K: three significant digits, one decimal fewer
            decimals -= 1
        whole, fraction = divmod(rounded, 10**decimals)
        text = f"{whole:,}" + (f".{fraction:0{decimals}d}".rstrip("0").rstrip(".") if decimals else "")
        return f"{sign}{text} {unit}"
    return str(int(n))
