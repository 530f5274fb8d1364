"""The from/to rules: which reporting windows a schedule accepts.

The upstream document states these rules only in prose ("the from and to parameters needs to be populated with values
matching the provided schedule"). This module is our documented interpretation (DESIGN section 4), written as small
pure functions so that the mock, the contract checker and the strategies share one answer:

* ``from`` and ``to`` are each an RFC 3339 full-date (``2026-11-01``) or an RFC 3339 date-time at exactly local
  midnight (``2026-11-01T00:00:00+01:00``); both of the same kind and, for date-times, with the same offset, or with
  the two offsets one IANA time zone has at those two instants (a window across a daylight-saving change, e.g.
  ``2026-10-01T00:00:00+02:00`` to ``2026-11-01T00:00:00+01:00`` in Oslo); offsets 3 hours or more apart never are;
* the window is the half-open interval ``[from, to)`` of local calendar dates;
* ``daily``: any day to the next; ``weekly``: a Monday to seven days later; ``twice-a-month``: the 1st to the 16th or
  the 16th to the 1st of the next month; ``monthly``: the 1st to the 1st of the next month;
* every date lies within ``2000-01-01 <= from`` and ``to <= 2100-01-01``.

Which schedules exist for a ``dataType`` is NOT decided here: that comes from the contract
(``contracts.model.contract``).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache, lru_cache

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 1, 1)

# The syntax of one bound, as ECMA-262 and Python both read it (``[0-9]``, never ``\d``, which is Unicode in Python).
# RFC 3339 lets ``T`` and ``Z`` be lower case; fractional seconds are allowed when they are all zeros.
BOUND_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"([Tt]00:00:00(\.0+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
)
_BOUND = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[Tt](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?)"
    r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<oh>[0-9]{2}):(?P<om>[0-9]{2})))?"
)
_MIDNIGHT = re.compile(r"00:00:00(?:\.0+)?")


@dataclass(frozen=True)
class Bound:
    """One parsed ``from`` or ``to`` value: a local calendar day, and the UTC offset when written as a date-time."""

    day: date
    offset: timedelta | None = None  # None: written as a full-date

    @property
    def is_datetime(self) -> bool:
        return self.offset is not None

    def with_day(self, day: date) -> Bound:
        return Bound(day, self.offset)

    def render(self) -> str:
        """The canonical text of this bound (``Z`` for a zero offset)."""
        if self.offset is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T00:00:00{format_offset(self.offset)}"

    def instant(self) -> datetime:
        """The moment this bound names: local midnight in its offset (UTC midnight for a full-date)."""
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC) - (self.offset or timedelta(0))


def format_offset(offset: timedelta) -> str:
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule, where (a JSON pointer into the body), and a message a person can act on."""

    rule: str
    path: str
    message: str
    expected: str | None = None


