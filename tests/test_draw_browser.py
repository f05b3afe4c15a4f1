"""The drawings as a person sees them: every shipped spec's SVG opened in headless Chromium, its boxes
and texts measured from the rendered page.

The rule checked: no two texts overlap; a text overlaps no box (layer box, 3-D face, merge node) but
its own (the same `data-owner`: a box's caption sits inside it); everything lies inside the drawing.
Edges, kernel pyramids, grids and repeat frames are lines and outlines, not boxes, and may cross.

    python -m pytest tests/test_draw_browser.py --update-golden   # rewrite the screenshots in docs/images/
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from browser import browser  # noqa: F401

from netspec import resources
from netspec.checker import check_text
from netspec.draw import draw_svg

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
SPECS = {path.stem: path for path in resources.bundled_specs()}
TOLERANCE = 0.5  # px of overlap that anti-aliasing and rounding may cause

CASES = {f"{name}": (name, {}) for name in sorted(SPECS)}
CASES |= {
    "alexnet-down": ("alexnet", {"direction": "down"}),
    "lenet-graph": ("lenet", {"style": "graph", "direction": "right"}),
    "resnet18-right": ("resnet18", {"direction": "right"}),
    "googlenet-expanded": ("googlenet", {"expand": True}),
    "unet-blocks": ("unet", {"style": "blocks"}),
    "resnet50-blocks-down": ("resnet50", {"style": "blocks", "direction": "down"}),
    "lenet-rf": ("lenet", {"rf": "conv2"}),
    "alexnet-rf": ("alexnet", {"rf": "conv5"}),
    "vgg16-scaled": ("vgg16", {"scale": 1.5}),
}
# The screenshots shown in the README and docs/draw.md (refreshed with --update-golden).
SCREENSHOTS = {
    "draw-lenet.png": ("lenet", {}),
    "draw-alexnet.png": ("alexnet", {}),
    "draw-resnet18.png": ("resnet18", {}),
    "draw-googlenet.png": ("googlenet", {}),
    "draw-unet.png": ("unet", {}),
    "draw-lenet-rf.png": ("lenet", {"rf": "conv2"}),
}

MEASURE = """
const svg = document.querySelector('svg');
const frame = svg.getBoundingClientRect();
const rect = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const texts = [...svg.querySelectorAll('text')].map(e => ({owner: e.getAttribute('data-owner'), text: e.textContent, box: rect(e)}));
const boxes = [...svg.querySelectorAll('.box, .merge')].map(e => ({owner: e.getAttribute('data-owner'), box: rect(e)}));
const all = [...svg.querySelectorAll('*')].filter(e => e.tagName !== 'title').map(rect);
return {frame: [frame.left, frame.top, frame.right, frame.bottom], texts, boxes, all};
"""


def overlap(a, b) -> float:
    """The smaller side of the intersection of two (left, top, right, bottom) rectangles, or 0."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return min(width, height) if width > 0 and height > 0 else 0.0


def render(browser, tmp_path: Path, name: str, spec: str, options: dict) -> dict:  # noqa: F811
    path = SPECS[spec]
    svg = draw_svg(check_text(path.read_text(encoding="utf-8"), path.name), **options)
    page = tmp_path / f"{name}.svg"
    page.write_text(svg, encoding="utf-8")
    browser.get(page.as_uri())
    return browser.execute_script(MEASURE)


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_text_overlaps_another_or_a_box_not_its_own_and_all_fits(browser, tmp_path, name):  # noqa: F811
    spec, options = CASES[name]
    page = render(browser, tmp_path, name, spec, options)
    texts, boxes, frame = page["texts"], page["boxes"], page["frame"]
    assert texts and boxes
    problems = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if overlap(a["box"], b["box"]) > TOLERANCE:
                problems.append(f"texts {a['text']!r} and {b['text']!r} overlap")
        for box in boxes:
            if box["owner"] != a["owner"] and overlap(a["box"], box["box"]) > TOLERANCE:
                problems.append(f"text {a['text']!r} overlaps the box of {box['owner']}")
    for left, top, right, bottom in page["all"]:
        if (
            left < frame[0] - TOLERANCE
            or top < frame[1] - TOLERANCE
            or right > frame[2] + TOLERANCE
            or bottom > frame[3] + TOLERANCE
        ):
            problems.append(
                f"an element at {left:.0f},{top:.0f}–{right:.0f},{bottom:.0f} lies outside the drawing {frame}"
            )
    assert not problems, "\n".join(problems[:20])


def test_texts_are_real_text_in_the_page(browser, tmp_path):  # noqa: F811
    page = render(browser, tmp_path, "alexnet", "alexnet", {})
    shown = {t["text"] for t in page["texts"]}
    assert {"96@55×55", "conv 11×11/4", "fc 4096"} <= shown
    widths = [t["box"][2] - t["box"][0] for t in page["texts"]]
    assert min(widths) > 0  # laid out with a real font, not empty


@pytest.mark.parametrize("name", sorted(SCREENSHOTS))
def test_screenshots_for_the_docs(browser, tmp_path, name, update_golden):  # noqa: F811
    spec, options = SCREENSHOTS[name]
    page = render(browser, tmp_path, name, spec, options)
    left, top, right, bottom = page["frame"]
    width, height = int(right - left + 0.999), int(bottom - top + 0.999)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": left, "y": top, "width": width, "height": height, "scale": 1},
            },
        )
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    png = base64.b64decode(shot["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    out = tmp_path / name
    out.write_bytes(png)
    image = Image.open(out)
    assert image.size == (width, height)
    assert len(set(image.convert("L").histogram()[:128])) > 1  # something dark was drawn
    if update_golden:
        IMAGES.mkdir(parents=True, exist_ok=True)
        (IMAGES / name).write_bytes(png)
    assert (IMAGES / name).exists(), f"docs/images/{name} is missing: run pytest --update-golden"
