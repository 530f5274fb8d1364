"""Checkout transactions: one entity per *store*, each paying out to one payout destination.

A store's rows of one UTC day follow the day's traffic (weekday, season, holidays, local hours); each store pays out
to exactly one payout destination (a VAT-number-like id of the legal entity that owns it), so filters on
``store_id`` and ``payout_destination_id`` are answered by choosing stores before any row is drawn.
"""

from __future__ import annotations

import bisect
import math
import random
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
from mockserver.reports.data.seeding import _base58ish, _Choice, _poisson, _rng, _standard_normal
from mockserver.reports.datatype import DataType
from mockserver.reports.layout import (
    COUNT,
    CURRENCY,
    Column,
    GroupBy,
    Measure,
    PdfLayout,
    Summary,
    currency_key,
    field,
    money,
    totals_per_currency,
    value_then_currency,
)
from mockserver.reports.layout import pdf_text as text


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


#: In the order the PDF lists them.
STATUSES: Final = (
    "AUTHORIZED",
    "CAPTURED",
    "PARTIALLY_CAPTURED",
    "REFUNDED",
    "PARTIALLY_REFUNDED",
    "AUTHORIZATION_VOIDED",
    "FAILED",
)

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


def _store_day(data_type: str, profile: AccountProfile, store: Store, day: date) -> list[Row]:
    """One store's transactions of one UTC day, in time order."""
    aid = profile.aid
    rng = _rng(data_type, aid, day.isoformat(), store.store_id, store.payout_destination_id)
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


def plan(data_type: str, aid: str, wanted: Wanted) -> DayPlan:
    """The stores the filters leave (a store or destination the account does not have leaves none)."""
    profile = account_profile(aid)
    stores_wanted, destinations_wanted = wanted.get("store_id"), wanted.get("payout_destination_id")
    stores = tuple(
        store
        for store in profile.stores
        if (stores_wanted is None or store.store_id in stores_wanted)
        and (destinations_wanted is None or store.payout_destination_id in destinations_wanted)
    )

    def rows_of(store: Store, day: date) -> list[Row]:
        return _store_day(data_type, profile, store, day)

    return entity_after_entity(stores, rows_of, answered=frozenset({"store_id", "payout_destination_id"}))


PDF: Final = PdfLayout(
    summaries=(
        totals_per_currency(
            Measure("col.amount", field("amount")),
            Measure("col.captured", field("captured_amount")),
            Measure("col.refunded", field("refunded_amount")),
            Measure("col.net", lambda row: row.captured_amount - row.refunded_amount, width=52),
        ),
        Summary(
            "per_status",
            by=(GroupBy("status", "col.status", 60, labels="status"), CURRENCY),
            measures=(COUNT, Measure("col.amount", field("amount"))),
            order=value_then_currency(STATUSES),
        ),
        Summary(
            "per_payment_product",  # the most used first
            by=(GroupBy("payment_product_type", "col.payment_product", 60, labels="payment_product"), CURRENCY),
            measures=(COUNT, Measure("col.amount", field("amount")), Measure("col.captured", field("captured_amount"))),
            order=lambda key, count: (-count, currency_key(key[1]), key[0]),
        ),
    ),
    table=(
        Column("col.created", 26, "L", lambda row, book: book.moment(row.created_at)),
        Column("col.transaction_id", 52, "L", lambda row, book: row.id),
        Column("col.store", 31, "L", lambda row, book: text(row.store_id)),
        Column("col.reference", 26, "L", lambda row, book: text(row.merchant_reference)),
        Column(
            "col.payment_product", 27, "L", lambda row, book: book.label("payment_product", row.payment_product_type)
        ),
        Column("col.status", 28, "L", lambda row, book: book.label("status", row.status)),
        Column("col.currency", 12, "L", lambda row, book: row.currency),
        Column("col.amount", 24, "R", money("amount")),
        Column("col.captured", 24, "R", money("captured_amount")),
        Column("col.refunded", 24, "R", money("refunded_amount")),
    ),
)

WORDS: Final = {
    "en": {
        "title": "Checkout transactions report",
        "csv.payout_destination_id": "Payout destination ID",
        "csv.merchant_reference": "Merchant reference",
        "csv.payment_product": "Payment product",
        "csv.payment_product_type": "Payment product type",
        "csv.status": "Status",
        "csv.captured_amount": "Captured amount (minor units)",
        "csv.refunded_amount": "Refunded amount (minor units)",
        "per_status": "Per status",
        "per_payment_product": "Per payment product",
        "col.captured": "Captured",
        "col.refunded": "Refunded",
        "col.net": "Net (captured - refunded)",
        "col.status": "Status",
        "col.payment_product": "Payment product",
        "col.reference": "Merchant reference",
        "status.AUTHORIZED": "Authorized",
        "status.CAPTURED": "Captured",
        "status.PARTIALLY_CAPTURED": "Partially captured",
        "status.REFUNDED": "Refunded",
        "status.PARTIALLY_REFUNDED": "Partially refunded",
        "status.AUTHORIZATION_VOIDED": "Authorization voided",
        "status.FAILED": "Failed",
        "payment_product.vipps": "Vipps",
        "payment_product.bambora.vipps": "Vipps (Bambora)",
        "payment_product.bambora.creditcard": "Card (Bambora)",
        "payment_product.bambora.applepay": "Apple Pay (Bambora)",
        "payment_product.bambora.mobilepay": "MobilePay (Bambora)",
        "payment_product.klarna.klarna": "Klarna",
        "payment_product.collector.invoice": "Invoice (Collector)",
        "payment_product.swish.swish": "Swish",
    },
    "no": {
        "title": "Rapport over checkout-transaksjoner",
        "csv.payout_destination_id": "Utbetalingsmottaker-ID",
        "csv.merchant_reference": "Ordrereferanse",
        "csv.payment_product": "Betalingsprodukt",
        "csv.payment_product_type": "Betalingsprodukttype",
        "csv.status": "Status",
        "csv.captured_amount": "Trukket beløp (minste valutaenhet)",
        "csv.refunded_amount": "Refundert beløp (minste valutaenhet)",
        "per_status": "Fordelt på status",
        "per_payment_product": "Fordelt på betalingsmåte",
        "col.captured": "Trukket",
        "col.refunded": "Refundert",
        "col.net": "Netto (trukket - refundert)",
        "col.status": "Status",
        "col.payment_product": "Betalingsmåte",
        "col.reference": "Ordrereferanse",
        "status.AUTHORIZED": "Autorisert",
        "status.CAPTURED": "Trukket",
        "status.PARTIALLY_CAPTURED": "Delvis trukket",
        "status.REFUNDED": "Refundert",
        "status.PARTIALLY_REFUNDED": "Delvis refundert",
        "status.AUTHORIZATION_VOIDED": "Autorisasjon annullert",
        "status.FAILED": "Feilet",
        "payment_product.vipps": "Vipps",
        "payment_product.bambora.vipps": "Vipps (Bambora)",
        "payment_product.bambora.creditcard": "Kort (Bambora)",
        "payment_product.bambora.applepay": "Apple Pay (Bambora)",
        "payment_product.bambora.mobilepay": "MobilePay (Bambora)",
        "payment_product.klarna.klarna": "Klarna",
        "payment_product.collector.invoice": "Faktura (Collector)",
        "payment_product.swish.swish": "Swish",
    },
}

REPORT: Final = DataType(
    row_type=CheckoutTransaction,
    plan=plan,
    csv_columns=(
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
    words=WORDS,
    pdf=PDF,
)
