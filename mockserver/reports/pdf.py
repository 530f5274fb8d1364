"""PDF rendering of checkout and wallets reports with fpdf2.

Layout (A4 landscape, so a transaction table fits on a page):

1. Summary page(s): title, account and environment, period, schedule,
   filters, row count, then totals per currency and breakdowns (per status
   and per payment product for checkout; per operation type for wallets).
   The totals always cover **all** rows.
2. The rows as a table, the header row repeated on every page. The table
   lists at most :data:`TABLE_ROW_LIMIT` rows (fpdf2 needs ~0.1 ms per row,
   and nobody reads 40 000 rows in a PDF); when rows are left out, a closing
   line says how many and points to the CSV.

Every page has the footer "Page N of M" / "Side N av M".

Text uses the core font Helvetica with the Windows-1252 encoding (it covers
æ, ø, å, the en dash and the ellipsis). Text the client supplied (filter
values, hence store and destination ids) may contain anything: characters
outside Windows-1252 and control characters become ``?``, and over-long
values are cut with an ellipsis to fit their cell.

Determinism: the creation date is pinned to the period's end (00:00 UTC),
the producer string is fixed and the file identifier is a digest of the
report's parameters, so the same request renders byte-identical PDFs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Final

from fpdf import FPDF

from mockserver.reports import i18n
from mockserver.reports.data import (
    CHECKOUT,
    CHECKOUT_STATUSES,
    WALLET_OPERATION_TYPES,
    CheckoutTransaction,
    Filters,
    Row,
    WalletTransaction,
    group_filters,
)
from mockserver.reports.vocabulary import PDF_LAYOUTS

MEDIA_TYPE: Final = "application/pdf"
PDF_DATA_TYPES: Final = PDF_LAYOUTS

#: Most rows listed in the PDF table; the summary covers all rows regardless.
TABLE_ROW_LIMIT: Final = 1000

_PAGE_ALIAS: Final = "{nb}"  # fpdf2 replaces it with the page count in cells
# No line of this layout fits 400 of even the narrowest glyphs (0.19 em).
_FIT_SCAN_LIMIT: Final = 400
_MARGIN: Final = 11.0
_FOOTER_SPACE: Final = 14.0
_TABLE_ROW_HEIGHT: Final = 4.4
_TABLE_FONT_SIZE: Final = 7.0
_SUMMARY_ROW_HEIGHT: Final = 5.6
_GREY: Final = (110, 110, 110)
_HEADER_FILL: Final = (226, 231, 238)
_STRIPE_FILL: Final = (245, 247, 250)
_ACCENT: Final = (22, 41, 84)
_CURRENCY_ORDER: Final = ("NOK", "SEK", "DKK", "EUR")


def pdf_text(value: str) -> str:
    """``value`` made drawable by the core fonts: unknown characters become ``?``.

    Only the first :data:`_FIT_SCAN_LIMIT` characters are kept: no cell shows
    more, and it bounds the work (and the cache) for huge client values.
    """
    return _drawable_prefix(value[:_FIT_SCAN_LIMIT])


@lru_cache(maxsize=4096)
def _drawable_prefix(value: str) -> str:
    cleaned = "".join("?" if ord(char) < 32 or 127 <= ord(char) < 160 else char for char in value)
    encodable = cleaned.encode("cp1252", "replace").decode("cp1252")
    # The page-count alias must only ever come from the footer.
    return encodable.replace(_PAGE_ALIAS, "{nb?}")


def _currency_key(currency: str) -> tuple[int, str]:
    order = _CURRENCY_ORDER.index(currency) if currency in _CURRENCY_ORDER else len(_CURRENCY_ORDER)
    return order, currency


# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


@dataclass
class _Totals:
    count: int = 0
    amount: int = 0
    captured: int = 0
    refunded: int = 0
    credits: int = 0
    debits: int = 0


def _add_checkout(totals: _Totals, row: CheckoutTransaction) -> None:
    totals.count += 1
    totals.amount += row.amount
    totals.captured += row.captured_amount
    totals.refunded += row.refunded_amount


def _add_wallet(totals: _Totals, row: WalletTransaction) -> None:
    totals.count += 1
    totals.amount += row.amount
    if row.amount >= 0:
        totals.credits += row.amount
    else:
        totals.debits += row.amount


@dataclass(frozen=True)
class _Section:
    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    aligns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _breakdown(
    title: str,
    label_column: str,
    label_of: Callable[[str, str], str],
    keys: Sequence[tuple[str, str]],
    totals: dict[tuple[str, str], _Totals],
    language: str,
) -> _Section:
    """A summary table of count and amount per (label, currency): per status, per operation type."""
    return _Section(
        i18n.text(language, title),
        tuple(i18n.text(language, f"col.{key}") for key in (label_column, "currency", "count", "amount")),
        (60, 24, 30, 40),
        ("L", "L", "R", "R"),
        tuple(
            (
                label_of(label, language),
                currency,
                i18n.format_integer(totals[label, currency].count, language),
                i18n.format_minor_units(totals[label, currency].amount, currency, language),
            )
            for label, currency in keys
        ),
    )


def _checkout_sections(rows: Sequence[CheckoutTransaction], language: str) -> list[_Section]:
    per_currency: dict[str, _Totals] = {}
    per_status: dict[tuple[str, str], _Totals] = {}
    per_product: dict[tuple[str, str], _Totals] = {}
    for row in rows:
        _add_checkout(per_currency.setdefault(row.currency, _Totals()), row)
        _add_checkout(per_status.setdefault((row.status, row.currency), _Totals()), row)
        key = (row.payment_product_type, row.currency)
        _add_checkout(per_product.setdefault(key, _Totals()), row)

    def t(key: str) -> str:
        return i18n.text(language, f"col.{key}")

    def money(value: int, currency: str) -> str:
        return i18n.format_minor_units(value, currency, language)

    def count(value: int) -> str:
        return i18n.format_integer(value, language)

    currencies = sorted(per_currency, key=_currency_key)
    status_keys = sorted(per_status, key=lambda k: (CHECKOUT_STATUSES.index(k[0]), _currency_key(k[1])))
    product_keys = sorted(per_product, key=lambda k: (-per_product[k].count, _currency_key(k[1]), k[0]))
    return [
        _Section(
            i18n.text(language, "totals_per_currency"),
            (t("currency"), t("count"), t("amount"), t("captured"), t("refunded"), t("net")),
            (24, 30, 40, 40, 40, 52),
            ("L", "R", "R", "R", "R", "R"),
            tuple(
                (
                    c,
                    count(per_currency[c].count),
                    money(per_currency[c].amount, c),
                    money(per_currency[c].captured, c),
                    money(per_currency[c].refunded, c),
                    money(per_currency[c].captured - per_currency[c].refunded, c),
                )
                for c in currencies
            ),
        ),
        _breakdown("per_status", "status", i18n.status_label, status_keys, per_status, language),
        _Section(
            i18n.text(language, "per_payment_product"),
            (t("payment_product"), t("currency"), t("count"), t("amount"), t("captured")),
            (60, 24, 30, 40, 40),
            ("L", "L", "R", "R", "R"),
            tuple(
                (
                    i18n.payment_product_label(ptype, language),
                    c,
                    count(per_product[ptype, c].count),
                    money(per_product[ptype, c].amount, c),
                    money(per_product[ptype, c].captured, c),
                )
                for ptype, c in product_keys
            ),
        ),
    ]


def _wallet_sections(rows: Sequence[WalletTransaction], language: str) -> list[_Section]:
    per_currency: dict[str, _Totals] = {}
    per_operation: dict[tuple[str, str], _Totals] = {}
    for row in rows:
        _add_wallet(per_currency.setdefault(row.currency, _Totals()), row)
        _add_wallet(per_operation.setdefault((row.operation_type, row.currency), _Totals()), row)

    def t(key: str) -> str:
        return i18n.text(language, f"col.{key}")

    def money(value: int, currency: str) -> str:
        return i18n.format_minor_units(value, currency, language)

    currencies = sorted(per_currency, key=_currency_key)
    operation_keys = sorted(per_operation, key=lambda k: (WALLET_OPERATION_TYPES.index(k[0]), _currency_key(k[1])))
    return [
        _Section(
            i18n.text(language, "totals_per_currency"),
            (t("currency"), t("count"), t("credits"), t("debits"), t("net_change")),
            (24, 30, 40, 40, 40),
            ("L", "R", "R", "R", "R"),
            tuple(
                (
                    c,
                    i18n.format_integer(per_currency[c].count, language),
                    money(per_currency[c].credits, c),
                    money(per_currency[c].debits, c),
                    money(per_currency[c].amount, c),
                )
                for c in currencies
            ),
        ),
        _breakdown(
            "per_operation_type", "operation_type", i18n.operation_type_label, operation_keys, per_operation, language
        ),
    ]


# --------------------------------------------------------------------------
# Row table columns
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    header_key: str
    width: float
    align: str  # "L" or "R"


_CHECKOUT_COLUMNS: Final = (
    _Column("created", 26, "L"),
    _Column("transaction_id", 52, "L"),
    _Column("store", 31, "L"),
    _Column("reference", 26, "L"),
    _Column("payment_product", 27, "L"),
    _Column("status", 28, "L"),
    _Column("currency", 12, "L"),
    _Column("amount", 24, "R"),
    _Column("captured", 24, "R"),
    _Column("refunded", 24, "R"),
)
_WALLET_COLUMNS: Final = (
    _Column("created", 28, "L"),
    _Column("transaction_id", 52, "L"),
    _Column("card", 30, "L"),
    _Column("operation_type", 26, "L"),
    _Column("store", 45, "L"),
    _Column("currency", 14, "L"),
    _Column("amount", 36, "R"),
    _Column("balance_after", 36, "R"),
)


def _checkout_cells(language: str) -> Callable[[Row], tuple[str, ...]]:
    def cells(row: Row) -> tuple[str, ...]:
        assert isinstance(row, CheckoutTransaction)
        c = row.currency
        return (
            i18n.format_datetime(row.created_at, language),
            row.id,
            pdf_text(row.store_id),
            pdf_text(row.merchant_reference),
            i18n.payment_product_label(row.payment_product_type, language),
            i18n.status_label(row.status, language),
            c,
            i18n.format_minor_units(row.amount, c, language),
            i18n.format_minor_units(row.captured_amount, c, language),
            i18n.format_minor_units(row.refunded_amount, c, language),
        )

    return cells


def _wallet_cells(language: str) -> Callable[[Row], tuple[str, ...]]:
    def cells(row: Row) -> tuple[str, ...]:
        assert isinstance(row, WalletTransaction)
        c = row.currency
        return (
            i18n.format_datetime(row.created_at, language),
            row.id,
            row.card_id,
            i18n.operation_type_label(row.operation_type, language),
            pdf_text(row.store_id),
            c,
            i18n.format_minor_units(row.amount, c, language),
            i18n.format_minor_units(row.balance_after, c, language),
        )

    return cells


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


class _ReportPDF(FPDF):
    """FPDF with a fixed footer and a pinned file identifier."""

    def __init__(self, footer_text: str, page_template: str, file_id_hex: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self._footer_text = footer_text
        self._page_template = page_template
        self._file_id_hex = file_id_hex

    def footer(self) -> None:
        self.set_y(-_FOOTER_SPACE + 4)
        self.set_font("Helvetica", size=7)
        self.set_text_color(*_GREY)
        self.set_draw_color(200, 200, 200)
        self.line(_MARGIN, self.get_y() - 1.5, self.w - _MARGIN, self.get_y() - 1.5)
        width = self.w - 2 * _MARGIN
        self.cell(width * 0.75, 5, self._footer_text, align="L")
        page_label = self._page_template.format(page=self.page_no(), pages=_PAGE_ALIAS)
        self.cell(width * 0.25, 5, page_label, align="R")

    def file_id(self) -> str:
        return f"<{self._file_id_hex}><{self._file_id_hex}>"


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """``value`` cut with an ellipsis so it fits ``width`` at the current font."""
    if len(value) > _FIT_SCAN_LIMIT:
        value = value[:_FIT_SCAN_LIMIT]  # longer never fits: measure less
    elif pdf.get_string_width(value) <= width:
        return value
    low, high = 0, len(value)
    while low < high:  # longest prefix that fits together with the ellipsis
        middle = (low + high + 1) // 2
        if pdf.get_string_width(value[:middle] + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return value[:low] + "…"


def _draw_info(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(38, 5.5, label)
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 5.5, _fit(pdf, value, pdf.w - 2 * _MARGIN - 40), new_x="LMARGIN", new_y="NEXT")


def _draw_section(pdf: FPDF, section: _Section) -> None:
    limit = pdf.h - _FOOTER_SPACE - _MARGIN

    def header() -> None:
        pdf.set_font("Helvetica", "B", 8)
        pdf.set_fill_color(*_HEADER_FILL)
        for title, width, align in zip(section.headers, section.widths, section.aligns, strict=True):
            pdf.cell(width, _SUMMARY_ROW_HEIGHT, title, align=align, fill=True)
        pdf.ln(_SUMMARY_ROW_HEIGHT)
        pdf.set_font("Helvetica", size=8)

    if pdf.get_y() + 4 * _SUMMARY_ROW_HEIGHT > limit:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    header()
    for cells in section.rows:
        if pdf.get_y() + _SUMMARY_ROW_HEIGHT > limit:
            pdf.add_page()
            header()
        for value, width, align in zip(cells, section.widths, section.aligns, strict=True):
            pdf.cell(width, _SUMMARY_ROW_HEIGHT, value, align=align, border="B")
        pdf.ln(_SUMMARY_ROW_HEIGHT)


def _draw_table(
    pdf: FPDF,
    rows: Sequence[Row],
    columns: Sequence[_Column],
    cells_of: Callable[[Row], tuple[str, ...]],
    language: str,
) -> None:
    """The row table, header repeated per page; text() is ~4x faster than cell()."""
    limit = pdf.h - _FOOTER_SPACE - _MARGIN
    padding = 1.0
    lefts: list[float] = []
    x = _MARGIN
    for column in columns:
        lefts.append(x)
        x += column.width
    table_width = x - _MARGIN
    headers = [i18n.text(language, f"col.{column.header_key}") for column in columns]
    baseline = _TABLE_ROW_HEIGHT * 0.7

    def new_page() -> float:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", _TABLE_FONT_SIZE)
        pdf.set_fill_color(*_HEADER_FILL)
        top = _MARGIN
        pdf.rect(_MARGIN, top, table_width, _TABLE_ROW_HEIGHT + 1, style="F")
        for column, left, title in zip(columns, lefts, headers, strict=True):
            title = _fit(pdf, title, column.width - 2 * padding)
            if column.align == "R":
                left += column.width - padding - pdf.get_string_width(title)
            else:
                left += padding
            pdf.text(left, top + baseline + 0.5, title)
        pdf.set_font("Helvetica", size=_TABLE_FONT_SIZE)
        pdf.set_fill_color(*_STRIPE_FILL)
        return top + _TABLE_ROW_HEIGHT + 1

    shown = rows[:TABLE_ROW_LIMIT]
    y = new_page()
    string_width = pdf.get_string_width
    # Store ids repeat on many rows; an over-long one is measured only once.
    fitted: dict[tuple[str, float], tuple[str, float]] = {}
    for index, row in enumerate(shown):
        if y + _TABLE_ROW_HEIGHT > limit:
            y = new_page()
        if index % 2:
            pdf.rect(_MARGIN, y, table_width, _TABLE_ROW_HEIGHT, style="F")
        for value, column, left in zip(cells_of(row), columns, lefts, strict=True):
            room = column.width - 2 * padding
            if (value, room) in fitted:
                value, width = fitted[value, room]
            else:
                width = string_width(value) if len(value) < 100 else room + 1
                if width > room:
                    key = (value, room)
                    value = _fit(pdf, value, room)
                    width = string_width(value)
                    fitted[key] = (value, width)
            x = left + column.width - padding - width if column.align == "R" else left + padding
            pdf.text(x, y + baseline, value)
        y += _TABLE_ROW_HEIGHT
    hidden = len(rows) - len(shown)
    if hidden:
        if y + 2 * _TABLE_ROW_HEIGHT > limit:
            y = new_page()
        pdf.set_font("Helvetica", "I", 8)
        note = i18n.text(language, "more_rows", count=i18n.format_integer(hidden, language))
        pdf.text(_MARGIN + padding, y + _TABLE_ROW_HEIGHT + baseline, note)


def _filters_text(data_type: str, filters: Filters, language: str) -> str:
    grouped = group_filters(data_type, filters)
    if not grouped:
        return i18n.text(language, "no_filters")
    parts = []
    for key in sorted(grouped):
        values = ", ".join(pdf_text(v) if v else '""' for v in sorted(grouped[key]))
        parts.append(f"{key} = {values}")
    return "; ".join(parts)


def _file_id(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32].upper()


def render_pdf(
    rows: Sequence[Row],
    *,
    aid: str,
    data_type: str,
    start: date,
    end: date,
    language: str,
    schedule: str = "",
    filters: Filters = (),
    zone: str = "UTC",
) -> bytes:
    """The report as PDF bytes; only checkout and wallets reports exist as PDF.

    ``zone`` names the offset the period's days are in (``UTC``, ``UTC+01:00``); row times are always UTC.
    """
    i18n.check_language(language)
    if data_type not in PDF_DATA_TYPES:
        raise ValueError(f"PDF reports are only available for {PDF_DATA_TYPES}, not {data_type!r}")
    if data_type == CHECKOUT:
        checkout_rows = [row for row in rows if isinstance(row, CheckoutTransaction)]
        if len(checkout_rows) != len(rows):
            raise ValueError("a checkout report takes checkout rows only")
        sections = _checkout_sections(checkout_rows, language)
        columns: Sequence[_Column] = _CHECKOUT_COLUMNS
        cells_of = _checkout_cells(language)
    else:
        wallet_rows = [row for row in rows if isinstance(row, WalletTransaction)]
        if len(wallet_rows) != len(rows):
            raise ValueError("a wallets report takes wallets rows only")
        sections = _wallet_sections(wallet_rows, language)
        columns = _WALLET_COLUMNS
        cells_of = _wallet_cells(language)

    title = i18n.text(language, f"title.{data_type}")
    period = i18n.format_period(start, end, language)
    pdf = _ReportPDF(
        footer_text=f"{title} · {aid} · {period}",
        page_template=i18n.text(language, "page", page="{page}", pages="{pages}"),
        file_id_hex=_file_id(
            "insight-report", aid, data_type, start.isoformat(), end.isoformat(), language,
            schedule, repr(filters),
        ),
    )  # fmt: skip
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    pdf.alias_nb_pages(_PAGE_ALIAS)
    # Nothing in the file may depend on the clock or the machine.
    pdf.set_creation_date(datetime(end.year, end.month, end.day, tzinfo=UTC))
    pdf.set_producer("Dintero Insight")
    pdf.set_creator("Dintero Insight")
    pdf.set_author("Dintero")
    pdf.set_title(f"{title} {aid} {period}")
    pdf.set_lang("nb" if language == "no" else "en")

    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, i18n.text(language, "brand"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    environment = i18n.text(language, f"environment.{aid[:1]}") if aid[:1] in "PT" else ""
    _draw_info(pdf, i18n.text(language, "account"), f"{aid} ({environment})" if environment else aid)
    _draw_info(pdf, i18n.text(language, "period"), f"{period} ({zone})")
    if schedule:
        _draw_info(pdf, i18n.text(language, "schedule"), i18n.schedule_label(schedule, language))
    _draw_info(pdf, i18n.text(language, "filters"), _filters_text(data_type, filters, language))
    _draw_info(pdf, i18n.text(language, "rows"), i18n.format_integer(len(rows), language))
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(*_GREY)
    notes = i18n.text(language, "notes")
    if len(rows) > TABLE_ROW_LIMIT:
        limit_text = i18n.format_integer(TABLE_ROW_LIMIT, language)
        notes += " " + i18n.text(language, "table_cap_note", count=limit_text)
    pdf.cell(0, 6, notes, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    if not rows:
        pdf.ln(4)
        pdf.set_font("Helvetica", size=10)
        empty = "empty_filtered" if filters else "empty"  # tells a UI's empty state from a quiet period
        pdf.cell(0, 8, i18n.text(language, empty), new_x="LMARGIN", new_y="NEXT")
    else:
        for section in sections:
            _draw_section(pdf, section)
        _draw_table(pdf, rows, columns, cells_of, language)
    return bytes(pdf.output())
