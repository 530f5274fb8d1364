"""Hypothesis strategies for report requests: fully valid params, and params that break exactly one named rule.

Everything about the vocabulary (data types, schedules, languages, content types, filter keys) is read from the
served contract; the windows come from ``contracts.rules.periods``. Use them in any Hypothesis test::

    from hypothesis import given
    from contracts.testing.strategies import invalid_report_params, report_params

    @given(report_params(data_type="orders/orderoperations"))
    def test_my_server_accepts(params): ...

    @given(invalid_report_params(kind="window-start"))
    def test_my_server_refuses(invalid): assert post(invalid.params).status_code == 400

Draws shrink to readable examples: the first allowed value of each enum, the date form, days near 2000-01-01.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from contracts.model.contract import Contract, Variant, default_contract
from contracts.rules import periods

Params = dict[str, Any]
Window = tuple[str, str]

LAST_DAY = periods.LATEST - timedelta(days=1)
MAX_OFFSET_MINUTES = 23 * 60 + 59
# Offsets people use, drawn more often than arbitrary ones: UTC, Norway in winter and summer, US East.
COMMON_OFFSETS = (timedelta(0), timedelta(hours=1), timedelta(hours=2), timedelta(hours=-5))
# Two offsets that a window's bounds must not mix: at least periods.MAX_SHIFT apart, because closer offsets may be one
# time zone's daylight-saving change (+02:00 to +01:00), which is one local calendar period.
MIXED_OFFSET_PAIRS = tuple(
    (first, last) for first in COMMON_OFFSETS for last in COMMON_OFFSETS if abs(first - last) >= periods.MAX_SHIFT
)


# --- windows -------------------------------------------------------------------------------------------------------


def offsets() -> st.SearchStrategy[timedelta | None]:
    """The form of a window: ``None`` for dates (first, so failures shrink to it), else a date-time's UTC offset."""
    return st.one_of(
        st.none(),
        st.sampled_from(COMMON_OFFSETS),
        st.integers(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES).map(lambda minutes: timedelta(minutes=minutes)),
    )


def window_in_range(schedule: str, day: date, offset: timedelta | None) -> Window:
    """The valid window around ``day``, moved one window inwards when it would cross 2000-01-01 or 2100-01-01."""
    start, end = periods.schedule_named(schedule).window_containing(day)
    if start < periods.EARLIEST:
        day = end
    elif end > periods.LATEST:
        day = start - timedelta(days=1)
    return periods.valid_window(schedule, day, offset)


@cache
def windows(schedule: str) -> st.SearchStrategy[Window]:
    """Valid ``(from, to)`` texts for a schedule, over the whole allowed range of days and in every form.

    Built once per schedule: composite strategies draw it on every example, and building strategies is not free.
    """
    return st.builds(window_in_range, st.just(schedule), st.dates(periods.EARLIEST, LAST_DAY), offsets())


# --- valid params --------------------------------------------------------------------------------------------------

filter_values = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24)


@cache
def _filters(filter_keys: tuple[str, ...]) -> st.SearchStrategy[list[dict[str, str]]]:
    item = st.fixed_dictionaries({"filter": st.sampled_from(filter_keys), "value": filter_values})
    return st.lists(item, max_size=4)


@st.composite
def _params_of(draw: st.DrawFn, variant: Variant, schedule: str | None) -> Params:
    chosen = schedule or draw(st.sampled_from(variant.schedules))
    start, end = draw(windows(chosen))
    params: Params = {
        "dataType": variant.data_type,
        "schedule": chosen,
        "language": draw(st.sampled_from(variant.allowed("language"))),
        "from": start,
        "to": end,
    }
    with_content_type: bool = draw(st.booleans())
    if with_content_type and variant.allowed("contentType"):
        params["contentType"] = draw(st.sampled_from(variant.allowed("contentType")))
    with_filters: bool = draw(st.booleans())
    if with_filters and variant.filter_keys:
        params["reportFilters"] = draw(_filters(variant.filter_keys))
    return params


def report_params(
    data_type: str | None = None, schedule: str | None = None, *, contract: Contract | None = None
) -> st.SearchStrategy[Params]:
    """Fully valid report params: every variant (or ``data_type``), every schedule it allows, windows in both forms."""
    contract = contract or default_contract()
    variants = [contract.variants[data_type]] if data_type else list(contract.variants.values())
    if schedule is not None:
        variants = [variant for variant in variants if schedule in variant.schedules]
        if not variants:
            raise ValueError(f"no data type allows schedule {schedule!r}")
    return _params_among(tuple(variants), schedule)


