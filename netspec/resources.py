"""Files that ship with netspec: the grammar and the example specs.

In a wheel they live inside the package (`netspec/grammars`, `netspec/specs`); in a source checkout
(or an editable install) they are found at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def grammar_path() -> Path:
    return _first_existing(PACKAGE / "grammars" / "netspec.lark", PACKAGE.parent / "grammars" / "netspec.lark")


def specs_dir() -> Path:
    return _first_existing(PACKAGE / "specs", PACKAGE.parent / "specs")


def bundled_specs() -> list[Path]:
    return sorted(specs_dir().glob("*.net"))


def bundled_spec(name: str) -> Path | None:
    """The bundled spec called `name` (with or without `.net`, any leading folders ignored)."""
    stem = Path(name).name
    if not stem.endswith(".net"):
        stem += ".net"
    path = specs_dir() / stem
    return path if path.is_file() else None
