"""`conv F K`: a 2-D convolution (torch.nn.Conv2d)."""

from __future__ import annotations

from netspec import arithmetic as ar
from netspec.layers import windows
from netspec.layers.args import Arg, boolean, padding, pair, whole
from netspec.layers.base import CALL, INPUT, WINDOW, Emission, Inference, LayerKind, Saved, Shape, Step, Where
from netspec.layers.captions import convolution_caption
from netspec.layers.tools import convolution_counts
from netspec.pycode import call, size


class Conv(LayerKind):
    names = ("conv", "conv2d", "convolution")
    summary = "2-D convolution: conv FILTERS KERNEL [stride=] [pad=P|PxP|same|valid] [dilation=] [groups=] [bias=]"
    spatial = True
    reads = WINDOW
    args = (
        Arg("filters", whole(), positional=True, help="a number of filters"),
        Arg("kernel", pair(), positional=True, help="a kernel size (5 or 5x5)"),
        Arg("stride", pair(), default=(1, 1), help="the step between windows, e.g. 2 or 2x1"),
        Arg("pad", padding(), default=(0, 0), help="zero padding on each side: P, PxP, same or valid"),
        Arg("dilation", pair(), default=(1, 1), help="the spacing of kernel taps, ≥ 1"),
        Arg("groups", whole(), default=1, help="a divisor of the input channels and the filters"),
        Arg("bias", boolean, default=True, help="true or false"),
    )

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return convolution_caption(self.name, v, shape)

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        return convolution_counts(self.name, tool, v, shape, output, macs)

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        c_in = shape[0]
        filters, groups = v["filters"], v["groups"]
        geometry = windows.resolve(v, shape, where, "convolution")
        if geometry is None:
            return None
        if c_in % groups or filters % groups:
            where.error(
                "groups",
                f"groups={groups} must divide both the input channels ({c_in}) and the filters ({filters})",
                f"groups is a divisor of both, e.g. groups={_common_divisor(c_in, filters, groups)}",
                arg="groups",
            )
            return None
        (kh, kw), (oh, ow) = v["kernel"], geometry.output
        return Inference(
            output=(filters, oh, ow),
            params=ar.conv_params(c_in, filters, kh, kw, groups, v["bias"]),
            macs=ar.conv_macs(c_in, filters, kh, kw, groups, oh, ow),
            window=geometry.window,
            saved=[geometry.saved_input(c_in)],
            explain=geometry.explain
            + [
                f"params = {filters}·({c_in}/{groups})·{kh}·{kw}" + (f" + {filters}" if v["bias"] else ""),
                f"MACs = {oh}·{ow}·{filters}·({c_in}/{groups})·{kh}·{kw}",
            ],
        )

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        # Conv2d pads both sides equally; TensorFlow's SAME puts an odd padding cell at the
        # bottom/right, so such padding is an explicit zero F.pad and the convolution pads nothing.
        geometry = windows.geometry(v, shape)
        options = {"kernel_size": size(v["kernel"])}
        if v["stride"] != (1, 1):
            options["stride"] = size(v["stride"])
        steps = []
        if geometry.asymmetric:
            steps.append(windows.pad_step(geometry, shape[0]))
        elif geometry.pads != ((0, 0), (0, 0)):
            options["padding"] = size((geometry.pads[0][0], geometry.pads[1][0]))
        if v["dilation"] != (1, 1):
            options["dilation"] = size(v["dilation"])
        if v["groups"] != 1:
            options["groups"] = v["groups"]
        if not v["bias"]:
            options["bias"] = False
        steps.append(Step(CALL, output))
        return Emission(
            call("nn.Conv2d", shape[0], v["filters"], **options),
            tuple(steps),
            init="nn.Conv2d",
            channels=(0, 1),
            defaults={"stride": 1, "padding": 0, "dilation": 1, "groups": 1},
        )


def _common_divisor(a: int, b: int, near: int) -> int:
    divisors = [d for d in range(1, min(a, b) + 1) if a % d == 0 and b % d == 0]
    return min(divisors, key=lambda d: abs(d - near))


__all__ = ["Conv", "INPUT", "Saved"]