class BoundError(ValueError):
    """A ``from`` or ``to`` value that is not a bound at all; carries the rule it broke."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


# Rule names: stable identifiers used in error bodies, strategies and checker summaries.
BOUND_SYNTAX = "bound-syntax"
BOUND_CALENDAR = "bound-calendar"
BOUND_NOT_MIDNIGHT = "bound-not-midnight"
BOUND_OFFSET = "bound-offset"
MIXED_FORMS = "mixed-forms"
MIXED_OFFSETS = "mixed-offsets"
OUT_OF_RANGE = "out-of-range"
WINDOW_START = "window-start"
WINDOW_END = "window-end"
UNKNOWN_SCHEDULE = "unknown-schedule"

WINDOW_RULES = (
    BOUND_SYNTAX,
    BOUND_CALENDAR,
    BOUND_NOT_MIDNIGHT,
    BOUND_OFFSET,
    MIXED_FORMS,
    MIXED_OFFSETS,
    OUT_OF_RANGE,
    WINDOW_START,
    WINDOW_END,
)


def parse_bound(text: str) -> Bound:
    """Parse one bound, or raise :class:`BoundError` naming the rule it breaks."""
    match = _BOUND.fullmatch(text)
    if match is None:
        raise BoundError(
            BOUND_SYNTAX,
            f"{text!r} is neither a date (2026-11-01) nor a date-time at midnight (2026-11-01T00:00:00Z)",
        )
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise BoundError(BOUND_CALENDAR, f"{text!r} is not a real calendar date") from None
    if match["time"] is None:
        return Bound(day)
    if not _MIDNIGHT.fullmatch(match["time"]):
        raise BoundError(
            BOUND_NOT_MIDNIGHT,
            f"{text!r} is not at local midnight; reports cover whole days (use {day.isoformat()}T00:00:00...)",
        )
    return Bound(day, _parse_offset(text, match))


def _parse_offset(text: str, match: re.Match[str]) -> timedelta:
    if match["sign"] is None:
        return timedelta(0)
    hours, minutes = int(match["oh"]), int(match["om"])
    if hours > 23 or minutes > 59:
        raise BoundError(BOUND_OFFSET, f"{text!r} has an impossible UTC offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if match["sign"] == "-" else offset


def check_bound(name: str, text: str) -> list[Violation]:
    """The violation of one bound on its own (syntax, calendar, midnight, offset), if any."""
    try:
        parse_bound(text)
    except BoundError as error:
        return [Violation(error.rule, f"/{name}", f"'{name}': {error.message}")]
    return []


# --- the schedules -----------------------------------------------------------------------------------------------


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Schedule:
    """How one schedule cuts time into windows."""

    name: str
    start_rule: str  # the words for a valid ``from``
    end_rule: str  # the words for the matching ``to``
    is_start: Callable[[date], bool]
    end_of: Callable[[date], date]  # the ``to`` for a valid ``from``
    start_of: Callable[[date], date]  # the ``from`` of the window containing a day

    def window_containing(self, day: date) -> tuple[date, date]:
        start = self.start_of(day)
        return start, self.end_of(start)

    def windows(self, first: date) -> Iterator[tuple[date, date]]:
        """The consecutive windows from the one containing ``first`` onwards (unbounded)."""
        start = self.start_of(first)
        while True:
            end = self.end_of(start)
            yield start, end
            start = end


def _twice_a_month_end(start: date) -> date:
    return start.replace(day=16) if start.day == 1 else _first_of_next_month(start)


SCHEDULES: dict[str, Schedule] = {
    schedule.name: schedule
    for schedule in (
        Schedule(
            "daily",
            "any date",
            "the next day",
            lambda day: True,
            lambda start: start + timedelta(days=1),
            lambda day: day,
        ),
        Schedule(
            "weekly",
            "a Monday",
            "seven days after 'from'",
            lambda day: day.weekday() == 0,
            lambda start: start + timedelta(days=7),
            lambda day: day - timedelta(days=day.weekday()),
        ),
        Schedule(
            "twice-a-month",
            "the 1st or the 16th of a month",
            "the 16th when 'from' is the 1st, the 1st of the next month when 'from' is the 16th",
            lambda day: day.day in (1, 16),
            _twice_a_month_end,
            lambda day: day.replace(day=1 if day.day < 16 else 16),
        ),
        Schedule(
            "monthly",
            "the first day of a month",
            "the first day of the month after 'from'",
            lambda day: day.day == 1,
            _first_of_next_month,
            lambda day: day.replace(day=1),
        ),
    )
}


def has_unaligned_days(name: str) -> bool:
    """Whether some days cannot start a window of this schedule (false for a schedule that starts every day)."""
    schedule = schedule_named(name)
    return not all(schedule.is_start(EARLIEST + timedelta(days=offset)) for offset in range(62))


def schedule_named(name: str) -> Schedule:
    try:
        return SCHEDULES[name]
    except KeyError:
        known = ", ".join(sorted(SCHEDULES))
        raise BoundError(UNKNOWN_SCHEDULE, f"no window rule for schedule {name!r} (rules exist for {known})") from None


# --- checking a window ---------------------------------------------------------------------------------------------


def check_window(schedule_name: str, from_text: str, to_text: str) -> list[Violation]:
    """Every rule the window ``[from_text, to_text)`` breaks for the schedule; empty when it is valid."""
    return list(_window_violations(schedule_name, from_text, to_text))


@lru_cache(maxsize=4096)  # 22.6% less CPU per request (cpu_per_request --distinct 5000 --ablate, 2026-12-03)
def _window_violations(schedule_name: str, from_text: str, to_text: str) -> tuple[Violation, ...]:
    """``check_window``'s answer, cached: a pure function of three short texts, asked on every request the mock
    answers, where clients send the same few windows again and again."""
    return tuple(_check_window(schedule_name, from_text, to_text))


def _check_window(schedule_name: str, from_text: str, to_text: str) -> list[Violation]:
    schedule = schedule_named(schedule_name)
    violations = check_bound("from", from_text) + check_bound("to", to_text)
    if violations:
        return violations
    start, end = parse_bound(from_text), parse_bound(to_text)
    violations.extend(_check_forms(start, end))
    violations.extend(_check_range(start, end))
    if violations:
        return violations
    return _check_schedule(schedule, start, end)


def _check_forms(start: Bound, end: Bound) -> list[Violation]:
    if start.is_datetime != end.is_datetime:
        return [
            Violation(
                MIXED_FORMS,
                "/to",
                "'from' and 'to' must both be dates or both be date-times; "
                f"write 'to' in the form of 'from': {start.with_day(end.day).render()}",
                expected=start.with_day(end.day).render(),
            )
        ]
    if start.offset != end.offset and abs((start.offset or timedelta(0)) - (end.offset or timedelta(0))) >= MAX_SHIFT:
        return [_mixed_offsets(start, end)]
    return []


def _mixed_offsets(start: Bound, end: Bound) -> Violation:
    return Violation(
        MIXED_OFFSETS,
        "/to",
        "'from' and 'to' must carry the same UTC offset, or the two offsets of one time zone across a "
        f"daylight-saving change ({format_offset(start.offset or timedelta(0))} in 'from', "
        f"{format_offset(end.offset or timedelta(0))} in 'to')",
        expected=start.with_day(end.day).render(),
    )


#: Offsets this far apart are never one zone's daylight-saving change (the largest real shift is 2 hours).
MAX_SHIFT = timedelta(hours=3)


@cache
def _zones() -> tuple[tzinfo, ...]:
    """The IANA zones whose offset ever changes (a fixed-offset zone never makes two offsets agree)."""
    zones = []
    for name in sorted(zoneinfo.available_timezones()):
        try:
            zones.append(zoneinfo.ZoneInfo(name))
        except (OSError, ValueError):  # a listed name without readable data on this machine
            continue
    return tuple(zones)


@lru_cache(maxsize=4096)
def one_zone_has(first: datetime, first_offset: timedelta, last: datetime, last_offset: timedelta) -> bool:
    """Whether some IANA time zone is at ``first_offset`` at instant ``first`` and at ``last_offset`` at ``last``."""
    for zone in _zones():
        if first.astimezone(zone).utcoffset() == first_offset and last.astimezone(zone).utcoffset() == last_offset:
            return True
    return False


def _same_zone(start: Bound, end: Bound) -> bool:
    """Whether both bounds are local midnights of one zone: one offset, or one zone's two offsets at those instants."""
    if start.offset == end.offset or start.offset is None or end.offset is None:
        return True
    return one_zone_has(start.instant(), start.offset, end.instant(), end.offset)


