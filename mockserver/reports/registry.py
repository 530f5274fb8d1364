"""The registry: which ``dataType`` each report module renders, and in which content types.

Adding a data type is one module in ``mockserver.reports.datatypes`` (its rows, their generator, CSV columns, PDF
layout, words in every language) and one line in :data:`REPORTS`, the only place a dataType string is written. A
lookup of a name the registry does not have fails loudly (:class:`UnknownDataType`); nothing falls through to another
data type.

At start, :func:`require_renderers` holds the loaded contract against the registry: every dataType, content type,
language and filter key the contract allows must have a renderer, or the mock does not start
(:class:`ReportsUnavailable`, one line naming what is missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from contracts.model.contract import Contract
from mockserver.reports import csv, i18n
from mockserver.reports.data import Filters, Row
from mockserver.reports.data import generate_rows as rows_of_days
from mockserver.reports.data import generate_rows_between as rows_of_span
from mockserver.reports.datatype import DataType
from mockserver.reports.datatypes import checkout, orders, wallets
from mockserver.reports.request import ReportRequest
from mockserver.reports.vocabulary import vocabulary_of

CHECKOUT: Final = "checkout/transactions"
ORDERS: Final = "orders/orderoperations"
WALLETS: Final = "wallets/transactions"


@dataclass(frozen=True)
class ReportFormat:
    """A content type the mock renders: the file it makes and what a data type needs for it."""

    media_type: str  # the download's Content-Type
    extension: str  # the file name's suffix, without the dot
    render: Callable[[Sequence[Row], ReportRequest, DataType], bytes]
    words: Callable[[DataType], frozenset[str]]  # the word keys a report in this format needs, in every language
    renders: Callable[[DataType], bool] = lambda kind: True
    needs: str = ""  # what ``renders`` asks of a data type, for the start check's message


def _render_csv(rows: Sequence[Row], request: ReportRequest, kind: DataType) -> bytes:
    return csv.render_csv(rows, kind, request.language)


def _render_pdf(rows: Sequence[Row], request: ReportRequest, kind: DataType) -> bytes:
    from mockserver.reports import pdf  # on the first PDF: fpdf takes long to import, and most mocks never draw one

    return pdf.render_pdf(rows, request, kind)


FORMATS: Final[Mapping[str, ReportFormat]] = {
    "text/csv": ReportFormat(csv.MEDIA_TYPE, "csv", _render_csv, words=lambda kind: kind.csv_words),
    "application/pdf": ReportFormat(
        "application/pdf",
        "pdf",
        _render_pdf,
        words=lambda kind: kind.pdf.words if kind.pdf else frozenset(),
        renders=lambda kind: kind.pdf is not None,
        needs="PDF layout",
    ),
}


class UnknownDataType(ValueError):
    """A data type the registry has no report module for."""


class Registry:
    """Report modules by the contract's dataType name, and the content types they render (immutable)."""

    def __init__(self, data_types: Mapping[str, DataType], formats: Mapping[str, ReportFormat] = FORMATS) -> None:
        self._data_types = dict(data_types)
        self._formats = dict(formats)

    def __getitem__(self, name: str) -> DataType:
        try:
            return self._data_types[name]
        except KeyError:
            raise UnknownDataType(f"unknown data type {name!r}; the reports know {self.names}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._data_types

    def __iter__(self) -> Iterator[str]:
        return iter(self._data_types)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._data_types)

    def with_data_type(self, name: str, kind: DataType) -> Registry:
        """A copy that also reports ``name`` (a test's own data type, say); this registry is left as it is."""
        return Registry({**self._data_types, name: kind}, self._formats)

    def format(self, content_type: str) -> ReportFormat:
        try:
            return self._formats[content_type]
        except KeyError:
            raise ValueError(f"no report renderer writes {content_type!r}; they write {tuple(self._formats)}") from None

    def missing(
        self, data_type: str, content_types: Sequence[str], languages: Sequence[str], filter_keys: Sequence[str]
    ) -> list[str]:
        """What a report of ``data_type`` in these content types, languages and filters lacks (empty: nothing)."""
        if data_type not in self._data_types:
            return [f"the contract allows dataType {data_type!r}, which no report renderer has"]
        kind = self._data_types[data_type]
        problems = []
        needed: set[str] = set()
        for content_type in content_types:
            format_ = self._formats.get(content_type)
            if format_ is None:
                problems.append(
                    f"the contract allows contentType {content_type!r} for dataType {data_type!r}, "
                    "which no report renderer has"
                )
            elif not format_.renders(kind):
                problems.append(
                    f"the contract allows contentType {content_type!r} for dataType {data_type!r}, "
                    f"whose report has no {format_.needs}"
                )
            else:
                needed |= format_.words(kind)
        for language in languages:
            if language not in i18n.LANGUAGES:
                problems.append(f"the contract allows language {language!r}, in which the reports have no words")
                continue
            lacking = sorted(needed - kind.phrasebook(language).words.keys())
            if lacking:
                problems.append(
                    f"the contract allows language {language!r} for dataType {data_type!r}, "
                    f"whose report has no words for {', '.join(lacking)}"
                )
        for key in filter_keys:
            if kind.filter_field(key) is None:
                problems.append(
                    f"the contract allows filter {key!r} for dataType {data_type!r}, "
                    "whose report rows have no field it selects"
                )
        return problems


#: The report modules, by the name the contract gives each data type: one line per data type.
REPORTS: Final = Registry(
    {
        CHECKOUT: checkout.REPORT,
        ORDERS: orders.REPORT,
        WALLETS: wallets.REPORT,
    }
)


def missing_renderers(contract: Contract, reports: Registry) -> list[str]:
    """Everything the contract allows that the registry cannot render, one sentence each (empty: all renderable)."""
    vocabulary = vocabulary_of(contract)
    problems = (
        problem
        for data_type in vocabulary.data_types
        for problem in reports.missing(
            data_type,
            vocabulary.content_types[data_type],
            vocabulary.languages[data_type],
            vocabulary.filter_keys[data_type],
        )
    )
    return list(dict.fromkeys(problems))  # a language no report speaks is said once, not once per data type


class ReportsUnavailable(Exception):
    """The contract allows reports the registry cannot render: the mock must not start."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def require_renderers(contract: Contract, reports: Registry) -> None:
    """Raise :class:`ReportsUnavailable` unless every report the contract allows can be rendered."""
    problems = missing_renderers(contract, reports)
    if problems:
        raise ReportsUnavailable(problems)


def generate_rows(
    aid: str, data_type: str, start: date, end: date, filters: Filters = (), *, reports: Registry = REPORTS
) -> list[Row]:
    """The rows of ``data_type`` for ``aid`` in the UTC days ``[start, end)``, filtered on row fields, sorted."""
    kind = reports[data_type]
    return rows_of_days(kind.plan, kind.row_type, data_type, aid, start, end, filters)


def generate_rows_between(
    aid: str, data_type: str, since: datetime, until: datetime, filters: Filters = (), *, reports: Registry = REPORTS
) -> list[Row]:
    """The rows created in ``[since, until)`` (aware instants, any offset), filtered on row fields, sorted."""
    kind = reports[data_type]
    return rows_of_span(kind.plan, kind.row_type, data_type, aid, since, until, filters)
