"""Calendar: holidays, daylight saving and the shape of traffic over the day, week and year."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Final

_UTC: Final = UTC


@lru_cache(maxsize=256)
def _easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def _closed_days(year: int, country: str) -> frozenset[date]:
    """Public holidays on which physical shops are (mostly) closed."""
    easter = _easter_sunday(year)
    movable = {easter + timedelta(days=offset) for offset in (-3, -2, 0, 1, 39, 49, 50)}
    fixed = {date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)}
    if country == "NO":
        fixed |= {date(year, 5, 1), date(year, 5, 17)}
    if country == "SE":
        movable.discard(easter + timedelta(days=-3))
        fixed |= {date(year, 5, 1), date(year, 6, 6)}
    return frozenset(movable | fixed)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


@lru_cache(maxsize=512)
def _utc_offset_hours(day: date, country: str) -> int:
    """Local UTC offset: CET/CEST (EET/EEST in Finland), EU daylight-saving rules."""
    base = 2 if country == "FI" else 1
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    return base + 1 if summer else base


def _black_friday(year: int) -> date:
    november_first = date(year, 11, 1)
    first_thursday = november_first + timedelta(days=(3 - november_first.weekday()) % 7)
    return first_thursday + timedelta(days=22)


# Relative traffic per weekday (Monday first). Norwegian shops are mostly
# closed on Sundays; web shops peak on Sunday evenings.
_PHYSICAL_WEEKDAY: Final = (0.9, 0.92, 0.97, 1.05, 1.18, 1.32, 0.75)

_PHYSICAL_WEEKDAY_NO: Final = (0.9, 0.92, 0.97, 1.05, 1.18, 1.32, 0.28)

_WEB_WEEKDAY: Final = (1.06, 1.0, 0.98, 0.97, 0.92, 1.02, 1.15)

# July is the Nordic holiday month; November and December carry the peak.
_MONTH: Final = (0.86, 0.88, 0.95, 0.97, 1.0, 0.98, 0.82, 0.95, 1.0, 1.02, 1.1, 1.3)

# Relative traffic per *local* hour.
_PHYSICAL_HOURS: Final = (
    0.01, 0.0, 0.0, 0.0, 0.0, 0.0, 0.02, 0.08, 0.25, 0.55, 0.9, 1.1,
    1.3, 1.2, 1.05, 1.1, 1.3, 1.4, 1.2, 0.8, 0.45, 0.18, 0.05, 0.02,
)  # fmt: skip

_WEB_HOURS: Final = (
    0.35, 0.18, 0.09, 0.06, 0.05, 0.07, 0.15, 0.35, 0.55, 0.7, 0.8, 0.9,
    1.05, 1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.3, 1.5, 1.55, 1.25, 0.75,
)  # fmt: skip


@lru_cache(maxsize=4096)
def _day_factor(day: date, country: str, channel: str) -> float:
    """Traffic multiplier of a day: weekday, season, holidays, Black Friday, Christmas."""
    web = channel == "web"
    weekday = _WEB_WEEKDAY if web else _PHYSICAL_WEEKDAY_NO if country == "NO" else _PHYSICAL_WEEKDAY
    factor = weekday[day.weekday()] * _MONTH[day.month - 1]
    black_friday = _black_friday(day.year)
    if day == black_friday:
        factor *= 2.6 if web else 1.7
    elif black_friday - timedelta(days=4) <= day <= black_friday + timedelta(days=3):
        factor *= 1.4 if web else 1.1  # Black Week and Cyber Monday
    if day.month == 12:
        if 10 <= day.day <= 23 and not web:
            factor *= 1.25
        elif day.day in (24, 31):
            factor *= 0.4
        elif 27 <= day.day <= 30:
            factor *= 1.2  # mellandagsrea / romjulssalg
    if day in _closed_days(day.year, country):
        factor *= 0.85 if web else 0.04
    return factor


@lru_cache(maxsize=64)
def _hour_cdf(channel: str, utc_offset: int) -> tuple[float, ...]:
    """Cumulative weights over the 24 *UTC* hours of a day."""
    local = _WEB_HOURS if channel == "web" else _PHYSICAL_HOURS
    running, cumulative = 0.0, []
    for utc_hour in range(24):
        running += local[(utc_hour + utc_offset) % 24]
        cumulative.append(running)
    return tuple(cumulative)


def _draw_seconds(rng: random.Random, count: int, cdf: tuple[float, ...]) -> list[int]:
    """``count`` sorted seconds-of-day following the hourly traffic curve."""
    total = cdf[-1]
    random_ = rng.random
    bisect_right = bisect.bisect_right
    seconds = [bisect_right(cdf, random_() * total) * 3600 + int(random_() * 3600) for _ in range(count)]
    seconds.sort()
    return seconds


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=_UTC)


def _days(start: date, end: date) -> Iterator[date]:
    for ordinal in range(start.toordinal(), end.toordinal()):
        yield date.fromordinal(ordinal)
