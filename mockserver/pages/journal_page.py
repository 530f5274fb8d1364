"""``/_mock/``: the journal as a page (newest first, filtered), one request opened in full, and the settings.

Entries come as ``GET /_mock/requests`` lists them (``mockserver.edge.frontdoor.listed_entry``), so the page and the
JSON never disagree. The page is whole without JavaScript (filters are a GET form, each row a link that opens it);
its script only refreshes the list every second, opens entries in place and clears the journal with the journal's
own ``DELETE``. Every value is escaped with ``html.escape``: a body holding ``<script>`` shows as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from mockserver.decisions.errors import BadRequest
from mockserver.pages.assets import SCRIPT, STYLE
from mockserver.pages.replay import curl_command, fetch_call
from mockserver.settings import SettingLine
from mockserver.state.journal import MAX_ANSWER, OUTCOMES

Entry = Mapping[str, Any]
MAX_ROWS = 500  # rows the page lists at most (a journal may keep 100000): a filter narrows them
PREVIEW_ROWS = 10  # rows of a CSV report shown under its link
STATUSES = range(100, 600)
PLACEHOLDER = "Open a request to see what was sent, why the mock answered so, and how to send it again."


@dataclass(frozen=True)
class JournalFilter:
    """Which entries the page lists: by outcome (``accepted``, ``rejected``, ``failed``) and by status."""

    outcome: str | None = None
    status: int | None = None

    def keeps(self, entry: Entry) -> bool:
        return (self.outcome is None or entry["outcome"] == self.outcome) and (
            self.status is None or entry["status"] == self.status
        )

    def query(self) -> dict[str, str]:
        chosen = {"outcome": self.outcome, "status": None if self.status is None else str(self.status)}
        return {name: value for name, value in chosen.items() if value is not None}


def journal_filter(outcome: str | None = None, status: str | int | None = None) -> JournalFilter:
    """The filter a query asks for; a 400 naming the values that exist for one that cannot match anything."""
    if outcome == "":
        outcome = None
    if outcome is not None and outcome not in OUTCOMES:
        raise BadRequest(f"outcome {str(outcome)[:40]!r} is not one of: {', '.join(OUTCOMES)}")
    if status in (None, ""):
        return JournalFilter(outcome)
    text = str(status)
    number = int(text) if text.isascii() and text.isdigit() else None
    if number not in STATUSES:
        raise BadRequest(f"status {text[:40]!r} is not an HTTP status (a whole number from 100 to 599)")
    return JournalFilter(outcome, number)


@dataclass(frozen=True)
class Links:
    """Where the page points: the admin API it belongs to and both Swagger UIs."""

    admin_base: str  # /_mock
    api_base: str  # /v1

    @property
    def page(self) -> str:
        return self.admin_base + "/"

    @property
    def journal_json(self) -> str:
        return self.admin_base + "/requests"

    @property
    def api_ui(self) -> str:
        return self.api_base + "/ui/"

    @property
    def admin_ui(self) -> str:
        return self.admin_base + "/ui/"


@dataclass(frozen=True)
class ReportPreview:
    """The report a 200 named: its link, and for a CSV its first rows."""

    url: str  # as the answer's X-Mock-Report-Url gave it
    filename: str
    media_type: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    row_count: int = 0
    problem: str | None = None  # why there is no preview

    @property
    def link(self) -> str:
        """The same report on the page's own origin (the client may have called the mock by another name)."""
        return urlsplit(self.url).path


def csv_preview(
    url: str, filename: str, media_type: str, body: bytes, row_count: int, limit: int = PREVIEW_ROWS
) -> ReportPreview:
    """The header and the first ``limit`` of the ``row_count`` rows of a CSV report (only those are parsed)."""
    reader = csv.reader(io.StringIO(body.decode("utf-8", "replace"), newline=""))
    columns = tuple(next(reader, ()))
    rows = tuple(tuple(row) for row in itertools.islice(reader, limit))
    return ReportPreview(url, filename, media_type, columns, rows, row_count)


def _query_link(links: Links, chosen: JournalFilter, entry_id: str) -> str:
    return links.page + "?" + urlencode({**chosen.query(), "entry": entry_id})


def _clock(iso_time: str) -> str:
    """``14:03:07.123`` of ``2026-12-03T14:03:07.123Z`` (UTC; the script shows local time)."""
    return iso_time.partition("T")[2].removesuffix("Z") or iso_time


def _path_and_query(entry: Entry) -> str:
    return str(entry["path"]) + (f"?{entry['query']}" if entry["query"] else "")


def _breakable(path: str) -> str:
    """A path, escaped, that may wrap after each ``/`` (a narrow column then breaks it between segments)."""
    return "/<wbr>".join(escape(segment) for segment in path.split("/"))


