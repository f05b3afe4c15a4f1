"""Layers that enlarge their input: `convtranspose` (torch.nn.ConvTranspose2d) and `upsample`
(torch.nn.Upsample). Formulas and their sources are in `netspec.arithmetic_resampling`."""

from __future__ import annotations

from math import prod

from netspec import arithmetic_resampling as rs
from netspec.layers.args import Arg, boolean, choice, pair, whole
from netspec.layers.base import CALL, INPUT, Emission, Inference, LayerKind, Saved, Shape, Step, Where
from netspec.layers.captions import convolution_caption
from netspec.layers.captions import pair as caption_pair
from netspec.layers.conv import _common_divisor
from netspec.layers.tools import FVCORE, PTFLOPS, THOP, convolution_counts, ptflops_elements
from netspec.pycode import Code, call, size

AXES = ("height", "width")


class ConvTranspose(LayerKind):
    names = ("convtranspose", "deconv", "upconv", "convtranspose2d")
    family = "deconv"
    short_name = "deconv"
    summary = (
        "transposed convolution: convtranspose FILTERS KERNEL [stride=] [pad=] [outpad=] [dilation=] [groups=] [bias=]"
    )
    spatial = True
    args = (
        Arg("filters", whole(), positional=True, help="a number of filters"),
        Arg("kernel", pair(), positional=True, help="a kernel size (4 or 4x4)"),
        Arg("stride", pair(), default=(1, 1), help="the upsampling factor, e.g. 2 or 2x1"),
        Arg("pad", pair(minimum=0), default=(0, 0), help="cells cropped from each side of the output: P or PxP"),
        Arg("outpad", pair(minimum=0), default=(0, 0), help="cells added at the bottom/right, < stride or < dilation"),
        Arg("dilation", pair(), default=(1, 1), help="the spacing of kernel taps, ≥ 1"),
        Arg("groups", whole(), default=1, help="a divisor of the input channels and the filters"),
        Arg("bias", boolean, default=True, help="true or false"),
    )

    def caption(self, v, shape: Shape, output: Shape) -> str:
        return convolution_caption(self.short_name, v, shape)

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        return convolution_counts(self.name, tool, v, shape, output, macs)

    def validate(self, v, where: Where) -> bool:
        outpad, stride, dilation = v["outpad"], v["stride"], v["dilation"]
        bad = [axis for axis in range(2) if not rs.output_padding_allowed(outpad[axis], stride[axis], dilation[axis])]
        if bad:
            axis = bad[0]
            largest = max(stride[axis], dilation[axis]) - 1
            where.error(
                "bad-outpad",
                f"outpad={outpad[axis]} on the {AXES[axis]} must be smaller than the stride ({stride[axis]}) "
                f"or the dilation ({dilation[axis]})",
                f"PyTorch allows at most outpad={largest} there" if largest else "remove outpad (stride 1 allows none)",
                arg="outpad",
            )
            return False
        return True

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        c_in, h, w = shape
        filters, groups = v["filters"], v["groups"]
        (kh, kw), stride, pad, outpad, dilation = v["kernel"], v["stride"], v["pad"], v["outpad"], v["dilation"]
        if c_in % groups or filters % groups:
            where.error(
                "groups",
                f"groups={groups} must divide both the input channels ({c_in}) and the filters ({filters})",
                f"groups is a divisor of both, e.g. groups={_common_divisor(c_in, filters, groups)}",
                arg="groups",
            )
            return None
        outputs, explain = [], []
        for axis, (n, k, name) in enumerate(((h, kh, "OH"), (w, kw, "OW"))):
            s, p, op, d = stride[axis], pad[axis], outpad[axis], dilation[axis]
            out = rs.transposed_output_size(n, k, s, p, op, d)
            arithmetic = f"({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}"
            if out < 1:
                where.error(
                    "pad-too-large",
                    f"transposed convolution pad={p} crops the whole {AXES[axis]}: {name} = {arithmetic} < 1",
                    f"at most pad={(out + 2 * p - 1) // 2} for this input",
                    arg="pad",
                )
                return None
            outputs.append(out)
            explain.append(f"{name} = {arithmetic}")
        oh, ow = outputs
        window = (
            rs.transposed_rf_window(kh, stride[0], dilation[0]),
            rs.transposed_rf_window(kw, stride[1], dilation[1]),
        )
        return Inference(
            output=(filters, oh, ow),
            params=rs.transposed_params(c_in, filters, kh, kw, groups, v["bias"]),
            macs=rs.transposed_macs(c_in, filters, kh, kw, groups, h, w),
            window=window,
            saved=[Saved(INPUT, c_in * h * w)],  # convolution_backward needs the input (and the weight)
            explain=explain
            + [
                f"params = {c_in}·({filters}/{groups})·{kh}·{kw}" + (f" + {filters}" if v["bias"] else ""),
                f"MACs = {h}·{w}·{c_in}·({filters}/{groups})·{kh}·{kw}  (each input cell through the kernel)",
                f"RF window = {window[0][0]}x{window[1][0]} input cells per output",
            ],
        )

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        options = {"kernel_size": size(v["kernel"])}
        for key, torch_name, default in (
            ("stride", "stride", (1, 1)),
            ("pad", "padding", (0, 0)),
            ("outpad", "output_padding", (0, 0)),
            ("dilation", "dilation", (1, 1)),
        ):
            if v[key] != default:
                options[torch_name] = size(v[key])
        if v["groups"] != 1:
            options["groups"] = v["groups"]
        if not v["bias"]:
            options["bias"] = False
        module = call("nn.ConvTranspose2d", shape[0], v["filters"], **options)
        return Emission(
            module,
            (Step(CALL, output),),
            init="nn.ConvTranspose2d",
            channels=(0, 1),
            defaults={"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1},
        )


MODES = {"nearest": Code('"nearest"'), "bilinear": Code('"bilinear"')}


class Upsample(LayerKind):
    names = ("upsample", "upsampling")
    family = "up"
    summary = "upsampling by a whole factor: upsample SCALE [mode=nearest|bilinear] → C x H·S x W·S"
    spatial = True
    args = (
        Arg("scale", pair(), positional=True, help="a scale factor (2 or 2x1)"),
        Arg("mode", choice(*MODES), default="nearest", help="nearest or bilinear (align_corners=false)"),
    )

    def counted_by(self, tool: str, v, shape: Shape, output: Shape, macs: int) -> dict[str, int]:
        """ptflops upsample_flops_counter_hook counts the output, and the patched F.interpolate it
        calls counts it again; thop count_upsample `∏out` (nearest) or `11·∏out` (bilinear);
        fvcore upsample_nearest2d `∏out`, upsample_bilinear2d `4·∏out`; torchinfo 0."""
        bilinear = v["mode"] == "bilinear"
        if tool == PTFLOPS:
            return {self.name: ptflops_elements(2, output)}
        if tool == THOP:
            return {self.name: (11 if bilinear else 1) * prod(output)}
        if tool == FVCORE:
            return {self.name: (4 if bilinear else 1) * prod(output)}
        return {}

    def caption(self, v, shape: Shape, output: Shape) -> str:
        scale = caption_pair(v, "scale") or (1, 1)
        return f"upsample ×{scale[0]}" if scale[0] == scale[1] else f"upsample ×{scale[0]}×{scale[1]}"

    def infer(self, v, shape: Shape, where: Where) -> Inference | None:
        channels, h, w = shape
        (sh, sw), mode = v["scale"], v["mode"]
        # nearest and bilinear upsampling keep nothing for backward: their gradients need sizes only
        return Inference(
            output=(channels, h * sh, w * sw),
            window=(rs.upsample_window(sh, mode), rs.upsample_window(sw, mode)),
            explain=[f"OH = {h}·{sh} = {h * sh}", f"OW = {w}·{sw} = {w * sw}", f"mode = {mode}"],
        )

    def emit(self, v, shape: Shape, output: Shape) -> Emission:
        options = {"scale_factor": size(v["scale"]), "mode": MODES[v["mode"]]}
        if v["mode"] == "bilinear":
            options["align_corners"] = False
        return Emission(call("nn.Upsample", **options), (Step(CALL, output),))
