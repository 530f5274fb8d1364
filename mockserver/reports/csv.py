"""RFC 4180 CSV rendering (and parsing back) of any data type's rows, from its declared columns.

* CRLF line endings, fields quoted only when needed (comma, quote, CR/LF),
  quotes doubled; UTF-8 without a byte-order mark.
* The first line is the header row in the report language (the data type's words ``csv.<field>``); values stay
  machine-readable in both languages: ISO 8601 UTC timestamps (``2026-11-03T14:22:05Z``), integer minor units,
  status and type codes as-is.
* Strings that cannot be encoded as UTF-8 (lone surrogates from a client's
  JSON) are written as ``?``.
"""

from __future__ import annotations

import csv as stdlib_csv  # this module is itself named csv; be explicit
import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from mockserver.reports.data import Row, field_types
from mockserver.reports.datatype import DataType

MEDIA_TYPE: Final = "text/csv; charset=utf-8"

_ISO_UTC_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"


def format_timestamp(moment: datetime) -> str:
    """``2026-11-03T14:22:05Z`` (rows never carry sub-second precision)."""
    # isoformat() is several times faster than strftime; rows are always UTC
    # with whole seconds, so the first 19 characters are date and time.
    return moment.isoformat()[:19] + "Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, _ISO_UTC_FORMAT).replace(tzinfo=UTC)


def csv_headers(kind: DataType, language: str) -> tuple[str, ...]:
    """The localised CSV header row of a data type."""
    book = kind.phrasebook(language)
    return tuple(book.text(f"csv.{column}") for column in kind.csv_columns)


def record_of(kind: DataType) -> Callable[[Row], tuple[object, ...]]:
    """A row as its CSV record: the columns' values in order, timestamps written out.

    Compiled once per report, from the column names, into the function one would write by hand (``return (row.id,
    format_timestamp(row.created_at), ...)``), the way ``dataclasses`` writes ``__init__``: CPython's specialised
    attribute loads make it about 1.5x faster than ``operator.attrgetter`` over the columns, which shows on a month of
    a busy account (benchmarks/bench_reports.py). The names are the row class's own field names (``DataType`` checks
    them), so nothing but identifiers reaches the source.
    """
    types = field_types(kind.row_type)
    if not all(name in types and name.isidentifier() for name in kind.csv_columns):
        raise ValueError(f"CSV columns must be field names of {kind.row_type.__name__}, got {kind.csv_columns}")
    cells = [f"format_timestamp(row.{name})" if types[name] is datetime else f"row.{name}" for name in kind.csv_columns]
    namespace: dict[str, Any] = {"format_timestamp": format_timestamp}
    exec(f"def record(row):\n    return ({', '.join(cells)},)\n", namespace)
    record: Callable[[Row], tuple[object, ...]] = namespace["record"]
    return record


def render_csv(rows: Sequence[Row], kind: DataType, language: str) -> bytes:
    """The CSV file (header + one line per row) as UTF-8 bytes."""
    headers = csv_headers(kind, language)
    for row in rows:
        if not isinstance(row, kind.row_type):
            raise ValueError(f"{type(row).__name__} is not a {kind.row_type.__name__}")
    buffer = io.StringIO()
    writer = stdlib_csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(map(record_of(kind), rows))
    return buffer.getvalue().encode("utf-8", "replace")


_READERS: Final[dict[Any, Callable[[str], object]]] = {str: str, int: int, datetime: parse_timestamp}


def parse_csv(body: bytes, kind: DataType) -> list[Row]:
    """Rows back from :func:`render_csv` output (the header line is skipped)."""
    reader = stdlib_csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    next(reader, None)
    types = field_types(kind.row_type)
    readers = [(column, _READERS[types[column]]) for column in kind.csv_columns]
    row_type: Callable[..., Row] = kind.row_type  # its fields are the columns, each read back to its own type
    return [
        row_type(**{column: read(text) for (column, read), text in zip(readers, record, strict=True)})
        for record in reader
    ]
