"""The page's HTML as pure functions: what a person reads, everything a client sent escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

import pytest

from mockserver.decisions.errors import BadRequest
from mockserver.pages.journal_page import (
    MAX_ROWS,
    JournalFilter,
    Links,
    ReportPreview,
    csv_preview,
    journal_filter,
    render_entry,
    render_list,
    render_page,
)
from mockserver.settings import SettingLine
from mockserver.state.journal import MAX_ANSWER

LINKS = Links("/_mock", "/v1")
PATH = "/v1/accounts/P12345678/insight/generate-report"
REFUSAL = {
    "error": {
        "code": "INVALID_PERIOD",
        "message": "schedule 'monthly' needs 'to' = 2026-12-01",
        "errors": [
            {"path": "/to", "code": "window-end", "message": "needs 'to' = 2026-12-01", "expected": "2026-12-01"}
        ],
    }
}


def listed(status: int = 400, number: int = 1, **overrides: Any) -> dict[str, Any]:
    """An entry as ``GET /_mock/requests`` lists it."""
    body = '{"dataType":"checkout/transactions","schedule":"monthly","from":"2026-11-01","to":"2026-12-02"}'
    values: dict[str, Any] = {
        "id": f"abc-{number}",
        "time": "2026-12-03T14:03:07.123Z",
        "method": "POST",
        "path": PATH,
        "query": "",
        "headers": [
            ["host", "127.0.0.1:8080"],
            ["authorization", "bearer (redacted)"],
            ["content-type", "application/json"],
        ],
        "body": body,
        "body_bytes": len(body),
        "status": status,
        "outcome": "accepted" if status < 400 else "rejected" if status < 500 else "failed",
        "error_code": "INVALID_PERIOD" if status == 400 else None,
        "answer_headers": [["content-type", "application/json"]],
        "answer": json.dumps(REFUSAL) if status == 400 else "{}",
        "report_url": None,
        "authorization": "bearer (redacted)",
        "duration_ms": 1.25,
    }
    return {**values, **overrides}


class Text(HTMLParser):
    """What a browser would show as text, and the elements it would build (to find a <script> that got through)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def shown(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    return parser


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def test_a_body_holding_markup_is_shown_as_text_never_as_elements() -> None:
    entry = listed(200, body=HOSTILE, path=PATH + "/<b>", query="q=<i>", headers=[["x-note", HOSTILE]])
    page = shown(render_entry(entry, None, "http://127.0.0.1:8080"))
    assert {"script", "img", "b", "i"}.isdisjoint(page.tags)
    assert HOSTILE in "".join(page.text)


def test_the_list_escapes_every_field_a_client_chose() -> None:
    entry = listed(400, path="/v1/<script>x</script>", query="a=<img>", method="P<S>T", error_code="<b>CODE</b>")
    page = shown(render_list([entry], 200, JournalFilter(), LINKS))
    assert {"script", "img", "b"}.isdisjoint(page.tags)
    assert "<b>CODE</b>" in "".join(page.text)


def test_the_list_is_newest_first_as_given_with_every_column() -> None:
    entries = [listed(200, 3, error_code=None), listed(400, 2), listed(500, 1, error_code="INTERNAL_ERROR")]
    text = " ".join(shown(render_list(entries, 200, JournalFilter(), LINKS)).text)
    assert text.index("200") < text.index("400") < text.index("500")
    for expected in ("14:03:07.123", "POST", PATH, "rejected", "INVALID_PERIOD", "failed", "1.2 ms", "3 requests"):
        assert expected in text.replace("/ ", "/"), expected


def test_each_row_links_to_the_page_with_that_entry_open_keeping_the_filter() -> None:
    html = render_list([listed(400, 7)], 200, JournalFilter("rejected", 400), LINKS)
    assert 'href="/_mock/?outcome=rejected&amp;status=400&amp;entry=abc-7"' in html


def test_the_filter_keeps_only_the_matching_outcome_and_status() -> None:
    entries = [listed(200, 1), listed(400, 2), listed(401, 3), listed(500, 4)]
    assert [e["id"] for e in entries if journal_filter("rejected").keeps(e)] == ["abc-2", "abc-3"]
    assert [e["id"] for e in entries if journal_filter(None, "401").keeps(e)] == ["abc-3"]
    assert [e["id"] for e in entries if journal_filter("", "").keeps(e)] == ["abc-1", "abc-2", "abc-3", "abc-4"]
    text = " ".join(shown(render_list(entries, 200, journal_filter("failed"), LINKS)).text)
    assert "4 requests" in text and "1 match the filter" in text


@pytest.mark.parametrize(
    ("outcome", "status"), [("refused", None), (None, "abc"), (None, "99"), (None, "600"), (None, "٤٠٠")]
)
def test_a_filter_that_can_match_nothing_is_a_400_saying_what_exists(outcome: str | None, status: str | None) -> None:
    with pytest.raises(BadRequest) as refused:
        journal_filter(outcome, status)
    assert "accepted, rejected, failed" in refused.value.message or "100 to 599" in refused.value.message


def test_a_long_journal_lists_only_the_newest_rows() -> None:
    entries = [listed(200, number) for number in range(MAX_ROWS + 5)]
    html = render_list(entries, 100_000, JournalFilter(), LINKS)
    assert html.count("<tr data-id=") == MAX_ROWS and f"the newest {MAX_ROWS} are listed" in html


def test_an_empty_journal_says_where_requests_come_from() -> None:
    assert "No requests yet" in render_list([], 200, JournalFilter(), LINKS)


def test_a_refusal_lists_each_problem_with_its_path_and_the_value_that_would_have_been_right() -> None:
    html = render_entry(listed(400), None, "http://127.0.0.1:8080")
    problems = html.split('class="problems"', 1)[1].split("</table>", 1)[0]
    assert "/to" in problems and "window-end" in problems and "2026-12-01" in problems
    assert "schedule &#x27;monthly&#x27; needs &#x27;to&#x27; = 2026-12-01" in html


def test_an_entry_shows_its_headers_body_answer_and_both_replays() -> None:
    text = "".join(shown(render_entry(listed(400), None, "http://127.0.0.1:8080")).text)
    for expected in ("bearer (redacted)", '"to":"2026-12-02"', '"code": "INVALID_PERIOD"', "curl -i", "await fetch("):
        assert expected in text, expected


def test_a_body_or_answer_the_journal_cut_says_so() -> None:
    entry = listed(400, body="x" * 4096, body_bytes=70_000, answer="y" * MAX_ANSWER)
    html = render_entry(entry, None, "http://127.0.0.1:8080")
    assert "the first 4096 characters of 70000 bytes" in html
    assert f"the first {MAX_ANSWER} characters" in html


def test_a_csv_preview_shows_the_header_and_the_first_rows_of_all_it_has() -> None:
    body = "Id,Amount\r\n" + "".join(f"t{number},{number}00\r\n" for number in range(25))
    preview = csv_preview("http://h/_mock/reports/abc", "r.csv", "text/csv", body.encode(), 25, limit=3)
    assert preview.columns == ("Id", "Amount") and preview.rows == (("t0", "000"), ("t1", "100"), ("t2", "200"))
    assert preview.row_count == 25 and preview.link == "/_mock/reports/abc"
    html = render_entry(listed(200, report_url=preview.url), preview, "http://127.0.0.1:8080")
    assert "the first 3 of 25 rows" in html and 'href="/_mock/reports/abc"' in html


def test_a_pdf_report_is_a_link_without_a_table() -> None:
    preview = ReportPreview("http://h/_mock/reports/p", "r.pdf", "application/pdf")
    html = render_entry(listed(200, report_url=preview.url), preview, "http://127.0.0.1:8080")
    assert 'href="/_mock/reports/p" download="r.pdf"' in html and 'class="preview"' not in html


def test_the_page_shows_every_setting_marks_the_changed_ones_and_links_both_swagger_uis() -> None:
    settings = [SettingLine("Auth", "claims", False), SettingLine("CORS", "http://localhost:5173", True)]
    html = render_page(journal="", opened=None, settings=settings, links=LINKS, chosen=JournalFilter())
    assert "<dt>Auth</dt><dd>claims</dd>" in html
    assert "<dt class=changed>CORS</dt><dd class=changed>http://localhost:5173</dd>" in html
    assert 'href="/v1/ui/"' in html and 'href="/_mock/ui/"' in html and 'href="/_mock/requests"' in html


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = render_page(journal="", opened=None, settings=[], links=LINKS, chosen=JournalFilter())
    assert "<script src" not in html and '<link rel="stylesheet"' not in html and "http" not in html.split("<body")[0]
