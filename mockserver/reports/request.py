"""A report request: what to report on, read from the accepted params of a generate-report call.

The window is ``[from, to)`` as instants: a full-date bound is UTC midnight, a date-time bound is local midnight in its
own offset (the two ends may differ across a daylight-saving change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from contracts.model.contract import Contract
from contracts.rules import periods
from mockserver.reports.data import Filters
from mockserver.reports.vocabulary import vocabulary_of


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the local calendar days ``[start, end)`` in the bounds' offsets (None: UTC days)."""

    aid: str
    data_type: str
    start: date
    end: date
    language: str
    content_type: str
    filters: Filters = ()
    schedule: str = ""
    start_offset: timedelta | None = None
    end_offset: timedelta | None = None

    @property
    def since(self) -> datetime:
        """The first instant of the window."""
        return _local_midnight(self.start, self.start_offset)

    @property
    def until(self) -> datetime:
        """The first instant after the window."""
        return _local_midnight(self.end, self.end_offset)

    @property
    def zone_label(self) -> str:
        """How the PDF names the window's offset: ``UTC``, ``UTC+01:00``, ``UTC+02:00/+01:00``."""
        if self.start_offset is None or self.end_offset is None:
            return "UTC"
        first, last = periods.format_offset(self.start_offset), periods.format_offset(self.end_offset)
        if first == "Z" and last == "Z":
            return "UTC"
        return f"UTC{first if first != 'Z' else '+00:00'}" + ("" if last == first else f"/{last}")


def _local_midnight(day: date, offset: timedelta | None) -> datetime:
    zone = UTC if offset is None else timezone(offset)
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def report_request(contract: Contract, aid: str, params: dict[str, Any]) -> ReportRequest:
    """The report accepted params describe (pure: the same params always describe the same report).

    ``reportFilters`` count only where the contract declares them: on wallets they are an undeclared extra property,
    which the contract accepts (``additionalProperties`` is open) and which therefore means nothing. Filter items
    without both ``filter`` and ``value`` (schema-valid for orders) filter nothing.
    """
    data_type = str(params[contract.discriminator])
    declared = vocabulary_of(contract).filter_keys.get(data_type, ())
    filters = tuple(
        (str(item["filter"]), str(item["value"]))
        for item in (params.get("reportFilters") or [] if declared else [])
        if isinstance(item, dict) and "filter" in item and "value" in item
    )
    start, end = periods.parse_bound(params["from"]), periods.parse_bound(params["to"])
    return ReportRequest(
        aid=aid,
        data_type=data_type,
        start=start.day,
        end=end.day,
        language=params["language"],
        content_type=params["contentType"],
        filters=filters,
        schedule=params["schedule"],
        start_offset=start.offset,
        end_offset=end.offset,
    )
