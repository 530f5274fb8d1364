"""The row types of each data type, their column order and the data-type names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from typing import Final

CHECKOUT: Final = "checkout/transactions"

ORDERS: Final = "orders/orderoperations"

WALLETS: Final = "wallets/transactions"

DATA_TYPES: Final = (CHECKOUT, ORDERS, WALLETS)

Filters = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Row:
    """Common base: ``id`` is the row's own id, ``created_at`` is UTC."""

    id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CheckoutTransaction(Row):
    """A checkout transaction; amounts are minor units (øre, öre, cent)."""

    store_id: str
    payout_destination_id: str
    merchant_reference: str
    payment_product: str
    payment_product_type: str
    status: str
    amount: int
    captured_amount: int
    refunded_amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderOperation(Row):
    """An operation on an order; ``id`` is the operation id, ``amount`` >= 0."""

    order_id: str
    operation_type: str
    amount: int
    currency: str
    store_id: str
    operation_payout_destination: str


@dataclass(frozen=True, slots=True)
class WalletTransaction(Row):
    """A wallet (gift/loyalty card) transaction; ``amount`` is signed."""

    card_id: str
    operation_type: str
    amount: int
    currency: str
    balance_after: int
    store_id: str


#: Column order per data type (row attribute names); CSV files follow it.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    CHECKOUT: (
        "id",
        "created_at",
        "store_id",
        "payout_destination_id",
        "merchant_reference",
        "payment_product",
        "payment_product_type",
        "status",
        "amount",
        "captured_amount",
        "refunded_amount",
        "currency",
    ),
    ORDERS: (
        "id",
        "order_id",
        "created_at",
        "operation_type",
        "amount",
        "currency",
        "store_id",
        "operation_payout_destination",
    ),
    WALLETS: (
        "id",
        "created_at",
        "card_id",
        "operation_type",
        "amount",
        "currency",
        "balance_after",
        "store_id",
    ),
}

ROW_TYPES: Final[dict[str, type[Row]]] = {
    CHECKOUT: CheckoutTransaction,
    ORDERS: OrderOperation,
    WALLETS: WalletTransaction,
}

CHECKOUT_STATUSES: Final = (
    "AUTHORIZED",
    "CAPTURED",
    "PARTIALLY_CAPTURED",
    "REFUNDED",
    "PARTIALLY_REFUNDED",
    "AUTHORIZATION_VOIDED",
    "FAILED",
)

ORDER_OPERATION_TYPES: Final = ("capture", "partial_capture", "refund", "partial_refund", "void")

WALLET_OPERATION_TYPES: Final = ("top_up", "purchase", "refund", "expiry")

_row_order = attrgetter("created_at", "id")


def check_data_type(data_type: str) -> None:
    if data_type not in DATA_TYPES:
        raise ValueError(f"unknown data type {data_type!r}; expected one of {DATA_TYPES}")
