"""The generic machinery behind the synthetic rows of every report data type.

Each data type (``mockserver.reports.datatypes``) plans its rows per account and UTC day from the pieces here:
seeding, the calendar, accounts, amounts; ``generate`` turns a plan into a period's filtered, sorted rows.

Every row is a pure function of ``(account id, data type, UTC calendar day,
entity)``: each entity-day draws from its own ``random.Random`` seeded with a
SHA-256 digest of those values (never the salted built-in ``hash()``, never
the clock). Consequences the tests rely on:

* a period's rows are exactly the concatenation of its days' rows, so a
  monthly report equals its daily reports and two twice-a-month halves equal
  the month;
Days are **UTC** calendar days: a row of day ``d`` has ``created_at`` in
``[d 00:00Z, d+1 00:00Z)``; timestamps are emitted in UTC. A period written
with an offset (``[from, to)`` as instants, ``generate_rows_between``) takes
the rows of the UTC days it touches whose ``created_at`` lies inside it. The daily traffic
curve is shaped for Nordic local time (UTC+1, +2 in summer; Finland one hour
more), so peaks land around local lunch and evening.

Filters
-------
A filter names a text column of the rows and the values it may hold. Same key
repeated = OR, different keys = AND. ``generate_rows(..., filters=F)`` equals
``[r for r in generate_rows(...) if matches(r, F)]``: a value the account does
not have (a made-up store or destination) matches no row, so the report is
empty, as the real API's would be. Any string, including ``""`` and very long
ones, is a valid value. Which keys a request may use comes from the contract
(``mockserver.reports.vocabulary``), and its data type maps each to a row field; this layer accepts any text column.

Modules: ``rows`` (the row base, filters, day plans), ``seeding``, ``calendar``, ``accounts``, ``amounts``,
``generate`` (a period's rows).
"""

from mockserver.reports.data.accounts import (
    COUNTRY_CURRENCY,
    AccountProfile,
    Segment,
    Store,
    account_profile,
    check_aid,
)
from mockserver.reports.data.generate import (
    MAX_PERIOD_DAYS,
    check_period,
    check_span,
    generate_rows,
    generate_rows_between,
    utc_midnight,
)
from mockserver.reports.data.rows import (
    DayPlan,
    Filters,
    Planner,
    Row,
    Wanted,
    field_types,
    group_filters,
    matches,
    row_order,
    text_fields,
)

__all__ = [
    "COUNTRY_CURRENCY",
    "MAX_PERIOD_DAYS",
    "AccountProfile",
    "DayPlan",
    "Filters",
    "Planner",
    "Row",
    "Segment",
    "Store",
    "Wanted",
    "account_profile",
    "check_aid",
    "check_period",
    "check_span",
    "field_types",
    "generate_rows",
    "generate_rows_between",
    "group_filters",
    "matches",
    "row_order",
    "text_fields",
    "utc_midnight",
]