@st.composite
def _params_among(draw: st.DrawFn, variants: tuple[Variant, ...], schedule: str | None) -> Params:
    # A composite rather than sampled_from(...).flatmap(...): flatmap builds a new strategy for every example.
    return draw(_params_of(draw(st.sampled_from(variants)), schedule))


# --- invalid params, one broken rule each ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvalidParams:
    """Params that break exactly one rule: ``kind`` names it, ``violations`` are the rule names a validator reports.

    ``base`` is the valid params they were made from, changed only in what breaks the rule: a server that accepts
    ``base`` and refuses ``params`` refused them for that rule (the checker's contract profile relies on it).
    """

    kind: str
    params: Params
    violations: frozenset[str]
    base: Params


WINDOW_KINDS = (
    "window-start",
    "window-too-long",
    "window-too-short",
    "mixed-forms",
    "mixed-offsets",
    "out-of-range",
    "bound-syntax",
    "bound-calendar",
    "bound-not-midnight",
)
SCHEMA_KINDS = (
    "unknown-data-type",
    "missing-required",
    "wrong-type",
    "wrong-enum",
    "schedule-not-allowed",
    "content-type-not-allowed",
    "bad-filter",
)
INVALID_KINDS = SCHEMA_KINDS + WINDOW_KINDS


def _all_allowed(contract: Contract, name: str) -> set[Any]:
    return {value for variant in contract.variants.values() for value in variant.allowed(name)}


def _not_in(values: set[Any]) -> st.SearchStrategy[str]:
    readable = st.text(alphabet="abcdefghijklmnopqrstuvwxyz/-", min_size=1, max_size=12)
    return readable.filter(lambda text: text not in values)


def _bound_day(text: str) -> date:
    return periods.parse_bound(text).day


@st.composite
def _invalid(draw: st.DrawFn, kind: str, contract: Contract) -> InvalidParams:
    variants = list(contract.variants.values())
    drawn: list[Params] = []  # the valid params the invalid ones are made from

    def valid(variant: Variant, schedule: str | None) -> Params:
        drawn.append(draw(_params_of(variant, schedule)))
        return drawn[-1]

    def base(candidates: list[Variant], schedules: tuple[str, ...] | None = None) -> tuple[Variant, Params]:
        variant = draw(st.sampled_from(candidates))
        schedule = draw(st.sampled_from(schedules)) if schedules else None
        return variant, valid(variant, schedule)

    def result(params: Params, *violations: str) -> InvalidParams:
        return InvalidParams(kind, params, frozenset(violations), drawn[-1])

    if kind == "unknown-data-type":
        _, params = base(variants)
        return result({**params, "dataType": draw(_not_in(set(contract.data_types)))}, "discriminator")
    if kind == "missing-required":
        variant, params = base(variants)
        name = draw(st.sampled_from([n for n in variant.required if n != contract.discriminator]))
        return result({key: value for key, value in params.items() if key != name}, "required")
    if kind == "wrong-type":
        variant, params = base(variants)
        name = draw(st.sampled_from([n for n in variant.required if n != contract.discriminator]))
        other: Any = draw(st.one_of(st.integers(), st.booleans(), st.none(), st.just([]), st.just({})))
        return result({**params, name: other}, "type")
    if kind == "wrong-enum":
        _, params = base(variants)
        name = draw(st.sampled_from(["language", "contentType"]))
        return result({**params, name: draw(_not_in(_all_allowed(contract, name)))}, "enum")
    if kind == "schedule-not-allowed":
        every = _all_allowed(contract, "schedule")
        narrow = [variant for variant in variants if every - set(variant.schedules)]
        variant = draw(st.sampled_from(narrow))
        schedule = draw(st.sampled_from(sorted(every - set(variant.schedules))))
        start, end = draw(windows(schedule))
        params = {**valid(variant, None), "schedule": schedule, "from": start, "to": end}
        return result(params, "enum")
    if kind == "content-type-not-allowed":
        every = _all_allowed(contract, "contentType")
        narrow = [variant for variant in variants if every - set(variant.allowed("contentType"))]
        variant, params = base(narrow)
        return result(
            {**params, "contentType": draw(st.sampled_from(sorted(every - set(variant.allowed("contentType")))))},
            "enum",
        )
    if kind == "bad-filter":
        variant, params = base([variant for variant in variants if variant.filter_keys])
        key = draw(_not_in(set(variant.filter_keys)))
        return result({**params, "reportFilters": [{"filter": key, "value": draw(filter_values)}]}, "enum")
    return _invalid_window(draw, kind, variants, valid, result)


