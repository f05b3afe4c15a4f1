"""The documentation tells the truth: its links lead somewhere, and its transcripts are what netspec prints.

Every relative link in README.md and docs/*.md must name a file of the repository, and a link with
`#anchor` to a Markdown file a heading of that file, as GitHub makes anchors from headings
(lowercased, punctuation but `-` and `_` dropped, spaces as `-`, a repeated heading numbered
`-1`, `-2`, …). Each `$ netspec check …` transcript in a ```` ``` ```` block of the README is run
and compared with what it shows, line by line (a `…` line stands for lines left out).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, only word characters, `-` and spaces, spaces → `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors_of(page: Path) -> set[str]:
    """Every anchor the headings of a Markdown page define (outside code blocks)."""
    seen: dict[str, int] = {}
    found = set()
    for match in re.finditer(r"^#{1,6}\s+(.*)$", FENCE.sub("", page.read_text(encoding="utf-8")), re.M):
        anchor = github_anchor(match.group(1))
        count = seen.get(anchor, 0)
        found.add(anchor if count == 0 else f"{anchor}-{count}")
        seen[anchor] = count + 1
    return found


def relative_links(page: Path) -> list[str]:
    """The targets of the page's Markdown links that are neither web addresses nor mail."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return [target for target in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def test_anchor_rule_on_known_headings():
    assert github_anchor("Install, run, test") == "install-run-test"
    assert github_anchor("The `train { }` block") == "the-train---block"
    assert github_anchor("`netspec check`") == "netspec-check"
    assert github_anchor("Validation: the whole step") == "validation-the-whole-step"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_and_anchor_exists(page):
    links = relative_links(page)
    broken = []
    for target in links:
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors_of(destination):
            broken.append(f"{target}: no such heading")
    assert not broken, f"{page.name}: {broken}"


def test_the_readme_links_to_every_doc_page():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(ROOT / "README.md")}
    unlinked = [page.name for page in PAGES[1:] if page.resolve() not in linked]
    assert not unlinked


def readme_transcripts() -> list[tuple[str, str]]:
    """(command, shown output) of every `$ netspec check …` in the README's code blocks."""
    found = []
    for block in FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        parts = re.split(r"^\$ (.*)\n", block.split("\n", 1)[1].removesuffix("```"), flags=re.M)
        for command, shown in zip(parts[1::2], parts[2::2], strict=True):
            if command.startswith("netspec check"):
                found.append((command.split("  #")[0].strip(), shown))
    return found


def test_the_readme_has_transcripts():
    commands = [command for command, _ in readme_transcripts()]
    assert "netspec check specs/lenet.net" in commands
    assert "netspec check broken.net" in commands


@pytest.mark.parametrize("command,shown", readme_transcripts(), ids=lambda value: str(value)[:40])
def test_readme_transcript_is_what_netspec_prints(command, shown, tmp_path):
    broken = re.search(r"^\$ cat broken\.net\n(.*?)\n\n", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M)
    assert broken, "the README shows broken.net with `$ cat broken.net`"
    (tmp_path / "broken.net").write_text(broken.group(1) + "\n", encoding="utf-8")
    (tmp_path / "specs").symlink_to(ROOT / "specs")
    arguments = command.split()[1:]
    result = subprocess.run(
        [sys.executable, "-m", "netspec", *arguments], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    printed = (result.stdout + result.stderr).rstrip("\n").splitlines()
    position = 0
    for line in shown.rstrip("\n").splitlines():
        if line.strip() == "…":
            continue
        while position < len(printed) and printed[position] != line:
            position += 1
        assert position < len(printed), f"`{command}` does not print {line!r} where the README shows it"
        position += 1
