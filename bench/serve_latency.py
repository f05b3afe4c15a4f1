"""How quickly the playground (`netspec serve`) answers a keystroke, and how long a check takes.

    python bench/serve_latency.py                # 40 keystrokes per spec, 30 check runs per spec
    python bench/serve_latency.py --keys 100     # more keystrokes, steadier percentiles

(a) Keystroke → updated table, in a real browser: the playground served by `netspec serve SPEC
    --port 0 --no-browser` in its own process (as a person runs it; a server thread in this
    process would share the interpreter lock with selenium's polling) and opened in headless
    Chromium (Debian's, under selenium, as the tests do). For specs/vgg16.net and the largest shipped spec (the most
    layers once blocks and repeats are expanded), selenium types a digit at the end of the last
    `fc N` line, then deletes it, alternately, so every keystroke changes the output shape and
    the table must be redrawn. The page itself records the times: `performance.now()` in a
    capturing keydown listener, and in a MutationObserver on the table's body; the latency is
    from the keystroke to the first table update after it (the page drops answers for older
    text, so that update is for the text with that keystroke). It includes the page's 10 ms
    debounce, the HTTP round trip, the check, the JSON, and drawing the rows. The next key is
    typed only after the update. Median and 95th percentile (target: p95 under 100 ms).
(b) In-process check time for each shipped spec: `check_source` (parse, elaborate, walk), and
    `analysis.analyze` (what POST /api/check computes: the check, memory estimate, JSON report,
    editor offsets), the median of `--runs` runs after one warm-up.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # tests/browser.py: the headless Chromium of the tests

from netspec.checker import check_source  # noqa: E402
from netspec.resources import bundled_specs  # noqa: E402
from netspec.serve.analysis import MemoryOptions, analyze  # noqa: E402
from netspec.source import SourceFile  # noqa: E402

RECORDER = """
window.__bench = {down: [], done: []};
document.addEventListener('keydown', () => window.__bench.down.push(performance.now()), true);
new MutationObserver(() => window.__bench.done.push(performance.now()))
  .observe(document.querySelector('#layers tbody'), {childList: true});
"""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def layer_count(path: Path) -> int:
    return len(check_source(SourceFile(path.name, path.read_text(encoding="utf-8"))).layers)


def keystroke_latencies(driver, url: str, text: str, keys: int) -> list[float]:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    wait = WebDriverWait(driver, 60, poll_frequency=0.02)
    wait.until(lambda d: d.find_element("id", "status").get_attribute("data-state") == "ok")
    driver.execute_script(RECORDER)
    lines = text.split("\n")
    last_fc = max(i for i, line in enumerate(lines) if line.strip().startswith("fc "))
    target = driver.find_elements("css selector", ".cm-content .cm-line")[last_fc]
    driver.execute_script("arguments[0].scrollIntoView()", target)
    target.click()
    editor = driver.switch_to.active_element
    editor.send_keys(Keys.END)
    comment = lines[last_fc].find("#")
    if comment >= 0:  # before a trailing comment: the number is what must change
        editor.send_keys(Keys.HOME, *[Keys.ARROW_RIGHT] * len(lines[last_fc][:comment].rstrip()))
    for i in range(keys):
        before = driver.execute_script("return window.__bench.done.length")
        editor.send_keys("7" if i % 2 == 0 else Keys.BACKSPACE)
        wait.until(lambda d, n=before: d.execute_script("return window.__bench.done.length") > n)
        time.sleep(0.05)
    data = driver.execute_script("return window.__bench")
    latencies = []
    for pressed in data["down"]:
        after = [t for t in data["done"] if t >= pressed]
        latencies.append(after[0] - pressed)
    return latencies


@contextlib.contextmanager
def served(path: Path):
    """`netspec serve PATH` in a subprocess; yields the address it prints; Ctrl-C at the end."""
    command = [sys.executable, "-m", "netspec", "serve", str(path), "--port", "0", "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        banner = process.stdout.readline() + process.stdout.readline()
        match = re.search(r"http://\S+", banner)
        if match is None:
            raise RuntimeError(f"netspec serve printed no address: {banner!r}")
        yield match.group(0)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def browser_part(keys: int) -> None:
    from browser import browser_missing, start_browser, stop_browser

    missing = browser_missing()
    if missing:
        print(f"(a) skipped: {missing}")
        return
    specs = bundled_specs()
    largest = max(specs, key=layer_count)
    chosen = [p for p in specs if p.name == "vgg16.net"] + ([largest] if largest.name != "vgg16.net" else [])
    driver = start_browser()
    folder = Path(tempfile.mkdtemp(prefix="netspec-bench-"))
    try:
        print(f"(a) keystroke → updated table in headless Chromium, {keys} keystrokes each (ms)")
        print(f"    {'spec':<18} {'layers':>6} {'median':>7} {'p95':>7} {'max':>7}")
        for spec in chosen:
            path = folder / spec.name
            shutil.copy(spec, path)
            text = path.read_text(encoding="utf-8")
            with served(path) as url:
                latencies = keystroke_latencies(driver, url, text, keys)
            print(
                f"    {spec.name:<18} {layer_count(spec):>6} {statistics.median(latencies):>7.1f}"
                f" {percentile(latencies, 95):>7.1f} {max(latencies):>7.1f}"
            )
    finally:
        stop_browser(driver)
        shutil.rmtree(folder, ignore_errors=True)


def check_part(runs: int) -> None:
    print(f"(b) in-process, median of {runs} runs (ms)")
    print(f"    {'spec':<18} {'layers':>6} {'check_source':>12} {'analyze':>8}")
    options = MemoryOptions.from_json({})
    for path in bundled_specs():
        text = path.read_text(encoding="utf-8")
        source = SourceFile(path.name, text)
        check_source(source)
        analyze(text, path.name, options)
        checks, analyses = [], []
        for _ in range(runs):
            started = time.perf_counter()
            result = check_source(SourceFile(path.name, text))
            checks.append(time.perf_counter() - started)
            started = time.perf_counter()
            analyze(text, path.name, options)
            analyses.append(time.perf_counter() - started)
        print(
            f"    {path.name:<18} {len(result.layers):>6} {1000 * statistics.median(checks):>12.2f}"
            f" {1000 * statistics.median(analyses):>8.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=40, help="keystrokes per spec in the browser (default 40)")
    parser.add_argument("--runs", type=int, default=30, help="in-process check runs per spec (default 30)")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    check_part(args.runs)
    browser_part(args.keys)
    return 0


if __name__ == "__main__":
    sys.exit(main())
