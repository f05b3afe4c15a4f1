"""The run's `model.py`: the compiled module plus the preprocessing the run trained with.

A run folder should work without netspec. `netspec compile` gives the network's class; a run also
resized and normalized its images, and a person who feeds the weights raw pixels gets a worse
accuracy than the run's (85.6 % instead of 96.3 % in issue #9). So the run's `model.py` adds, as
readable code that needs only torch:

    NORMALIZE_MEAN, NORMALIZE_STD   the per-channel statistics of the training images (0..1 scale)
    RESIZE_TO                       the (H, W) the images were resized to, or None
    preprocess(images)              what the run did to a batch before the network saw it

and its docstring holds the five lines that use the model in plain PyTorch (`SNIPPET`).

`preprocess` repeats netspec.data.device exactly: resize first (bilinear, antialiased when
shrinking, uint8 rounded back to uint8), then x / 255 for uint8 images, then
(x − mean) / std per channel; a vector input (`input 784`) takes the flattened images and one
mean and std over all values. Only numbers netspec computed reach the code, each written by
`pycode.literal`; names of data sets pass through `pycode.comment_text`.
"""

from __future__ import annotations

from dataclasses import dataclass

from netspec.pycode import comment_text, literal

# Module-level names this adds to the generated file. Class names never hold `_` and never start
# lower-case (netspec.codegen.camel_case), so none of these can clash with the network's class.
MEAN_NAME, STD_NAME, RESIZE_NAME, FUNCTION_NAME = "NORMALIZE_MEAN", "NORMALIZE_STD", "RESIZE_TO", "preprocess"
DOCSTRING_QUOTES = '"""'
MAIN_BLOCK = '\n\nif __name__ == "__main__":'


@dataclass(frozen=True)
class Preprocessing:
    """What a run did to its samples before the network saw them."""

    input_shape: tuple[int, ...]  # the spec's input: (C, H, W), or (F,) for a vector input
    mean: tuple[float, ...] | None  # None: not normalized
    std: tuple[float, ...] | None
    resize: tuple[int, int] | None  # (H, W) the images were resized to, or None
    images: bool  # the data were images (N, C, H, W), not vectors (N, F)
    uint8: bool  # the data were uint8 (0..255), scaled by 1/255
    data_name: str = ""


def snippet(class_name: str) -> list[str]:
    """The five lines that use a run's model in plain PyTorch, run from inside the run folder.
    `images` is a batch as the data source gives it; `predictions` the classes."""
    return [
        "import torch, safetensors.torch",
        f"from model import {class_name}, {FUNCTION_NAME}",
        f"model = {class_name}().eval()",
        'model.load_state_dict(safetensors.torch.load_file("weights.safetensors"))',
        f"with torch.no_grad(): predictions = model({FUNCTION_NAME}(images)).argmax(dim=1)",
    ]


def docstring_section(class_name: str, prep: Preprocessing) -> list[str]:
    """The paragraphs added to the module docstring: where the weights are, the snippet, what
    `preprocess` expects."""
    trained = [f"It was trained on {comment_text(prep.data_name, 60)}."] if prep.data_name else []
    if prep.images:
        shape = "(N, C, H, W), or (N, H, W) for one channel"
        if prep.uint8:
            scale = "uint8 (0..255, divided by 255) or float (0..1)"
        else:
            scale = "float, on the scale of the training data"
    else:
        shape = "(N, F) vectors"
        scale = "uint8 (0..255, divided by 255) or float (0..1)" if prep.uint8 else "float, as the training data"
    return [
        "",
        "weights.safetensors, next to this file, holds this run's weights (netspec train).",
        *trained,
        "To use them in plain PyTorch (torch and safetensors only), run from this folder,",
        "with `images` a batch of samples:",
        "",
        *("    " + line for line in snippet(class_name)),
        "",
        f"`{FUNCTION_NAME}(images)` does to a batch what the run did to its data before the",
        f"network saw it: resize, scale, normalize ({RESIZE_NAME}, {MEAN_NAME}, {STD_NAME}).",
        f"`images`: {shape};",
        f"{scale}. Never feed the network raw pixels.",
    ]


