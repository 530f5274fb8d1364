"""The coverage matrix of a check run: which requests reached the server, and which answers they got.

A cell is one combination of variant x schedule x content type x window kind x auth case x media type; each counts
the statuses its requests got. The cells a run should reach are derived from the contract (every schedule and content
type of each variant, including the ones it refuses; each window kind for each schedule; each auth case; each media
type), so a cell no request reached is listed, with the reason when the checker knows it (a time budget, a server
that verifies signatures, a token that is not a JWT).

Pure functions: a matrix from exchanges, and three renderings (terminal text, JSON, self-contained HTML).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contracts.checker.probes import (
    ACCEPTED_MEDIA_TYPES,
    ANY,
    CHARSET_REFUSED,
    DEFAULT,
    JSON,
    REFUSED_MEDIA_TYPES,
    VALID,
    VALID_TOKEN,
    Probe,
)
from contracts.model.contract import Contract
from contracts.model.judgements import CONTRACT, MOCK
from contracts.rules import periods, tokens
from contracts.testing.strategies import WINDOW_KINDS

DIMENSIONS = ("variant", "schedule", "content_type", "window", "auth", "media")
Cell = tuple[str, str, str, str, str, str]
SHORT = {
    VALID: "ok",
    "window-start": "start",
    "window-too-long": "long",
    "window-too-short": "short",
    "mixed-forms": "forms",
    "mixed-offsets": "offsets",
    "out-of-range": "range",
    "bound-calendar": "calendar",
    "bound-not-midnight": "midnight",
    "bound-syntax": "syntax",
}
AUTH_CASES = ("no-token", "garbage-token", "unsigned-token", "expired", "not-yet-valid", "no-scope", "other-account")


def cell_of(probe: Probe) -> Cell:
    return (probe.variant, probe.schedule, probe.report_type, probe.window, probe.auth, probe.media)


def _media_name(media: str | None) -> str:
    return media if media is not None else "(missing)"


def media_types(profile: str) -> tuple[str | None, ...]:
    """The Content-Type headers a run of the profile sends (a charset parameter is refused only by our mock)."""
    refused = [media for media in REFUSED_MEDIA_TYPES if profile == MOCK or media != CHARSET_REFUSED]
    return (*refused, *ACCEPTED_MEDIA_TYPES)


def expected_cells(contract: Contract, profile: str = CONTRACT) -> list[Cell]:
    """The cells every run of the profile should reach, from the contract alone."""
    every_schedule = list(dict.fromkeys(s for v in contract.variants.values() for s in v.schedules))
    every_type = list(dict.fromkeys(t for v in contract.variants.values() for t in v.allowed("contentType")))
    scopes = tuple(f"scope {scope}" for scope in tokens.look_alike_scopes(contract.required_scopes))
    cells: list[Cell] = [(ANY, ANY, ANY, VALID, "resigned-control", ANY)]
    for variant in contract.variants.values():
        name = variant.data_type
        for schedule in variant.schedules:
            for content_type in [*variant.allowed("contentType"), DEFAULT]:
                cells.append((name, schedule, content_type, VALID, VALID_TOKEN, JSON))
            for kind in WINDOW_KINDS:
                if kind != "window-start" or periods.has_unaligned_days(schedule):
                    cells.append((name, schedule, ANY, kind, VALID_TOKEN, JSON))
        for schedule in every_schedule:
            if schedule not in variant.schedules:
                cells.append((name, schedule, ANY, VALID, VALID_TOKEN, JSON))
        for content_type in every_type:
            if content_type not in variant.allowed("contentType"):
                cells.append((name, ANY, content_type, VALID, VALID_TOKEN, JSON))
        for case in (*AUTH_CASES, *scopes):
            cells.append((name, ANY, ANY, VALID, case, ANY))
        for media in media_types(profile):
            cells.append((name, ANY, ANY, VALID, VALID_TOKEN, _media_name(media)))
    return cells


def _matches(pattern: Cell, cell: Cell) -> bool:
    return all(want in (ANY, have) for want, have in zip(pattern, cell, strict=True))


@dataclass
class Matrix:
    cells: dict[Cell, Counter[str]] = field(default_factory=dict)
    unreached: list[tuple[Cell, str]] = field(default_factory=list)
    profile: str = CONTRACT

    def statuses(self, pattern: Cell) -> Counter[str]:
        total: Counter[str] = Counter()
        for cell, counts in self.cells.items():
            if _matches(pattern, cell):
                total.update(counts)
        return total


def build(
    contract: Contract,
    exchanges: Iterable[tuple[Probe, int | None]],
    skipped: Iterable[tuple[Probe, str]] = (),
    profile: str = CONTRACT,
) -> Matrix:
    """The matrix of a run: the statuses per reached cell, and the expected cells nothing reached (with why)."""
    matrix = Matrix(profile=profile)
    for probe, status in exchanges:
        matrix.cells.setdefault(cell_of(probe), Counter())[str(status) if status is not None else "no answer"] += 1
    reasons = [(cell_of(probe), why) for probe, why in skipped]
    for pattern in expected_cells(contract, profile):
        if not matrix.statuses(pattern):
            why = next((reason for cell, reason in reasons if _matches(pattern, cell)), "no request was planned for it")
            matrix.unreached.append((pattern, why))
    return matrix


# --- renderings ------------------------------------------------------------------------------------------------------


NOT_EXPECTED = "."


def _overlaps(first: Cell, second: Cell) -> bool:
    return all(a in (ANY, b) or b == ANY for a, b in zip(first, second, strict=True))


def _counts(counts: Counter[str], expected: bool = True) -> str:
    if counts:
        return ",".join(f"{status}x{count}" for status, count in sorted(counts.items()))
    return "--" if expected else NOT_EXPECTED


def _tables(contract: Contract, matrix: Matrix) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(title, column names, rows) for each view of the matrix; a cell shows ``status x count``, ``--`` if none."""
    every_schedule = list(dict.fromkeys(s for v in contract.variants.values() for s in v.schedules))
    every_type = list(dict.fromkeys(t for v in contract.variants.values() for t in v.allowed("contentType")))
    variants = list(contract.variants)
    kinds = [VALID, *WINDOW_KINDS]
    missing = [cell for cell, _ in matrix.unreached]

    def shown(pattern: Cell) -> str:
        # "--" only where an expected cell went unreached; "." where nothing was expected (or it was reached elsewhere).
        return _counts(matrix.statuses(pattern), any(_overlaps(pattern, cell) for cell in missing))

    views = []
    for variant in variants:
        rows = [
            (schedule, [shown((variant, schedule, ANY, kind, VALID_TOKEN, JSON)) for kind in kinds])
            for schedule in every_schedule
        ]
        views.append((f"{variant}: schedule x window kind", [SHORT[kind] for kind in kinds], rows))
    type_rows = [
        (content_type, [shown((v, ANY, content_type, VALID, VALID_TOKEN, JSON)) for v in variants])
        for content_type in [*every_type, DEFAULT]
    ]
    views.append(("content type x variant (valid windows)", variants, type_rows))
    scopes = [f"scope {scope}" for scope in tokens.look_alike_scopes(contract.required_scopes)]
    auth_rows = [
        (case, [shown((v, ANY, ANY, VALID, case, ANY)) for v in variants])
        for case in (VALID_TOKEN, "resigned-control", *AUTH_CASES, *scopes)
    ]
    views.append(("auth case x variant", variants, auth_rows))
    media_rows = [
        (media, [shown((v, ANY, ANY, VALID, VALID_TOKEN, media)) for v in variants])
        for media in [JSON, *(_media_name(m) for m in media_types(matrix.profile))]
    ]
    views.append(("Content-Type header x variant", variants, media_rows))
    return views


