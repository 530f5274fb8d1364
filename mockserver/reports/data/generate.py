"""The public entry points: the rows of a period, filtered, sorted."""

from __future__ import annotations

from datetime import date, datetime
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


def _rows_for_days(start: date, end: date, day_rows: _DayRows) -> list[Row]:
    rows: list[Row] = []
    for day in _days(start, end):
        today = day_rows(day)
        today.sort(key=_row_order)
        rows.extend(today)
    return rows


class _DayRows:
    """Generates the rows of one day for a fixed set of entities."""

    def __init__(self, data_type: str, aid: str, entities: Filters | None, universe: Filters) -> None:
        self.profile = account_profile(aid)
        self.data_type = data_type
        if data_type == CHECKOUT:
            self.stores = checkout_universe(aid, universe)
        elif data_type == ORDERS:
            self.destinations = orders_universe(aid, universe)
        else:
            self.cards = wallet_card_ids(aid)
        if entities is not None:
            self._select(entities)

    def _select(self, filters: Filters) -> None:
        """Keep only the entities whose rows can pass ``filters`` (all do, or none)."""
        grouped = group_filters(self.data_type, filters)
        if self.data_type == CHECKOUT:
            stores_wanted = grouped.get("store_id")
            destinations_wanted = grouped.get("payout_destination_id")
            self.stores = tuple(
                s
                for s in self.stores
                if (stores_wanted is None or s.store_id in stores_wanted)
                and (destinations_wanted is None or s.payout_destination_id in destinations_wanted)
            )
        elif self.data_type == ORDERS:
            wanted = grouped.get("operation_payout_destination")
            if wanted is not None:
                self.destinations = tuple(d for d in self.destinations if d[0] in wanted)

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
    filters are generated, which is what makes filtered reports cheap.
    """
    check_aid(aid)
    check_data_type(data_type)
    check_period(start, end)
    group_filters(data_type, filters)
    return _rows_for_days(start, end, _DayRows(data_type, aid, filters, filters))


def generate_universe_rows(
    aid: str,
    data_type: str,
    start: date,
    end: date,
    universe_filters: Filters = (),
) -> list[Row]:
    """All rows of the account's universe extended by the values in ``universe_filters``.

    No filtering is applied: this is the reference that filtered reports are
    a subset of (see the module docstring).
    """
    check_aid(aid)
    check_data_type(data_type)
    check_period(start, end)
    group_filters(data_type, universe_filters)
    return _rows_for_days(start, end, _DayRows(data_type, aid, None, universe_filters))
