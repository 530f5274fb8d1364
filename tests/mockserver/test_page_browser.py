"""``/_mock/`` as a frontend developer uses it: a real headless Chromium, an app on another origin, the mock's page.

The app is a page served on another port of 127.0.0.1 (as a dev server serves one) that calls the mock, started with
``--cors-origin`` for it, with ``fetch``. (A page the browser made up itself would not do: Chromium lets only pages
from a loopback address call one.) The mock's page is open in another tab the whole time; every request it makes is
recorded, and any outside the mock's origin is refused. With ``--workers 2`` the app's requests and the page's land
on either worker: the page reads the shared journal.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, Route, expect

from contracts.testing.live import VALID_AID, free_port
from mockserver.decisions.security import mint_token
from tests.conftest import ROOT, start_mock, stop

pytestmark = [pytest.mark.live, pytest.mark.timeout(90)]

APP_PAGE = b"<!doctype html><title>a frontend</title><p>an app that calls the mock</p>"
SCREENSHOT = ROOT / "test-artifacts" / "mock-page.png"
README_SCREENSHOT = ROOT / "tests" / "mockserver" / "mock-page.png"  # shown by the README; see UPDATE_VARIABLE
UPDATE_VARIABLE = "INSIGHT_UPDATE_SCREENSHOTS"
WAIT_MS = 15_000  # a page load or a click's effect on a loaded 2-core machine (5 s once timed out)
SHOWN_WITHIN_MS = 2_000  # the promise: a request shows on the open page within 2 s
PATH = f"/v1/accounts/{VALID_AID}/insight/generate-report"
# A window wholly in the past: its report has rows (rows after the moment of download are left out).
ACCEPTED = {
    "dataType": "checkout/transactions",
    "schedule": "monthly",
    "language": "en",
    "from": "2026-10-01",
    "to": "2026-11-01",
}
REFUSED = {**ACCEPTED, "to": "2026-11-02"}  # one day too long: INVALID_PERIOD, 'to' would be right as 2026-11-01


@dataclass
class Browsing:
    """One browser context: the app's tab, the mock's page, and what the page asked of whom."""

    context: BrowserContext
    mock_origin: str
    app: Page
    page: Page
    page_requests: list[str] = field(default_factory=list)
    refused_offsite: list[str] = field(default_factory=list)

    def call_the_mock(self, body: dict[str, str], token: str) -> int:
        """What the app does: a CORS ``fetch`` with a bearer token and a JSON body; the status it got."""
        return int(
            self.app.evaluate(
                """async ([url, token, body]) => {
                    const response = await fetch(url, {
                        method: "POST",
                        headers: {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"},
                        body: JSON.stringify(body),
                    });
                    return response.status;
                }""",
                [self.mock_origin + PATH, token, body],
            )
        )

    def row(self, status: int) -> Locator:
        return self.page.locator("#journal tbody tr", has=self.page.locator(f"td.status:text-is('{status}')"))


class AppPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(APP_PAGE)))
        self.end_headers()
        self.wfile.write(APP_PAGE)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture(scope="module")
def app_origin() -> Iterator[str]:
    """The app's dev server: one page, on a free port of 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), AppPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@dataclass(frozen=True)
class Mock:
    origin: str
    workers: int


@pytest.fixture(scope="module", params=[1, 2], ids=["1 worker", "2 workers"])
def mock(request: pytest.FixtureRequest, app_origin: str) -> Iterator[Mock]:
    process, base = start_mock("--workers", str(request.param), "--cors-origin", app_origin)
    yield Mock(base.removesuffix("/v1"), request.param)
    stop(process)


@pytest.fixture
def browsing(browser: Browser, mock: Mock, app_origin: str) -> Iterator[Browsing]:
    mock_origin = mock.origin
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    allowed = {urlsplit(mock_origin)[:2], urlsplit(app_origin)[:2]}
    refused: list[str] = []

    def only_the_app_and_the_mock(route: Route) -> None:
        if urlsplit(route.request.url)[:2] in allowed:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_app_and_the_mock)
    page = context.new_page()
    browsing = Browsing(context, mock_origin, context.new_page(), page, refused_offsite=refused)

    def recorded(request: Request) -> None:
        if not request.url.startswith("data:"):  # the page's empty inline icon: no request leaves the browser
            browsing.page_requests.append(request.url)

    page.on("request", recorded)
    browsing.app.goto(app_origin + "/", wait_until="domcontentloaded")
    page.goto(mock_origin + "/_mock/", wait_until="domcontentloaded")
    page.locator("#clear").click()  # a module's mock is shared: start from an empty journal
    expect(page.locator("#journal")).to_contain_text("No requests yet")
    yield browsing
    context.close()


