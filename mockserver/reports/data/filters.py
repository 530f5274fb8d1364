"""Filters: grouping and matching filter values, and the entities an account reports on."""

from __future__ import annotations

from typing import Final

from contracts.model import default_contract
from mockserver.reports.data.accounts import Store, _extra_store, _store_for_destination, account_profile
from mockserver.reports.data.rows import CHECKOUT, ORDERS, ROW_TYPES, Filters, Row, check_data_type

#: Filter keys accepted per data type, read from the contract (the generators know what each key means).
FILTER_KEYS: Final[dict[str, frozenset[str]]] = {
    data_type: frozenset(variant.filter_keys) for data_type, variant in default_contract().variants.items()
}


def group_filters(data_type: str, filters: Filters) -> dict[str, frozenset[str]]:
    """``(("store_id","A"),("store_id","B"))`` -> ``{"store_id": {"A","B"}}``; validates keys."""
    check_data_type(data_type)
    allowed = FILTER_KEYS[data_type]
    grouped: dict[str, set[str]] = {}
    for pair in filters:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"a filter must be a (key, value) pair, got {pair!r}")
        key, value = pair
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"filter key and value must be strings, got {pair!r}")
        if key not in allowed:
            if not allowed:
                raise ValueError(f"{data_type} reports take no filters, got {key!r}")
            raise ValueError(f"unknown filter {key!r} for {data_type}; expected one of {sorted(allowed)}")
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


def matches(row: Row, filters: Filters) -> bool:
    """Whether a row passes ``filters``: OR within a key, AND across keys."""
    data_type = next(dt for dt, cls in ROW_TYPES.items() if isinstance(row, cls))
    grouped = group_filters(data_type, filters)
    return all(getattr(row, key) in values for key, values in grouped.items())


def checkout_universe(aid: str, filters: Filters = ()) -> tuple[Store, ...]:
    """Default stores plus the stores named (directly or via destination) by ``filters``."""
    profile = account_profile(aid)
    grouped = group_filters(CHECKOUT, filters)
    stores = list(profile.stores)
    known_stores = set(profile.store_ids)
    for store_id in sorted(grouped.get("store_id", frozenset()) - known_stores):
        stores.append(_extra_store(profile, store_id))
    new_destinations = grouped.get("payout_destination_id", frozenset()) - set(profile.destinations)
    for destination in sorted(new_destinations):
        stores.append(_store_for_destination(profile, destination))
    return tuple(stores)


def orders_universe(aid: str, filters: Filters = ()) -> tuple[tuple[str, tuple[Store, ...]], ...]:
    """Default destinations (with their stores) plus the ones named by ``filters``."""
    profile = account_profile(aid)
    grouped = group_filters(ORDERS, filters)
    universe = [(d, tuple(s for s in profile.stores if s.payout_destination_id == d)) for d in profile.destinations]
    new_destinations = grouped.get("operation_payout_destination", frozenset()) - set(profile.destinations)
    for destination in sorted(new_destinations):
        universe.append((destination, (_store_for_destination(profile, destination),)))
    return tuple(universe)
