"""Filters: grouping and matching filter values, and the entities an account reports on.

Which filter keys a request may use is the contract's business (``mockserver.reports.vocabulary``); this layer
accepts any text column of the data type's rows as a key, because that is what it can filter on.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Final

from mockserver.reports.data.accounts import Store, account_profile
from mockserver.reports.data.rows import ROW_TYPES, Filters, Row, check_data_type

#: The columns a filter can name, per data type: the text fields of its row type (ids, codes, currencies).
FILTERABLE_COLUMNS: Final[dict[str, frozenset[str]]] = {
    data_type: frozenset(field.name for field in fields(row_type) if field.type == "str")
    for data_type, row_type in ROW_TYPES.items()
}


def group_filters(data_type: str, filters: Filters) -> dict[str, frozenset[str]]:
    """``(("store_id","A"),("store_id","B"))`` -> ``{"store_id": {"A","B"}}``; validates keys."""
    check_data_type(data_type)
    allowed = FILTERABLE_COLUMNS[data_type]
    grouped: dict[str, set[str]] = {}
    for pair in filters:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"a filter must be a (key, value) pair, got {pair!r}")
        key, value = pair
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"filter key and value must be strings, got {pair!r}")
        if key not in allowed:
            raise ValueError(f"{data_type} rows have no column {key!r} to filter on; columns: {sorted(allowed)}")
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


def matches(row: Row, filters: Filters) -> bool:
    """Whether a row passes ``filters``: OR within a key, AND across keys."""
    data_type = next(dt for dt, cls in ROW_TYPES.items() if isinstance(row, cls))
    grouped = group_filters(data_type, filters)
    return all(getattr(row, key) in values for key, values in grouped.items())


def checkout_universe(aid: str) -> tuple[Store, ...]:
    """The account's stores: a filter value the account does not have names nothing, so it matches no row."""
    return account_profile(aid).stores


def orders_universe(aid: str) -> tuple[tuple[str, tuple[Store, ...]], ...]:
    """The account's payout destinations, each with the stores paying out to it."""
    profile = account_profile(aid)
    return tuple(
        (destination, tuple(s for s in profile.stores if s.payout_destination_id == destination))
        for destination in profile.destinations
    )
