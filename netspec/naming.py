"""Names of layers: the label a spec gives, or `conv1`, `pool2`, `fc1` ... counted per family.

The checker reports these names and the compiler uses them as attribute names, so both agree.
"""

from __future__ import annotations

import keyword
import re

FAMILY = {
    "conv": "conv",
    "maxpool": "pool",
    "avgpool": "pool",
    "l2pool": "pool",
    "globalavgpool": "pool",
    "globalmaxpool": "pool",
    "fc": "fc",
    "batchnorm": "bn",
}

# Names a generated module must not take: nn.Module's own attributes and methods would be shadowed.
RESERVED = {
    "forward",
    "training",
    "train",
    "eval",
    "parameters",
    "modules",
    "children",
    "state_dict",
    "to",
    "cuda",
    "cpu",
    "type",
    "float",
    "double",
    "half",
    "bfloat16",
    "apply",
    "zero_grad",
    "register_buffer",
    "buffers",
    "named_parameters",
    "named_modules",
    "named_children",
    "named_buffers",
    "log_probabilities",
    "extra_repr",
    "torch",
    "nn",
    "F",
    "x",
    "self",
    "super",
    "input",
    "dump_patches",
    "call_super_init",
    "compile",
    # the rest of nn.Module's public attributes (torch 2.x): a submodule by one of these names
    # would be hidden behind the method (tests/test_compile.py checks this list against torch)
    "add_module",
    "get_buffer",
    "get_extra_state",
    "get_parameter",
    "get_submodule",
    "ipu",
    "load_state_dict",
    "mtia",
    "register_backward_hook",
    "register_forward_hook",
    "register_forward_pre_hook",
    "register_full_backward_hook",
    "register_full_backward_pre_hook",
    "register_load_state_dict_post_hook",
    "register_load_state_dict_pre_hook",
    "register_module",
    "register_parameter",
    "register_state_dict_post_hook",
    "register_state_dict_pre_hook",
    "requires_grad_",
    "set_extra_state",
    "set_submodule",
    "share_memory",
    "to_empty",
    "xpu",
}


def identifier(text: str, fallback: str = "layer") -> str:
    """A safe Python identifier from free text: only [A-Za-z0-9_], not a keyword or reserved name."""
    name = re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_").lower()
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in RESERVED or name.startswith("__"):
        name = f"{name}_"
    return name


def layer_names(kinds: list[str], labels: list[str | None]) -> list[str]:
    """Unique attribute names, one per layer: sanitized labels, else `<family><n>`."""
    counters: dict[str, int] = {}
    used: set[str] = set()
    names = []
    for kind, label in zip(kinds, labels):
        if label:
            base = identifier(label)
        else:
            family = FAMILY.get(kind, kind)
            counters[family] = counters.get(family, 0) + 1
            base = f"{family}{counters[family]}"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        names.append(name)
    return names
