"""Labels, column headers and number/date formatting for the report languages.

Two languages are supported, as in the Insight API: ``"en"`` (English) and
``"no"`` (Norwegian bokmål).

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

from datetime import date, datetime, timedelta
from typing import Final

from mockserver.reports.data import COLUMNS

LANGUAGES: Final = ("en", "no")

#: Exponent of the minor unit per currency; all currencies the mock emits use 2.
MINOR_UNIT_EXPONENT: Final[dict[str, int]] = {"NOK": 2, "SEK": 2, "DKK": 2, "EUR": 2}

NBSP: Final = "\xa0"

# Column headers per row field. The field names are the attribute names of
# the row dataclasses (see ``data.COLUMNS``); CSV files use these headers.
_HEADERS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "id": "Transaction ID",
        "operation_id": "Operation ID",
        "created_at": "Created at (UTC)",
        "store_id": "Store ID",
        "payout_destination_id": "Payout destination ID",
        "merchant_reference": "Merchant reference",
        "payment_product": "Payment product",
        "payment_product_type": "Payment product type",
        "status": "Status",
        "amount": "Amount (minor units)",
        "signed_amount": "Amount (minor units, signed)",
        "captured_amount": "Captured amount (minor units)",
        "refunded_amount": "Refunded amount (minor units)",
        "currency": "Currency",
        "order_id": "Order ID",
        "operation_type": "Operation type",
        "operation_payout_destination": "Operation payout destination",
        "card_id": "Card ID",
        "balance_after": "Balance after (minor units)",
    },
    "no": {
        "id": "Transaksjons-ID",
        "operation_id": "Operasjons-ID",
        "created_at": "Opprettet (UTC)",
        "store_id": "Butikk-ID",
        "payout_destination_id": "Utbetalingsmottaker-ID",
        "merchant_reference": "Ordrereferanse",
        "payment_product": "Betalingsprodukt",
        "payment_product_type": "Betalingsprodukttype",
        "status": "Status",
        "amount": "Beløp (minste valutaenhet)",
        "signed_amount": "Beløp (minste valutaenhet, med fortegn)",
        "captured_amount": "Trukket beløp (minste valutaenhet)",
        "refunded_amount": "Refundert beløp (minste valutaenhet)",
        "currency": "Valuta",
        "order_id": "Ordre-ID",
        "operation_type": "Operasjonstype",
        "operation_payout_destination": "Utbetalingsmottaker for operasjonen",
        "card_id": "Kort-ID",
        "balance_after": "Saldo etter (minste valutaenhet)",
    },
}

# The CSV columns are the rows' attribute names (``data.COLUMNS``). Some names are shared across data types while
# their meaning is not ("id" of an order operation, a wallet's signed "amount"): those take a header of their own.
_HEADER_RENAMES: Final[dict[str, dict[str, str]]] = {
    "orders/orderoperations": {"id": "operation_id"},
    "wallets/transactions": {"amount": "signed_amount"},
}

_TEXT: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title.checkout/transactions": "Checkout transactions report",
        "title.orders/orderoperations": "Order operations report",
        "title.wallets/transactions": "Wallets transactions report",
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
        "per_status": "Per status",
        "per_payment_product": "Per payment product",
        "per_operation_type": "Per operation type",
        "col.currency": "Currency",
        "col.count": "Transactions",
        "col.amount": "Amount",
        "col.captured": "Captured",
        "col.refunded": "Refunded",
        "col.net": "Net (captured - refunded)",
        "col.credits": "Credits",
        "col.debits": "Debits",
        "col.net_change": "Net change",
        "col.status": "Status",
        "col.payment_product": "Payment product",
        "col.operation_type": "Operation type",
        "col.created": "Created (UTC)",
        "col.transaction_id": "Transaction ID",
        "col.store": "Store",
        "col.reference": "Merchant reference",
        "col.card": "Card",
        "col.balance_after": "Balance after",
        "transactions": "Transactions",
        "empty": "No transactions in this period.",
        "empty_filtered": "No rows: no transactions in this period match the filters.",
        "page": "Page {page} of {pages}",
        "more_rows": "\u2026 and {count} more rows \u2014 download the CSV for all rows.",
        "table_cap_note": "The table lists the first {count} rows; the totals above cover all rows.",
    },
    "no": {
        "title.checkout/transactions": "Rapport over checkout-transaksjoner",
        "title.orders/orderoperations": "Rapport over ordreoperasjoner",
        "title.wallets/transactions": "Rapport over lommeboktransaksjoner",
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
        "per_status": "Fordelt på status",
        "per_payment_product": "Fordelt på betalingsmåte",
        "per_operation_type": "Fordelt på transaksjonstype",
        "col.currency": "Valuta",
        "col.count": "Antall",
        "col.amount": "Beløp",
        "col.captured": "Trukket",
        "col.refunded": "Refundert",
        "col.net": "Netto (trukket - refundert)",
        "col.credits": "Innskudd",
        "col.debits": "Uttak",
        "col.net_change": "Nettoendring",
        "col.status": "Status",
        "col.payment_product": "Betalingsmåte",
        "col.operation_type": "Transaksjonstype",
        "col.created": "Opprettet (UTC)",
        "col.transaction_id": "Transaksjons-ID",
        "col.store": "Butikk",
        "col.reference": "Ordrereferanse",
        "col.card": "Kort",
        "col.balance_after": "Saldo etter",
        "transactions": "Transaksjoner",
        "empty": "Ingen transaksjoner i perioden.",
        "empty_filtered": "Ingen rader: ingen transaksjoner i perioden passer filtrene.",
        "page": "Side {page} av {pages}",
        "more_rows": "\u2026 og {count} rader til \u2013 last ned CSV-filen for å se alle radene.",
        "table_cap_note": "Tabellen viser de første {count} radene; summene over gjelder alle radene.",
    },
}

_SCHEDULES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "daily": "Daily",
        "weekly": "Weekly",
        "twice-a-month": "Twice a month",
        "monthly": "Monthly",
    },
    "no": {
        "daily": "Daglig",
        "weekly": "Ukentlig",
        "twice-a-month": "To ganger i måneden",
        "monthly": "Månedlig",
    },
}

_STATUSES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "AUTHORIZED": "Authorized",
        "CAPTURED": "Captured",
        "PARTIALLY_CAPTURED": "Partially captured",
        "REFUNDED": "Refunded",
        "PARTIALLY_REFUNDED": "Partially refunded",
        "AUTHORIZATION_VOIDED": "Authorization voided",
        "FAILED": "Failed",
    },
    "no": {
        "AUTHORIZED": "Autorisert",
        "CAPTURED": "Trukket",
        "PARTIALLY_CAPTURED": "Delvis trukket",
        "REFUNDED": "Refundert",
        "PARTIALLY_REFUNDED": "Delvis refundert",
        "AUTHORIZATION_VOIDED": "Autorisasjon annullert",
        "FAILED": "Feilet",
    },
}

_OPERATION_TYPES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "top_up": "Top-up",
        "purchase": "Purchase",
        "refund": "Refund",
        "expiry": "Expiry",
        "capture": "Capture",
        "partial_capture": "Partial capture",
        "partial_refund": "Partial refund",
        "void": "Void",
    },
    "no": {
        "top_up": "Påfylling",
        "purchase": "Kjøp",
        "refund": "Refusjon",
        "expiry": "Utløp",
        "capture": "Trekk",
        "partial_capture": "Delvis trekk",
        "partial_refund": "Delvis refusjon",
        "void": "Annullering",
    },
}

_PAYMENT_PRODUCT_TYPES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "vipps": "Vipps",
        "bambora.vipps": "Vipps (Bambora)",
        "bambora.creditcard": "Card (Bambora)",
        "bambora.applepay": "Apple Pay (Bambora)",
        "bambora.mobilepay": "MobilePay (Bambora)",
        "klarna.klarna": "Klarna",
        "collector.invoice": "Invoice (Collector)",
        "swish.swish": "Swish",
    },
    "no": {
        "vipps": "Vipps",
        "bambora.vipps": "Vipps (Bambora)",
        "bambora.creditcard": "Kort (Bambora)",
        "bambora.applepay": "Apple Pay (Bambora)",
        "bambora.mobilepay": "MobilePay (Bambora)",
        "klarna.klarna": "Klarna",
        "collector.invoice": "Faktura (Collector)",
        "swish.swish": "Swish",
    },
}


def check_language(language: str) -> None:
    """Raise ``ValueError`` unless ``language`` is one of :data:`LANGUAGES`."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported report language {language!r}; expected one of {LANGUAGES}")


def column_headers(data_type: str, language: str) -> tuple[str, ...]:
    """The localised CSV header row for ``data_type``."""
    check_language(language)
    try:
        columns = COLUMNS[data_type]
    except KeyError:
        raise ValueError(f"unknown data type {data_type!r}") from None
    headers, renames = _HEADERS[language], _HEADER_RENAMES.get(data_type, {})
    return tuple(headers[renames.get(column, column)] for column in columns)


def text(language: str, key: str, **values: object) -> str:
    """A UI string, with ``{placeholders}`` filled from ``values``."""
    template = _TEXT[language][key]
    return template.format(**values) if values else template


def schedule_label(schedule: str, language: str) -> str:
    return _SCHEDULES[language].get(schedule, schedule)


def status_label(status: str, language: str) -> str:
    return _STATUSES[language].get(status, status)


def operation_type_label(operation_type: str, language: str) -> str:
    return _OPERATION_TYPES[language].get(operation_type, operation_type)


def payment_product_label(payment_product_type: str, language: str) -> str:
    return _PAYMENT_PRODUCT_TYPES[language].get(payment_product_type, payment_product_type)


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
