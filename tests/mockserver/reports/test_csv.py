"""CSV rendering: RFC 4180 shape, localised headers, lossless round trip."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.reports import CHECKOUT, ORDERS, REPORTS, WALLETS, csv_headers, generate_rows, parse_csv, render_csv

PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
aids = st.from_regex(r"\A[PT][0-9]{8}\Z")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 30))
languages = st.sampled_from(["en", "no"])


@PROPERTY
@given(
    aid=aids,
    data_type=st.sampled_from(REPORTS.names),
    start=days,
    length=st.integers(0, 3),
    language=languages,
)
def test_csv_parses_back_to_the_generated_rows(
    aid: str, data_type: str, start: date, length: int, language: str
) -> None:
    rows = generate_rows(aid, data_type, start, start + timedelta(days=length))
    body = render_csv(rows, REPORTS[data_type], language)
    assert parse_csv(body, REPORTS[data_type]) == rows


@PROPERTY
@given(
    aid=aids,
    values=st.lists(st.text(max_size=30), min_size=1, max_size=3),
    start=days,
)
def test_filter_values_with_commas_quotes_and_line_breaks_round_trip(aid: str, values: list[str], start: date) -> None:
    filters = tuple(("store_id", value) for value in values)
    rows = generate_rows(aid, CHECKOUT, start, start + timedelta(days=7), filters)
    body = render_csv(rows, REPORTS[CHECKOUT], "no")
    assert parse_csv(body, REPORTS[CHECKOUT]) == rows


def test_csv_has_crlf_line_endings_a_header_and_one_record_per_row() -> None:
    rows = generate_rows("P12345678", CHECKOUT, date(2026, 11, 3), date(2026, 11, 4))
    body = render_csv(rows, REPORTS[CHECKOUT], "en")
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert len(lines) == len(rows) + 1
    assert b"\n" not in b"".join(lines)
    assert not body.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    records = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert records[0] == list(csv_headers(REPORTS[CHECKOUT], "en"))
    first = rows[0]
    assert records[1][0] == first.id
    assert records[1][1] == first.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("data_type", "language", "expected"),
    [
        (CHECKOUT, "en", ["Transaction ID", "Created at (UTC)", "Store ID", "Amount (minor units)"]),
        (CHECKOUT, "no", ["Transaksjons-ID", "Opprettet (UTC)", "Butikk-ID", "Beløp (minste valutaenhet)"]),
        (ORDERS, "en", ["Operation ID", "Order ID", "Operation payout destination"]),
        (ORDERS, "no", ["Operasjons-ID", "Ordre-ID", "Utbetalingsmottaker for operasjonen"]),
        (WALLETS, "en", ["Card ID", "Balance after (minor units)"]),
        (WALLETS, "no", ["Kort-ID", "Saldo etter (minste valutaenhet)"]),
    ],
)
def test_the_header_row_is_in_the_report_language(data_type: str, language: str, expected: list[str]) -> None:
    body = render_csv([], REPORTS[data_type], language)
    header = next(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    for title in expected:
        assert title in header


@pytest.mark.parametrize("data_type", [CHECKOUT, ORDERS, WALLETS])
def test_csv_columns_follow_the_documented_column_order(data_type: str) -> None:
    rows = generate_rows("P12345678", data_type, date(2026, 11, 3), date(2026, 11, 4))
    columns = REPORTS[data_type].csv_columns
    records = list(csv.reader(io.StringIO(render_csv(rows, REPORTS[data_type], "en").decode(), newline="")))
    assert len(records[0]) == len(columns)
    for row, record in zip(rows, records[1:], strict=True):
        for name, text in zip(columns, record, strict=True):
            value = getattr(row, name)
            expected = value.strftime("%Y-%m-%dT%H:%M:%SZ") if name == "created_at" else str(value)
            assert text == expected, name


def test_values_stay_machine_readable_in_norwegian() -> None:
    rows = generate_rows("P12345678", CHECKOUT, date(2026, 11, 3), date(2026, 11, 4))
    english = render_csv(rows, REPORTS[CHECKOUT], "en").split(b"\r\n", 1)[1]
    norwegian = render_csv(rows, REPORTS[CHECKOUT], "no").split(b"\r\n", 1)[1]
    assert english == norwegian
    assert b"CAPTURED" in norwegian


def test_csv_rendering_rejects_rows_of_another_data_type() -> None:
    rows = generate_rows("P12345678", WALLETS, date(2026, 11, 3), date(2026, 11, 4))
    assert rows
    with pytest.raises(ValueError):
        render_csv(rows, REPORTS[CHECKOUT], "en")


def test_csv_rendering_rejects_unknown_languages() -> None:
    with pytest.raises(ValueError):
        render_csv([], REPORTS[CHECKOUT], "sv")
