"""The public entry points: the rows of a period, filtered, sorted.

Rows are generated per UTC day (see the package docstring); a period given as instants ``[since, until)`` generates
the UTC days it touches and keeps the rows inside it, so a report in any UTC offset is exactly the rows of its span.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Final

from mockserver.reports.data.accounts import account_profile, check_aid
from mockserver.reports.data.calendar import _days
from mockserver.reports.data.checkout import _checkout_store_day
from mockserver.reports.data.filters import checkout_universe, group_filters, orders_universe
from mockserver.reports.data.orders import _orders_store_day
from mockserver.reports.data.rows import CHECKOUT, ORDERS, Filters, Row, _row_order, check_data_type
from mockserver.reports.data.wallets import _WALLET_BLOCK_DAYS, _card_active_days, _wallet_card_day, wallet_card_ids

#: Longest period generate_rows accepts (defence against runaway requests;
#: the API's longest schedule is a month).
MAX_PERIOD_DAYS: Final = 366


def check_period(start: date, end: date) -> None:
    """Half-open ``[start, end)``; an empty period is allowed, a reversed one is not."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValueError("start and end must be dates")
    if isinstance(start, datetime) or isinstance(end, datetime):
        raise ValueError("start and end must be dates, not datetimes")
    if end < start:
        raise ValueError(f"period end {end} is before its start {start}")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValueError(f"period longer than {MAX_PERIOD_DAYS} days")


def check_span(since: datetime, until: datetime) -> None:
    """Half-open ``[since, until)`` of aware instants; empty allowed, reversed or too long not."""
    if not isinstance(since, datetime) or not isinstance(until, datetime):
        raise ValueError("since and until must be datetimes")
    if since.utcoffset() is None or until.utcoffset() is None:
        raise ValueError("since and until must carry a UTC offset")
    if until < since:
        raise ValueError(f"period end {until} is before its start {since}")
    if until - since > timedelta(days=MAX_PERIOD_DAYS + 1):
        raise ValueError(f"period longer than {MAX_PERIOD_DAYS} days")


def utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _rows_for_days(start: date, end: date, day_rows: _DayRows) -> list[Row]:
    rows: list[Row] = []
    for day in _days(start, end):
        today = day_rows(day)
        today.sort(key=_row_order)
        rows.extend(today)
    return rows


#: Filter keys answered by choosing entities (cheap) rather than by testing each row.
_ENTITY_KEYS: Final[dict[str, frozenset[str]]] = {
    CHECKOUT: frozenset({"store_id", "payout_destination_id"}),
    ORDERS: frozenset({"operation_payout_destination"}),
}


class _DayRows:
    """Generates the filtered rows of one day for an account."""

    def __init__(self, data_type: str, aid: str, filters: Filters) -> None:
        self.profile = account_profile(aid)
        self.data_type = data_type
        grouped = group_filters(data_type, filters)
        if data_type == CHECKOUT:
            stores_wanted = grouped.get("store_id")
            destinations_wanted = grouped.get("payout_destination_id")
            self.stores = tuple(
                s
                for s in checkout_universe(aid)
                if (stores_wanted is None or s.store_id in stores_wanted)
                and (destinations_wanted is None or s.payout_destination_id in destinations_wanted)
            )
        elif data_type == ORDERS:
            wanted = grouped.get("operation_payout_destination")
            self.destinations = tuple(d for d in orders_universe(aid) if wanted is None or d[0] in wanted)
        else:
            self.cards = wallet_card_ids(aid)
        # Keys no entity choice answers (any other text column) are tested row by row.
        entity_keys = _ENTITY_KEYS.get(data_type, frozenset())
        self.row_tests = tuple((key, values) for key, values in grouped.items() if key not in entity_keys)

    def __call__(self, day: date) -> list[Row]:
        rows: list[Row] = []
        if self.data_type == CHECKOUT:
            for store in self.stores:
                rows.extend(_checkout_store_day(self.profile, store, day))
        elif self.data_type == ORDERS:
            for destination, stores in self.destinations:
                for store in stores:
                    rows.extend(_orders_store_day(self.profile, destination, store, day))
        else:
            aid = self.profile.aid
            block, offset = divmod(day.toordinal(), _WALLET_BLOCK_DAYS)
            for card_id in self.cards:
                # Most cards are idle on most days: skip them before any work.
                if _card_active_days(aid, card_id, block) >> offset & 1:
                    rows.extend(_wallet_card_day(self.profile, card_id, day))
        if self.row_tests:
            rows = [row for row in rows if all(getattr(row, key) in values for key, values in self.row_tests)]
        return rows


def generate_rows(
    aid: str,
    data_type: str,
    start: date,
    end: date,
    filters: Filters = (),
) -> list[Row]:
    """Rows of ``data_type`` for ``aid`` in the UTC days ``[start, end)``, filtered.

    Sorted by ``created_at`` then ``id``. Only the entities that can match the
    filters are generated, which is what makes filtered reports cheap. A filter
    value the account does not have (a store it has no shop called) matches no row.
    """
    check_period(start, end)
    return generate_rows_between(aid, data_type, utc_midnight(start), utc_midnight(end), filters)


_created_at = attrgetter("created_at")


def generate_rows_between(
    aid: str,
    data_type: str,
    since: datetime,
    until: datetime,
    filters: Filters = (),
) -> list[Row]:
    """Rows created in ``[since, until)`` (aware instants, any offset), filtered, sorted like ``generate_rows``."""
    check_aid(aid)
    check_data_type(data_type)
    check_span(since, until)
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    if until <= since:
        return []
    first_day = since.date()
    last_day = (until - timedelta(microseconds=1)).date()
    rows = _rows_for_days(first_day, last_day + timedelta(days=1), _DayRows(data_type, aid, filters))
    # Days come in order and each day is sorted, so the rows are sorted by created_at: cut the partial edge days.
    low = bisect.bisect_left(rows, since, key=_created_at) if since != utc_midnight(first_day) else 0
    high = bisect.bisect_left(rows, until, key=_created_at)
    return rows[low:high] if low or high < len(rows) else rows
