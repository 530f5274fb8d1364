"""Properties of the synthetic rows: determinism, periods, filters, consistency."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.reports import (
    CHECKOUT,
    ORDERS,
    REPORTS,
    WALLETS,
    CheckoutTransaction,
    OrderOperation,
    Row,
    WalletTransaction,
    account_profile,
    generate_rows,
    generate_rows_between,
    matches,
)
from mockserver.reports.datatypes.orders import OPERATION_TYPES as ORDER_OPERATION_TYPES

BUSY_AID = "P79049437"  # a chain with ~70 stores (see test_the_busy_account_is_a_chain)
PROPERTY = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

aids = st.from_regex(r"\A[PT][0-9]{8}\Z")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 30))
filterable_types = st.sampled_from([CHECKOUT, ORDERS])
# Free-form filter values: empty, very long, any printable text.
free_values = st.one_of(
    st.just(""),
    st.text(min_size=1, max_size=40),
    st.text(alphabet="abc-xyz019", min_size=300, max_size=600),
)


def day_by_day(aid: str, data_type: str, start: date, end: date) -> list[Row]:
    rows: list[Row] = []
    day = start
    while day < end:
        rows.extend(generate_rows(aid, data_type, day, day + timedelta(days=1)))
        day += timedelta(days=1)
    return rows


def default_values(aid: str, key: str) -> list[str]:
    profile = account_profile(aid)
    if key == "store_id":
        return list(profile.store_ids)
    return list(profile.destinations)


@st.composite
def filters_for(draw: st.DrawFn, data_type: str, aid: str) -> tuple[tuple[str, str], ...]:
    """Filters mixing the account's own stores/destinations with made-up values."""
    keys = ["store_id", "payout_destination_id"] if data_type == CHECKOUT else ["operation_payout_destination"]
    pairs = []
    for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3)):
        known = default_values(aid, key)
        value = draw(st.one_of(st.sampled_from(known), free_values))
        pairs.append((key, value))
    return tuple(pairs)


# -- determinism and periods -------------------------------------------------


def test_the_busy_account_is_a_chain() -> None:
    profile = account_profile(BUSY_AID)
    assert profile.tier == "chain"
    assert len(profile.stores) > 25


@PROPERTY
@given(aid=aids, data_type=st.sampled_from(REPORTS.names), start=days, length=st.integers(1, 9))
def test_a_period_is_the_concatenation_of_its_days(aid: str, data_type: str, start: date, length: int) -> None:
    end = start + timedelta(days=length)
    assert generate_rows(aid, data_type, start, end) == day_by_day(aid, data_type, start, end)


@settings(max_examples=6, deadline=None)
@given(
    aid=st.sampled_from([BUSY_AID, "T00000001", "P55555555"]),
    data_type=st.sampled_from(REPORTS.names),
    month=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1)).map(lambda d: d.replace(day=1)),
)
def test_two_twice_a_month_halves_make_the_month(aid: str, data_type: str, month: date) -> None:
    next_month = (month + timedelta(days=32)).replace(day=1)
    middle = month.replace(day=16)
    whole = generate_rows(aid, data_type, month, next_month)
    halves = generate_rows(aid, data_type, month, middle) + generate_rows(aid, data_type, middle, next_month)
    assert whole == halves
    assert whole, "a month of any account has at least some rows"


@PROPERTY
@given(aid=aids, data_type=st.sampled_from(REPORTS.names), start=days, length=st.integers(0, 5))
def test_every_row_lies_inside_the_period_in_utc(aid: str, data_type: str, start: date, length: int) -> None:
    end = start + timedelta(days=length)
    lower = datetime(start.year, start.month, start.day, tzinfo=UTC)
    upper = datetime(end.year, end.month, end.day, tzinfo=UTC)
    for row in generate_rows(aid, data_type, start, end):
        assert row.created_at.utcoffset() == timedelta(0)
        assert row.created_at.microsecond == 0
        assert lower <= row.created_at < upper


