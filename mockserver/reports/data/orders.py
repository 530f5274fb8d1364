"""orders/orderoperations: one store's operations of one UTC day, per payout destination."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Final

from mockserver.reports.data.accounts import AccountProfile, Store
from mockserver.reports.data.amounts import (
    _EPOCH_DAY,
    _basket_sampler,
    _order_number_stride,
    _reference_format,
    _strictly_between,
)
from mockserver.reports.data.calendar import _day_factor, _day_start, _draw_seconds, _hour_cdf, _utc_offset_hours
from mockserver.reports.data.rows import ORDERS, OrderOperation, Row
from mockserver.reports.data.seeding import _Choice, _poisson, _rng, _standard_normal, _uuid4

_ORDER_OPERATION_MIX: Final = _Choice(
    [("capture", 62), ("partial_capture", 5), ("refund", 12), ("partial_refund", 8), ("void", 9)]
)

#: Order operations per checkout transaction (some orders never get one).
_ORDER_OPERATIONS_PER_TRANSACTION: Final = 0.65


def _orders_store_day(profile: AccountProfile, destination: str, store: Store, day: date) -> list[Row]:
    aid = profile.aid
    rng = _rng(ORDERS, aid, day.isoformat(), destination, store.store_id)
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