def _invalid_window(
    draw: st.DrawFn,
    kind: str,
    variants: list[Variant],
    valid: Callable[[Variant, str | None], Params],
    result: Callable[..., InvalidParams],
) -> InvalidParams:
    def usable(variant: Variant) -> list[str]:
        """Schedules that can break this rule: a window-start needs days that cannot start a window."""
        return [s for s in variant.schedules if kind != "window-start" or periods.has_unaligned_days(s)]

    variant = draw(st.sampled_from([variant for variant in variants if usable(variant)]))
    schedules = usable(variant)
    schedule_name = draw(st.sampled_from(schedules))
    schedule = periods.SCHEDULES[schedule_name]
    params = valid(variant, schedule_name)
    offset = periods.parse_bound(params["from"]).offset
    start, end = _bound_day(params["from"]), _bound_day(params["to"])
    safe_day = st.dates(date(2000, 3, 1), date(2099, 10, 1))

    def bounds(
        first: date, last: date, first_offset: timedelta | None = offset, last_offset: timedelta | None = offset
    ) -> Params:
        return {
            **params,
            "from": periods.Bound(first, first_offset).render(),
            "to": periods.Bound(last, last_offset).render(),
        }

    if kind == "window-start":
        day = draw(safe_day.filter(lambda d: not schedule.is_start(d)))
        length = schedule.end_of(schedule.start_of(day)) - schedule.start_of(day)
        return result(bounds(day, day + length), periods.WINDOW_START)
    if kind == "window-too-long":
        extra = draw(st.integers(1, 40))
        if end + timedelta(days=extra) > periods.LATEST:
            start, end = schedule.window_containing(date(2050, 6, 15))
        return result(bounds(start, end + timedelta(days=extra)), periods.WINDOW_END)
    if kind == "window-too-short":
        return result(
            bounds(start, end - timedelta(days=draw(st.integers(1, (end - start).days + 5)))), periods.WINDOW_END
        )
    if kind == "mixed-forms":
        datetime_offset = draw(st.sampled_from(COMMON_OFFSETS))
        if draw(st.booleans()):
            return result(bounds(start, end, None, datetime_offset), periods.MIXED_FORMS)
        return result(bounds(start, end, datetime_offset, None), periods.MIXED_FORMS)
    if kind == "mixed-offsets":
        first_offset, last_offset = draw(st.sampled_from(MIXED_OFFSET_PAIRS))
        return result(bounds(start, end, first_offset, last_offset), periods.MIXED_OFFSETS)
    if kind == "out-of-range":
        day = draw(
            st.one_of(st.dates(date(1990, 1, 1), date(1999, 11, 30)), st.dates(date(2100, 2, 1), date(2199, 1, 1)))
        )
        first, last = schedule.window_containing(day)
        return result(bounds(first, last), periods.OUT_OF_RANGE)
    if kind == "bound-syntax":
        text = draw(
            st.sampled_from(["yesterday", "2026/11/01", "01.11.2026", "20261101", "2026-11-1", "", " 2026-11-01"])
        )
        return result({**params, "from": text}, periods.BOUND_SYNTAX)
    if kind == "bound-calendar":
        text = draw(
            st.sampled_from(["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-04-31", "2026-11-00"])
        )
        return result({**params, draw(st.sampled_from(["from", "to"])): text}, periods.BOUND_CALENDAR)
    if kind == "bound-not-midnight":
        clock = draw(st.sampled_from(["12:00:00", "00:00:01", "23:59:59", "00:30:00"]))
        zone = periods.format_offset(offset or timedelta(0))
        return result({**params, "from": f"{start.isoformat()}T{clock}{zone}"}, periods.BOUND_NOT_MIDNIGHT)
    raise ValueError(f"unknown kind {kind!r}; one of {', '.join(INVALID_KINDS)}")


def invalid_report_params(
    kind: str | None = None, *, contract: Contract | None = None
) -> st.SearchStrategy[InvalidParams]:
    """Params that break exactly one rule, labelled with it; ``kind`` picks one (see ``INVALID_KINDS``)."""
    contract = contract or default_contract()
    if kind is not None and kind not in INVALID_KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(INVALID_KINDS)}")
    kinds = st.just(kind) if kind else st.sampled_from(INVALID_KINDS)
    return kinds.flatmap(lambda chosen: _invalid(chosen, contract))


T = TypeVar("T")


def draws(strategy: st.SearchStrategy[T], count: int, seed_value: int) -> list[T]:
    """``count`` examples of a strategy, the same ones for the same seed (no database, no shrinking)."""
    drawn: list[T] = []
    if count < 1:
        return drawn

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn[:count]
