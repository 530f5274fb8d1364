"""The rows of a period, filtered, sorted, for any data type's planner (``mockserver.reports.datatypes``).

Rows are generated per UTC day (see the package docstring); a period given as instants ``[since, until)`` generates
the UTC days it touches and keeps the rows inside it, so a report in any UTC offset is exactly the rows of its span.
Filters name row fields; the planner generates only the entities they leave, and the rest are tested row by row.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Final

from mockserver.reports.data.accounts import check_aid
from mockserver.reports.data.calendar import _days
from mockserver.reports.data.rows import DayPlan, Filters, Planner, Row, group_filters, row_order

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


def _rows_for_days(
    start: date, end: date, plan: DayPlan, row_tests: tuple[tuple[str, frozenset[str]], ...]
) -> list[Row]:
    rows: list[Row] = []
    for day in _days(start, end):
        today = plan.rows_of(day)
        if row_tests:
            today = [row for row in today if all(getattr(row, key) in values for key, values in row_tests)]
        today.sort(key=row_order)
        rows.extend(today)
    return rows


def generate_rows(
    planner: Planner,
    row_type: type[Row],
    data_type: str,
    aid: str,
    start: date,
    end: date,
    filters: Filters = (),
) -> list[Row]:
    """Rows of ``data_type`` for ``aid`` in the UTC days ``[start, end)``, filtered on row fields.

    Sorted by ``created_at`` then ``id``. Only the entities that can match the
    filters are generated, which is what makes filtered reports cheap. A filter
    value the account does not have (a store it has no shop called) matches no row.
    """
    check_period(start, end)
    return generate_rows_between(planner, row_type, data_type, aid, utc_midnight(start), utc_midnight(end), filters)


_created_at = attrgetter("created_at")


def generate_rows_between(
    planner: Planner,
    row_type: type[Row],
    data_type: str,
    aid: str,
    since: datetime,
    until: datetime,
    filters: Filters = (),
) -> list[Row]:
    """Rows created in ``[since, until)`` (aware instants, any offset), filtered, sorted like ``generate_rows``."""
    check_aid(aid)
    check_span(since, until)
    grouped = group_filters(row_type, filters)
    since, until = since.astimezone(UTC), until.astimezone(UTC)
    if until <= since:
        return []
    plan = planner(data_type, aid, grouped)
    row_tests = tuple((key, values) for key, values in grouped.items() if key not in plan.answered)
    first_day = since.date()
    last_day = (until - timedelta(microseconds=1)).date()
    rows = _rows_for_days(first_day, last_day + timedelta(days=1), plan, row_tests)
    # Days come in order and each day is sorted, so the rows are sorted by created_at: cut the partial edge days.
    low = bisect.bisect_left(rows, since, key=_created_at) if since != utc_midnight(first_day) else 0
    high = bisect.bisect_left(rows, until, key=_created_at)
    return rows[low:high] if low or high < len(rows) else rows
