"""The from/to rules (DESIGN section 4) as properties over dates, schedules, forms and offsets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.rules import periods
from contracts.rules.periods import LATEST, SCHEDULES, Bound, check_window, parse_bound, valid_window

schedules = st.sampled_from(sorted(SCHEDULES))
# Days whose whole window (at most a month) lies inside the allowed range: the first Monday of 2000 starts it.
days = st.dates(min_value=date(2000, 1, 3), max_value=date(2099, 11, 30))
offsets = st.one_of(
    st.none(),
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(lambda minutes: timedelta(minutes=minutes)),
)


def rules_broken(schedule: str, start: str, end: str) -> set[str]:
    return {violation.rule for violation in check_window(schedule, start, end)}


@given(schedules, days, offsets)
def test_every_valid_window_is_accepted(schedule: str, day: date, offset: timedelta | None) -> None:
    start, end = valid_window(schedule, day, offset)
    assert check_window(schedule, start, end) == []


@given(schedules, days, offsets, st.integers(min_value=1, max_value=40))
def test_a_window_whose_end_is_shifted_is_rejected_naming_the_right_end(
    schedule: str, day: date, offset: timedelta | None, shift: int
) -> None:
    start, end = valid_window(schedule, day, offset)
    wrong_end = Bound(parse_bound(end).day + timedelta(days=shift), offset).render()
    if parse_bound(wrong_end).day > LATEST:
        return
    (violation,) = check_window(schedule, start, wrong_end)
    assert violation.rule == periods.WINDOW_END
    assert violation.expected == end
    assert end in violation.message


@given(schedules, days, offsets, st.integers(min_value=1, max_value=27))
def test_a_window_whose_start_is_shifted_off_the_schedule_is_rejected(
    schedule: str, day: date, offset: timedelta | None, shift: int
) -> None:
    start, end = valid_window(schedule, day, offset)
    shifted = parse_bound(start).day + timedelta(days=shift)
    if schedule == "daily" or SCHEDULES[schedule].is_start(shifted):
        return
    shifted_text = Bound(shifted, offset).render()
    violations = check_window(schedule, shifted_text, end)
    assert [violation.rule for violation in violations] == [periods.WINDOW_START]
    assert violations[0].expected == Bound(SCHEDULES[schedule].start_of(shifted), offset).render()


@given(schedules, days, st.integers(min_value=1, max_value=60))
def test_the_windows_of_one_schedule_tile_time_with_no_gap_and_no_overlap(schedule: str, day: date, count: int) -> None:
    windows = SCHEDULES[schedule].windows(day)
    previous_end = None
    covered = 0
    for _ in range(count):
        start, end = next(windows)
        assert start < end
        if previous_end is not None:
            assert start == previous_end
        previous_end = end
        covered += (end - start).days
    first_start = SCHEDULES[schedule].start_of(day)
    assert previous_end is not None and (previous_end - first_start).days == covered
    assert first_start <= day < SCHEDULES[schedule].end_of(first_start)


@given(days)
def test_two_twice_a_month_windows_make_exactly_one_monthly_window(day: date) -> None:
    month_start, month_end = SCHEDULES["monthly"].window_containing(day)
    halves = SCHEDULES["twice-a-month"].windows(month_start)
    first, second = next(halves), next(halves)
    assert first[0] == month_start and first[1] == second[0] and second[1] == month_end
    assert first[1].day == 16


@given(days)
def test_every_day_lies_in_exactly_one_window_of_each_schedule(day: date) -> None:
    for schedule in SCHEDULES.values():
        start, end = schedule.window_containing(day)
        assert start <= day < end
        assert schedule.is_start(start)


@pytest.mark.parametrize(
    ("schedule", "start", "end"),
    [
        ("monthly", "2024-02-01", "2024-03-01"),  # leap February
        ("monthly", "2023-02-01", "2023-03-01"),
        ("monthly", "2026-12-01", "2027-01-01"),  # year end
        ("twice-a-month", "2024-02-16", "2024-03-01"),  # second half of a leap February
        ("twice-a-month", "2026-12-16", "2027-01-01"),
        ("twice-a-month", "2026-01-01", "2026-01-16"),
        ("weekly", "2024-12-30", "2025-01-06"),  # a week across the year end
        ("weekly", "2024-02-26", "2024-03-04"),  # across a leap day
        ("daily", "2024-02-29", "2024-03-01"),  # the leap day itself
        ("daily", "2099-12-31", "2100-01-01"),  # the very last valid window
        ("daily", "2000-01-01", "2000-01-02"),  # the very first
        ("monthly", "2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00+01:00"),
        ("monthly", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
        ("monthly", "2026-11-01t00:00:00z", "2026-12-01T00:00:00+00:00"),  # RFC 3339: t/z any case; Z is +00:00
        ("weekly", "2026-11-02T00:00:00.000-05:30", "2026-11-09T00:00:00-05:30"),
    ],
)
def test_calendar_edges_and_offsets_are_accepted(schedule: str, start: str, end: str) -> None:
    assert check_window(schedule, start, end) == []


@pytest.mark.parametrize(
    ("schedule", "start", "end", "rule", "expected"),
    [
        ("monthly", "2026-11-01", "2026-12-02", periods.WINDOW_END, "2026-12-01"),
        ("monthly", "2026-11-01", "2026-11-30", periods.WINDOW_END, "2026-12-01"),
        ("monthly", "2026-11-02", "2026-12-02", periods.WINDOW_START, "2026-11-01"),
        ("twice-a-month", "2026-11-01", "2026-12-01", periods.WINDOW_END, "2026-11-16"),
        ("twice-a-month", "2026-11-16", "2026-11-30", periods.WINDOW_END, "2026-12-01"),
        ("twice-a-month", "2026-11-15", "2026-12-01", periods.WINDOW_START, "2026-11-01"),
        ("weekly", "2026-11-03", "2026-11-10", periods.WINDOW_START, "2026-11-02"),
        ("weekly", "2026-11-02", "2026-11-08", periods.WINDOW_END, "2026-11-09"),
        ("daily", "2026-11-02", "2026-11-02", periods.WINDOW_END, "2026-11-03"),
        ("daily", "2026-11-02", "2026-11-01", periods.WINDOW_END, "2026-11-03"),
        ("monthly", "2026-11-01", "2026-12-01T00:00:00Z", periods.MIXED_FORMS, "2026-12-01"),
        ("monthly", "2026-11-01T00:00:00Z", "2026-12-01", periods.MIXED_FORMS, "2026-12-01T00:00:00Z"),
        ("monthly", "2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00Z", periods.MIXED_OFFSETS, None),
        ("daily", "2026-11-01T00:00:01Z", "2026-11-02T00:00:00Z", periods.BOUND_NOT_MIDNIGHT, None),
        ("daily", "2026-11-01T12:00:00Z", "2026-11-02T12:00:00Z", periods.BOUND_NOT_MIDNIGHT, None),
        ("daily", "2026-11-01T00:00:00", "2026-11-02T00:00:00", periods.BOUND_SYNTAX, None),  # no offset
        ("daily", "2026-11-01T00:00:00+24:00", "2026-11-02T00:00:00+24:00", periods.BOUND_OFFSET, None),
        ("daily", "2026-02-29", "2026-03-01", periods.BOUND_CALENDAR, None),  # not a leap year
        ("daily", "2026-11-31", "2026-12-01", periods.BOUND_CALENDAR, None),
        ("daily", "26-11-01", "26-11-02", periods.BOUND_SYNTAX, None),
        ("daily", "2026-11-01 ", "2026-11-02", periods.BOUND_SYNTAX, None),
        ("daily", "2026-11-01\n", "2026-11-02", periods.BOUND_SYNTAX, None),
        ("daily", "\uff12\uff10\uff12\uff16-11-01", "2026-11-02", periods.BOUND_SYNTAX, None),  # full-width digits
        ("daily", "1999-12-31", "2000-01-01", periods.OUT_OF_RANGE, None),
        ("daily", "2100-01-01", "2100-01-02", periods.OUT_OF_RANGE, None),
    ],
)
def test_each_kind_of_bad_window_names_its_rule(
    schedule: str, start: str, end: str, rule: str, expected: str | None
) -> None:
    violations = check_window(schedule, start, end)
    assert rule in {violation.rule for violation in violations}
    if expected is not None:
        assert next(v for v in violations if v.rule == rule).expected == expected


def test_the_message_names_the_rule_and_the_value_that_would_have_been_right() -> None:
    (violation,) = check_window("monthly", "2026-11-01", "2026-12-02")
    assert violation.message == "schedule 'monthly' needs 'to' = 2026-12-01 (the first day of the month after 'from')"


def test_a_date_time_window_is_answered_in_its_own_form_and_offset() -> None:
    (violation,) = check_window("weekly", "2026-11-02T00:00:00+01:00", "2026-11-10T00:00:00+01:00")
    assert violation.expected == "2026-11-09T00:00:00+01:00"


def test_a_schedule_without_a_rule_is_refused_loudly() -> None:
    with pytest.raises(periods.BoundError, match="no window rule for schedule 'quarterly'"):
        check_window("quarterly", "2026-01-01", "2026-04-01")


@given(days, offsets)
def test_rendering_a_bound_parses_back_to_the_same_bound(day: date, offset: timedelta | None) -> None:
    bound = Bound(day, offset)
    assert parse_bound(bound.render()) == bound


def test_bound_pattern_in_the_contract_accepts_exactly_the_syntax_the_parser_reads() -> None:
    import re

    pattern = re.compile(periods.BOUND_PATTERN.replace("$", r"\Z"))
    for text in ["2026-11-01", "2026-11-01T00:00:00Z", "2026-11-01T00:00:00.00+01:00", "2026-11-01t00:00:00z"]:
        assert pattern.search(text) and parse_bound(text)
    for text in ["2026-11-01T01:00:00Z", "2026-11-01T00:00:00", "2026/11/01", ""]:
        assert not pattern.search(text)