def _describe(cell: Cell) -> str:
    return " x ".join(f"{name}={value}" for name, value in zip(DIMENSIONS, cell, strict=True) if value != ANY)


def render_text(contract: Contract, matrix: Matrix) -> str:
    lines = [
        "",
        "== coverage: statuses per cell (status x requests; -- = no request reached it; . = not applicable;"
        " ok = a valid window) ==",
    ]
    for title, columns, rows in _tables(contract, matrix):
        label_width = max(len(label) for label, _ in rows) + 2
        widths = [max(len(column), *(len(row[1][index]) for row in rows)) + 2 for index, column in enumerate(columns)]
        lines.append(f"\n  {title}")
        lines.append(
            "  " + " " * label_width + "".join(column.ljust(w) for column, w in zip(columns, widths, strict=True))
        )
        for label, values in rows:
            lines.append(
                "  " + label.ljust(label_width) + "".join(v.ljust(w) for v, w in zip(values, widths, strict=True))
            )
    if matrix.unreached:
        lines.append(f"\n  Cells no request reached ({len(matrix.unreached)}):")
        lines += [f"    {_describe(cell)}: {why}" for cell, why in matrix.unreached]
    else:
        lines.append("\n  Every expected cell was reached.")
    return "\n".join(lines)


def as_json(matrix: Matrix) -> dict[str, Any]:
    return {
        "profile": matrix.profile,
        "dimensions": [*DIMENSIONS, "status"],
        "cells": [
            {**dict(zip(DIMENSIONS, cell, strict=True)), "statuses": dict(sorted(counts.items()))}
            for cell, counts in sorted(matrix.cells.items())
        ],
        "unreached": [{**dict(zip(DIMENSIONS, cell, strict=True)), "why": why} for cell, why in matrix.unreached],
    }


