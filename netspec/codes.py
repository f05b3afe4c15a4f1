"""Every diagnostic code netspec can report: its severity and what it means, in one place.

The order is the order of the table in docs/language.md#diagnostics (errors, then warnings, then
the note); tests/test_diagnostics.py checks that the table, this registry and the codes used in
netspec/ (found with `ast`) are the same set with the same severities. A code is a stable name
that tools match on (`--json`, the language server, the playground), so it is never renamed.

`netspec.diagnostics.Diagnostic` checks its code here: an unregistered code, or a code given the
wrong severity, is a bug in netspec. Under the test suite (NETSPEC_STRICT_CODES=1) it raises; a
user's check keeps the diagnostic as it is, since a crash would hide every other problem.
"""

from __future__ import annotations

from netspec.record import Record

STRICT_ENV = "NETSPEC_STRICT_CODES"  # "1": an unregistered code raises (set by tests/conftest.py)


class Code(Record):
    """One diagnostic code: `name` as printed in `[brackets]`, its severity, a one-line meaning."""

    __slots__ = ("name", "severity", "meaning")

    def __init__(self, name: str, severity: str, meaning: str):
        self.name = name
        self.severity = severity  # "error", "warning" or "note": netspec.diagnostics.ERROR, …
        self.meaning = meaning


def _codes(*rows: tuple[str, str, str]) -> dict[str, Code]:
    return {name: Code(name, severity, meaning) for name, severity, meaning in rows}


CODES: dict[str, Code] = _codes(
    ("syntax", "error", "the text is not a statement, or its brackets are unbalanced"),
    ("unknown-layer", "error", "a layer kind that does not exist (with a did-you-mean)"),
    ("unknown-option", "error", "an option the layer kind does not have (with a did-you-mean)"),
    ("missing-arg", "error", "a required argument is missing"),
    ("extra-arg", "error", "more positional arguments than the layer kind takes"),
    ("duplicate-option", "error", "an option given twice"),
    ("bad-value", "error", "an argument of the wrong type or out of range"),
    ("bad-expression", "error", "block-parameter arithmetic that cannot be computed"),
    ("missing-input", "error", "no `input` statement"),
    ("duplicate-input", "error", "a second `input` statement"),
    ("bad-input", "error", "an `input` size that is not CxHxW or N"),
    ("duplicate-network", "error", "a second `network` statement"),
    ("misplaced", "error", "a statement where it does not belong"),
    ("bad-block", "error", "a malformed block definition or call"),
    ("recursive-block", "error", "a block that calls itself"),
    ("unexpected-block", "error", "`{ }` after a statement that takes none"),
    ("nesting", "error", "blocks nested more than 32 deep"),
    ("too-large", "error", "over 100,000 layers or 200,000 statements"),
    ("empty-merge", "error", "`add`/`concat`/`mul` with no branch"),
    ("merge-shape", "error", "branches whose outputs cannot be merged"),
    ("kernel-too-large", "error", "a (dilated) kernel larger than the padded input"),
    ("pad-too-large", "error", "padding over half the pooling window, or cropping a whole output"),
    ("groups", "error", "groups that do not divide the channels"),
    ("after-flatten", "error", "a spatial layer after `fc` or `flatten`"),
    ("bad-outpad", "error", "`convtranspose` outpad not smaller than the stride or the dilation"),
    ("unknown-setting", "error", "a `train { }` key that does not exist (with a did-you-mean)"),
    ("duplicate-setting", "error", "a `train { }` key given twice"),
    ("unreadable", "error", "(API only) a spec that cannot be read, or is too large to parse"),
    ("inexact-size", "warning", "an output size that is not whole, so real input pixels are never seen"),
    ("skipped-pixels", "warning", "a stride larger than a window larger than 1x1"),
    ("merge-jump", "warning", "a merge of branches whose features sit on different grids"),
    ("single-branch", "warning", "a merge with one branch"),
    ("unused-label", "warning", "a label on a statement that names nothing"),
    ("memory-limit", "warning", "(`check` only) one training step needs more than `--memory`"),
    ("over-budget", "warning", "(`check --budget` only) params, MACs, FLOPs or memory over a budget"),
    ("double-activation", "warning", "two activations in a row"),
    ("softmax-not-last", "warning", "layers after a `softmax`"),
    ("ceil-ignored", "warning", "`ceil=true` with `pad=same`, where it has no effect"),
    ("softmax-in-block", "warning", "the network ends in a softmax inside a block or branch"),
    ("too-many-errors", "note", "parsing stopped after 50 syntax errors"),
)

SEVERITY: dict[str, str] = {name: code.severity for name, code in CODES.items()}


class UnregisteredCode(ValueError):
    """A diagnostic with a code that is not in CODES, or with another severity than its entry's."""
