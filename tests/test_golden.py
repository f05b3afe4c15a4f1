"""Golden files: the exact text and JSON that `netspec check` prints for every shipped spec, for
`--explain`, and for a spec full of mistakes.

Refresh after an intended change of the output, then review the diff:

    python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netspec import resources
from netspec.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
BROKEN = Path(__file__).resolve().parent / "golden" / "broken.net"

CASES = {f"{path.stem}.txt": [str(path)] for path in resources.bundled_specs()}
CASES |= {f"{path.stem}.json": [str(path), "--json"] for path in resources.bundled_specs()}
CASES |= {
    "alexnet-explain.txt": [str(resources.specs_dir() / "alexnet.net"), "--explain"],
    "vgg16-batch64-sgd.txt": [str(resources.specs_dir() / "vgg16.net"), "--batch", "64", "--optimizer", "sgd"],
    "broken.txt": [str(BROKEN)],
    "broken.json": [str(BROKEN), "--json"],
}


def normalize(text: str) -> str:
    """Paths relative to the repository (or the installed package), so that files compare anywhere."""
    for folder in (resources.specs_dir().parent, GOLDEN.parent.parent):
        text = text.replace(str(folder) + "/", "")
    return text


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden_file(name, capsys, update_golden):
    main(["check", *CASES[name]])
    out = normalize(capsys.readouterr().out)
    path = GOLDEN / name
    if update_golden:
        path.write_text(out, encoding="utf-8")
        pytest.skip(f"wrote {path.name}")
    assert path.exists(), f"no golden file {path.name}: run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert out == expected, f"{name} differs from its golden file; if intended, run pytest --update-golden"


def test_every_golden_file_belongs_to_a_case():
    stale = {p.name for p in GOLDEN.iterdir() if p.suffix in (".txt", ".json")} - set(CASES)
    assert not stale, f"golden files without a case: {sorted(stale)}"
