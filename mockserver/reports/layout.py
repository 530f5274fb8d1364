"""A data type's PDF layout, declared: its summary tables (rows grouped, sums per group) and its row table's columns.

Pure data and arithmetic, no drawing: ``mockserver.reports.pdf`` draws what is declared here (and is the only module
that imports fpdf, which is slow to import). Words are keys into the report's phrasebook (``i18n.Phrasebook``), so a
layout is written once for every language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Any, Final

from mockserver.reports.i18n import Phrasebook

PAGE_ALIAS: Final = "{nb}"  # fpdf2 replaces it with the page count in cells
# No line of the layout fits 400 of even the narrowest glyphs (0.19 em).
FIT_SCAN_LIMIT: Final = 400
_CURRENCY_ORDER: Final = ("NOK", "SEK", "DKK", "EUR")


def pdf_text(value: str) -> str:
    """``value`` made drawable by the core fonts: unknown characters become ``?``.

    Only the first :data:`FIT_SCAN_LIMIT` characters are kept: no cell shows
    more, and it bounds the work (and the cache) for huge client values.
    """
    return _drawable_prefix(value[:FIT_SCAN_LIMIT])


@lru_cache(maxsize=4096)
def _drawable_prefix(value: str) -> str:
    cleaned = "".join("?" if ord(char) < 32 or 127 <= ord(char) < 160 else char for char in value)
    encodable = cleaned.encode("cp1252", "replace").decode("cp1252")
    # The page-count alias must only ever come from the footer.
    return encodable.replace(PAGE_ALIAS, "{nb?}")


def currency_key(currency: str) -> tuple[int, str]:
    """Nordic currencies first, in a fixed order, then any other alphabetically."""
    order = _CURRENCY_ORDER.index(currency) if currency in _CURRENCY_ORDER else len(_CURRENCY_ORDER)
    return order, currency


def _listed(values: Sequence[str]) -> Callable[[str], int]:
    """A sort key putting ``values`` in their listed order (anything else after them)."""
    return lambda value: values.index(value) if value in values else len(values)


# --------------------------------------------------------------------------
# The row table
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the row table: its header (a word key), width in mm, alignment and what a row shows in it."""

    header: str
    width: float
    align: str  # "L" or "R"
    cell: Callable[[Any, Phrasebook], str]  # Any: the data type's own row class


def money(name: str) -> Callable[[Any, Phrasebook], str]:
    """A cell showing the row's amount ``name`` (minor units) in the row's own currency."""
    return lambda row, book: book.minor_units(getattr(row, name), row.currency)


# --------------------------------------------------------------------------
# Summary tables
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupBy:
    """A row field a summary groups on: one column showing the group's value (or its label, for ``labels``)."""

    field: str
    header: str  # word key
    width: float
    labels: str = ""  # word-key prefix naming each value ("status" -> "status.CAPTURED"); "" shows the value itself


@dataclass(frozen=True)
class Measure:
    """A summed column: each row adds ``of(row)`` (None: 1, the group's row count); money is shown in the group's
    currency, counts as integers."""

    header: str  # word key
    of: Callable[[Any], int] | None
    width: float = 40.0
    money: bool = True


#: The number of rows in the group.
COUNT: Final = Measure("col.count", None, width=30.0, money=False)


def field(name: str) -> Callable[[Any], int]:
    """A row's own value of ``name`` as a measure's share."""
    return attrgetter(name)


@dataclass(frozen=True)
class Summary:
    """A summary table: the rows grouped by ``by``, one line per group, sums per measure, over ALL rows.

    ``order`` sorts the lines: it gets a group's values (in ``by`` order) and its row count.
    """

    title: str  # word key
    by: tuple[GroupBy, ...]
    measures: tuple[Measure, ...]
    order: Callable[[tuple[str, ...], int], Any]

    def __post_init__(self) -> None:
        if any(measure.money for measure in self.measures) and "currency" not in self.fields:
            raise ValueError(f"summary {self.title!r} shows money, so it must group by currency")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(group.field for group in self.by)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(group.header for group in self.by) + tuple(measure.header for measure in self.measures)


#: The currency column of a money summary: amounts are summed per currency, never across currencies.
CURRENCY: Final = GroupBy("currency", "col.currency", 24)


def totals_per_currency(*measures: Measure) -> Summary:
    """The first table of a money report: one line per currency (Nordic first), its row count and ``measures``."""
    return Summary(
        "totals_per_currency",
        by=(CURRENCY,),
        measures=(COUNT, *measures),
        order=lambda key, count: currency_key(key[0]),
    )


def value_then_currency(values: Sequence[str]) -> Callable[[tuple[str, ...], int], Any]:
    """The order of lines grouped by (a field, currency): the field's values as listed, then the currencies."""
    position = _listed(values)
    return lambda key, count: (position(key[0]), currency_key(key[1]))


@dataclass(frozen=True)
class PdfLayout:
    """A summary page (the summaries, in order) and then the row table."""

    summaries: tuple[Summary, ...]
    table: tuple[Column, ...]

    @property
    def words(self) -> frozenset[str]:
        """The word keys the layout uses (every language it is rendered in must have them)."""
        keys = {"title"} | {column.header for column in self.table}
        for summary in self.summaries:
            keys |= {summary.title, *summary.headers}
        return frozenset(keys)


@dataclass(frozen=True)
class Section:
    """A summary table with its words and numbers written out, ready to draw."""

    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    aligns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def summarise(summary: Summary, rows: Sequence[Any], book: Phrasebook) -> Section:
    """The group lines of ``summary``, sorted, in the report's language.

    Rows are grouped first and each measure summed over a group with ``map`` (tens of thousands of rows: a plain field
    is then summed at C speed).
    """
    key_of = attrgetter(*summary.fields)
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        key = key_of(row)
        members = groups.get(key)
        if members is None:
            groups[key] = [row]
        else:
            members.append(row)
    if len(summary.fields) == 1:
        groups = {(key,): members for key, members in groups.items()}
    currency_at = summary.fields.index("currency") if "currency" in summary.fields else None

    def line(key: tuple[str, ...], members: list[Any]) -> tuple[str, ...]:
        shown = tuple(
            book.label(group.labels, value) if group.labels else value
            for group, value in zip(summary.by, key, strict=True)
        )
        totals = (len(members) if measure.of is None else sum(map(measure.of, members)) for measure in summary.measures)
        cells = tuple(
            book.minor_units(total, key[currency_at])
            if measure.money and currency_at is not None
            else book.count(total)
            for measure, total in zip(summary.measures, totals, strict=True)
        )
        return shown + cells

    ordered = sorted(groups, key=lambda key: summary.order(key, len(groups[key])))
    return Section(
        title=book.text(summary.title),
        headers=tuple(book.text(header) for header in summary.headers),
        widths=tuple(group.width for group in summary.by) + tuple(measure.width for measure in summary.measures),
        aligns=("L",) * len(summary.by) + ("R",) * len(summary.measures),
        rows=tuple(line(key, groups[key]) for key in ordered),
    )
