"""Order operations: one entity per *payout destination*; its rows come from the stores paying out to it.

Captures, refunds and voids of earlier orders (captures follow their order within days, refunds within weeks), each
with the payout destination it pays out to. A filter on ``operation_payout_destination`` is answered by choosing
destinations before any row is drawn. CSV only, as the contract says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from mockserver.reports.data.accounts import AccountProfile, Store, account_profile
from mockserver.reports.data.amounts import (
    _EPOCH_DAY,
    _basket_sampler,
    _order_number_stride,
    _reference_format,
    _strictly_between,
)
from mockserver.reports.data.calendar import _day_factor, _day_start, _draw_seconds, _hour_cdf, _utc_offset_hours
from mockserver.reports.data.rows import DayPlan, Row, Wanted, entity_after_entity
from mockserver.reports.data.seeding import _Choice, _poisson, _rng, _standard_normal, _uuid4
from mockserver.reports.datatype import DataType


@dataclass(frozen=True, slots=True)
class OrderOperation(Row):
    """An operation on an order; ``id`` is the operation id, ``amount`` >= 0."""

    order_id: str
    operation_type: str
    amount: int
    currency: str
    store_id: str
    operation_payout_destination: str


OPERATION_TYPES: Final = ("capture", "partial_capture", "refund", "partial_refund", "void")

_ORDER_OPERATION_MIX: Final = _Choice(
    [("capture", 62), ("partial_capture", 5), ("refund", 12), ("partial_refund", 8), ("void", 9)]
)

#: Order operations per checkout transaction (some orders never get one).
_ORDER_OPERATIONS_PER_TRANSACTION: Final = 0.65


def _store_day(data_type: str, profile: AccountProfile, destination: str, store: Store, day: date) -> list[Row]:
    aid = profile.aid
    rng = _rng(data_type, aid, day.isoformat(), destination, store.store_id)
    noise = math.exp(0.12 * _standard_normal(rng))
    expected = (
        profile.checkout_daily_mean
        * _ORDER_OPERATIONS_PER_TRANSACTION
        * store.share
        * _day_factor(day, store.country, store.channel)
    )
    count = _poisson(rng, expected * noise)
    if count == 0:
        return []
    seconds = _draw_seconds(rng, count, _hour_cdf(store.channel, _utc_offset_hours(day, store.country)))
    day_start = _day_start(day)
    stride = _order_number_stride(profile, store)
    today_number = max(0, (day - _EPOCH_DAY).days) * stride
    reference = _reference_format(profile, store)
    rows: list[Row] = []
    for second in seconds:
        operation = _ORDER_OPERATION_MIX.pick(rng)
        # Captures follow their order within days, refunds within weeks.
        days_back = 14.0 if operation in ("refund", "partial_refund") else 2.0
        order_number = max(0, today_number - int(rng.random() * days_back * stride))
        currency = store.currency
        if store.channel == "web" and currency != "EUR" and rng.random() < 0.03:
            currency = "EUR"
        amount = _basket_sampler(profile.segment, store.channel, currency)(rng)
        if operation in ("partial_capture", "partial_refund"):
            amount = _strictly_between(rng, amount)
        rows.append(
            OrderOperation(
                id=_uuid4(rng),
                created_at=day_start + timedelta(seconds=second),
                order_id=reference(order_number),
                operation_type=operation,
                amount=amount,
                currency=currency,
                store_id=store.store_id,
                operation_payout_destination=destination,
            )
        )
    return rows


def plan(data_type: str, aid: str, wanted: Wanted) -> DayPlan:
    """The payout destinations the filters leave, each with the stores paying out to it, destination by destination."""
    profile = account_profile(aid)
    chosen = wanted.get("operation_payout_destination")
    pairs = tuple(
        (destination, store)
        for destination in profile.destinations
        if chosen is None or destination in chosen
        for store in profile.stores
        if store.payout_destination_id == destination
    )

    def rows_of(pair: tuple[str, Store], day: date) -> list[Row]:
        return _store_day(data_type, profile, *pair, day)

    return entity_after_entity(pairs, rows_of, answered=frozenset({"operation_payout_destination"}))


WORDS: Final = {
    "en": {
        "title": "Order operations report",
        "csv.id": "Operation ID",
        "csv.order_id": "Order ID",
        "csv.operation_payout_destination": "Operation payout destination",
        "operation_type.capture": "Capture",
        "operation_type.partial_capture": "Partial capture",
        "operation_type.refund": "Refund",
        "operation_type.partial_refund": "Partial refund",
        "operation_type.void": "Void",
    },
    "no": {
        "title": "Rapport over ordreoperasjoner",
        "csv.id": "Operasjons-ID",
        "csv.order_id": "Ordre-ID",
        "csv.operation_payout_destination": "Utbetalingsmottaker for operasjonen",
        "operation_type.capture": "Trekk",
        "operation_type.partial_capture": "Delvis trekk",
        "operation_type.refund": "Refusjon",
        "operation_type.partial_refund": "Delvis refusjon",
        "operation_type.void": "Annullering",
    },
}

REPORT: Final = DataType(
    row_type=OrderOperation,
    plan=plan,
    csv_columns=(
        "id",
        "order_id",
        "created_at",
        "operation_type",
        "amount",
        "currency",
        "store_id",
        "operation_payout_destination",
    ),
    words=WORDS,
)
