"""RFC 4180 CSV rendering (and parsing back) of report rows.

* CRLF line endings, fields quoted only when needed (comma, quote, CR/LF),
  quotes doubled; UTF-8 without a byte-order mark.
* The first line is the header row in the report language (see ``i18n``);
  values stay machine-readable in both languages: ISO 8601 UTC timestamps
  (``2026-11-03T14:22:05Z``), integer minor units, status and type codes as-is.
* Strings that cannot be encoded as UTF-8 (lone surrogates from a client's
  JSON) are written as ``?``.
"""

from __future__ import annotations

import csv as stdlib_csv  # this module is itself named csv; be explicit
import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from mockserver.reports import i18n
from mockserver.reports.data import (
    CHECKOUT,
    ORDERS,
    ROW_TYPES,
    WALLETS,
    CheckoutTransaction,
    OrderOperation,
    Row,
    WalletTransaction,
    check_data_type,
)

MEDIA_TYPE: Final = "text/csv; charset=utf-8"

_ISO_UTC_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"


def format_timestamp(moment: datetime) -> str:
    """``2026-11-03T14:22:05Z`` (rows never carry sub-second precision)."""
    # isoformat() is several times faster than strftime; rows are always UTC
    # with whole seconds, so the first 19 characters are date and time.
    return moment.isoformat()[:19] + "Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, _ISO_UTC_FORMAT).replace(tzinfo=UTC)


def _checkout_record(row: CheckoutTransaction) -> tuple[object, ...]:
    return (
        row.id,
        format_timestamp(row.created_at),
        row.store_id,
        row.payout_destination_id,
        row.merchant_reference,
        row.payment_product,
        row.payment_product_type,
        row.status,
        row.amount,
        row.captured_amount,
        row.refunded_amount,
        row.currency,
    )


def _order_record(row: OrderOperation) -> tuple[object, ...]:
    return (
        row.id,
        row.order_id,
        format_timestamp(row.created_at),
        row.operation_type,
        row.amount,
        row.currency,
        row.store_id,
        row.operation_payout_destination,
    )


def _wallet_record(row: WalletTransaction) -> tuple[object, ...]:
    return (
        row.id,
        format_timestamp(row.created_at),
        row.card_id,
        row.operation_type,
        row.amount,
        row.currency,
        row.balance_after,
        row.store_id,
    )


def _checkout_row(fields: Sequence[str]) -> CheckoutTransaction:
    return CheckoutTransaction(
        id=fields[0],
        created_at=parse_timestamp(fields[1]),
        store_id=fields[2],
        payout_destination_id=fields[3],
        merchant_reference=fields[4],
        payment_product=fields[5],
        payment_product_type=fields[6],
        status=fields[7],
        amount=int(fields[8]),
        captured_amount=int(fields[9]),
        refunded_amount=int(fields[10]),
        currency=fields[11],
    )


def _order_row(fields: Sequence[str]) -> OrderOperation:
    return OrderOperation(
        id=fields[0],
        order_id=fields[1],
        created_at=parse_timestamp(fields[2]),
        operation_type=fields[3],
        amount=int(fields[4]),
        currency=fields[5],
        store_id=fields[6],
        operation_payout_destination=fields[7],
    )


def _wallet_row(fields: Sequence[str]) -> WalletTransaction:
    return WalletTransaction(
        id=fields[0],
        created_at=parse_timestamp(fields[1]),
        card_id=fields[2],
        operation_type=fields[3],
        amount=int(fields[4]),
        currency=fields[5],
        balance_after=int(fields[6]),
        store_id=fields[7],
    )


# Any: each encoder accepts only its own row class; render_csv checks that.
_ENCODERS: Final[dict[str, Callable[[Any], tuple[object, ...]]]] = {
    CHECKOUT: _checkout_record,
    ORDERS: _order_record,
    WALLETS: _wallet_record,
}
_DECODERS: Final[dict[str, Callable[[Sequence[str]], Row]]] = {
    CHECKOUT: _checkout_row,
    ORDERS: _order_row,
    WALLETS: _wallet_row,
}


def render_csv(rows: Sequence[Row], data_type: str, language: str) -> bytes:
    """The CSV file (header + one line per row) as UTF-8 bytes."""
    check_data_type(data_type)
    i18n.check_language(language)
    row_class = ROW_TYPES[data_type]
    for row in rows:
        if not isinstance(row, row_class):
            raise ValueError(f"{type(row).__name__} is not a {data_type} row")
    buffer = io.StringIO()
    writer = stdlib_csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(i18n.column_headers(data_type, language))
    writer.writerows(map(_ENCODERS[data_type], rows))
    return buffer.getvalue().encode("utf-8", "replace")


def parse_csv(body: bytes, data_type: str) -> list[Row]:
    """Rows back from :func:`render_csv` output (the header line is skipped)."""
    check_data_type(data_type)
    reader = stdlib_csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    next(reader, None)
    decode = _DECODERS[data_type]
    return [decode(fields) for fields in reader]
