"""Swagger UI as a person uses it: a real headless Chromium opens ``/v1/ui/``, authorizes, and runs "Try it out".

The browser is the ``chromium`` on PATH (Debian's, installed by ``.ci/install-browser`` where it can install), driven
by Playwright's Python package; nothing is downloaded at run time. Without it these tests skip, naming that command
(in CI, where it is always installed, they fail). Every request the page makes outside the mock's own origin is
refused and recorded, so a Swagger UI that reaches for the internet fails here instead of hanging.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, FloatRect, Page, Route

from contracts.testing.live import MONTHLY
from mockserver.decisions.security import mint_token
from tests.conftest import ROOT

pytestmark = [pytest.mark.live, pytest.mark.timeout(60)]

SCREENSHOT = ROOT / "test-artifacts" / "swagger-ui.png"
WAIT_MS = 15_000  # each single wait: a page load, a click's effect, a response (5 s timed out once under load)

OPERATION = "#operations-generate-insight-report-aid_insight_service_generate_report"
OPERATION_PATH = "/accounts/{aid}/insight/generate-report"
AID = "P12345678"


@dataclass(frozen=True)
class ShownResponse:
    """What Swagger UI renders under "Server response", and what the browser really sent."""

    status: str
    body: str
    request_url: str
    authorization: str | None


@dataclass
class SwaggerUI:
    """The Swagger UI page of one live mock, with the selectors of Swagger UI 4 in one place."""

    page: Page
    base_url: str
    offsite_requests: list[str] = field(default_factory=list)

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/ui/", wait_until="domcontentloaded")
        self.page.locator(OPERATION).wait_for(state="visible")

    @property
    def operation_summary(self) -> str:
        return self.page.locator(f"{OPERATION} .opblock-summary").inner_text()

    def authorize(self, token: str) -> None:
        self.page.locator(".scheme-container button.authorize").click()
        dialog = self.page.locator(".dialog-ux .modal-ux")
        dialog.locator('input[aria-label="auth-bearer-value"]').fill(token)
        dialog.locator("button.modal-btn.authorize").click()
        dialog.get_by_text("Authorized", exact=True).wait_for(state="visible")
        dialog.locator("button.btn-done").click()
        dialog.wait_for(state="detached")

    def try_it_out(self, aid: str, body: dict[str, str]) -> ShownResponse:
        operation = self.page.locator(OPERATION)
        operation.locator(".opblock-summary").click()
        operation.locator("button.try-out__btn").click()
        operation.locator('tr[data-param-name="aid"] input').fill(aid)
        operation.locator("textarea.body-param__text").fill(json.dumps(body, indent=2))
        with self.page.expect_request(lambda request: request.method == "POST") as sent:
            operation.locator("button.execute").click()
        live = operation.locator(".live-responses-table .response")
        live.locator(".response-col_status").wait_for(state="visible")
        return ShownResponse(
            status=live.locator(".response-col_status").inner_text().strip(),
            body=live.locator(".highlight-code pre").first.inner_text(),
            request_url=operation.locator(".request-url pre").inner_text().strip(),
            authorization=sent.value.header_value("authorization"),
        )

    def keep_screenshot(self) -> None:
        """From the Authorize button down to the server's response, legible; the whole page if there is none."""
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        top = self._page_y(".scheme-container", "top")
        bottom = self._page_y(f"{OPERATION} .live-responses-table", "bottom")
        if top is None or bottom is None:
            self.page.screenshot(path=SCREENSHOT, full_page=True)
            return
        width = self.page.viewport_size["width"] if self.page.viewport_size else 1280
        clip: FloatRect = {"x": 0, "y": top, "width": width, "height": bottom - top + 16}
        self.page.screenshot(path=SCREENSHOT, full_page=True, clip=clip)

    def _page_y(self, selector: str, edge: str) -> float | None:
        """Where an element's top or bottom edge is on the whole page, not in the scrolled viewport."""
        y = self.page.evaluate(
            "([selector, edge]) => {"
            " const found = document.querySelector(selector);"
            " return found ? found.getBoundingClientRect()[edge] + window.scrollY : null; }",
            [selector, edge],
        )
        return float(y) if y is not None else None


@pytest.fixture
def swagger_ui(browser: Browser, live_mock: str) -> Iterator[SwaggerUI]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    ui = SwaggerUI(context.new_page(), live_mock)
    mock_origin = urlsplit(live_mock)[:2]

    def only_the_mock(route: Route) -> None:
        if urlsplit(route.request.url)[:2] == mock_origin:
            route.continue_()
        else:
            ui.offsite_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_mock)
    ui.open()
    yield ui
    context.close()


def test_swagger_ui_lists_the_generate_report_operation(swagger_ui: SwaggerUI) -> None:
    summary = swagger_ui.operation_summary
    assert "POST" in summary
    assert OPERATION_PATH in summary.replace("\u200b", "")


def test_swagger_ui_loads_nothing_from_outside_the_mock(swagger_ui: SwaggerUI) -> None:
    swagger_ui.page.wait_for_load_state("load")
    assert swagger_ui.offsite_requests == []


def test_try_it_out_without_authorizing_shows_a_401(swagger_ui: SwaggerUI) -> None:
    shown = swagger_ui.try_it_out(AID, MONTHLY)
    assert shown.authorization is None
    assert shown.status == "401", shown.body


def test_try_it_out_after_authorizing_shows_a_200_with_a_csv_report(swagger_ui: SwaggerUI, live_mock: str) -> None:
    token = mint_token(("write:insight",))
    swagger_ui.authorize(token)
    try:
        shown = swagger_ui.try_it_out(AID, MONTHLY)
    finally:
        swagger_ui.keep_screenshot()
    assert shown.request_url == f"{live_mock}/accounts/{AID}/insight/generate-report"
    assert shown.authorization == f"Bearer {token}"
    assert shown.status == "200", shown.body
    assert json.loads(shown.body)["contentType"] == "text/csv"
    assert swagger_ui.offsite_requests == []
