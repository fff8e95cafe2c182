"""Browser tests: Playwright driving Debian's chromium (``/usr/bin/chromium``); no browser download.

Outside CI a missing chromium or Playwright skips with the reason; in CI (``CI=true``) it fails,
because ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("browser tests need the 'playwright' package (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        # --no-sandbox: CI runs as root, where chromium's sandbox refuses to start
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=["--no-sandbox", "--disable-gpu"])
        try:
            yield launched
        finally:
            launched.close()
