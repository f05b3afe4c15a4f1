"""The playground in a real headless browser (Debian's Chromium under selenium): the scenario of
issue #11 — load the page, type `convv`, see the underline at its column and the did-you-mean on
hover, fix it, see the table update, change the batch and see the memory change, save and read the
file back — plus a save after the file changed on disk, and hostile text that must stay text.

The screenshot of the scenario is kept as docs/images/serve.png (NETSPEC_SCREENSHOTS=1 rewrites it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from browser import browser  # noqa: F401

from netspec.checker import check_text
from netspec.serve.server import Background
from netspec.serve.session import open_session

WAIT = 20  # seconds; a 2-core machine shared with other tests
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "images" / "serve.png"
SPEC = """\
# a small network for the playground test
network Digits
input 1x28x28
conv 8 3x3 pad=1
relu
maxpool 2
conv 16 3x3 pad=1
relu
maxpool 2
fc 10
"""


def wait_for(driver, condition, message: str):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, WAIT, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(lambda d: condition(d), message)


def text_of(driver, css: str) -> str:
    """The text of every element matching `css`, joined ("" when there is none)."""
    return " ".join(element.text for element in driver.find_elements("css selector", css))


def status(driver):
    element = driver.find_element("id", "status")
    return element.get_attribute("data-state"), element.text


def layer_rows(driver) -> list[list[str]]:
    rows = driver.find_elements("css selector", "#layers tbody tr[data-index]")
    return [[cell.text for cell in row.find_elements("css selector", "td")] for row in rows]


def editor_line(driver, number: int):
    return driver.find_elements("css selector", ".cm-content .cm-line")[number - 1]


def put_cursor(driver, line: int, column: int) -> None:
    """Click line `line` of the editor, then keys: Home, and Right to 1-based `column`."""
    from selenium.webdriver.common.keys import Keys

    editor_line(driver, line).click()
    keys = [Keys.HOME] + [Keys.ARROW_RIGHT] * (column - 1)
    driver.switch_to.active_element.send_keys(*keys)


def type_keys(driver, *keys) -> None:
    driver.switch_to.active_element.send_keys(*keys)


@pytest.fixture
def playground(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # opened as `netspec serve digits.net` is, by a relative name
    path = tmp_path / "digits.net"
    path.write_text(SPEC, encoding="utf-8")
    session = open_session("digits.net")
    with Background(session) as url:
        yield url, path


def test_the_issue_scenario_typo_hover_fix_table_batch_save(browser, playground):  # noqa: F811
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    url, path = playground
    browser.get(url)
    wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a checked spec")
    expected = check_text(SPEC, "digits.net")
    assert [row[4] for row in layer_rows(browser)] == ["×".join(map(str, layer.output)) for layer in expected.layers]
    assert browser.find_element("id", "total-params").text == f"{expected.params:,}"

    # Type `convv`: one more `v` after the `conv` of line 4.
    put_cursor(browser, 4, 5)
    type_keys(browser, "v")
    wait_for(browser, lambda d: status(d)[0] == "errors", "the typo was never reported")
    underline = wait_for(browser, lambda d: d.find_elements("css selector", ".cm-lintRange-error"), "no underline")[0]
    assert underline.text == "convv"  # exactly the word: columns 1 to 5 of line 4
    line_box, mark_box = editor_line(browser, 4).rect, underline.rect
    assert abs(mark_box["y"] - line_box["y"]) < line_box["height"]
    problem = browser.find_element("css selector", "#problems li.error")
    assert "4:1" in problem.text and "unknown layer kind `convv`" in problem.text
    assert layer_rows(browser) == []  # the error is at the first layer: no row before it

    # Hover: the message, the did-you-mean and the code in the editor's tooltip.
    ActionChains(browser).move_to_element(underline).perform()
    tooltip = wait_for(browser, lambda d: text_of(d, ".cm-tooltip-lint"), "no hover tooltip")
    assert "unknown layer kind `convv`" in tooltip
    assert "did you mean `conv`?" in tooltip and "[unknown-layer]" in tooltip

    # Fix it: the table comes back.
    put_cursor(browser, 4, 6)
    type_keys(browser, Keys.BACKSPACE)
    wait_for(
        browser, lambda d: status(d)[0] == "ok" and len(layer_rows(d)) == len(expected.layers), "no table after the fix"
    )
    assert not browser.find_elements("css selector", ".cm-lintRange-error")
    assert layer_rows(browser)[0][2] == "conv 8 3x3 pad=1"

    # Click a row: its --explain arithmetic.
    browser.find_element("css selector", '#layers tr[data-index="1"]').click()
    explain = browser.find_element("id", "explain")
    assert explain.is_displayed()
    for step in expected.layers[0].explain:
        assert step in explain.text

    # Change the batch: the memory follows.
    before = browser.find_element("id", "memory-total").text
    batch = browser.find_element("id", "batch")
    batch.send_keys(Keys.CONTROL, "a")
    batch.send_keys("512")
    wait_for(browser, lambda d: "batch 512," in d.find_element("id", "memory-figures").text, "the memory never changed")
    after = browser.find_element("id", "memory-total").text
    assert after != before

    # An edit, then save; the file on disk is the editor's text.
    editor_line(browser, 10).click()
    type_keys(browser, Keys.END, Keys.ENTER, "dropout 0.25")
    wait_for(browser, lambda d: len(layer_rows(d)) == len(expected.layers) + 1, "the new layer never showed")
    browser.find_element("id", "save").click()
    wait_for(browser, lambda d: "saved" in status(d)[1], "never saved")
    assert path.read_text(encoding="utf-8") == SPEC + "dropout 0.25\n"

    if os.environ.get("NETSPEC_SCREENSHOTS") == "1" or not SCREENSHOT.exists():
        browser.find_element("css selector", '#layers tr[data-index="4"]').click()
        put_cursor(browser, 7, 5)
        type_keys(browser, "v")  # a typo on screen, with its tooltip
        mark = wait_for(browser, lambda d: d.find_elements("css selector", ".cm-lintRange-error"), "no underline")[0]
        ActionChains(browser).move_to_element(mark).perform()
        wait_for(browser, lambda d: text_of(d, ".cm-tooltip-lint"), "no hover tooltip")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOT))


def test_a_file_changed_on_disk_shows_the_diff_before_overwriting(browser, playground):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    url, path = playground
    browser.get(url)
    wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a checked spec")
    path.write_text(SPEC.replace("fc 10", "fc 12"), encoding="utf-8")  # another editor saves meanwhile
    put_cursor(browser, 5, 1)
    type_keys(browser, Keys.END, "6")  # relu → relu6
    wait_for(browser, lambda d: "relu6" in " ".join(row[2] for row in layer_rows(d)), "the edit never showed")
    browser.find_element("id", "save").click()
    dialog = wait_for(
        browser,
        lambda d: d.find_element("id", "conflict") if d.find_element("id", "conflict").is_displayed() else None,
        "no diff",
    )
    diff = browser.find_element("id", "conflict-diff").text
    assert "-fc 12" in diff and "+fc 10" in diff and "-relu" in diff and "+relu6" in diff
    assert path.read_text(encoding="utf-8") == SPEC.replace("fc 10", "fc 12")  # nothing written yet
    browser.find_element("id", "conflict-overwrite").click()
    wait_for(browser, lambda d: "saved" in status(d)[1], "never saved")
    assert not dialog.is_displayed()
    assert path.read_text(encoding="utf-8") == SPEC.replace("relu\nmaxpool 2\nconv 16", "relu6\nmaxpool 2\nconv 16", 1)


HOSTILE = "<img src=x onerror=window.pwned=1>"
HOSTILE_SCRIPT = "<script>window.pwned=2</script>"


def injected(driver) -> dict:
    """What markup from the spec would have added to the page, had it been parsed as markup."""
    return driver.execute_script(
        "return {pwned: window.pwned === undefined ? null : window.pwned,"
        " onerror: document.querySelectorAll('[onerror]').length,"
        " images: document.querySelectorAll('img:not(#diagram)').length,"
        " scripts: document.querySelectorAll('script').length}"
    )


def test_hostile_names_and_text_stay_text(browser, tmp_path):  # noqa: F811
    """A file name, a network name and a value full of markup are shown as written; the page gains
    no element and runs no script (everything from a spec goes in through textContent)."""
    from selenium.webdriver.common.keys import Keys

    path = tmp_path / f"{HOSTILE}.net"
    path.write_text(f'network "{HOSTILE}"\ninput 1x8x8\nconv 2 3x3\nfc 2\n', encoding="utf-8")
    with Background(open_session(str(path))) as url:
        browser.get(url)
        wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a check")
        assert browser.find_element("id", "file-name").text == str(path)
        assert HOSTILE in browser.find_element("id", "totals").text
        editor_line(browser, 4).click()
        type_keys(browser, Keys.END, Keys.ENTER, f'upsample 2 mode="{HOSTILE_SCRIPT}"')
        wait_for(browser, lambda d: HOSTILE_SCRIPT in text_of(d, "#problems li"), "the bad value was never listed")
        mark = wait_for(browser, lambda d: d.find_elements("css selector", ".cm-lintRange-error"), "no underline")[0]
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(browser).move_to_element(mark).perform()
        wait_for(browser, lambda d: HOSTILE_SCRIPT in text_of(d, ".cm-tooltip-lint"), "the tooltip lacks the text")
        assert injected(browser) == {"pwned": None, "onerror": 0, "images": 0, "scripts": 1}


def test_the_page_needs_no_network_beyond_its_server(browser, playground):  # noqa: F811
    """Every script, style and font comes from the server itself: no CDN."""
    url, _ = playground
    browser.get(url)
    wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a checked spec")
    origin = url.split("/?")[0]
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(name.startswith(origin) for name in resources), resources


def test_a_bundled_example_offers_the_shipped_specs_tabs_completion_and_downloads(browser, tmp_path, monkeypatch):  # noqa: F811
    """`netspec serve` with no spec: LeNet, no Save button; picking VGG-16 from the examples redraws
    the table; the model.py tab shows what `netspec compile` writes; completion offers layer kinds;
    the .net button downloads the editor's text."""
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    from netspec.resources import bundled_spec
    from netspec.serve.analysis import compile_text

    monkeypatch.chdir(tmp_path)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    with Background(open_session(None)) as url:
        browser.get(url)
        wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a checked spec")
        assert not browser.find_element("id", "save").is_displayed()
        assert browser.find_element("id", "file-name").text == "lenet.net (example)"
        options = [o.get_attribute("value") for o in Select(browser.find_element("id", "examples")).options]
        assert {"lenet.net", "vgg16.net", "resnet50.net"} <= set(options)

        Select(browser.find_element("id", "examples")).select_by_value("vgg16.net")
        vgg16 = bundled_spec("vgg16").read_text(encoding="utf-8")
        expected = check_text(vgg16, "lenet.net")
        wait_for(browser, lambda d: len(layer_rows(d)) == len(expected.layers), "the example's table never showed")
        assert browser.find_element("id", "total-params").text == f"{expected.params:,}"

        browser.find_element("css selector", '.tab[data-tab="code"]').click()
        source = compile_text(vgg16, "lenet.net")["source"]
        wait_for(
            browser, lambda d: d.find_element("id", "code").text.strip() == source.strip(), "model.py never showed"
        )
        assert not browser.find_element("id", "panel-table").is_displayed()
        browser.find_element("id", "download-py").click()
        browser.find_element("id", "download-json").click()
        python, report = downloads / "lenet.py", downloads / "lenet.json"
        wait_for(browser, lambda d: python.exists() and report.exists(), "no .py or JSON download")
        wait_for(browser, lambda d: python.read_text(encoding="utf-8") == source, "the .py is not netspec compile's")
        downloaded = json.loads(report.read_text(encoding="utf-8"))
        assert downloaded["schema"] == 2 and downloaded["totals"]["params"] == expected.params
        assert [layer["output"] for layer in downloaded["layers"]] == [list(layer.output) for layer in expected.layers]

        diagram_tab = browser.find_element("css selector", '.tab[data-tab="diagram"]')
        if diagram_tab.is_displayed():  # netspec.draw is there
            diagram_tab.click()
            wait_for(
                browser,
                lambda d: d.execute_script(
                    "const i = document.getElementById('diagram'); return i.complete && i.naturalWidth > 0"
                ),
                "the diagram never showed",
            )
            assert browser.find_element("id", "diagram").get_attribute("src").startswith("data:image/svg+xml")
        browser.find_element("css selector", '.tab[data-tab="table"]').click()

        editor_line(browser, 1).click()
        type_keys(browser, Keys.HOME, Keys.ENTER, Keys.ARROW_UP, "maxp")
        completion = wait_for(browser, lambda d: text_of(d, ".cm-tooltip-autocomplete"), "no completion offered")
        assert "maxpool" in completion
        type_keys(browser, Keys.ESCAPE)
        assert browser.find_element("id", "file-name").get_attribute("class").split().count("modified") == 1

        browser.find_element("id", "download-net").click()
        target = downloads / "lenet.net"
        wait_for(browser, lambda d: target.exists() and target.stat().st_size > 0, "no download")
        assert target.read_text(encoding="utf-8") == "maxp\n" + vgg16  # the editor's text, as typed

        editor_line(browser, 1).click()  # after a kind, its options
        type_keys(browser, Keys.END, *[Keys.BACKSPACE] * 4, "conv 8 3x3 pa")
        options = wait_for(browser, lambda d: text_of(d, ".cm-tooltip-autocomplete"), "no option completion")
        assert "pad=" in options and "maxpool" not in options


