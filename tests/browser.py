"""A real headless browser for tests that look at what people see (the drawings, the playground).

Debian's `chromium` and `chromium-driver`, driven by selenium. `.ci/run` installs both, so in CI
these tests always run; `NETSPEC_REQUIRE_BROWSER=1` (set by CI) turns a missing browser into a failure
instead of a skip on a developer's machine.

    def test_page(browser):
        browser.get("file:///tmp/x.svg")
        browser.save_screenshot("/tmp/x.png")
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Without the background-networking flags Chromium keeps trying to reach its own servers, which a
# closed network refuses, many connections at a time.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--window-size=1400,1000",
)


def browser_missing() -> str | None:
    """Why no browser can start here, or None when one can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(os.path.basename(path))):
            return f"{path} is not installed (Debian: apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    return None


def start_browser():
    """A new headless Chromium under selenium, with its own empty profile folder."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="netspec-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver_path = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    driver._netspec_profile = profile  # removed when the browser quits
    return driver


def stop_browser(driver) -> None:
    try:
        driver.quit()
    finally:
        shutil.rmtree(getattr(driver, "_netspec_profile", ""), ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (starting one takes about a second)."""
    missing = browser_missing()
    if missing:
        if os.environ.get("NETSPEC_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    driver = start_browser()
    try:
        yield driver
    finally:
        stop_browser(driver)