def _end_in_the_zone_of(start: Bound, end: Bound, day: date) -> Bound:
    """The ``to`` a person in ``end``'s zone would write for ``day``: in ``end``'s offset when one zone has it there
    (local midnight across a daylight-saving change), otherwise in ``start``'s offset."""
    candidate = Bound(day, end.offset)
    if (
        candidate.offset is not None
        and start.offset is not None
        and candidate.offset != start.offset
        and abs(candidate.offset - start.offset) < MAX_SHIFT
        and _same_zone(start, candidate)
    ):
        return candidate
    return start.with_day(day)


def _check_range(start: Bound, end: Bound) -> list[Violation]:
    violations = []
    if not EARLIEST <= start.day < LATEST:
        violations.append(
            Violation(
                OUT_OF_RANGE,
                "/from",
                f"'from' must be on or after {EARLIEST.isoformat()} and before {LATEST.isoformat()}",
            )
        )
    if not EARLIEST < end.day <= LATEST:
        violations.append(
            Violation(
                OUT_OF_RANGE,
                "/to",
                f"'to' must be after {EARLIEST.isoformat()} and on or before {LATEST.isoformat()}",
            )
        )
    return violations


def _check_schedule(schedule: Schedule, start: Bound, end: Bound) -> list[Violation]:
    if not schedule.is_start(start.day):
        nearest = start.with_day(schedule.start_of(start.day))
        return [
            Violation(
                WINDOW_START,
                "/from",
                f"schedule '{schedule.name}' needs 'from' = {schedule.start_rule}; "
                f"the window containing {start.day.isoformat()} starts at {nearest.render()}",
                expected=nearest.render(),
            )
        ]
    expected_end = _end_in_the_zone_of(start, end, schedule.end_of(start.day))
    if end.day != expected_end.day:
        return [
            Violation(
                WINDOW_END,
                "/to",
                f"schedule '{schedule.name}' needs 'to' = {expected_end.render()} ({schedule.end_rule})",
                expected=expected_end.render(),
            )
        ]
    if not _same_zone(start, end):
        return [_mixed_offsets(start, end)]
    return []


def zone_window(schedule_name: str, day: date, zone: tzinfo) -> tuple[str, str]:
    """The ``(from, to)`` texts of the window containing ``day``, each at local midnight in ``zone``."""
    start, end = schedule_named(schedule_name).window_containing(day)
    return _local_midnight(start, zone).render(), _local_midnight(end, zone).render()


def _local_midnight(day: date, zone: tzinfo) -> Bound:
    return Bound(day, datetime(day.year, day.month, day.day, tzinfo=zone).utcoffset())


def valid_window(schedule_name: str, day: date, offset: timedelta | None = None) -> tuple[str, str]:
    """The ``(from, to)`` texts of the valid window containing ``day``, in date form or with the given offset."""
    start, end = schedule_named(schedule_name).window_containing(day)
    return Bound(start, offset).render(), Bound(end, offset).render()