def test_thousands_of_warnings_are_counted_but_listed_and_underlined_up_to_a_cap(browser, tmp_path):  # noqa: F811
    """1,501 `double-activation` warnings: the count says so, the list shows the first 1,000 and a
    closing line for the rest, and the page stays usable (the title names the file)."""
    path = tmp_path / "relus.net"
    path.write_text("input 8\n" + "relu\n" * 1502, encoding="utf-8")
    diagnostics = check_text(path.read_text(encoding="utf-8"), "relus.net").diagnostics.sorted()
    assert len(diagnostics) == 1501
    with Background(open_session(str(path))) as url:
        browser.get(url)
        wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a check")
        wait_for(browser, lambda d: "1501 warnings" in d.find_element("id", "problem-count").text, "no count")
        items = browser.find_elements("css selector", "#problems li")
        assert len(items) == 1001
        assert items[-1].text == "… and 501 more (the JSON download lists them all)"
        assert browser.title == "relus.net — netspec playground"


def test_an_example_picked_on_a_page_opened_on_a_file_asks_first(browser, playground):  # noqa: F811
    """Audit finding: on `netspec serve my.net`, picking an example replaced the editor's text
    without a question while the text was unchanged; Ctrl-S then wrote VGG-16 over my.net. The
    page now always asks, saying that saving would write it over the file."""
    from selenium.webdriver.support.ui import Select

    from netspec.resources import bundled_spec

    url, path = playground
    browser.get(url)
    wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a checked spec")
    rows = len(layer_rows(browser))
    Select(browser.find_element("id", "examples")).select_by_value("vgg16.net")
    question = wait_for(browser, lambda d: d.switch_to.alert, "no question before replacing the file's text")
    assert "vgg16.net" in question.text and "write it over digits.net" in question.text
    question.dismiss()
    wait_for(browser, lambda d: d.find_element("id", "examples").get_attribute("value") == "", "the choice stayed")
    assert editor_line(browser, 3).text == "input 1x28x28" and len(layer_rows(browser)) == rows

    Select(browser.find_element("id", "examples")).select_by_value("vgg16.net")
    wait_for(browser, lambda d: d.switch_to.alert, "no question the second time").accept()
    expected = check_text(bundled_spec("vgg16").read_text(encoding="utf-8"), "digits.net")
    wait_for(browser, lambda d: len(layer_rows(d)) == len(expected.layers), "the example's table never showed")
    assert path.read_text(encoding="utf-8") == SPEC  # nothing is written until Save


