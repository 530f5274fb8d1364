"""Labels, column headers and number/date formatting for the report languages.

Two languages are supported, as in the Insight API: ``"en"`` (English) and
``"no"`` (Norwegian bokmål). The words every report shares are here; each data type brings its own
(``mockserver.reports.datatypes``), and a :class:`Phrasebook` holds both for one report.

Formatting conventions:

* English: thousands separator ``,``, decimal point ``.``, ISO dates
  (``2026-11-03``).
* Norwegian: thousands separator NO-BREAK SPACE (``\\xa0``, it is in latin-1 so
  the PDF core fonts can draw it and it never wraps inside a number), decimal
  comma, dates as ``03.11.2026``.

Money is always shown in major units with two decimals followed by the ISO
currency code (``1,234.50 NOK`` / ``1 234,50 NOK``), so amounts in different
currencies never look summable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

LANGUAGES: Final = ("en", "no")

#: Exponent of the minor unit per currency; all currencies the mock emits use 2.
MINOR_UNIT_EXPONENT: Final[dict[str, int]] = {"NOK": 2, "SEK": 2, "DKK": 2, "EUR": 2}

NBSP: Final = "\xa0"

#: Words every report shares, per language; a data type's own words (``mockserver.reports.datatypes``) come on top.
#: Keys: ``csv.<field>`` a CSV header, ``col.<name>`` a PDF column, ``schedule.<value>`` a value's label, the rest
#: the PDF's fixed text.
COMMON_WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "csv.id": "Transaction ID",
        "csv.created_at": "Created at (UTC)",
        "csv.store_id": "Store ID",
        "csv.amount": "Amount (minor units)",
        "csv.currency": "Currency",
        "csv.operation_type": "Operation type",
        "brand": "Dintero Insight",
        "account": "Account",
        "environment.P": "Production",
        "environment.T": "Test",
        "period": "Period",
        "schedule": "Schedule",
        "filters": "Filters",
        "no_filters": "None",
        "rows": "Rows",
        "notes": "Amounts are in major currency units with two decimals. Times are in UTC.",
        "totals_per_currency": "Totals per currency",
        "col.currency": "Currency",
        "col.count": "Transactions",
        "col.amount": "Amount",
        "col.created": "Created (UTC)",
        "col.transaction_id": "Transaction ID",
        "col.store": "Store",
        "empty": "No transactions in this period.",
        "empty_filtered": "No rows: no transactions in this period match the filters.",
        "page": "Page {page} of {pages}",
        "more_rows": "\u2026 and {count} more rows \u2014 download the CSV for all rows.",
        "table_cap_note": "The table lists the first {count} rows; the totals above cover all rows.",
        "schedule.daily": "Daily",
        "schedule.weekly": "Weekly",
        "schedule.twice-a-month": "Twice a month",
        "schedule.monthly": "Monthly",
    },
    "no": {
        "csv.id": "Transaksjons-ID",
        "csv.created_at": "Opprettet (UTC)",
        "csv.store_id": "Butikk-ID",
        "csv.amount": "Beløp (minste valutaenhet)",
        "csv.currency": "Valuta",
        "csv.operation_type": "Operasjonstype",
        "brand": "Dintero Insight",
        "account": "Konto",
        "environment.P": "Produksjon",
        "environment.T": "Test",
        "period": "Periode",
        "schedule": "Frekvens",
        "filters": "Filtre",
        "no_filters": "Ingen",
        "rows": "Antall rader",
        "notes": "Beløp er oppgitt i valutaens hovedenhet med to desimaler. Tidspunkter er i UTC.",
        "totals_per_currency": "Totalt per valuta",
        "col.currency": "Valuta",
        "col.count": "Antall",
        "col.amount": "Beløp",
        "col.created": "Opprettet (UTC)",
        "col.transaction_id": "Transaksjons-ID",
        "col.store": "Butikk",
        "empty": "Ingen transaksjoner i perioden.",
        "empty_filtered": "Ingen rader: ingen transaksjoner i perioden passer filtrene.",
        "page": "Side {page} av {pages}",
        "more_rows": "\u2026 og {count} rader til \u2013 last ned CSV-filen for å se alle radene.",
        "table_cap_note": "Tabellen viser de første {count} radene; summene over gjelder alle radene.",
        "schedule.daily": "Daglig",
        "schedule.weekly": "Ukentlig",
        "schedule.twice-a-month": "To ganger i måneden",
        "schedule.monthly": "Månedlig",
    },
}


def check_language(language: str) -> None:
    """Raise ``ValueError`` unless ``language`` is one of :data:`LANGUAGES`."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported report language {language!r}; expected one of {LANGUAGES}")


@dataclass(frozen=True)
class Phrasebook:
    """One report's words in one language, and that language's way of writing numbers and dates."""

    language: str
    words: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        """A fixed text, with ``{placeholders}`` filled from ``values``."""
        template = self.words[key]
        return template.format(**values) if values else template

    def label(self, kind: str, value: str) -> str:
        """What a value is called (``label("status", "CAPTURED")``); a value without a label shows as itself."""
        return self.words.get(f"{kind}.{value}", value)

    def count(self, value: int) -> str:
        return format_integer(value, self.language)

    def minor_units(self, amount: int, currency: str) -> str:
        return format_minor_units(amount, currency, self.language)

    def moment(self, moment: datetime) -> str:
        return format_datetime(moment, self.language)

    def period(self, start: date, end: date) -> str:
        return format_period(start, end, self.language)


def phrasebook(language: str, own_words: Mapping[str, Mapping[str, str]]) -> Phrasebook:
    """The common words of ``language`` with a data type's own words on top."""
    check_language(language)
    return Phrasebook(language, {**COMMON_WORDS[language], **own_words.get(language, {})})


def _group_thousands(digits: str, separator: str) -> str:
    """``"1234567"`` -> ``"1<sep>234<sep>567"``; ``digits`` has no sign."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def format_integer(value: int, language: str) -> str:
    """``12345`` -> ``12,345`` (en) or ``12 345`` with NBSP (no)."""
    separator = "," if language == "en" else NBSP
    sign = "-" if value < 0 else ""
    return sign + _group_thousands(str(abs(value)), separator)


def format_minor_units(amount: int, currency: str, language: str) -> str:
    """Minor units as a major-unit decimal: ``123450`` -> ``1,234.50`` / ``1 234,50``."""
    exponent = MINOR_UNIT_EXPONENT.get(currency, 2)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(amount), 10**exponent)
    thousands, decimal = (",", ".") if language == "en" else (NBSP, ",")
    grouped = _group_thousands(str(whole), thousands)
    if exponent == 0:
        return sign + grouped
    return f"{sign}{grouped}{decimal}{fraction:0{exponent}d}"


def format_money(amount: int, currency: str, language: str) -> str:
    """``1,234.50 NOK`` (en) / ``1 234,50 NOK`` (no)."""
    return f"{format_minor_units(amount, currency, language)} {currency}"


def format_date(day: date, language: str) -> str:
    """``2026-11-03`` (en) / ``03.11.2026`` (no)."""
    if language == "en":
        return day.isoformat()
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def format_datetime(moment: datetime, language: str) -> str:
    """Date and time to the second, no zone suffix (the column header says UTC)."""
    return f"{format_date(moment.date(), language)} {moment:%H:%M:%S}"


def format_period(start: date, end: date, language: str) -> str:
    """A half-open ``[start, end)`` period shown with its inclusive last day."""
    last = end - timedelta(days=1) if end > start else start
    return f"{format_date(start, language)} \u2013 {format_date(last, language)}"