def test_the_page_shows_a_refused_and_an_accepted_request_within_two_seconds_and_opens_each(
    browsing: Browsing, mock: Mock
) -> None:
    token = mint_token(("write:insight",))
    assert browsing.call_the_mock(REFUSED, token) == 400
    assert browsing.call_the_mock(ACCEPTED, token) == 200
    page = browsing.page

    refused, accepted = browsing.row(400), browsing.row(200)
    expect(refused).to_have_count(1, timeout=SHOWN_WITHIN_MS)
    expect(accepted).to_have_count(1, timeout=SHOWN_WITHIN_MS)
    expect(refused).to_contain_text(PATH)
    expect(refused).to_contain_text("INVALID_PERIOD")
    expect(accepted).to_contain_text(PATH)
    rows = page.locator("#journal tbody tr td.status")
    assert rows.all_inner_texts() == ["200", "400"]  # newest first

    refused.click()
    problems = page.locator("#entry table.problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems).to_contain_text("/to")
    expect(problems).to_contain_text("2026-11-01")  # the value that would have been right
    expect(page.locator("#entry")).to_contain_text("bearer (redacted)")
    assert token not in page.content()
    if mock.workers == 1:
        keep_screenshot(page)

    accepted.click()
    preview = page.locator("#entry table.preview tbody tr")
    expect(preview.first).to_be_visible()
    assert preview.count() >= 1
    expect(page.locator("#entry")).to_contain_text("P12345678_checkout-transactions_2026-10-01_2026-11-01.csv")

    page.locator("#clear").click()
    expect(page.locator("#journal tbody tr")).to_have_count(0)
    expect(page.locator("#journal")).to_contain_text("No requests yet")

    assert browsing.refused_offsite == []
    assert browsing.page_requests and all(url.startswith(mock.origin + "/") for url in browsing.page_requests)


# Sharing between workers is the first test's to show; what follows needs only one mock.
ONE_WORKER = pytest.mark.parametrize("mock", [1], ids=["1 worker"], indirect=True)


@ONE_WORKER
def test_a_body_holding_a_script_shows_as_text_and_never_runs(browsing: Browsing) -> None:
    script = "<script>window.injected = true</script><img src=x onerror='window.injected = true'>"
    assert browsing.call_the_mock({**ACCEPTED, "note": script}, mint_token(("write:insight",))) == 200
    row = browsing.row(200)
    expect(row).to_have_count(1, timeout=SHOWN_WITHIN_MS)
    row.click()
    expect(browsing.page.locator("#entry pre").first).to_contain_text(script)
    assert browsing.page.evaluate("window.injected") is None
    assert browsing.refused_offsite == []  # the <img src=x> never became a request


@ONE_WORKER
def test_filters_list_only_the_matching_requests(browsing: Browsing) -> None:
    token = mint_token(("write:insight",))
    statuses = [browsing.call_the_mock(body, token) for body in (ACCEPTED, REFUSED, REFUSED)]
    assert statuses == [200, 400, 400]
    page = browsing.page
    expect(page.locator("#journal tbody tr")).to_have_count(3, timeout=SHOWN_WITHIN_MS)
    page.locator("input[name=outcome][value=accepted]").check()
    expect(page.locator("#journal tbody tr")).to_have_count(1)
    assert re.search(r"outcome=accepted", page.url)
    page.locator("input[name=outcome][value='']").check()
    page.locator("input[name=status]").fill("400")
    page.locator("input[name=status]").press("Enter")
    expect(page.locator("#journal tbody tr")).to_have_count(2)


def keep_screenshot(page: Page) -> None:
    """The page as a person sees it, for test-artifacts/, and for the README when ``UPDATE_VARIABLE`` is 1."""
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT, clip={"x": 0, "y": 0, "width": 1280, "height": 640})  # the list and the "Why"
    if os.environ.get(UPDATE_VARIABLE) == "1":
        shutil.copyfile(SCREENSHOT, README_SCREENSHOT)
