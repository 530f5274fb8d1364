"""Report bytes pinned across versions, and, when they change, what changed.

Each report below has a file in ``golden/``: the sha256 of its bytes (the verdict), then what explains a mismatch: its
lines (a CSV's rows; a PDF's text as pypdf reads it, page by page), the first of them in full, a digest of each block
after them, and the versions of what the bytes depend on besides our code (fpdf2, which the pin in pyproject.toml holds
to the recorded minor version, and zlib, which compresses a PDF's pages). A mismatch names the first differing lines
(word for word among the first ones, by block after them), or says that every line reads as recorded, so only the
encoding changed.

When a change is intended (new data rules, a layout change), record the reports anew and review what changed:

    INSIGHT_GOLDEN_UPDATE=1 .venv/bin/python -m pytest -p no:cacheprovider tests/mockserver/reports/test_golden.py
    git diff tests/mockserver/reports/golden/

and say in the commit message which reports changed and why; otherwise a changed report is a regression. All windows
lie in the past, so nothing depends on the clock.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zlib
from collections.abc import Sequence
from importlib import metadata
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from contracts.model import validation
from contracts.model.contract import Contract
from mockserver.reports import render_report, report_request

CHECKOUT = {"dataType": "checkout/transactions"}
ORDERS = {"dataType": "orders/orderoperations"}
WALLETS = {"dataType": "wallets/transactions"}
MONTH = {"schedule": "monthly", "from": "2025-11-01", "to": "2025-12-01"}
DECEMBER = {"schedule": "monthly", "from": "2025-12-01", "to": "2026-01-01"}
WEEK = {"schedule": "weekly", "from": "2025-11-03", "to": "2025-11-10"}
PDF = {"contentType": "application/pdf"}

#: name -> (account, generate-report body); what each renders to is recorded in golden/NAME.json
GOLDEN: dict[str, tuple[str, dict[str, Any]]] = {
    "checkout-monthly-csv-en": (
        "P12345678",
        {**CHECKOUT, **MONTH, "language": "en", "contentType": "text/csv"},
    ),
    "checkout-monthly-pdf-no": (
        "P12345678",
        {**CHECKOUT, **MONTH, **PDF, "language": "no"},
    ),
    "checkout-weekly-csv-no-filtered": (
        "P12345678",
        {
            **CHECKOUT,
            **WEEK,
            "language": "no",
            "reportFilters": [
                {"filter": "store_id", "value": "nettbutikk"},
                {"filter": "store_id", "value": "oslo-grunerlokka-01"},
                {"filter": "payout_destination_id", "value": "NO987295546MVA"},
            ],
        },
    ),
    "checkout-weekly-pdf-en-filtered": (
        "T12345678",
        {**CHECKOUT, **WEEK, **PDF, "language": "en", "reportFilters": [{"filter": "store_id", "value": "nettbutikk"}]},
    ),
    "orders-weekly-csv-en-filtered": (
        "P12345678",
        {
            **ORDERS,
            "schedule": "weekly",
            "from": "2025-10-27",
            "to": "2025-11-03",
            "language": "en",
            "reportFilters": [{"filter": "operation_payout_destination", "value": "NO987295546MVA"}],
        },
    ),
    "orders-twice-a-month-csv-no": (
        "P12345678",
        {**ORDERS, "schedule": "twice-a-month", "from": "2025-11-16", "to": "2025-12-01", "language": "no"},
    ),
    "wallets-monthly-pdf-en": (
        "P12345678",
        {**WALLETS, **MONTH, **PDF, "language": "en"},
    ),
    "wallets-daily-csv-no": (
        "P12345678",
        {**WALLETS, "schedule": "daily", "from": "2025-12-24", "to": "2025-12-25", "language": "no"},
    ),
    "large-checkout-monthly-csv-en": (
        "P79049437",
        {**CHECKOUT, **DECEMBER, "language": "en"},
    ),
    "large-checkout-monthly-pdf-no": (
        "P79049437",
        {**CHECKOUT, **DECEMBER, **PDF, "language": "no"},
    ),
    "checkout-daily-csv-en-offset": (
        "P12345678",
        {
            **CHECKOUT,
            "schedule": "daily",
            "from": "2025-11-01T00:00:00+01:00",
            "to": "2025-11-02T00:00:00+01:00",
            "language": "en",
        },
    ),
    "checkout-daily-csv-en-unknown-store": (
        "P12345678",
        {
            **CHECKOUT,
            "schedule": "daily",
            "from": "2025-11-01",
            "to": "2025-11-02",
            "language": "en",
            "reportFilters": [{"filter": "store_id", "value": "no-such-store"}],
        },
    ),
}


GOLDEN_DIR = Path(__file__).with_name("golden")
HEAD_LINES = 25  # recorded word for word: a header, a summary page, the first rows
BLOCK_LINES = 250  # after them, one digest per block keeps each golden file small
SHOWN_LINES = 3
UPDATE = os.environ.get("INSIGHT_GOLDEN_UPDATE") == "1"


def rendered(contract: Contract, aid: str, body: dict[str, Any]) -> bytes:
    assert validation.validate_body(contract, body) == []
    request = report_request(contract, aid, validation.accepted_params(contract, body))
    return render_report(request, contract).body


def lines_of(report: bytes) -> list[str]:
    """A CSV's lines; a PDF's text as pypdf reads it, each page after a ``--- page N`` line."""
    if not report.startswith(b"%PDF-"):
        return report.decode("utf-8").splitlines()
    pages = PdfReader(io.BytesIO(report)).pages
    return [line for n, page in enumerate(pages, 1) for line in (f"--- page {n}", *page.extract_text().splitlines())]


def block_digest(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def encoders() -> dict[str, str]:
    """The versions of what a report's bytes (fpdf2, zlib) and the text read back (pypdf) depend on."""
    return {"fpdf2": metadata.version("fpdf2"), "zlib": zlib.ZLIB_RUNTIME_VERSION, "pypdf": metadata.version("pypdf")}


