"""Files that ship with netspec: the grammar and the example specs.

In a wheel they live inside the package (`netspec/grammars`, `netspec/specs`); in a source checkout
(or an editable install) they are found at the top of the repository.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of every start)
if TYPE_CHECKING:
    from pathlib import Path

# pathlib costs ~2.5 ms at import, and `netspec check FILE` never needs these paths: the functions
# import it when called, and PACKAGE (the package's folder, a Path) is computed when first asked for.


def _package_dir() -> str:
    return os.path.dirname(os.path.realpath(__file__))  # realpath: a dozen system calls, so not at import


def __getattr__(name: str):
    if name == "PACKAGE":
        from pathlib import Path

        return Path(_package_dir())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def grammar_path() -> Path:
    from pathlib import Path

    package = Path(_package_dir())
    return _first_existing(package / "grammars" / "netspec.lark", package.parent / "grammars" / "netspec.lark")


def specs_dir() -> Path:
    from pathlib import Path

    package = Path(_package_dir())
    return _first_existing(package / "specs", package.parent / "specs")


def bundled_specs() -> list[Path]:
    return sorted(specs_dir().glob("*.net"))


def bundled_spec(name: str) -> Path | None:
    """The bundled spec called `name` (with or without `.net`, any leading folders ignored)."""
    from pathlib import Path

    stem = Path(name).name
    if not stem.endswith(".net"):
        stem += ".net"
    path = specs_dir() / stem
    return path if path.is_file() else None
