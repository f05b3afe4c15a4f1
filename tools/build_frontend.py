"""Build the playground's front end (`netspec serve`) into netspec/serve/static/app.js and app.css.

    python tools/build_frontend.py            # npm ci + esbuild, from frontend/package-lock.json
    python tools/build_frontend.py --check    # the committed bundle matches its sources' digest
    python tools/build_frontend.py --out DIR  # build elsewhere (to compare with the committed bytes)

The bundle is committed (CI has no npm step), like the generated parser. Its first line records
the SHA-256 of everything it is built from: frontend/package.json, frontend/package-lock.json,
frontend/.npmrc, every file under frontend/src and this script. `--check` recomputes that digest
and fails when a source changed without a rebuild. The same sources give the same bytes: esbuild
is pinned by the lockfile and deterministic, and nothing here writes a date or a path.

The lockfile holds no download addresses (frontend/.npmrc sets omit-lockfile-registry-resolved);
to change a dependency: `cd frontend && npm install --save-exact NAME@VERSION`, then rebuild.
Third-party licences of what is bundled go to netspec/serve/static/THIRD_PARTY_LICENSES.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "netspec" / "serve" / "static"
OUTPUTS = {"app.js": "src/main.js", "app.css": "src/style.css"}
HEADER = "/* netspec playground bundle, built by tools/build_frontend.py; sources sha256:{digest} */\n"
NOT_BUNDLED = {"esbuild"}  # the build tool itself, and its platform binaries (@esbuild/*)


def source_files() -> list[Path]:
    """What the bundle is built from, in a fixed order."""
    files = [FRONTEND / "package.json", FRONTEND / "package-lock.json", FRONTEND / ".npmrc", Path(__file__).resolve()]
    files += sorted(path for path in (FRONTEND / "src").rglob("*") if path.is_file())
    return files


def sources_digest() -> str:
    """SHA-256 over each source's path (relative to the repository, `/`-separated) and bytes."""
    digest = hashlib.sha256()
    for path in source_files():
        name = path.relative_to(ROOT).as_posix().encode("utf-8")
        data = path.read_bytes()
        digest.update(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def recorded_digest(output: str) -> str | None:
    """The digest written on the first line of a built file, None if it has none."""
    path = STATIC / output
    if not path.is_file():
        return None
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    marker = "sources sha256:"
    if marker not in first:
        return None
    return first.split(marker, 1)[1].split(" ", 1)[0]


def check() -> list[str]:
    """Problems with the committed bundle (empty when it matches its sources)."""
    expected = sources_digest()
    problems = []
    for output in OUTPUTS:
        found = recorded_digest(output)
        if found != expected:
            problems.append(f"{STATIC / output}: built from sources {found}, but they are now {expected}")
    return problems


def lockfile_addresses() -> list[str]:
    """Download addresses the lockfile must not hold (`resolved` fields, URLs)."""
    lock = json.loads((FRONTEND / "package-lock.json").read_text(encoding="utf-8"))
    return [
        name for name, entry in lock.get("packages", {}).items() if "resolved" in entry or "://" in json.dumps(entry)
    ]


def build(static: Path = STATIC) -> None:
    """npm ci, then esbuild into `static` (default: the package's static folder)."""
    addresses = lockfile_addresses()
    if addresses:
        sys.exit(f"frontend/package-lock.json records download addresses for {', '.join(addresses[:5])}; "
                 "regenerate it with npm install (frontend/.npmrc omits them)")  # fmt: skip
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"])
    digest = sources_digest()
    esbuild = str(FRONTEND / "node_modules" / ".bin" / "esbuild")
    for output, entry in OUTPUTS.items():
        target = static / output
        run([esbuild, entry, "--bundle", "--minify", "--charset=utf8", "--legal-comments=none",
             "--target=es2020", "--log-level=warning", f"--outfile={target}",
             *(["--format=iife"] if output.endswith(".js") else [])])  # fmt: skip
        body = target.read_text(encoding="utf-8")
        write(target, HEADER.format(digest=digest) + body)
    write(static / "THIRD_PARTY_LICENSES.txt", licences())
    print(f"built {', '.join(OUTPUTS)} from sources sha256:{digest}")


def licences() -> str:
    """The licence text of every package in the bundle (all but the build tool), in name order."""
    lock = json.loads((FRONTEND / "package-lock.json").read_text(encoding="utf-8"))
    parts = ["Third-party code bundled into netspec/serve/static/app.js and app.css.\n"]
    for key in sorted(lock["packages"]):
        if not key.startswith("node_modules/"):
            continue
        name = key[len("node_modules/") :]
        if name in NOT_BUNDLED or name.startswith("@esbuild/"):
            continue
        entry = lock["packages"][key]
        folder = FRONTEND / key
        texts = sorted(p for p in folder.iterdir() if p.name.upper().startswith(("LICENSE", "LICENCE")))
        text = texts[0].read_text(encoding="utf-8").strip() if texts else f"License: {entry.get('license', '?')}"
        parts.append(f"\n{'=' * 72}\n{name} {entry['version']} ({entry.get('license', '?')})\n{'=' * 72}\n{text}\n")
    return "".join(parts)


def run(command: list[str]) -> None:
    result = subprocess.run(command, cwd=FRONTEND, env={**os.environ, "NODE_ENV": "production"})
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}")


def write(path: Path, text: str) -> None:
    sys.path.insert(0, str(ROOT))
    from netspec.files import write_text_atomically

    write_text_atomically(path, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the bundle matches its sources")
    parser.add_argument("--out", type=Path, default=STATIC, help="where the built files go (default: %(default)s)")
    args = parser.parse_args()
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("rebuild with: python tools/build_frontend.py", file=sys.stderr)
        return 1 if problems else 0
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
