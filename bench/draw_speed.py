"""How fast `netspec draw` is, and how large its pictures of large networks get.

    python bench/draw_speed.py              # 7 runs each, the median reported
    python bench/draw_speed.py --runs 3

Measured in this process (the interpreter started, netspec imported): for each spec, `check_text`
once, then `draw_svg` (layout and SVG text) in the default style and in the other one, each the
median of --runs runs after one warm-up; and, when cairosvg is installed, the PNG at 96 dpi of the
default style. The specs: VGG-16 and ResNet-50 (shipped; target: under a second each), and three
generated ones of about 1,000 layers — `repeat 500 { conv; relu }`, 1,000 distinct 1×1
convolutions (nothing to collapse: the middle is elided), and 333 residual blocks written out —
with the drawing's size in px (target: a usable picture, not a 40,000-px strip).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netspec.checker import check_text  # noqa: E402
from netspec.draw import default_style, draw_svg  # noqa: E402
from netspec.draw.export import svg_size  # noqa: E402


def generated() -> dict[str, str]:
    return {
        "repeat 500 {conv; relu}": "input 3x32x32\nconv 16 3x3 pad=1\nrepeat 500 { conv 16 3x3 pad=1; relu }\nfc 10\n",
        "1,000 distinct convs": "input 3x64x64\n" + "".join(f"conv {16 + i} 1x1\n" for i in range(1000)) + "fc 10\n",
        "333 residuals written out": "input 8x8x8\n"
        + "".join(f"residual {{ conv 8 3x3 pad=1; relu }}  # {i}\n" for i in range(333))
        + "fc 10\n",
    }


def median_seconds(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    specs = {name: (ROOT / "specs" / f"{name}.net").read_text(encoding="utf-8") for name in ("vgg16", "resnet50")}
    specs |= generated()
    try:
        from netspec.draw.export import to_png

        to_png(draw_svg(check_text(specs["vgg16"], "vgg16.net")))
    except Exception as error:  # noqa: BLE001 (no cairosvg or cairo: PNG is not measured)
        print(f"(PNG not measured: {error})")
        to_png = None
    print(f"{'spec':<28} {'layers':>6} {'style':<7} {'draw s':>7} {'other s':>8} {'PNG s':>6}  size (px)")
    for name, text in specs.items():
        result = check_text(text, "bench.net")
        assert result.ok, name
        style = default_style(result)
        other = "blocks" if style == "graph" else "graph"
        seconds = median_seconds(lambda r=result: draw_svg(r), args.runs)
        other_seconds = median_seconds(lambda r=result, o=other: draw_svg(r, style=o), args.runs)
        svg = draw_svg(result)
        png = f"{median_seconds(lambda s=svg: to_png(s), max(1, args.runs // 2)):6.3f}" if to_png else "     -"
        width, height = svg_size(svg)
        other_w, other_h = svg_size(draw_svg(result, style=other))
        print(
            f"{name:<28} {len(result.layers):>6} {style:<7} {seconds:7.3f} {other_seconds:8.3f} {png}  "
            f"{width:,.0f}×{height:,.0f} ({other}: {other_w:,.0f}×{other_h:,.0f})"
        )


if __name__ == "__main__":
    main()