@PROPERTY
@given(aid=aids, data_type=st.sampled_from(REPORTS.names), start=days, length=st.integers(1, 4))
def test_rows_are_sorted_by_time_then_id_and_ids_are_unique(aid: str, data_type: str, start: date, length: int) -> None:
    rows = generate_rows(aid, data_type, start, start + timedelta(days=length))
    keys = [(row.created_at, row.id) for row in rows]
    assert keys == sorted(keys)
    assert len({row.id for row in rows}) == len(rows)


def test_test_and_production_accounts_share_stores_but_not_rows() -> None:
    production, test = account_profile("P12345678"), account_profile("T12345678")
    assert production.stores == test.stores
    day, next_day = date(2026, 11, 3), date(2026, 11, 4)
    production_ids = {r.id for r in generate_rows("P12345678", CHECKOUT, day, next_day)}
    test_ids = {r.id for r in generate_rows("T12345678", CHECKOUT, day, next_day)}
    assert production_ids and test_ids and not production_ids & test_ids


# -- realism -----------------------------------------------------------------


def test_accounts_range_from_single_shops_to_chains() -> None:
    profiles = [account_profile(f"P{i * 7_919_113 % 10**8:08d}") for i in range(300)]
    tiers = Counter(p.tier for p in profiles)
    assert set(tiers) == {"micro", "small", "medium", "chain"}
    assert any(len(p.stores) == 1 for p in profiles)
    assert max(len(p.stores) for p in profiles) >= 40


def test_a_busy_account_peaks_in_daytime_on_weekends_and_in_december() -> None:
    november = generate_rows(BUSY_AID, CHECKOUT, date(2026, 11, 1), date(2026, 12, 1))
    december = generate_rows(BUSY_AID, CHECKOUT, date(2026, 12, 1), date(2027, 1, 1))
    february = generate_rows(BUSY_AID, CHECKOUT, date(2027, 2, 1), date(2027, 3, 1))
    assert len(december) / 31 > 1.15 * len(february) / 28
    assert 1000 <= len(november) / 30 <= 3000
    hours = Counter(row.created_at.hour for row in november)
    night = sum(hours[h] for h in range(0, 5))  # 01:00-06:00 Oslo time
    midday = sum(hours[h] for h in range(10, 15))
    assert night < 0.03 * len(november) < midday
    per_day = Counter(row.created_at.date() for row in november)
    saturdays = [n for d, n in per_day.items() if d.weekday() == 5]
    tuesdays = [n for d, n in per_day.items() if d.weekday() == 1]
    assert min(saturdays) > max(tuesdays)