_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;font-family:ui-monospace,monospace;font-size:12px}
th{background:#f3f3f3}.none{background:#fde2e2}.ok{background:#e6f4ea}.na{color:#999}.bad{color:#b00020}
pre{white-space:pre-wrap;background:#f7f7f7;padding:.5em}
"""


def _css_class(value: str) -> str:
    return {"--": "none", NOT_EXPECTED: "na"}.get(value, "ok")


def render_html(contract: Contract, matrix: Matrix, summary: dict[str, Any]) -> str:
    """One self-contained page (no scripts, no network): verdict, failures, the matrix, the unreached cells."""
    escape = html.escape
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>insight-contracts check: {escape(str(summary.get('verdict', '')))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>insight-contracts check: {escape(str(summary.get('verdict', '')))}</h1>",
        "<p>"
        + " &middot; ".join(
            escape(str(item))
            for item in (
                summary.get("base_url", ""),
                f"profile {summary.get('profile', '')}",
                f"seed {summary.get('seed', '')}",
                f"{summary.get('requests', '')} requests",
                f"exit code {summary.get('exit_code')}",
            )
        )
        + "</p>",
    ]
    failures = summary.get("failures") or []
    parts.append(f"<h2>Failures ({len(failures)})</h2>")
    for failure in failures:
        parts.append(
            f"<p class=bad><b>{escape(failure['rule'])}</b>: {escape(failure['message'])}</p>"
            f"<pre>{escape(failure['curl'])}</pre>"
        )
    parts.append("<h2>Coverage</h2>")
    for title, columns, rows in _tables(contract, matrix):
        parts.append(f"<h3>{escape(title)}</h3><table><tr><th></th>")
        parts += [f"<th>{escape(column)}</th>" for column in columns]
        parts.append("</tr>")
        for label, values in rows:
            parts.append(f"<tr><th>{escape(label)}</th>")
            parts += [f"<td class={_css_class(value)}>{escape(value)}</td>" for value in values]
            parts.append("</tr>")
        parts.append("</table>")
    parts.append(f"<h2>Cells no request reached ({len(matrix.unreached)})</h2><ul>")
    parts += [f"<li>{escape(_describe(cell))}: {escape(why)}</li>" for cell, why in matrix.unreached]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
