"""PDF rendering: determinism, language, page numbers, totals, unsafe text."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from mockserver.reports import (
    CHECKOUT,
    ORDERS,
    REPORTS,
    WALLETS,
    CheckoutTransaction,
    ReportRequest,
    account_profile,
    generate_rows,
)
from mockserver.reports.i18n import format_integer, format_minor_units
from mockserver.reports.pdf import TABLE_ROW_LIMIT, render_pdf

BUSY_AID = "P79049437"
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


def render(
    aid: str = "P12345678",
    data_type: str = CHECKOUT,
    start: date = NOVEMBER[0],
    end: date = NOVEMBER[1],
    language: str = "en",
    filters: tuple[tuple[str, str], ...] = (),
    schedule: str = "monthly",
) -> bytes:
    rows = generate_rows(aid, data_type, start, end, filters)
    request = ReportRequest(aid, data_type, start, end, language, "application/pdf", filters, schedule)
    return render_pdf(rows, request, REPORTS[data_type])


def page_texts(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


@pytest.fixture(scope="module")
def norwegian_checkout() -> list[str]:
    return page_texts(render(BUSY_AID, language="no"))


@pytest.fixture(scope="module")
def english_checkout() -> list[str]:
    return page_texts(render(BUSY_AID, language="en"))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    aid=st.from_regex(r"\A[PT][0-9]{8}\Z"),
    data_type=st.sampled_from([CHECKOUT, WALLETS]),
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1)),
    length=st.integers(1, 7),
    language=st.sampled_from(["en", "no"]),
)
def test_two_renders_of_the_same_report_are_byte_identical(
    aid: str, data_type: str, start: date, length: int, language: str
) -> None:
    end = start + timedelta(days=length)
    assert render(aid, data_type, start, end, language) == render(aid, data_type, start, end, language)


def test_the_pdf_carries_the_period_end_as_creation_date_and_no_clock_time() -> None:
    body = render("P12345678", start=date(2001, 3, 1), end=date(2001, 4, 1))
    reader = PdfReader(io.BytesIO(body))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == datetime(2001, 4, 1, tzinfo=UTC)
    this_year = str(datetime.now(UTC).year).encode()
    assert b"D:" + this_year not in body
    assert b"fpdf" not in body.lower(), "producer is pinned, not the library version"


def test_different_reports_have_different_file_ids() -> None:
    first = render("P12345678", start=date(2026, 11, 2), end=date(2026, 11, 3))
    second = render("P12345678", start=date(2026, 11, 3), end=date(2026, 11, 4))
    ids = [re.search(rb"/ID \[<([0-9A-F]+)>", body) for body in (first, second)]
    assert ids[0] and ids[1] and ids[0].group(1) != ids[1].group(1)


def test_a_norwegian_report_speaks_norwegian(norwegian_checkout: list[str]) -> None:
    summary = norwegian_checkout[0]
    for phrase in (
        "Rapport over checkout-transaksjoner",
        "Konto",
        f"{BUSY_AID} (Produksjon)",
        "Periode",
        "01.11.2026 \u2013 30.11.2026",
        "Månedlig",
        "Totalt per valuta",
        "Beløp",
        "Fordelt på status",
        "Trukket",
    ):
        assert phrase in summary
    table = norwegian_checkout[-2]
    assert "Betalingsmåte" in table and "Opprettet (UTC)" in table
    assert re.search(r"\d{2}\.11\.2026 \d{2}:\d{2}:\d{2}", table)
    assert re.search(r"\d{1,3}(\xa0\d{3})*,\d{2}", table), "Norwegian decimals"
    assert "og" in norwegian_checkout[-1] and "rader til" in norwegian_checkout[-1]


def test_an_english_report_speaks_english(english_checkout: list[str]) -> None:
    summary = english_checkout[0]
    for phrase in (
        "Checkout transactions report",
        f"{BUSY_AID} (Production)",
        "2026-11-01 \u2013 2026-11-30",
        "Monthly",
        "Totals per currency",
        "Per status",
        "Captured",
    ):
        assert phrase in summary
    assert "Beløp" not in "".join(english_checkout)
    assert re.search(r"2026-11-\d{2} \d{2}:\d{2}:\d{2}", english_checkout[-2])
    assert re.search(r"\d{1,3}(,\d{3})+\.\d{2}", summary), "English thousands and decimals"


@pytest.mark.parametrize("language", ["en", "no"])
def test_every_page_says_which_page_of_how_many_it_is(
    language: str, norwegian_checkout: list[str], english_checkout: list[str]
) -> None:
    pages = norwegian_checkout if language == "no" else english_checkout
    template = "Side {} av {}" if language == "no" else "Page {} of {}"
    assert len(pages) > 10
    for number, text in enumerate(pages, start=1):
        assert template.format(number, len(pages)) in text


def test_every_table_page_repeats_the_header_row(english_checkout: list[str]) -> None:
    table_pages = [text for text in english_checkout if "Transaction ID" in text]
    assert len(table_pages) >= TABLE_ROW_LIMIT // 50
    for text in table_pages:
        assert "Created (UTC)" in text and "Merchant reference" in text


def test_a_capped_table_still_totals_all_rows(english_checkout: list[str]) -> None:
    rows = generate_rows(BUSY_AID, CHECKOUT, *NOVEMBER)
    assert len(rows) > TABLE_ROW_LIMIT
    summary = english_checkout[0]
    assert f"Rows {format_integer(len(rows), 'en')}" in summary
    nok = sum(r.amount for r in rows if isinstance(r, CheckoutTransaction) and r.currency == "NOK")
    assert format_minor_units(nok, "NOK", "en") in summary
    hidden = format_integer(len(rows) - TABLE_ROW_LIMIT, "en")
    assert f"… and {hidden} more rows — download the CSV for all rows." in english_checkout[-1]


def test_a_wallets_report_shows_operation_types_in_norwegian() -> None:
    pages = page_texts(render("P12345678", WALLETS, language="no", schedule="weekly",
                              start=date(2026, 11, 2), end=date(2026, 11, 9)))  # fmt: skip
    text = "\n".join(pages)
    for phrase in ("Rapport over lommeboktransaksjoner", "Ukentlig", "Påfylling", "Kjøp",
                   "Fordelt på transaksjonstype", "Saldo etter", "Side 1 av"):  # fmt: skip
        assert phrase in text


def test_an_empty_period_renders_a_one_page_pdf_that_says_so() -> None:
    pages = page_texts(render("P12345678", start=date(2026, 11, 1), end=date(2026, 11, 1)))
    assert len(pages) == 1
    assert "No transactions in this period." in pages[0]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.one_of(st.text(max_size=60), st.text(min_size=1, max_size=20).map(lambda s: s * 150)))
def test_any_filter_value_renders_safely(value: str) -> None:
    known = set(account_profile("T00000002").store_ids)
    body = render("T00000002", filters=(("store_id", value),), start=date(2026, 11, 2),
                  end=date(2026, 11, 9))  # fmt: skip
    reader = PdfReader(io.BytesIO(body))
    assert "Page 1 of" in reader.pages[0].extract_text()
    if value in known:
        assert "Transaction ID" in reader.pages[-1].extract_text()
    else:  # a store the account does not have: an empty report that says why
        assert "no transactions in this period match the filters" in reader.pages[0].extract_text()


def test_text_outside_the_font_becomes_question_marks() -> None:
    value = "Ωmega-🚀-{nb}-ære"
    text = "\n".join(page_texts(render("P12345678", filters=(("store_id", value),))))
    assert "?mega-?-{nb?}-ære" in text


def test_orders_have_no_pdf() -> None:
    with pytest.raises(ValueError, match="PDF"):
        render("P12345678", ORDERS)
