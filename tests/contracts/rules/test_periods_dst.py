"""Windows across a daylight-saving change: both ends at local midnight of one IANA zone, in its two offsets."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.rules import periods
from contracts.rules.periods import SCHEDULES, Bound, check_window, parse_bound, zone_window

# Zones whose clocks change away from midnight, so every local midnight exists.
ZONES = ("Europe/Oslo", "Europe/London", "Europe/Helsinki", "America/New_York", "Australia/Sydney", "Antarctica/Troll")
schedules = st.sampled_from(sorted(SCHEDULES))
zones = st.sampled_from(ZONES).map(ZoneInfo)
days = st.dates(min_value=date(2000, 1, 3), max_value=date(2099, 11, 30))
DST = settings(max_examples=60, deadline=None)


def rules_broken(schedule: str, start: str, end: str) -> set[str]:
    return {violation.rule for violation in check_window(schedule, start, end)}


def test_a_month_across_the_oslo_autumn_change_is_accepted() -> None:
    assert check_window("monthly", "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00") == []
    assert check_window("twice-a-month", "2026-10-16T00:00:00+02:00", "2026-11-01T00:00:00+01:00") == []
    assert check_window("monthly", "2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00") == []


def test_a_wrong_end_across_the_change_expects_local_midnight_in_the_zone() -> None:
    (violation,) = check_window("monthly", "2026-10-01T00:00:00+02:00", "2026-10-31T00:00:00+01:00")
    assert violation.rule == periods.WINDOW_END
    assert violation.expected == "2026-11-01T00:00:00+01:00"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00+02:00"),  # no zone moves forward in November
        ("2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00Z"),
        ("2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00-05:00"),
        ("2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00-01:00"),
    ],
)
def test_offsets_no_zone_has_at_those_instants_are_mixed_offsets(start: str, end: str) -> None:
    assert rules_broken("monthly", start, end) == {periods.MIXED_OFFSETS}


@DST
@given(schedules, days, zones)
def test_every_window_at_local_midnight_of_a_zone_is_accepted(schedule: str, day: date, zone: ZoneInfo) -> None:
    start, end = zone_window(schedule, day, zone)
    assert check_window(schedule, start, end) == []
    for text in (start, end):  # both ends really are local midnight in the zone
        local = parse_bound(text).instant().astimezone(zone)
        assert (local.hour, local.minute, local.second) == (0, 0, 0)


@DST
@given(schedules, days, zones)
def test_zone_windows_tile_time_with_no_gap_and_no_overlap(schedule: str, day: date, zone: ZoneInfo) -> None:
    first_start, first_end = zone_window(schedule, day, zone)
    next_start, next_end = zone_window(schedule, parse_bound(first_end).day, zone)
    assert next_start == first_end
    assert parse_bound(first_start).instant() < parse_bound(first_end).instant() < parse_bound(next_end).instant()


@DST
@given(schedules, days, zones, st.integers(min_value=1, max_value=20))
def test_a_shifted_end_in_a_zone_expects_the_zones_local_midnight(
    schedule: str, day: date, zone: ZoneInfo, shift: int
) -> None:
    start, end = zone_window(schedule, day, zone)
    wrong = Bound(parse_bound(end).day + timedelta(days=shift), parse_bound(end).offset).render()
    violations = check_window(schedule, start, wrong)
    assert [violation.rule for violation in violations] == [periods.WINDOW_END]
    assert violations[0].expected == end


@DST
@given(schedules, days, st.integers(min_value=-14 * 60, max_value=14 * 60), st.integers(min_value=180, max_value=600))
def test_offsets_three_hours_or_more_apart_are_always_mixed_offsets(
    schedule: str, day: date, first_minutes: int, gap_minutes: int
) -> None:
    first = timedelta(minutes=first_minutes)
    last = first + timedelta(minutes=gap_minutes if day.day % 2 else -gap_minutes)
    if abs(last) >= timedelta(hours=24):  # not an offset at all: another rule
        last = first - (last - first)
    start, end = periods.valid_window(schedule, day, first)
    end = Bound(parse_bound(end).day, last).render()
    assert periods.MIXED_OFFSETS in rules_broken(schedule, start, end)


def test_the_zone_rule_is_a_pure_function_of_the_instants() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    autumn = datetime(2026, 10, 1, tzinfo=oslo), datetime(2026, 11, 1, tzinfo=oslo)
    first, last = (moment.utcoffset() for moment in autumn)
    assert first is not None and last is not None
    assert periods.one_zone_has(autumn[0], first, autumn[1], last)
    assert not periods.one_zone_has(autumn[0], last, autumn[1], first)