def preprocess_code(prep: Preprocessing) -> list[str]:
    """The constants and `preprocess` function of one run, specialised to what it did."""
    vector_input = len(prep.input_shape) == 1
    normalize = prep.mean is not None and prep.std is not None
    lines = [
        "# The preprocessing this run trained with (netspec train): resize, then scale",
        "# uint8 pixels to 0..1, then normalize with the mean and std of the training images.",
    ]
    if normalize:
        where = "over all values" if vector_input else "per channel"
        lines += [
            f"{MEAN_NAME} = {literal(tuple(float(v) for v in prep.mean))}  # {where}, on the 0..1 scale",
            f"{STD_NAME} = {literal(tuple(float(v) for v in prep.std))}",
        ]
    else:
        lines += [f"{MEAN_NAME} = None  # the run did not normalize", f"{STD_NAME} = None"]
    resize = tuple(prep.resize) if prep.resize is not None and prep.images else None
    lines += [f"{RESIZE_NAME} = {literal(resize)}  # (H, W), or None: not resized", "", ""]
    shape = "(N, C, H, W) or (N, H, W)" if prep.images else "(N, F)"
    out = "(N, " + ", ".join(str(d) for d in prep.input_shape) + ")"
    lines += [
        f"def {FUNCTION_NAME}(images) -> torch.Tensor:",
        f'    """The run\'s preprocessing of a batch {shape}, uint8 or float,',
        f'    to {out} float32, as the network takes it."""',
        "    x = torch.as_tensor(images)",
    ]
    if prep.images:
        lines += ["    if x.dim() == 3:  # (N, H, W): one channel", "        x = x[:, None]"]
    if resize is not None:
        lines += [
            f"    if tuple(x.shape[-2:]) != {RESIZE_NAME}:",
            f"        shrink = {RESIZE_NAME}[0] < x.shape[-2] or {RESIZE_NAME}[1] < x.shape[-1]",
            "        resized = torch.nn.functional.interpolate(",
            "            x.float(),",
            f"            size={RESIZE_NAME},",
            '            mode="bilinear",',
            "            align_corners=False,",
            "            antialias=shrink,",
            "        )",
            "        if x.dtype == torch.uint8:  # the run kept resized pixels as uint8",
            "            resized = resized.round().clamp(0, 255).to(torch.uint8)",
            "        x = resized",
        ]
    lines.append("    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()")
    if vector_input:
        lines.append("    x = x.reshape(len(x), -1)  # one vector per sample")
    if normalize:
        if vector_input:
            lines.append(f"    x = (x - {MEAN_NAME}[0]) / {STD_NAME}[0]")
        else:
            lines += [
                f"    mean = torch.tensor({MEAN_NAME}).view(1, -1, 1, 1)",
                f"    std = torch.tensor({STD_NAME}).view(1, -1, 1, 1)",
                "    x = (x - mean) / std",
            ]
    lines.append("    return x")
    return lines


def run_model_source(generated: str, class_name: str, prep: Preprocessing) -> str:
    """`generated` (netspec compile's text) with the run's section added to its docstring and its
    preprocessing code added after the network's classes (before the `__main__` block)."""
    text = generated
    section = "\n".join(docstring_section(class_name, prep))
    if text.startswith(DOCSTRING_QUOTES) and DOCSTRING_QUOTES in text[3:]:
        end = text.index(DOCSTRING_QUOTES, 3)
        body = text[:end].rstrip("\n")
        text = body + "\n" + section + "\n" + text[end:]
    else:  # no module docstring: the section becomes one
        text = DOCSTRING_QUOTES + section.lstrip("\n") + "\n" + DOCSTRING_QUOTES + "\n\n" + text
    code = "\n".join(preprocess_code(prep))
    if MAIN_BLOCK in text:
        at = text.index(MAIN_BLOCK)
        return text[:at].rstrip("\n") + "\n\n\n" + code + "\n" + text[at:]
    return text.rstrip("\n") + "\n\n\n" + code + "\n"


__all__ = ["Preprocessing", "preprocess_code", "run_model_source", "snippet"]