def test_hostile_names_stay_text_in_the_model_py_and_diagram_tabs(browser, tmp_path):  # noqa: F811
    """Audit: the network name reaches the generated model.py (a docstring) and the diagram (an SVG
    text); in the page the first is text in a <pre>, the second an <img> whose SVG runs nothing."""
    path = tmp_path / "hostile.net"
    path.write_text(f'network "{HOSTILE}{HOSTILE_SCRIPT}"\ninput 1x8x8\nconv 2 3x3\nfc 2\n', encoding="utf-8")
    with Background(open_session(str(path))) as url:
        browser.get(url)
        wait_for(browser, lambda d: status(d)[0] == "ok", "the page never showed a check")
        browser.find_element("css selector", '.tab[data-tab="code"]').click()
        wait_for(browser, lambda d: "class " in d.find_element("id", "code").text, "model.py never showed")
        assert browser.find_element("id", "code").find_elements("css selector", "*") == []
        diagram_tab = browser.find_element("css selector", '.tab[data-tab="diagram"]')
        if diagram_tab.is_displayed():
            diagram_tab.click()
            wait_for(browser, lambda d: d.find_element("id", "diagram").get_attribute("src"), "no diagram")
            assert browser.find_element("id", "diagram").get_attribute("src").startswith("data:image/svg+xml")
            wait_for(browser, lambda d: d.execute_script("return document.getElementById('diagram').complete"), "")
        assert injected(browser) == {"pwned": None, "onerror": 0, "images": 0, "scripts": 1}
