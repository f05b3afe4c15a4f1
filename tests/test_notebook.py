"""docs/examples/quickstart.ipynb, run in a real Jupyter kernel (nbclient + ipykernel): every cell
runs, and what it shows is what the API computes here."""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import pytest

import netspec

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
NOTEBOOK = EXAMPLES / "quickstart.ipynb"
KERNEL = "netspec-test-python"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook after running every cell, in a kernel that is this interpreter (a kernelspec
    written to a temporary folder, so the installed `python3` spec and PATH do not matter)."""
    pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(folder))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(folder / "runtime"))
        patch.setenv("IPYTHONDIR", str(folder / "ipython"))
        # the kernel imports this checkout's netspec, as the tests do (not another installed copy)
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        client = nbclient.NotebookClient(
            notebook, kernel_name=KERNEL, timeout=60, resources={"metadata": {"path": str(EXAMPLES)}}
        )
        client.execute()
    return notebook


def outputs(notebook, containing: str) -> list[dict]:
    """The outputs of the one code cell whose source contains `containing`."""
    [cell] = [c for c in notebook.cells if c.cell_type == "code" and containing in c.source]
    assert not [o for o in cell.outputs if o.output_type == "error"]
    return cell.outputs


def html_of(notebook, containing: str) -> str:
    [result] = [o for o in outputs(notebook, containing) if o.output_type == "execute_result"]
    assert "text/plain" in result.data  # a plain front end gets the text table
    return result.data["text/html"]


def printed(notebook, containing: str) -> str:
    return "".join(o.text for o in outputs(notebook, containing) if o.output_type == "stream")


def test_the_shipped_notebook_has_no_stale_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_the_report_displays_as_an_html_table(executed, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    lenet = netspec.check("../../specs/lenet.net")
    [result] = [o for o in outputs(executed, "report = netspec.check(") if o.output_type == "execute_result"]
    assert result.data["text/plain"] == str(lenet)  # a plain front end: the table of `netspec check`
    page = html_of(executed, 'report = netspec.check("../../specs/lenet.net")')
    assert '<table data-netspec="layers"' in page and f">{lenet.params:,}<" in page
    assert "conv 120 5x5" in page and "<script" not in page
    assert printed(executed, "print(report.params").splitlines()[0] == f"{lenet.params} {lenet.macs} (10,)"


def test_the_mistake_shows_its_source_line_and_caret(executed):
    page = html_of(executed, "broken = netspec.check(spec)")
    shown = html.unescape(re.sub(r"<[^>]*>", "", page))  # the text, as the browser shows it
    assert "kernel-too-large" in shown and "\n    conv 120 5x5\n             ^~~\n" in shown
    assert printed(executed, "print(broken.ok").strip() == "False [('kernel-too-large', 10, 10)]"


def test_the_fixed_spec_and_its_compiled_model_agree(executed):
    spec = executed.cells[[i for i, c in enumerate(executed.cells) if "spec = " in c.source][0]].source
    text = spec.split('"""')[1].replace("conv 120 5x5", "conv 120 4x4")
    checked = netspec.check(text, batch=128, optimizer="sgd")
    assert checked.ok
    page = html_of(executed, "checked = netspec.check(fixed")
    assert f">{checked.params:,}<" in page and "one training step at batch 128, fp32, sgd" in page
    error = printed(executed, "except netspec.SpecError")
    assert error.startswith("<spec>:10:10: error: ") and error.strip().endswith("1 error, 0 warnings")
    assert printed(executed, "print(source)") == netspec.compile(text) + "\n"
    assert printed(executed, "model = netspec.build").split() == ["Digits", "(2,", "10)", str(checked.params)]