def test_basket_sizes_are_skewed_like_real_baskets() -> None:
    rows = generate_rows(BUSY_AID, CHECKOUT, date(2026, 11, 2), date(2026, 11, 9))
    amounts = sorted(r.amount for r in rows if isinstance(r, CheckoutTransaction) and r.currency == "NOK")
    median = amounts[len(amounts) // 2]
    mean = sum(amounts) / len(amounts)
    assert mean > 1.1 * median  # log-normal: long right tail
    assert amounts[-1] > 4 * median


def test_most_checkout_transactions_are_captured() -> None:
    rows = generate_rows(BUSY_AID, CHECKOUT, date(2026, 11, 2), date(2026, 11, 5))
    statuses = Counter(r.status for r in rows if isinstance(r, CheckoutTransaction))
    assert statuses.most_common(1)[0][0] == "CAPTURED"
    assert 0.6 < statuses["CAPTURED"] / len(rows) < 0.95
    assert len(statuses) == 7


# -- checkout ------------------------------------------------------------------

_ID = re.compile(r"\A[PT][0-9]{8}\.[1-9A-HJ-NP-Za-km-z]{22}\Z")


@PROPERTY
@given(aid=aids, start=days, length=st.integers(1, 3))
def test_checkout_amounts_agree_with_the_status(aid: str, start: date, length: int) -> None:
    for row in generate_rows(aid, CHECKOUT, start, start + timedelta(days=length)):
        assert isinstance(row, CheckoutTransaction)
        amount, captured, refunded = row.amount, row.captured_amount, row.refunded_amount
        assert amount > 0
        if row.status == "CAPTURED":
            assert (captured, refunded) == (amount, 0)
        elif row.status == "PARTIALLY_CAPTURED":
            assert 0 < captured < amount and refunded == 0
        elif row.status == "REFUNDED":
            assert refunded == captured == amount
        elif row.status == "PARTIALLY_REFUNDED":
            assert captured == amount and 0 < refunded < captured
        else:
            assert row.status in ("AUTHORIZED", "AUTHORIZATION_VOIDED", "FAILED")
            assert (captured, refunded) == (0, 0)


@PROPERTY
@given(aid=aids, start=days, length=st.integers(1, 3))
def test_checkout_fields_hold_what_their_names_say(aid: str, start: date, length: int) -> None:
    profile = account_profile(aid)
    destination_of = {s.store_id: s.payout_destination_id for s in profile.stores}
    wallets_only_in = {"vipps": "NOK", "bambora.vipps": "NOK", "swish.swish": "SEK",
                       "bambora.mobilepay": "DKK"}  # fmt: skip
    for row in generate_rows(aid, CHECKOUT, start, start + timedelta(days=length)):
        assert isinstance(row, CheckoutTransaction)
        assert _ID.fullmatch(row.id) and row.id.startswith(aid + ".")
        assert destination_of[row.store_id] == row.payout_destination_id
        assert row.payment_product == row.payment_product_type.split(".")[0]
        assert row.currency in ("NOK", "SEK", "DKK", "EUR")
        assert wallets_only_in.get(row.payment_product_type, row.currency) == row.currency
        assert re.fullmatch(r"(#\d+|\d+|ORD-\d{8,}|[A-Z]{3}\d{3}-\d{7,})", row.merchant_reference)
        assert row.status != row.payment_product


def test_payout_destinations_look_like_vat_numbers_and_every_one_has_a_store() -> None:
    profile = account_profile(BUSY_AID)
    for destination in profile.destinations:
        assert re.fullmatch(r"NO\d{9}MVA|SE\d{10}01|DK\d{8}|FI\d{8}", destination)
        assert any(s.payout_destination_id == destination for s in profile.stores)


# -- filters ---------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), aid=aids, data_type=filterable_types, start=days, length=st.integers(1, 3))
def test_a_filtered_report_is_the_unfiltered_one_with_the_other_rows_removed(
    data: st.DataObject, aid: str, data_type: str, start: date, length: int
) -> None:
    filters = data.draw(filters_for(data_type, aid))
    end = start + timedelta(days=length)
    expected = [row for row in generate_rows(aid, data_type, start, end) if matches(row, filters)]
    assert generate_rows(aid, data_type, start, end, filters) == expected


@PROPERTY
@given(data=st.data(), aid=aids, start=days)
def test_filtering_on_the_accounts_own_values_only_removes_rows(data: st.DataObject, aid: str, start: date) -> None:
    stores = data.draw(st.lists(st.sampled_from(account_profile(aid).store_ids), min_size=1))
    filters = tuple(("store_id", s) for s in stores)
    end = start + timedelta(days=2)
    unfiltered = generate_rows(aid, CHECKOUT, start, end)
    assert generate_rows(aid, CHECKOUT, start, end, filters) == [
        row for row in unfiltered if isinstance(row, CheckoutTransaction) and row.store_id in stores
    ]


@PROPERTY
@given(aid=aids, first=free_values, second=free_values, start=days)
def test_a_repeated_filter_key_means_or(aid: str, first: str, second: str, start: date) -> None:
    end = start + timedelta(days=2)
    either = generate_rows(aid, CHECKOUT, start, end, (("store_id", first), ("store_id", second)))
    only_first = generate_rows(aid, CHECKOUT, start, end, (("store_id", first),))
    only_second = generate_rows(aid, CHECKOUT, start, end, (("store_id", second),))
    union = {row.id: row for row in only_first + only_second}
    assert either == sorted(union.values(), key=lambda row: (row.created_at, row.id))


@PROPERTY
@given(data=st.data(), aid=aids, start=days)
def test_different_filter_keys_mean_and(data: st.DataObject, aid: str, start: date) -> None:
    profile = account_profile(aid)
    store = data.draw(st.sampled_from(profile.store_ids))
    destination = data.draw(st.sampled_from(profile.destinations))
    end = start + timedelta(days=3)
    both = generate_rows(aid, CHECKOUT, start, end, (("store_id", store), ("payout_destination_id", destination)))
    by_store = generate_rows(aid, CHECKOUT, start, end, (("store_id", store),))
    by_destination = generate_rows(aid, CHECKOUT, start, end, (("payout_destination_id", destination),))
    destination_ids = {row.id for row in by_destination}
    assert both == [row for row in by_store if row.id in destination_ids]


@PROPERTY
@given(aid=aids, data_type=filterable_types, value=free_values, start=days)
def test_a_value_the_account_does_not_have_yields_no_rows(aid: str, data_type: str, value: str, start: date) -> None:
    key = "store_id" if data_type == CHECKOUT else "operation_payout_destination"
    own = set(account_profile(aid).store_ids if key == "store_id" else account_profile(aid).destinations)
    rows = generate_rows(aid, data_type, start, start + timedelta(days=28), ((key, value),))
    assert rows == [] if value not in own else rows


def test_a_filter_on_any_text_column_keeps_only_matching_rows() -> None:
    filters = (("currency", "SEK"), ("payment_product", "swish"))
    rows = generate_rows("P12345678", CHECKOUT, date(2026, 11, 2), date(2026, 11, 9), filters)
    assert rows
    assert all(
        isinstance(r, CheckoutTransaction) and r.currency == "SEK" and r.payment_product == "swish" for r in rows
    )


def test_an_and_of_a_store_and_a_destination_it_does_not_pay_out_to_yields_no_rows() -> None:
    profile = account_profile("P12345678")
    store = profile.stores[0]
    other = next(d for d in profile.destinations if d != store.payout_destination_id)
    filters = (("store_id", store.store_id), ("payout_destination_id", other))
    assert generate_rows("P12345678", CHECKOUT, date(2026, 11, 1), date(2026, 12, 1), filters) == []


@PROPERTY
@given(aid=aids, data_type=st.sampled_from(REPORTS.names), start=days, hours=st.integers(-14, 14))
def test_a_window_in_an_offset_is_the_rows_of_its_utc_span(aid: str, data_type: str, start: date, hours: int) -> None:
    offset = timezone(timedelta(hours=hours))
    since = datetime(start.year, start.month, start.day, tzinfo=offset)
    until = since + timedelta(days=1)
    around = generate_rows(aid, data_type, start - timedelta(days=1), start + timedelta(days=2))
    assert generate_rows_between(aid, data_type, since, until) == [r for r in around if since <= r.created_at < until]


def test_a_row_late_on_a_utc_day_belongs_to_the_next_local_day() -> None:
    late = [r for r in generate_rows(BUSY_AID, CHECKOUT, date(2025, 10, 31), date(2025, 11, 1))
            if r.created_at.hour == 23]  # fmt: skip
    plus_one = timezone(timedelta(hours=1))
    november_first = generate_rows_between(
        BUSY_AID, CHECKOUT, datetime(2025, 11, 1, tzinfo=plus_one), datetime(2025, 11, 2, tzinfo=plus_one)
    )
    assert late and all(row in november_first for row in late)


@pytest.mark.parametrize(
    ("data_type", "filters"),
    [
        (CHECKOUT, (("operation_payout_destination", "x"),)),
        (ORDERS, (("payout_destination_id", "x"),)),
        (WALLETS, (("amount", "x"),)),
        (CHECKOUT, (("store_id", 5),)),
    ],
)
def test_filters_on_a_column_the_rows_do_not_have_are_rejected(
    data_type: str, filters: tuple[tuple[str, str], ...]
) -> None:
    with pytest.raises(ValueError):
        generate_rows("P12345678", data_type, date(2026, 11, 1), date(2026, 11, 2), filters)


@pytest.mark.parametrize(
    ("aid", "data_type", "start", "end"),
    [
        ("", CHECKOUT, date(2026, 11, 1), date(2026, 11, 2)),
        ("P12345678", "checkout/sessions", date(2026, 11, 1), date(2026, 11, 2)),
        ("P12345678", CHECKOUT, date(2026, 11, 2), date(2026, 11, 1)),
        ("P12345678", CHECKOUT, date(2026, 1, 1), date(2028, 1, 1)),
    ],
)
def test_invalid_requests_raise_value_error(aid: str, data_type: str, start: date, end: date) -> None:
    with pytest.raises(ValueError):
        generate_rows(aid, data_type, start, end)


# -- orders ------------------------------------------------------------------------


@PROPERTY
@given(aid=aids, start=days, length=st.integers(1, 3))
def test_order_operations_belong_to_a_store_of_their_destination(aid: str, start: date, length: int) -> None:
    destination_of = {s.store_id: s.payout_destination_id for s in account_profile(aid).stores}
    for row in generate_rows(aid, ORDERS, start, start + timedelta(days=length)):
        assert isinstance(row, OrderOperation)
        assert row.amount > 0
        assert row.operation_type in ORDER_OPERATION_TYPES
        assert destination_of[row.store_id] == row.operation_payout_destination
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row.id)


