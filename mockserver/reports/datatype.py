"""What the mock must know to report one ``dataType``: its rows, their columns, their PDF layout, their words.

Each data type is one module of ``mockserver.reports.datatypes`` declaring a :class:`DataType`; the registry
(``mockserver.reports.registry``) gives it the name the contract calls it by. Nothing else in the report code knows
which data types exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from mockserver.reports.data import Filters, Planner, Row, field_types, text_fields
from mockserver.reports.i18n import Phrasebook, phrasebook
from mockserver.reports.layout import PdfLayout

#: What a CSV cell can hold, each written back and read again losslessly (``mockserver.reports.csv``).
CSV_VALUE_TYPES: Final = (str, int, datetime)

Words = Mapping[str, Mapping[str, str]]  # language -> word key -> text


@dataclass(frozen=True)
class DataType:
    """One data type's report, declared.

    ``plan`` generates the rows of an account, day by day (seeded with the data type's registered name).
    ``csv_columns`` are row fields in file order; their headers are the words ``csv.<field>``.
    ``words`` are this data type's own words per language, over ``i18n.COMMON_WORDS``.
    ``pdf`` is its PDF layout; None: it has CSV only.
    ``filter_fields`` maps a contract filter key to the row field it selects, where the two names differ; any other
    key selects the text field of its own name.
    """

    row_type: type[Row]
    plan: Planner
    csv_columns: tuple[str, ...]
    words: Words
    pdf: PdfLayout | None = None
    filter_fields: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        kinds = field_types(self.row_type)
        for name in self.csv_columns:
            if kinds.get(name) not in CSV_VALUE_TYPES:
                raise ValueError(f"{self.row_type.__name__} has no CSV-writable field {name!r}")
        for key, name in self.filter_fields.items():
            if name not in text_fields(self.row_type):
                raise ValueError(f"filter {key!r} maps to {name!r}, which is no text field of {self.row_type.__name__}")
        for summary in self.pdf.summaries if self.pdf else ():
            unknown = set(summary.fields) - set(kinds)
            if unknown:
                raise ValueError(f"summary {summary.title!r} groups by {sorted(unknown)}, not fields of the rows")

    def filter_field(self, key: str) -> str | None:
        """The row field a contract filter key selects; None when the rows have none."""
        if key in self.filter_fields:
            return self.filter_fields[key]
        return key if key in text_fields(self.row_type) else None

    def field_filters(self, filters: Filters) -> Filters:
        """Contract filters as row-field filters (every key must have a field: ``filter_field``)."""
        return tuple((self.filter_fields.get(key, key), value) for key, value in filters)

    @property
    def csv_words(self) -> frozenset[str]:
        """The word keys of the CSV headers."""
        return frozenset(f"csv.{name}" for name in self.csv_columns)

    def phrasebook(self, language: str) -> Phrasebook:
        return phrasebook(language, self.words)