def _row(entry: Entry, links: Links, chosen: JournalFilter) -> str:
    cells = (
        f'<td><time datetime="{escape(entry["time"])}">{escape(_clock(entry["time"]))}</time></td>',
        f"<td>{escape(entry['method'])}</td>",
        f'<td class="path"><a href="{escape(_query_link(links, chosen, entry["id"]))}">'
        f"{_breakable(_path_and_query(entry))}</a></td>",
        f'<td class="status num">{entry["status"]}</td>',
        f"<td>{escape(entry['outcome'])}</td>",
        f"<td>{escape(entry['error_code'] or '')}</td>",
        f'<td class="num">{entry["duration_ms"]:.1f} ms</td>',
    )
    return f'<tr data-id="{escape(entry["id"])}" class="outcome-{escape(entry["outcome"])}">{"".join(cells)}</tr>'


def render_list(entries: Sequence[Entry], capacity: int, chosen: JournalFilter, links: Links) -> str:
    """The list of requests (the part the script refreshes): newest first, at most ``MAX_ROWS``."""
    kept = [entry for entry in entries if chosen.keeps(entry)]
    if not entries:
        return (
            f'<p class="summary note">No requests yet: what is sent to {escape(links.api_base)}/... shows here '
            f"within a second (the journal keeps the last {capacity}).</p>"
        )
    summary = f"{len(entries)} request{'s' if len(entries) != 1 else ''} in the journal (it keeps the last {capacity})"
    if chosen.query():
        summary += f"; {len(kept)} match the filter"
    if len(kept) > MAX_ROWS:
        summary += f"; the newest {MAX_ROWS} are listed"
    head = "".join(
        f"<th{' class=num' if name in ('status', 'duration') else ''}>{name}</th>"
        for name in ("time", "method", "path", "status", "outcome", "error code", "duration")
    )
    rows = "\n".join(_row(entry, links, chosen) for entry in kept[:MAX_ROWS])
    return (
        f'<p class="summary">{escape(summary)}</p>\n'
        f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody></table>"
    )


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], css_class: str) -> str:
    header = "".join(f"<th>{escape(name)}</th>" for name in head)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css_class}"><thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody></table>'


def _headers(headers: Sequence[Sequence[str]]) -> str:
    if not headers:
        return '<p class="note">no headers</p>'
    return _table(("header", "value"), [(name, value) for name, value in headers], "headers")


def _error_of(answer: str) -> Mapping[str, Any] | None:
    """The ``error`` object of an answer in the contract's Error shape, if it is one."""
    try:
        error = json.loads(answer)["error"]
    except (ValueError, KeyError, TypeError):
        return None
    return error if isinstance(error, dict) else None


def _why(entry: Entry) -> str:
    error = _error_of(entry["answer"])
    if error is None:
        return ""
    parts = [f'<h3>Why</h3>\n<p class="message">{escape(str(error.get("message", "")))}</p>']
    problems = [item for item in error.get("errors") or () if isinstance(item, dict)]
    if problems:
        rows = [
            (item.get("path", ""), item.get("code", ""), item.get("message", ""), item.get("expected", ""))
            for item in problems
        ]
        parts.append(_table(("path", "problem", "message", "would be right"), rows, "problems"))
    return "\n".join(parts)


def _report(preview: ReportPreview | None) -> str:
    if preview is None:
        return ""
    parts = [
        "<h3>Report</h3>",
        f'<p><a href="{escape(preview.link)}" download="{escape(preview.filename)}">{escape(preview.filename)}</a> '
        f'<span class="note">({escape(preview.media_type)}; {escape(preview.url)})</span></p>',
    ]
    if preview.problem:
        parts.append(f'<p class="note">{escape(preview.problem)}</p>')
    elif preview.columns:
        parts.append(f'<div class="scroll">{_table(preview.columns, preview.rows, "preview")}</div>')
        shown = len(preview.rows)
        parts.append(
            f'<p class="note">the first {shown} of {preview.row_count} rows</p>'
            if preview.row_count > shown
            else f'<p class="note">{preview.row_count} row{"s" if preview.row_count != 1 else ""}: all of them</p>'
        )
    return "\n".join(parts)


def _body(text: str | None, size: int | None, what: str) -> str:
    if text is None:
        return f'<p class="note">no {what}</p>'
    note = ""
    if size is not None and size > len(text.encode("utf-8")):
        note = f'<p class="note">the journal kept the first {len(text)} characters of {size} bytes</p>\n'
    return f"{note}<pre>{escape(text)}</pre>"


def _answer_text(answer: str) -> str:
    """The answer laid out to be read when it is JSON (the mock's own output), else as it was."""
    try:
        return json.dumps(json.loads(answer), indent=2, ensure_ascii=False)
    except ValueError:
        return answer


