"""SVG to PNG and PDF through cairosvg (the `draw` extra; cairo itself is Debian's libcairo2), and
the format an output name asks for. Nothing else is rasterized here: cairo does it.
"""

from __future__ import annotations

import re
from pathlib import Path

FORMATS = ("svg", "png", "pdf")
CSS_DPI = 96  # SVG px are CSS px: 96 to the inch
MAX_PIXELS = 120_000_000  # a PNG larger than this (≈ 480 MB of RGBA) is refused


class ExportError(ValueError):
    """An output that cannot be made (no cairosvg, a PNG too large)."""


def format_for(output: str | None, explicit: str | None) -> str:
    """The format `--format` names, else the output's suffix (`.svg`, `.png`, `.pdf`), else SVG
    for a name without a suffix. Any other suffix (`x.jpg`, `x.svgz`) raises ExportError: writing
    SVG into a file that says it is a JPEG would be a silent surprise."""
    if explicit:
        return explicit
    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    if suffix == "" or suffix in FORMATS:
        return suffix or "svg"
    shown = suffix if len(suffix) <= 12 else suffix[:12] + "…"
    raise ExportError(
        f"-o {output}: netspec draw writes .svg, .png or .pdf, not .{shown}; "
        f"name the file with one of those suffixes, or give --format svg|png|pdf"
    )


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height attributes of an SVG this package wrote."""
    match = re.search(r'<svg [^>]*width="([0-9.]+)" height="([0-9.]+)"', svg)
    if match is None:
        raise ExportError("not an SVG written by netspec draw")
    return float(match.group(1)), float(match.group(2))


def _cairosvg():
    try:
        import cairosvg
    except (ImportError, OSError) as error:  # OSError: cairosvg is there but the cairo library is not
        raise ExportError(
            f"PNG and PDF need cairosvg and the cairo library ({error}): pip install 'netspec[draw]' "
            "and, on Debian or Ubuntu, apt-get install libcairo2; SVG needs neither"
        ) from None
    return cairosvg


def to_png(svg: str, dpi: float = CSS_DPI) -> bytes:
    """The drawing as a PNG at `dpi` (96: one pixel per SVG px)."""
    width, height = svg_size(svg)
    scale = dpi / CSS_DPI
    pixels = width * scale * height * scale
    if pixels > MAX_PIXELS:
        raise ExportError(
            f"a PNG of {width * scale:,.0f}×{height * scale:,.0f} pixels at --dpi {dpi:g} is too large "
            f"(limit {MAX_PIXELS:,} pixels): lower --dpi, or write SVG or PDF"
        )
    return _cairosvg().svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)


def to_pdf(svg: str) -> bytes:
    """The drawing as a one-page PDF, its text as text."""
    return _cairosvg().svg2pdf(bytestring=svg.encode("utf-8"), unsafe=False)


def encode(svg: str, fmt: str, dpi: float = CSS_DPI) -> bytes:
    if fmt == "png":
        return to_png(svg, dpi)
    if fmt == "pdf":
        return to_pdf(svg)
    return svg.encode("utf-8")
