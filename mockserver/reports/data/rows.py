"""What every data type's rows share: the row base, filters, and the plan that generates one day's rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from operator import attrgetter
from typing import Any, TypeVar, get_type_hints

#: ``(key, value)`` pairs: same key repeated = OR, different keys = AND.
Filters = tuple[tuple[str, str], ...]

#: A filter grouped per row field: the values that field may hold.
Wanted = Mapping[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class Row:
    """Common base: ``id`` is the row's own id, ``created_at`` is UTC."""

    id: str
    created_at: datetime


row_order = attrgetter("created_at", "id")


@dataclass(frozen=True)
class DayPlan:
    """How one report generates its rows day by day: only the entities its filters leave are generated.

    ``rows_of(day)`` gives the rows of one UTC day, in any order. ``answered`` names the row fields whose filters the
    choice of entities already applied; filters on any other field are tested row by row.
    """

    rows_of: Callable[[date], list[Row]]
    answered: frozenset[str] = frozenset()


#: ``(data type, account id, wanted) -> DayPlan``. The data type is the name the registry gives it, part of every seed.
Planner = Callable[[str, str, Wanted], DayPlan]

Entity = TypeVar("Entity")


def entity_after_entity(
    entities: Sequence[Entity], rows_of: Callable[[Entity, date], list[Row]], answered: frozenset[str] = frozenset()
) -> DayPlan:
    """A plan whose day is the rows of each entity (a store, a payout destination's store...) in turn."""

    def day_rows(day: date) -> list[Row]:
        rows: list[Row] = []
        for entity in entities:
            rows.extend(rows_of(entity, day))
        return rows

    return DayPlan(day_rows, answered)


# Row classes live as long as the process; their fields are read once each.
_FIELD_TYPES: dict[type[Row], dict[str, Any]] = {}


def field_types(row_type: type[Row]) -> dict[str, Any]:
    """The row fields in declaration order, each with its type."""
    known = _FIELD_TYPES.get(row_type)
    if known is None:
        hints = get_type_hints(row_type)
        known = _FIELD_TYPES[row_type] = {field.name: hints[field.name] for field in fields(row_type)}
    return known


def text_fields(row_type: type[Row]) -> frozenset[str]:
    """The fields a filter can name: the text ones (ids, codes, currencies)."""
    return frozenset(name for name, kind in field_types(row_type).items() if kind is str)


def group_filters(row_type: type[Row], filters: Filters) -> dict[str, frozenset[str]]:
    """``(("store_id","A"),("store_id","B"))`` -> ``{"store_id": {"A","B"}}``; every key must be a text field."""
    allowed = text_fields(row_type)
    grouped: dict[str, set[str]] = {}
    for pair in filters:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"a filter must be a (key, value) pair, got {pair!r}")
        key, value = pair
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"filter key and value must be strings, got {pair!r}")
        if key not in allowed:
            raise ValueError(
                f"{row_type.__name__} rows have no column {key!r} to filter on; columns: {sorted(allowed)}"
            )
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


def matches(row: Row, filters: Filters) -> bool:
    """Whether a row passes ``filters``: OR within a key, AND across keys."""
    return all(getattr(row, key) in values for key, values in group_filters(type(row), filters).items())