def test_most_order_operations_are_captures() -> None:
    rows = generate_rows(BUSY_AID, ORDERS, date(2026, 11, 2), date(2026, 11, 4))
    kinds = Counter(r.operation_type for r in rows if isinstance(r, OrderOperation))
    assert kinds.most_common(1)[0][0] == "capture"
    assert set(kinds) == set(ORDER_OPERATION_TYPES)


# -- wallets -----------------------------------------------------------------------

_CREDITS = {"top_up", "refund"}
_DEBITS = {"purchase", "expiry"}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(aid=aids, start=days, length=st.integers(1, 40))
def test_a_cards_balance_follows_its_transactions_across_days(aid: str, start: date, length: int) -> None:
    balance: dict[str, int] = {}
    for row in generate_rows(aid, WALLETS, start, start + timedelta(days=length)):
        assert isinstance(row, WalletTransaction)
        assert row.balance_after >= 0
        assert row.balance_after - row.amount >= 0
        if row.card_id in balance:
            assert balance[row.card_id] + row.amount == row.balance_after
        balance[row.card_id] = row.balance_after


def test_a_cards_balance_carries_over_between_separately_generated_days() -> None:
    first = generate_rows(BUSY_AID, WALLETS, date(2026, 11, 1), date(2026, 11, 20))
    store_currency = {s.store_id: s.currency for s in account_profile(BUSY_AID).stores}
    assert len(set(store_currency.values())) > 1, "a chain in several countries"
    last_balance = {}
    for row in first:
        assert isinstance(row, WalletTransaction)
        assert not row.store_id or store_currency[row.store_id] == row.currency
        last_balance[row.card_id] = row.balance_after
    later = generate_rows(BUSY_AID, WALLETS, date(2026, 11, 20), date(2026, 12, 20))
    first_later: dict[str, WalletTransaction] = {}
    for row in later:
        assert isinstance(row, WalletTransaction)
        first_later.setdefault(row.card_id, row)
    shared = set(last_balance) & set(first_later)
    assert len(shared) > 100
    for card in shared:
        row = first_later[card]
        assert row.balance_after - row.amount == last_balance[card]


@PROPERTY
@given(aid=aids, start=days, length=st.integers(1, 5))
def test_wallet_amount_signs_follow_the_operation_type(aid: str, start: date, length: int) -> None:
    currencies: defaultdict[str, set[str]] = defaultdict(set)
    store_currency = {s.store_id: s.currency for s in account_profile(aid).stores}
    for row in generate_rows(aid, WALLETS, start, start + timedelta(days=length)):
        assert isinstance(row, WalletTransaction)
        assert re.fullmatch(r"9578\d{12}", row.card_id)
        currencies[row.card_id].add(row.currency)
        if row.store_id:
            assert store_currency[row.store_id] == row.currency
        if row.operation_type in _CREDITS:
            assert row.amount > 0 and row.store_id
        else:
            assert row.operation_type in _DEBITS and row.amount < 0
            assert (row.store_id == "") == (row.operation_type == "expiry")
    assert all(len(c) == 1 for c in currencies.values())
