"""The `netspec draw` command: its flags (cheap to import) and its entry point.

    netspec draw specs/alexnet.net -o alexnet.svg             # blocks style: feature maps as boxes
    netspec draw resnet18.net -o resnet18.png --dpi 192       # graph style (it has branches), a PNG
    netspec draw lenet.net --rf conv2 -o rf.svg               # what one unit of conv2 sees
    netspec draw vgg16.net --highlight conv5 --no-labels > vgg16.svg

The spec is checked first: a spec with errors prints the same diagnostics as `netspec check` and
exits 1; a wrong flag (an unknown --highlight layer, a bad --font) exits 2. This module and the
SVG path import neither torch nor cairosvg; PNG and PDF import cairosvg when asked for.
"""

from __future__ import annotations

import argparse
import sys

from netspec.loading import UsageError

EXIT_OK, EXIT_SPEC_ERRORS = 0, 1
# The flags the receptive-field view has no use for, and their argparse names: given with --rf,
# they would be silently dropped.
RF_IGNORES = {
    "--style": "style",
    "--direction": "direction",
    "--highlight": "highlight",
    "--expand": "expand",
    "--no-labels": "no_labels",
}


def _dpi(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 10 <= value <= 2400:
        raise argparse.ArgumentTypeError(f"expected dots per inch from 10 to 2400, got {text[:20]!r}")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected a factor from 0.1 to 10, got {text[:20]!r}")
    return value


def add_parser(commands) -> None:
    """Add `draw` to the `netspec` sub-command parsers."""
    draw = commands.add_parser("draw", help="draw the network: feature maps as boxes, or its graph (SVG, PNG, PDF)")
    draw.add_argument("spec", help="a .net file (or the name of a bundled spec)")
    draw.add_argument(
        "-o", "--output", metavar="FILE", help="write FILE (.svg, .png or .pdf), atomically; default: SVG on stdout"
    )
    draw.add_argument("--format", choices=("svg", "png", "pdf"), help="the output format (default: from FILE's suffix)")
    draw.add_argument("--dpi", type=_dpi, default=96.0, help="PNG resolution (default 96: one pixel per SVG px)")
    draw.add_argument(
        "--style",
        choices=("blocks", "graph"),
        help="blocks: feature maps as 3-D boxes; graph: a box per layer "
        "(default: graph for networks with branches, else blocks)",
    )
    draw.add_argument(
        "--direction", choices=("right", "down"), help="the flow (default: right for blocks, down for graph)"
    )
    draw.add_argument("--no-labels", action="store_true", help="leave out the sizes and shapes")
    draw.add_argument("--font", help="a font-family list (default: DejaVu Sans, Verdana, …, sans-serif)")
    draw.add_argument(
        "--scale", type=_scale, default=1.0, help="the feature maps' size (blocks) or the drawing's (graph)"
    )
    draw.add_argument(
        "--highlight", metavar="LAYER", help="colour the layer with this table name (netspec check lists them)"
    )
    draw.add_argument("--rf", metavar="LAYER", help="draw the input grid and the receptive field of one unit of LAYER")
    draw.add_argument("--expand", action="store_true", help="draw repeated units in full instead of once with ×N")


def run(args) -> int:

    from netspec.checker import check_source
    from netspec.diagnostics import render_all, summary, terminal_text
    from netspec.draw import DrawError, draw_svg
    from netspec.draw.export import ExportError, encode, format_for
    from netspec.loading import load_spec
    from netspec.output_file import output_path, write_output

    if args.rf is not None:
        ignored = [flag for flag, given in RF_IGNORES.items() if getattr(args, given) not in (None, False)]
        if ignored:
            raise UsageError(
                f"--rf draws the input grid and the field of one unit of {args.rf}: {', '.join(ignored)} "
                f"{'does' if len(ignored) == 1 else 'do'} not apply to it (--scale and --font do); draw the "
                "network without --rf for them"
            )
    output = output_path(args.output, args.spec, "network.svg")
    try:
        fmt = format_for(args.output, args.format)
    except ExportError as error:
        raise UsageError(str(error)) from None
    if output is None and fmt != "svg":
        raise UsageError(f"{fmt.upper()} is binary: write it to a file with -o FILE.{fmt}")
    source, note = load_spec(args.spec)
    if note:
        print(terminal_text(note), file=sys.stderr)
    result = check_source(source)
    shown = result.diagnostics.sorted()
    if shown:
        print(render_all(shown, source), file=sys.stderr)
    if not result.ok:
        print(summary(shown), file=sys.stderr)
        return EXIT_SPEC_ERRORS
    try:
        svg = draw_svg(
            result,
            style=args.style,
            direction=args.direction,
            labels=not args.no_labels,
            font=args.font,
            scale=args.scale,
            highlight=args.highlight,
            rf=args.rf,
            expand=args.expand,
        )
        data = encode(svg, fmt, args.dpi)
    except (DrawError, ExportError) as error:
        raise UsageError(str(error)) from None
    if output is None:
        sys.stdout.write(svg)
        sys.stdout.flush()
        return EXIT_OK
    write_output(output, data)
    print(f"wrote {terminal_text(str(output))} ({fmt.upper()}, {len(data):,} bytes)", file=sys.stderr)
    return EXIT_OK
