"""The real browser of the browser tests: the system's ``chromium`` driven by Playwright, nothing downloaded.

Where it is missing the browser tests skip, naming the command that installs it (in CI, where it is installed, that
is a failure), as the interop tests do for their tools.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.conftest import missing_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser

MISSING_BROWSER = "chromium is not on PATH; run `bash .ci/install-browser` (as root: it installs Debian's chromium)"
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

    executable = shutil.which("chromium") or missing_tool(MISSING_BROWSER)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS, timeout=LAUNCH_MS
        )
        yield chromium
        chromium.close()
