"""The render_report entry point: dispatch, file names, validation, determinism."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.model.contract import default_contract
from mockserver.reports import (
    CHECKOUT,
    ORDERS,
    REPORTS,
    WALLETS,
    RenderedReport,
    ReportRequest,
    generate_rows,
    parse_csv,
)
from mockserver.reports import render_report as render_with

CONTRACT = default_contract()

ROOT = Path(__file__).resolve().parents[3]
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


def later() -> datetime:
    """A clock after every window these tests render, so none is cut at *now*."""
    return datetime(2100, 1, 1, tzinfo=UTC)


def render_report(request: ReportRequest) -> RenderedReport:
    return render_with(request, CONTRACT, now=later)


def request(**changes: object) -> ReportRequest:
    fields: dict[str, object] = {
        "aid": "P12345678",
        "data_type": CHECKOUT,
        "start": NOVEMBER[0],
        "end": NOVEMBER[1],
        "language": "en",
        "content_type": "text/csv",
        "schedule": "monthly",
    }
    fields.update(changes)
    return ReportRequest(**fields)  # type: ignore[arg-type]


def test_a_csv_report_has_media_type_file_name_and_row_count() -> None:
    report = render_report(request())
    assert isinstance(report, RenderedReport)
    assert report.media_type == "text/csv; charset=utf-8"
    assert report.filename == "P12345678_checkout-transactions_2026-11-01_2026-12-01.csv"
    assert report.row_count == len(generate_rows("P12345678", CHECKOUT, *NOVEMBER)) > 0
    assert report.body.count(b"\r\n") == report.row_count + 1


def test_a_pdf_report_has_media_type_and_file_name() -> None:
    report = render_report(request(data_type=WALLETS, content_type="application/pdf",
                                   start=date(2026, 11, 2), end=date(2026, 11, 9)))  # fmt: skip
    assert report.media_type == "application/pdf"
    assert report.body.startswith(b"%PDF-")
    assert report.filename == "P12345678_wallets-transactions_2026-11-02_2026-11-09.pdf"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    aid=st.from_regex(r"\A[PT][0-9]{8}\Z"),
    data_type=st.sampled_from([CHECKOUT, ORDERS, WALLETS]),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 30)),
    length=st.integers(1, 3),
    language=st.sampled_from(["en", "no"]),
)
def test_the_csv_report_holds_exactly_the_generated_rows(
    aid: str, data_type: str, start: date, length: int, language: str
) -> None:
    end = start + timedelta(days=length)
    report = render_report(request(aid=aid, data_type=data_type, start=start, end=end,
                                   language=language, schedule=""))  # fmt: skip
    rows = generate_rows(aid, data_type, start, end)
    assert report.row_count == len(rows)
    assert parse_csv(report.body, REPORTS[data_type]) == rows


@pytest.mark.parametrize(
    "changes",
    [
        {"data_type": ORDERS, "content_type": "application/pdf"},
        {"content_type": "application/json"},
        {"language": "sv"},
        {"schedule": "yearly"},
        {"aid": "P123"},
        {"data_type": WALLETS, "filters": (("store_id", "x"),)},
        {"filters": (("operation_payout_destination", "x"),)},
        {"filters": (("currency", "NOK"),)},
        {"data_type": ORDERS, "filters": (("store_id", "x"),)},
        {"data_type": ORDERS, "schedule": "monthly"},
        {"start": NOVEMBER[1], "end": NOVEMBER[0]},
    ],
)
def test_requests_the_api_would_reject_raise_value_error(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        render_report(request(**changes))


_DIGEST_SCRIPT = """
import hashlib, sys
from datetime import date
from contracts.model.contract import default_contract
from mockserver.reports import ReportRequest, render_report
for content_type in ("text/csv", "application/pdf"):
    report = render_report(ReportRequest(
        "T12345678", "checkout/transactions", date(2025, 11, 3), date(2025, 11, 10), "no",
        content_type, (("store_id", "bergen-01"), ("store_id", "nettbutikk")), "weekly"), default_contract())
    print(hashlib.sha256(report.body).hexdigest())
"""


def test_reports_are_byte_identical_in_fresh_processes_with_other_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "987654"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT], cwd=ROOT, env=environment,
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        outputs.append(completed.stdout.split())
    here = [
        hashlib.sha256(
            render_report(
                ReportRequest(
                    "T12345678",
                    CHECKOUT,
                    date(2025, 11, 3),
                    date(2025, 11, 10),
                    "no",
                    content_type,
                    (("store_id", "bergen-01"), ("store_id", "nettbutikk")),
                    "weekly",
                )
            ).body
        ).hexdigest()
        for content_type in ("text/csv", "application/pdf")
    ]
    assert outputs[0] == outputs[1] == here
