"""Debian's Chromium, driven headless by Playwright, for the tests and tools that look at a page.

No browser is downloaded: Playwright drives the Chromium that
``.ci/setup-browser.sh`` installs from Debian's packages. Where it or the
Playwright package is missing, the browser tests skip, naming what to
install; with ``$CAREERCONV_REQUIRE_BROWSER`` set (``.ci/run`` sets it) they
fail instead, so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REQUIRE_ENV = "CAREERCONV_REQUIRE_BROWSER"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The flags a closed network needs: no background fetches, updates, sync or first-run pages.
CHROMIUM_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Debian's Chromium binary, or None."""
    found = os.environ.get("CAREERCONV_CHROMIUM") or next(
        (path for path in CHROMIUM_CANDIDATES if Path(path).is_file()), None
    )
    return found or shutil.which("chromium")


def require_browser() -> str:
    """The Chromium binary; skips the calling test (fails under CI) when it or Playwright is missing."""
    path = chromium_path()
    missing = []
    if path is None:
        missing.append("Debian's chromium (bash .ci/setup-browser.sh, or apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401 - only whether it imports
    except ImportError:
        missing.append('the playwright package (pip install -e ".[test]")')
    if missing:
        message = "the browser tests need " + " and ".join(missing)
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert path is not None
    return path


@contextmanager
def chromium(executable: str) -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()
