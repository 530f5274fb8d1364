"""The PDF document builder: draws any data type's report from its declared layout (``mockserver.reports.layout``).

Layout (A4 landscape, so a row table fits on a page):

1. Summary page(s): title, account and environment, period, schedule,
   filters, row count, then the data type's summary tables (totals per
   currency, per status...). The totals always cover **all** rows.
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
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from fpdf import FPDF

from mockserver.reports.data import Filters, Row
from mockserver.reports.datatype import DataType
from mockserver.reports.i18n import Phrasebook
from mockserver.reports.layout import FIT_SCAN_LIMIT, PAGE_ALIAS, Column, Section, pdf_text, summarise
from mockserver.reports.request import ReportRequest

#: Most rows listed in the PDF table; the summary covers all rows regardless.
TABLE_ROW_LIMIT: Final = 1000

_MARGIN: Final = 11.0
_FOOTER_SPACE: Final = 14.0
_TABLE_ROW_HEIGHT: Final = 4.4
_TABLE_FONT_SIZE: Final = 7.0
_SUMMARY_ROW_HEIGHT: Final = 5.6
_GREY: Final = (110, 110, 110)
_HEADER_FILL: Final = (226, 231, 238)
_STRIPE_FILL: Final = (245, 247, 250)
_ACCENT: Final = (22, 41, 84)


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
        page_label = self._page_template.format(page=self.page_no(), pages=PAGE_ALIAS)
        self.cell(width * 0.25, 5, page_label, align="R")

    def file_id(self) -> str:
        return f"<{self._file_id_hex}><{self._file_id_hex}>"


def _fit(pdf: FPDF, value: str, width: float) -> str:
    """``value`` cut with an ellipsis so it fits ``width`` at the current font."""
    if len(value) > FIT_SCAN_LIMIT:
        value = value[:FIT_SCAN_LIMIT]  # longer never fits: measure less
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


def _draw_section(pdf: FPDF, section: Section) -> None:
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


def _draw_table(pdf: FPDF, rows: Sequence[Row], columns: Sequence[Column], book: Phrasebook) -> None:
    """The row table, header repeated per page; text() is ~4x faster than cell()."""
    limit = pdf.h - _FOOTER_SPACE - _MARGIN
    padding = 1.0
    lefts: list[float] = []
    x = _MARGIN
    for column in columns:
        lefts.append(x)
        x += column.width
    table_width = x - _MARGIN
    headers = [book.text(column.header) for column in columns]
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
        for column, left in zip(columns, lefts, strict=True):
            value = column.cell(row, book)
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
        note = book.text("more_rows", count=book.count(hidden))
        pdf.text(_MARGIN + padding, y + _TABLE_ROW_HEIGHT + baseline, note)


def _filters_text(filters: Filters, book: Phrasebook) -> str:
    """The filters as the request named them: ``key = value, value; key = value``, keys and values sorted."""
    grouped: dict[str, set[str]] = {}
    for key, value in filters:
        grouped.setdefault(key, set()).add(value)
    if not grouped:
        return book.text("no_filters")
    parts = []
    for key in sorted(grouped):
        values = ", ".join(pdf_text(v) if v else '""' for v in sorted(grouped[key]))
        parts.append(f"{key} = {values}")
    return "; ".join(parts)


def _file_id(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32].upper()


def render_pdf(rows: Sequence[Row], request: ReportRequest, kind: DataType) -> bytes:
    """The report as PDF bytes, drawn from the data type's layout; ``ValueError`` when it has none.

    The period is named in the offset its days are in (``UTC``, ``UTC+01:00``); row times are always UTC.
    """
    if kind.pdf is None:
        raise ValueError(f"{request.data_type} reports have no PDF layout; they exist as CSV only")
    for row in rows:
        if not isinstance(row, kind.row_type):
            raise ValueError(f"{type(row).__name__} is not a {kind.row_type.__name__}")
    book = kind.phrasebook(request.language)
    aid, start, end, filters = request.aid, request.start, request.end, request.filters
    title = book.text("title")
    period = book.period(start, end)
    pdf = _ReportPDF(
        footer_text=f"{title} · {aid} · {period}",
        page_template=book.text("page", page="{page}", pages="{pages}"),
        file_id_hex=_file_id(
            "insight-report", aid, request.data_type, start.isoformat(), end.isoformat(), request.language,
            request.schedule, repr(filters),
        ),
    )  # fmt: skip
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    pdf.alias_nb_pages(PAGE_ALIAS)
    # Nothing in the file may depend on the clock or the machine.
    pdf.set_creation_date(datetime(end.year, end.month, end.day, tzinfo=UTC))
    pdf.set_producer("Dintero Insight")
    pdf.set_creator("Dintero Insight")
    pdf.set_author("Dintero")
    pdf.set_title(f"{title} {aid} {period}")
    pdf.set_lang("nb" if request.language == "no" else "en")

    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(*_GREY)
    pdf.cell(0, 5, book.text("brand"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    environment = book.text(f"environment.{aid[:1]}") if aid[:1] in "PT" else ""
    _draw_info(pdf, book.text("account"), f"{aid} ({environment})" if environment else aid)
    _draw_info(pdf, book.text("period"), f"{period} ({request.zone_label})")
    if request.schedule:
        _draw_info(pdf, book.text("schedule"), book.label("schedule", request.schedule))
    _draw_info(pdf, book.text("filters"), _filters_text(filters, book))
    _draw_info(pdf, book.text("rows"), book.count(len(rows)))
    pdf.set_font("Helvetica", "I", 8)
    pdf.set_text_color(*_GREY)
    notes = book.text("notes")
    if len(rows) > TABLE_ROW_LIMIT:
        notes += " " + book.text("table_cap_note", count=book.count(TABLE_ROW_LIMIT))
    pdf.cell(0, 6, notes, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    if not rows:
        pdf.ln(4)
        pdf.set_font("Helvetica", size=10)
        empty = "empty_filtered" if filters else "empty"  # tells a UI's empty state from a quiet period
        pdf.cell(0, 8, book.text(empty), new_x="LMARGIN", new_y="NEXT")
    else:
        for summary in kind.pdf.summaries:
            _draw_section(pdf, summarise(summary, rows, book))
        _draw_table(pdf, rows, kind.pdf.table, book)
    return bytes(pdf.output())