def fingerprint(report: bytes) -> dict[str, Any]:
    lines = lines_of(report)
    return {
        "sha256": hashlib.sha256(report).hexdigest(),
        "lines": len(lines),
        "head": lines[:HEAD_LINES],
        "blocks": [block_digest(lines[at : at + BLOCK_LINES]) for at in range(HEAD_LINES, len(lines), BLOCK_LINES)],
        "recorded_with": encoders(),
    }


def what_changed(recorded: dict[str, Any], report: bytes) -> str:
    """Why ``report`` no longer matches its recorded fingerprint, in the words a reviewer needs."""
    lines = lines_of(report)
    now = fingerprint(report)
    said = [f"the bytes changed: sha256 {now['sha256']}, recorded {recorded['sha256']}"]
    if now["lines"] != recorded["lines"]:
        said.append(f"{now['lines']} lines now, {recorded['lines']} recorded")
    pairs = list(zip_longest(recorded["head"], now["head"]))
    first = next((at for at, (before, after) in enumerate(pairs) if before != after), None)
    blocks = list(zip_longest(recorded["blocks"], now["blocks"]))
    block = next((at for at, (before, after) in enumerate(blocks) if before != after), None)
    if first is not None:
        differing = [(at, pair) for at, pair in enumerate(pairs) if pair[0] != pair[1]][:SHOWN_LINES]
        for at, (before, after) in differing:
            said.append(f"line {at + 1}:\n  recorded: {before!r}\n  now:      {after!r}")
    elif block is not None:
        begin = HEAD_LINES + block * BLOCK_LINES
        said.append(
            f"the first {HEAD_LINES} lines read as recorded; the first changed block is lines {begin + 1}-"
            f"{begin + BLOCK_LINES} (recorded as a digest), which now begin:"
        )
        said.extend(f"  now:      {line!r}" for line in lines[begin : begin + SHOWN_LINES])
    else:
        said.append("every line reads as recorded: only the encoding changed (line endings, the PDF's structure)")
    if now["recorded_with"] != recorded["recorded_with"]:
        said.append(f"recorded with {recorded['recorded_with']}, rendered with {now['recorded_with']}")
    return "\n".join(said)


def recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((GOLDEN_DIR / f"{name}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", GOLDEN)
def test_a_pinned_report_renders_to_the_same_bytes(contract: Contract, name: str) -> None:
    aid, body = GOLDEN[name]
    report = rendered(contract, aid, body)
    if UPDATE:
        assert os.environ.get("CI") != "true", "golden reports are recorded by a person who reviews them, never by CI"
        text = json.dumps(fingerprint(report), indent=1, ensure_ascii=False)
        (GOLDEN_DIR / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        pytest.skip(f"recorded golden/{name}.json anew: review `git diff tests/mockserver/reports/golden/`")
    pinned = recorded(name)
    assert hashlib.sha256(report).hexdigest() == pinned["sha256"], what_changed(pinned, report)


# --- the explanations themselves -------------------------------------------------------------------------------------

ROWS = [f"row {n},{n * 7 % 13},NOK" for n in range(600)]
CSV = ("\n".join(ROWS) + "\n").encode()


def changed_row(at: int) -> bytes:
    return ("\n".join([*ROWS[:at], "row changed,0,SEK", *ROWS[at + 1 :]]) + "\n").encode()


def test_a_change_among_the_first_lines_is_shown_word_for_word() -> None:
    said = what_changed(fingerprint(CSV), changed_row(10))
    assert "line 11:" in said and "line 12:" not in said
    assert "recorded: 'row 10,5,NOK'" in said and "now:      'row changed,0,SEK'" in said


def test_a_change_further_down_names_its_block_and_shows_its_lines_now() -> None:
    said = what_changed(fingerprint(CSV), changed_row(300))
    assert f"the first {HEAD_LINES} lines read as recorded" in said and "lines 276-525" in said
    assert "now:      'row 275,1,NOK'" in said


def test_a_changed_line_count_is_said() -> None:
    said = what_changed(fingerprint(CSV), ("\n".join(ROWS[:-1]) + "\n").encode())
    assert "599 lines now, 600 recorded" in said


def test_bytes_that_read_the_same_are_said_to_differ_only_in_their_encoding() -> None:
    said = what_changed(fingerprint(CSV), CSV.replace(b"\n", b"\r\n"))
    assert "every line reads as recorded: only the encoding changed" in said


def test_other_versions_of_the_encoders_are_named() -> None:
    pinned = {**fingerprint(CSV), "sha256": "0" * 64, "recorded_with": {**encoders(), "fpdf2": "2.7.0"}}
    assert "'fpdf2': '2.7.0'" in what_changed(pinned, CSV)


def test_a_pdf_golden_files_lines_are_the_text_the_report_renders_today(contract: Contract) -> None:
    """The recorded text of a PDF is what pypdf reads in it now: a byte change would be explained against it."""
    name = "checkout-weekly-pdf-en-filtered"
    pinned = recorded(name)
    lines = lines_of(rendered(contract, *GOLDEN[name]))
    assert lines[0] == "--- page 1" and lines[:HEAD_LINES] == pinned["head"] and len(lines) == pinned["lines"]
    at = HEAD_LINES
    assert [
        block_digest(lines[at + n * BLOCK_LINES : at + (n + 1) * BLOCK_LINES]) for n in range(len(pinned["blocks"]))
    ] == pinned["blocks"]