def _snippet(name: str, code: str) -> str:
    return (
        f'<div class="snippet"><button type="button" data-copy="replay-{name}">copy</button>'
        f'<pre id="replay-{name}">{escape(code)}</pre></div>'
    )


def render_entry(entry: Entry, preview: ReportPreview | None, fallback_origin: str) -> str:
    """One request in full: what came back and why, the report, what was sent, and how to send it again."""
    code = f" &middot; {escape(entry['error_code'])}" if entry["error_code"] else ""
    answer = entry["answer"]
    cut = (
        f'<p class="note">the journal kept the first {MAX_ANSWER} characters</p>\n' if len(answer) >= MAX_ANSWER else ""
    )
    return "\n".join(
        part
        for part in (
            f'<article data-id="{escape(entry["id"])}">',
            f"<h2>{escape(entry['method'])} <code>{escape(_path_and_query(entry))}</code></h2>",
            f'<p class="outcome-{escape(entry["outcome"])}"><span class="status">{entry["status"]}</span> '
            f"{escape(entry['outcome'])}{code} &middot; "
            f'<time datetime="{escape(entry["time"])}">{escape(_clock(entry["time"]))}</time> &middot; '
            f"{entry['duration_ms']:.1f} ms</p>",
            _why(entry) if entry["status"] >= 400 else "",
            _report(preview),
            "<h3>Request</h3>",
            _headers(entry["headers"]),
            _body(entry["body"], entry["body_bytes"], "body"),
            "<h3>Answer</h3>",
            _headers(entry["answer_headers"]),
            cut + _body(_answer_text(answer) if answer else None, None, "body"),
            "<h3>Send it again</h3>",
            _snippet("curl", curl_command(entry, fallback_origin)),
            _snippet("fetch", fetch_call(entry, fallback_origin)),
            "</article>",
        )
        if part
    )


def render_missing_entry(entry_id: str) -> str:
    return (
        f'<p class="note">No request {escape(entry_id[:100])} in the journal: it was cleared, or newer requests '
        "pushed it out.</p>"
    )


def _filters(chosen: JournalFilter, links: Links) -> str:
    choices = [("", "all"), *((outcome, outcome) for outcome in OUTCOMES)]
    radios = "".join(
        f'<label><input type="radio" name="outcome" value="{escape(value)}"'
        f"{' checked' if (chosen.outcome or '') == value else ''}> {escape(label)}</label>"
        for value, label in choices
    )
    status = "" if chosen.status is None else str(chosen.status)
    return (
        f'<form id="filters" method="get" action="{escape(links.page)}">'
        f"<fieldset><legend hidden>outcome</legend>{radios}</fieldset>"
        f'<label>status <input type="number" name="status" min="100" max="599" value="{status}"></label>'
        '<button type="submit">filter</button>'
        '<button type="button" id="clear">clear the journal</button>'
        '<span id="live" class="live">refreshes every second</span>'
        "</form>"
    )


def _settings(settings: Sequence[SettingLine], links: Links) -> str:
    lines = "".join(
        f"<dt{' class=changed' if line.changed else ''}>{escape(line.label)}</dt>"
        f"<dd{' class=changed' if line.changed else ''}>{escape(line.value)}</dd>"
        for line in settings
    )
    return (
        '<section id="settings"><h2>Settings</h2>'
        f'<dl class="settings">{lines}</dl>'
        '<p class="note">In bold: changed from the default (<code>insight-mock serve --help</code> lists them).</p>'
        f'<p><a href="{escape(links.api_ui)}">Swagger UI: the Insight API</a> &middot; '
        f'<a href="{escape(links.admin_ui)}">Swagger UI: this admin API</a> &middot; '
        f'<a href="{escape(links.journal_json)}">the journal as JSON</a></p></section>'
    )


def render_page(
    *, journal: str, opened: str | None, settings: Sequence[SettingLine], links: Links, chosen: JournalFilter
) -> str:
    """The whole page around the list (``render_list``) and the opened request (``render_entry``), if any."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Insight mock: what it saw</title>
<link rel="icon" href="data:,">
<style>{STYLE}</style>
</head>
<body data-admin="{escape(links.admin_base)}">
<header>
<h1>Insight mock: what it saw</h1>
<nav><a href="{escape(links.api_ui)}">Swagger UI</a><a href="{escape(links.admin_ui)}">admin API</a>
<a href="{escape(links.journal_json)}">JSON</a></nav>
</header>
<main>
<div>
<section aria-label="requests">
{_filters(chosen, links)}
<div id="journal">{journal}</div>
</section>
{_settings(settings, links)}
</div>
<section id="entry" aria-live="polite" data-placeholder="{escape(PLACEHOLDER)}">
{opened if opened is not None else f'<p class="note">{escape(PLACEHOLDER)}</p>'}
</section>
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""
