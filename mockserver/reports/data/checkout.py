"""checkout/transactions: one store's transactions of one UTC day."""

from __future__ import annotations

import bisect
import math
import random
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
from mockserver.reports.data.rows import CHECKOUT, CheckoutTransaction, Row
from mockserver.reports.data.seeding import _base58ish, _Choice, _poisson, _rng, _standard_normal

_PAYMENT_MIX: Final[dict[tuple[str, str], _Choice]] = {
    ("NOK", "web"): _Choice(
        [("vipps", 38), ("bambora.creditcard", 30), ("klarna.klarna", 15),
         ("collector.invoice", 8), ("bambora.vipps", 4), ("bambora.applepay", 5)]
    ),
    ("NOK", "physical"): _Choice(
        [("vipps", 45), ("bambora.creditcard", 45), ("bambora.applepay", 7), ("bambora.vipps", 3)]
    ),
    ("SEK", "web"): _Choice(
        [("swish.swish", 35), ("bambora.creditcard", 30), ("klarna.klarna", 25),
         ("collector.invoice", 7), ("bambora.applepay", 3)]
    ),
    ("SEK", "physical"): _Choice(
        [("swish.swish", 40), ("bambora.creditcard", 55), ("bambora.applepay", 5)]
    ),
    ("DKK", "web"): _Choice(
        [("bambora.mobilepay", 40), ("bambora.creditcard", 40), ("klarna.klarna", 15),
         ("bambora.applepay", 5)]
    ),
    ("DKK", "physical"): _Choice(
        [("bambora.mobilepay", 45), ("bambora.creditcard", 50), ("bambora.applepay", 5)]
    ),
    ("EUR", "web"): _Choice(
        [("bambora.creditcard", 62), ("klarna.klarna", 22), ("collector.invoice", 6),
         ("bambora.applepay", 10)]
    ),
    ("EUR", "physical"): _Choice([("bambora.creditcard", 85), ("bambora.applepay", 15)]),
}  # fmt: skip

_STATUS_WEIGHTS: Final[dict[str, float]] = {
    "CAPTURED": 80.0,
    "PARTIALLY_CAPTURED": 1.5,
    "AUTHORIZED": 3.0,
    "REFUNDED": 4.0,
    "PARTIALLY_REFUNDED": 2.5,
    "AUTHORIZATION_VOIDED": 3.0,
    "FAILED": 6.0,
}


def _status_choice(payment_product_type: str, channel: str) -> _Choice:
    weights = dict(_STATUS_WEIGHTS)
    if payment_product_type in ("klarna.klarna", "collector.invoice"):
        # Invoices stay authorized until the goods ship; card payments fail more.
        weights.update(AUTHORIZED=8.0, FAILED=3.0, PARTIALLY_CAPTURED=3.0)
    if channel == "physical":
        # Goods leave the shop with the customer: capture is immediate.
        weights.update(AUTHORIZED=0.3, PARTIALLY_CAPTURED=0.2, AUTHORIZATION_VOIDED=1.0)
    return _Choice(list(weights.items()))


_STATUS_MIX: Final[dict[tuple[str, str], _Choice]] = {
    (ptype, channel): _status_choice(ptype, channel)
    for mix in _PAYMENT_MIX.values()
    for ptype in mix.values
    for channel in ("web", "physical")
}


def _captured_and_refunded(rng: random.Random, status: str, amount: int) -> tuple[int, int]:
    if status == "CAPTURED":
        return amount, 0
    if status == "PARTIALLY_CAPTURED":
        return _strictly_between(rng, amount), 0
    if status == "REFUNDED":
        return amount, amount
    if status == "PARTIALLY_REFUNDED":
        return amount, _strictly_between(rng, amount)
    return 0, 0  # AUTHORIZED, AUTHORIZATION_VOIDED, FAILED


def _checkout_store_day(profile: AccountProfile, store: Store, day: date) -> list[Row]:
    """One store's transactions of one UTC day, in time order."""
    aid = profile.aid
    rng = _rng(CHECKOUT, aid, day.isoformat(), store.store_id, store.payout_destination_id)
    noise = math.exp(0.12 * _standard_normal(rng))
    expected = profile.checkout_daily_mean * store.share * _day_factor(day, store.country, store.channel)
    stride = _order_number_stride(profile, store)
    count = min(_poisson(rng, expected * noise), stride - 1)
    if count == 0:
        return []
    seconds = _draw_seconds(rng, count, _hour_cdf(store.channel, _utc_offset_hours(day, store.country)))
    day_start = _day_start(day)
    first_number = max(0, (day - _EPOCH_DAY).days) * stride
    reference = _reference_format(profile, store)
    domestic = store.currency
    baskets = {c: _basket_sampler(profile.segment, store.channel, c) for c in (domestic, "EUR")}
    foreign_share = 0.03 if store.channel == "web" and domestic != "EUR" else 0.0
    # Hot loop (tens of thousands of rows per monthly report): everything the
    # loop needs is bound to a local name first.
    store_id, destination, channel = store.store_id, store.payout_destination_id, store.channel
    random_ = rng.random
    bisect_right = bisect.bisect_right
    rows: list[Row] = []
    append = rows.append
    for rank, second in enumerate(seconds):
        currency = "EUR" if foreign_share and random_() < foreign_share else domestic
        products = _PAYMENT_MIX[currency, channel]
        ptype = products.values[bisect_right(products.cumulative, random_() * products.total)]
        statuses = _STATUS_MIX[ptype, channel]
        status = statuses.values[bisect_right(statuses.cumulative, random_() * statuses.total)]
        amount = baskets[currency](rng)
        if status == "CAPTURED":
            captured, refunded = amount, 0
        else:
            captured, refunded = _captured_and_refunded(rng, status, amount)
        # Positional for speed (a third faster than keywords); the order is
        # the field order of CheckoutTransaction, guarded by test_data.py.
        append(
            CheckoutTransaction(
                f"{aid}.{_base58ish(rng)}",
                day_start + timedelta(seconds=second),
                store_id,
                destination,
                reference(first_number + rank),
                ptype.partition(".")[0],
                ptype,
                status,
                amount,
                captured,
                refunded,
                currency,
            )
        )
    return rows
