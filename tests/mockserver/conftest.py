"""The real browser of the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright, nothing downloaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
MISSING_BROWSER = f"{CHROMIUM} is missing: run .ci/install-browser (it installs Debian's chromium)"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAUNCH_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """A headless Chromium for one test module (an empty profile: Playwright gives each launch a fresh one)."""
    from playwright.sync_api import sync_playwright  # only the browser tests pay for importing it

    assert CHROMIUM.exists(), MISSING_BROWSER
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS, timeout=LAUNCH_MS
        )
        yield chromium
        chromium.close()
