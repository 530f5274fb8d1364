"""Deterministic synthetic rows for the Insight report data types.

Every row is a pure function of ``(account id, data type, UTC calendar day,
entity)``: each entity-day draws from its own ``random.Random`` seeded with a
SHA-256 digest of those values (never the salted built-in ``hash()``, never
the clock). Consequences the tests rely on:

* a period's rows are exactly the concatenation of its days' rows, so a
  monthly report equals its daily reports and two twice-a-month halves equal
  the month;
* adding an entity (a store, a payout destination) to an account's universe
  never changes the rows of the other entities.

Days are **UTC** calendar days: a row of day ``d`` has ``created_at`` in
``[d 00:00Z, d+1 00:00Z)``; timestamps are emitted in UTC. The daily traffic
curve is shaped for Nordic local time (UTC+1, +2 in summer; Finland one hour
more), so peaks land around local lunch and evening.

Entities per data type
----------------------
``checkout/transactions``
    One entity per *store*; each store pays out to exactly one payout
    destination (a VAT-number-like id of the legal entity that owns it).
    Filter keys: ``store_id``, ``payout_destination_id``.
``orders/orderoperations``
    One entity per *payout destination*; its rows come from the stores paying
    out to it. Filter key: ``operation_payout_destination``.
``wallets/transactions``
    One entity per *card*. No filters (a non-empty filter raises
    ``ValueError``).

Filter universe ("filter values always yield data")
---------------------------------------------------
An account's universe is its default entities (derived from the aid) plus
every entity named by a filter value the account does not have:

* an unknown ``store_id`` X becomes a physical store X in the account's home
  country paying out to one of the account's default destinations (chosen
  from a digest of X);
* an unknown ``payout_destination_id`` / ``operation_payout_destination`` D
  becomes a destination with one synthetic store (id derived from D, e.g.
  ``hamar-73``; in D's country when D starts with NO/SE/DK/FI).

``generate_rows(..., filters=F)`` equals
``[r for r in generate_universe_rows(..., F) if matches(r, F)]``.
Same key repeated = OR, different keys = AND. Because a store pays out to one
destination only, an AND of an unknown store and an unknown destination (or of
a store and a destination it does not pay out to) is contradictory and yields
no rows. Any string, including ``""`` and very long ones, is a valid value.

Wallet balances
---------------
``amount`` is **signed** minor units: credits (``top_up``, ``refund``) are
positive, debits (``purchase``, ``expiry``) negative, and
``balance_after`` = previous balance + ``amount`` for every row of a card,
across days. To make that a pure function of the day, time is cut into
aligned blocks of 16 days (``date.toordinal() // 16``). A card is active on a
digest-chosen, never empty, subset of each block's days. Its balance at the
start of a block is a digest-derived "level"; after each active day the
balance equals a digest-derived checkpoint, and after the block's last active
day it equals the next block's level. A day's transactions (an optional
expiry, refund and top-up first, then purchases) are planned to move the
balance from the day's opening value to its closing checkpoint without ever
going negative. So a card's opening balance on any day is computable in O(1)
without generating earlier days.
"""

from __future__ import annotations

import binascii
import bisect
import hashlib
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import attrgetter
from statistics import NormalDist
from typing import Final

from contracts.model import default_contract

CHECKOUT: Final = "checkout/transactions"
ORDERS: Final = "orders/orderoperations"
WALLETS: Final = "wallets/transactions"
DATA_TYPES: Final = (CHECKOUT, ORDERS, WALLETS)

#: Filter keys accepted per data type, read from the contract (the generators know what each key means).
FILTER_KEYS: Final[dict[str, frozenset[str]]] = {
    data_type: frozenset(variant.filter_keys) for data_type, variant in default_contract().variants.items()
}

#: Longest period generate_rows accepts (defence against runaway requests;
#: the API's longest schedule is a month).
MAX_PERIOD_DAYS: Final = 366

Filters = tuple[tuple[str, str], ...]

_AID_PATTERN: Final = re.compile(r"[PT][0-9]{8}")
_UTC: Final = UTC
_EPOCH_DAY: Final = date(2000, 1, 1)  # merchant order numbers count days from here


# --------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """Common base: ``id`` is the row's own id, ``created_at`` is UTC."""

    id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CheckoutTransaction(Row):
    """A checkout transaction; amounts are minor units (øre, öre, cent)."""

    store_id: str
    payout_destination_id: str
    merchant_reference: str
    payment_product: str
    payment_product_type: str
    status: str
    amount: int
    captured_amount: int
    refunded_amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderOperation(Row):
    """An operation on an order; ``id`` is the operation id, ``amount`` >= 0."""

    order_id: str
    operation_type: str
    amount: int
    currency: str
    store_id: str
    operation_payout_destination: str


@dataclass(frozen=True, slots=True)
class WalletTransaction(Row):
    """A wallet (gift/loyalty card) transaction; ``amount`` is signed."""

    card_id: str
    operation_type: str
    amount: int
    currency: str
    balance_after: int
    store_id: str


#: Column order per data type (row attribute names); CSV files follow it.
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    CHECKOUT: (
        "id",
        "created_at",
        "store_id",
        "payout_destination_id",
        "merchant_reference",
        "payment_product",
        "payment_product_type",
        "status",
        "amount",
        "captured_amount",
        "refunded_amount",
        "currency",
    ),
    ORDERS: (
        "id",
        "order_id",
        "created_at",
        "operation_type",
        "amount",
        "currency",
        "store_id",
        "operation_payout_destination",
    ),
    WALLETS: (
        "id",
        "created_at",
        "card_id",
        "operation_type",
        "amount",
        "currency",
        "balance_after",
        "store_id",
    ),
}

ROW_TYPES: Final[dict[str, type[Row]]] = {
    CHECKOUT: CheckoutTransaction,
    ORDERS: OrderOperation,
    WALLETS: WalletTransaction,
}

CHECKOUT_STATUSES: Final = (
    "AUTHORIZED",
    "CAPTURED",
    "PARTIALLY_CAPTURED",
    "REFUNDED",
    "PARTIALLY_REFUNDED",
    "AUTHORIZATION_VOIDED",
    "FAILED",
)
ORDER_OPERATION_TYPES: Final = ("capture", "partial_capture", "refund", "partial_refund", "void")
WALLET_OPERATION_TYPES: Final = ("top_up", "purchase", "refund", "expiry")

_row_order = attrgetter("created_at", "id")


# --------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------


def _digest(*parts: str) -> bytes:
    """SHA-256 over length-prefixed parts, so ("ab","c") != ("a","bc")."""
    payload = "".join([f"{len(part)}:{part}" for part in parts])
    # surrogatepass: JSON may carry lone surrogates; they must not crash.
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).digest()


def _rng(*parts: str) -> random.Random:
    return random.Random(_digest(*parts))


def _unit(digest: bytes, offset: int) -> float:
    """A float in [0, 1) from four bytes of a digest."""
    return int.from_bytes(digest[offset : offset + 4], "big") / 2**32


class _Choice:
    """Weighted choice with precomputed cumulative weights (one random() call)."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, weighted: Sequence[tuple[str, float]]) -> None:
        self.values = tuple(value for value, _ in weighted)
        cumulative: list[float] = []
        running = 0.0
        for _, weight in weighted:
            running += weight
            cumulative.append(running)
        self.cumulative = cumulative
        self.total = running

    def pick(self, rng: random.Random) -> str:
        return self.pick_at(rng.random())

    def pick_at(self, unit: float) -> str:
        """The value at ``unit`` in [0, 1) of the cumulative distribution."""
        return self.values[bisect.bisect_right(self.cumulative, unit * self.total)]


# Inverse normal CDF at 4096 evenly spaced probabilities: one table lookup per
# normal draw is several times cheaper than random.gauss(), and it bounds
# the tails at about 3.5 sigma, which keeps baskets plausible.
_NORMAL_QUANTILES: Final = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))


def _standard_normal(rng: random.Random) -> float:
    return _NORMAL_QUANTILES[int(rng.random() * 4096)]


def _poisson(rng: random.Random, expected: float) -> int:
    """Poisson-distributed count (normal approximation for large means)."""
    if expected <= 0:
        return 0
    if expected < 40:
        threshold = math.exp(-expected)
        count, product = 0, rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
        return count
    return max(0, round(expected + math.sqrt(expected) * _standard_normal(rng)))


_BASE58_FROM_BASE64 = bytes.maketrans(b"0OIl+/", b"9oiLxZ")


def _base58ish(rng: random.Random, length: int = 22) -> str:
    """A base58-looking id (no 0/O/I/l), as in Dintero's ``T12345678.<id>``."""
    raw = binascii.b2a_base64(rng.getrandbits(136).to_bytes(17, "little"))[:length]
    return raw.translate(_BASE58_FROM_BASE64).decode("ascii")


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --------------------------------------------------------------------------
# Calendar: holidays, daylight saving, traffic shape
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Accounts: size, stores, payout destinations
# --------------------------------------------------------------------------

COUNTRY_CURRENCY: Final[dict[str, str]] = {"NO": "NOK", "SE": "SEK", "DK": "DKK", "FI": "EUR"}
# Rough value of one NOK in each currency, to scale NOK-denominated prices.
_PER_NOK: Final[dict[str, float]] = {"NOK": 1.0, "SEK": 1.0, "DKK": 0.64, "EUR": 0.085}

_LOCATIONS: Final[dict[str, tuple[str, ...]]] = {
    "NO": (
        "oslo-sentrum", "oslo-grunerlokka", "oslo-majorstuen", "oslo-storo", "oslo-bjorvika",
        "bergen-sentrum", "bergen-lagunen", "trondheim-sentrum", "trondheim-city-syd",
        "stavanger", "sandnes", "kristiansand", "drammen", "fredrikstad", "tromso", "bodo",
        "alesund", "lillehammer", "hamar", "gjovik", "moss", "tonsberg", "sandvika",
        "lillestrom", "haugesund", "molde", "arendal", "skien", "larvik", "harstad",
    ),
    "SE": (
        "stockholm-city", "stockholm-sodermalm", "goteborg-nordstan", "malmo", "uppsala",
        "vasteras", "orebro", "linkoping", "helsingborg", "norrkoping",
    ),
    "DK": ("kobenhavn-stroget", "kobenhavn-norrebro", "aarhus", "odense", "aalborg", "esbjerg"),
    "FI": ("helsinki-keskusta", "espoo-tapiola", "tampere", "turku", "oulu"),
}  # fmt: skip
_WEB_STORE_IDS: Final[dict[str, str]] = {
    "NO": "nettbutikk",
    "SE": "webbutik-se",
    "DK": "webshop-dk",
    "FI": "verkkokauppa-fi",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """Merchant category: median basket (NOK, major units) and its spread."""

    name: str
    median_basket_nok: float
    sigma: float


_SEGMENTS: Final = (
    Segment("fashion", 749.0, 0.65),
    Segment("sports", 599.0, 0.8),
    Segment("electronics", 1290.0, 1.0),
    Segment("home", 899.0, 0.9),
    Segment("beauty", 429.0, 0.6),
    Segment("grocery", 689.0, 0.5),
    Segment("books", 289.0, 0.55),
    Segment("cafe", 149.0, 0.6),
)


@dataclass(frozen=True, slots=True)
class Store:
    """A selling point. ``share`` is its fraction of the account's checkout traffic."""

    store_id: str
    country: str
    channel: str  # "web" | "physical"
    share: float
    payout_destination_id: str
    reference_prefix: str

    @property
    def currency(self) -> str:
        return COUNTRY_CURRENCY[self.country]


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """Everything about an account that is derived from its id."""

    aid: str
    tier: str  # "micro" | "small" | "medium" | "chain"
    segment: Segment
    checkout_daily_mean: float
    home_country: str
    stores: tuple[Store, ...]
    destinations: tuple[str, ...]
    reference_style: str  # "shopify" | "plain" | "ord" | "store"
    wallet_card_count: int
    wallet_card_prefix: str

    @property
    def store_ids(self) -> tuple[str, ...]:
        return tuple(store.store_id for store in self.stores)

    def destinations_in(self, country: str) -> tuple[str, ...]:
        in_country = tuple(d for d in self.destinations if d.startswith(country))
        return in_country or self.destinations


def check_aid(aid: str) -> None:
    """Raise ``ValueError`` unless ``aid`` looks like ``P12345678`` / ``T12345678``."""
    if not isinstance(aid, str) or not _AID_PATTERN.fullmatch(aid):
        raise ValueError(f"invalid account id {aid!r}; expected ^[PT][0-9]{{8}}$")


def _mod11_check(digits: str, weights: Sequence[int]) -> int | None:
    """Mod-11 check digit (Norwegian org. no. style); None when it would be 10."""
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


def _luhn_check(digits: str) -> int:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def _vat_id(rng: random.Random, country: str) -> str:
    """A VAT-number-shaped id with a valid national check digit."""
    while True:
        if country == "NO":
            body = str(rng.choice((8, 9))) + "".join(str(rng.getrandbits(10) % 10) for _ in range(7))
            check = _mod11_check(body, (3, 2, 7, 6, 5, 4, 3, 2))
            if check is not None:
                return f"NO{body}{check}MVA"
        elif country == "SE":
            body = "556" + "".join(str(rng.getrandbits(10) % 10) for _ in range(6))
            return f"SE{body}{_luhn_check(body)}01"
        elif country == "DK":
            body = str(rng.randint(1, 9)) + "".join(str(rng.getrandbits(10) % 10) for _ in range(6))
            check = _mod11_check(body, (2, 7, 6, 5, 4, 3, 2))
            if check is not None:
                return f"DK{body}{check}"
        else:
            body = str(rng.randint(1, 3)) + "".join(str(rng.getrandbits(10) % 10) for _ in range(6))
            check = _mod11_check(body, (7, 9, 10, 5, 8, 4, 2))
            if check is not None and check != 1:
                return f"FI{body}{check}"


def _tier(u: float) -> str:
    if u < 0.30:
        return "micro"
    if u < 0.65:
        return "small"
    if u < 0.90:
        return "medium"
    return "chain"


_DAILY_MEAN_RANGE: Final[dict[str, tuple[float, float]]] = {
    "micro": (3.0, 22.0),
    "small": (25.0, 110.0),
    "medium": (140.0, 550.0),
    "chain": (800.0, 1200.0),
}
_WALLET_CARDS_RANGE: Final[dict[str, tuple[int, int]]] = {
    "micro": (30, 80),
    "small": (100, 400),
    "medium": (500, 1500),
    "chain": (2000, 4000),
}


def _physical_countries(rng: random.Random, tier: str, home: str, count: int) -> list[str]:
    if tier != "chain":
        return [home] * count
    countries = ("NO", "SE", "DK", "FI")
    weights = (0.65, 0.2, 0.1, 0.05)
    chosen = rng.choices(countries, weights, k=count)
    chosen[0] = home  # the home country always has at least one shop
    return sorted(chosen, key=countries.index)


@lru_cache(maxsize=1024)
def account_profile(aid: str) -> AccountProfile:
    """The account's size, category, stores and destinations, derived from ``aid``.

    Only the eight digits matter, so ``T12345678`` (test) and ``P12345678``
    (production) describe the same merchant (as in Dintero); their rows still
    differ because row seeds include the full aid.
    """
    check_aid(aid)
    rng = _rng("account-profile", aid[1:])
    tier = _tier(rng.random())
    segment = _SEGMENTS[int(rng.random() * len(_SEGMENTS))]
    low, high = _DAILY_MEAN_RANGE[tier]
    daily_mean = low + (high - low) * rng.random()
    home = "NO" if rng.random() < 0.85 or tier == "chain" else ("SE" if rng.random() < 0.7 else "DK")

    if tier == "micro":
        web_countries = [home] if rng.random() < 0.7 else []
        physical_count = 0 if web_countries else 1
    elif tier == "small":
        web_countries, physical_count = [home], int(rng.random() * 3)
    elif tier == "medium":
        web_countries = [home] + (["SE"] if home == "NO" and rng.random() < 0.3 else [])
        physical_count = 3 + int(rng.random() * 16)
    else:
        physical_count = 25 + int(rng.random() * 66)
        web_countries = []
    physical = _physical_countries(rng, tier, home, physical_count)
    if tier == "chain":
        web_countries = sorted(set(physical), key=("NO", "SE", "DK", "FI").index)

    # Destinations: one legal entity per country; Norwegian chains are
    # franchises with roughly one legal entity per eight shops.
    countries = sorted(set(physical) | set(web_countries), key=("NO", "SE", "DK", "FI").index)
    destinations_by_country: dict[str, list[str]] = {}
    issued: set[str] = set()
    for country in countries:
        entities = 1
        if tier == "chain" and country == "NO":
            entities = max(1, math.ceil(physical.count("NO") / 8))
        elif tier == "medium" and country == home:
            entities = 1 + int(rng.random() * 2)
        owners: list[str] = []
        while len(owners) < entities:
            vat_id = _vat_id(rng, country)
            if vat_id not in issued:  # two legal entities never share a number
                issued.add(vat_id)
                owners.append(vat_id)
        destinations_by_country[country] = owners

    web_weight = {"micro": 1.0, "small": 2.5, "medium": 4.0, "chain": 6.0}[tier]
    raw: list[tuple[str, str, str, float, str]] = []  # id, country, channel, weight, dest
    for country in web_countries:
        # Web shops abroad sell less than the home web shop.
        weight = web_weight if country == home else web_weight * 0.4
        raw.append((_WEB_STORE_IDS[country], country, "web", weight, destinations_by_country[country][0]))
    per_location: dict[str, int] = {}
    per_country_index: dict[str, int] = {}
    for country in physical:
        locations = _LOCATIONS[country]
        location = locations[int(rng.random() * len(locations))]
        per_location[location] = per_location.get(location, 0) + 1
        store_id = f"{location}-{per_location[location]:02d}"
        index = per_country_index.get(country, 0)
        per_country_index[country] = index + 1
        country_owners = destinations_by_country[country]
        weight = math.exp(0.45 * _standard_normal(rng))
        raw.append((store_id, country, "physical", weight, country_owners[index % len(country_owners)]))

    total_weight = sum(weight for _, _, _, weight, _ in raw)
    stores = tuple(
        Store(
            store_id=store_id,
            country=country,
            channel=channel,
            share=weight / total_weight,
            payout_destination_id=destination,
            reference_prefix=f"{store_id[:3].upper()}{position + 1:03d}",
        )
        for position, (store_id, country, channel, weight, destination) in enumerate(raw)
    )
    # One-shop accounts use their web shop's numbering; chains prefix the shop.
    reference_style = ("shopify", "plain", "ord")[int(rng.random() * 3)] if len(stores) == 1 else "store"
    cards_low, cards_high = _WALLET_CARDS_RANGE[tier]
    return AccountProfile(
        aid=aid,
        tier=tier,
        segment=segment,
        checkout_daily_mean=daily_mean,
        home_country=home,
        stores=stores,
        destinations=tuple(d for country in countries for d in destinations_by_country[country]),
        reference_style=reference_style,
        wallet_card_count=cards_low + int(rng.random() * (cards_high - cards_low + 1)),
        wallet_card_prefix="9578" + f"{int(rng.random() * 10_000):04d}",
    )


def _typical_share(profile: AccountProfile) -> float:
    """Traffic share given to stores that only exist because a filter named them."""
    physical = sorted(s.share for s in profile.stores if s.channel == "physical")
    if physical:
        return physical[len(physical) // 2]
    return min(s.share for s in profile.stores) * 0.5


def _extra_store(profile: AccountProfile, store_id: str) -> Store:
    """A store the account does not have by default, named by a ``store_id`` filter."""
    digest = _digest("extra-store", profile.aid[1:], store_id)
    owners = profile.destinations_in(profile.home_country)
    return Store(
        store_id=store_id,
        country=profile.home_country,
        channel="physical",
        share=_typical_share(profile) * math.exp(0.4 * (_unit(digest, 4) - 0.5)),
        payout_destination_id=owners[digest[0] % len(owners)],
        reference_prefix=f"X{int.from_bytes(digest[1:3], 'big') % 900 + 100}",
    )


def _store_for_destination(profile: AccountProfile, destination: str) -> Store:
    """The synthetic store paying out to a destination named only by a filter."""
    digest = _digest("destination-store", profile.aid[1:], destination)
    prefix = destination[:2].upper()
    country = prefix if prefix in COUNTRY_CURRENCY else profile.home_country
    locations = _LOCATIONS[country]
    # Suffixes 50-99 never occur among default stores (at most ~20 per location).
    store_id = f"{locations[digest[0] % len(locations)]}-{50 + digest[1] % 50}"
    return Store(
        store_id=store_id,
        country=country,
        channel="physical",
        share=_typical_share(profile) * math.exp(0.4 * (_unit(digest, 4) - 0.5)),
        payout_destination_id=destination,
        reference_prefix=f"D{int.from_bytes(digest[2:4], 'big') % 900 + 100}",
    )


# --------------------------------------------------------------------------
# Filters and entity universes
# --------------------------------------------------------------------------


def group_filters(data_type: str, filters: Filters) -> dict[str, frozenset[str]]:
    """``(("store_id","A"),("store_id","B"))`` -> ``{"store_id": {"A","B"}}``; validates keys."""
    check_data_type(data_type)
    allowed = FILTER_KEYS[data_type]
    grouped: dict[str, set[str]] = {}
    for pair in filters:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"a filter must be a (key, value) pair, got {pair!r}")
        key, value = pair
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(f"filter key and value must be strings, got {pair!r}")
        if key not in allowed:
            if not allowed:
                raise ValueError(f"{data_type} reports take no filters, got {key!r}")
            raise ValueError(f"unknown filter {key!r} for {data_type}; expected one of {sorted(allowed)}")
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


def matches(row: Row, filters: Filters) -> bool:
    """Whether a row passes ``filters``: OR within a key, AND across keys."""
    data_type = next(dt for dt, cls in ROW_TYPES.items() if isinstance(row, cls))
    grouped = group_filters(data_type, filters)
    return all(getattr(row, key) in values for key, values in grouped.items())


def checkout_universe(aid: str, filters: Filters = ()) -> tuple[Store, ...]:
    """Default stores plus the stores named (directly or via destination) by ``filters``."""
    profile = account_profile(aid)
    grouped = group_filters(CHECKOUT, filters)
    stores = list(profile.stores)
    known_stores = set(profile.store_ids)
    for store_id in sorted(grouped.get("store_id", frozenset()) - known_stores):
        stores.append(_extra_store(profile, store_id))
    new_destinations = grouped.get("payout_destination_id", frozenset()) - set(profile.destinations)
    for destination in sorted(new_destinations):
        stores.append(_store_for_destination(profile, destination))
    return tuple(stores)


def orders_universe(aid: str, filters: Filters = ()) -> tuple[tuple[str, tuple[Store, ...]], ...]:
    """Default destinations (with their stores) plus the ones named by ``filters``."""
    profile = account_profile(aid)
    grouped = group_filters(ORDERS, filters)
    universe = [(d, tuple(s for s in profile.stores if s.payout_destination_id == d)) for d in profile.destinations]
    new_destinations = grouped.get("operation_payout_destination", frozenset()) - set(profile.destinations)
    for destination in sorted(new_destinations):
        universe.append((destination, (_store_for_destination(profile, destination),)))
    return tuple(universe)


def wallet_card_ids(aid: str) -> tuple[str, ...]:
    """The account's cards: 16-digit, Luhn-valid numbers with an account prefix."""
    profile = account_profile(aid)
    ids = []
    for index in range(profile.wallet_card_count):
        # 7919 is coprime with 10**7, so the scrambled serials never collide.
        body = f"{profile.wallet_card_prefix}{(index * 7919 + 104_729) % 10**7:07d}"
        ids.append(body + str(_luhn_check(body)))
    return tuple(ids)


# --------------------------------------------------------------------------
# Amounts and references
# --------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _basket_sampler(segment: Segment, channel: str, currency: str) -> Callable[[random.Random], int]:
    """Draws log-normal baskets in minor units, rounded the way Nordic prices are."""
    median = segment.median_basket_nok * (0.6 if channel == "physical" else 1.0)
    median_minor = median * _PER_NOK[currency] * 100
    sigma = segment.sigma
    if currency == "EUR":
        round_share, round_step, minimum = 0.7, 5, 100
    else:
        # Most NOK/SEK/DKK totals are whole kroner; weighed goods are not.
        round_share, round_step, minimum = 0.9, 100, 1000
    quantiles = _NORMAL_QUANTILES

    def draw(rng: random.Random) -> int:
        minor = median_minor * math.exp(sigma * quantiles[int(rng.random() * 4096)])
        step = round_step if rng.random() < round_share else 1
        return max(minimum, round(minor / step) * step)

    return draw


def _strictly_between(rng: random.Random, amount: int) -> int:
    """A partial amount in (0, amount), whole units when possible."""
    fraction = 0.2 + 0.7 * rng.random()
    partial = round(amount * fraction / 100) * 100
    if 0 < partial < amount:
        return partial
    return max(1, min(amount - 1, int(amount * fraction)))


def _order_number_stride(profile: AccountProfile, store: Store) -> int:
    """Order numbers reserved per store-day: above any plausible day's count."""
    return int(profile.checkout_daily_mean * store.share * 5) + 20


def _reference_format(profile: AccountProfile, store: Store) -> Callable[[int], str]:
    """How the store's order numbers look as merchant references / order ids."""
    style = profile.reference_style
    if style == "shopify" and store.store_id in profile.store_ids:
        return lambda number: f"#{1001 + number}"
    if style == "plain" and store.store_id in profile.store_ids:
        return lambda number: str(100_000 + number)
    if style == "ord" and store.store_id in profile.store_ids:
        return lambda number: f"ORD-{number:08d}"
    # Multi-store accounts, and stores that exist only because a filter named
    # them, prefix the number with the store so references stay unique.
    prefix = store.reference_prefix
    return lambda number: f"{prefix}-{number:07d}"


# --------------------------------------------------------------------------
# checkout/transactions
# --------------------------------------------------------------------------

_PAYMENT_MIX: Final[dict[tuple[str, str], _Choice]] = {
    ("NOK", "web"): _Choice(
        [("vipps", 38), ("bambora.creditcard", 30), ("klarna.klarna", 15),
         ("collector.invoice", 8), ("bambora.vipps", 4), ("bambora.applepay", 5)]
    ),
    ("NOK", "physical"): _Choice(
        [("vipps", 45), ("bambora.creditcard", 45), ("bambora.applepay", 7), ("bambora.vipps", 3)]
    ),
    ("SEK", "web"): _Choice(
        [("swish.swish", 35), ("bambora.creditcard", 30), ("klarna.klarna", 25),
         ("collector.invoice", 7), ("bambora.applepay", 3)]
    ),
    ("SEK", "physical"): _Choice(
        [("swish.swish", 40), ("bambora.creditcard", 55), ("bambora.applepay", 5)]
    ),
    ("DKK", "web"): _Choice(
        [("bambora.mobilepay", 40), ("bambora.creditcard", 40), ("klarna.klarna", 15),
         ("bambora.applepay", 5)]
    ),
    ("DKK", "physical"): _Choice(
        [("bambora.mobilepay", 45), ("bambora.creditcard", 50), ("bambora.applepay", 5)]
    ),
    ("EUR", "web"): _Choice(
        [("bambora.creditcard", 62), ("klarna.klarna", 22), ("collector.invoice", 6),
         ("bambora.applepay", 10)]
    ),
    ("EUR", "physical"): _Choice([("bambora.creditcard", 85), ("bambora.applepay", 15)]),
}  # fmt: skip

_STATUS_WEIGHTS: Final[dict[str, float]] = {
    "CAPTURED": 80.0,
    "PARTIALLY_CAPTURED": 1.5,
    "AUTHORIZED": 3.0,
    "REFUNDED": 4.0,
    "PARTIALLY_REFUNDED": 2.5,
    "AUTHORIZATION_VOIDED": 3.0,
    "FAILED": 6.0,
}


def _status_choice(payment_product_type: str, channel: str) -> _Choice:
    weights = dict(_STATUS_WEIGHTS)
    if payment_product_type in ("klarna.klarna", "collector.invoice"):
        # Invoices stay authorized until the goods ship; card payments fail more.
        weights.update(AUTHORIZED=8.0, FAILED=3.0, PARTIALLY_CAPTURED=3.0)
    if channel == "physical":
        # Goods leave the shop with the customer: capture is immediate.
        weights.update(AUTHORIZED=0.3, PARTIALLY_CAPTURED=0.2, AUTHORIZATION_VOIDED=1.0)
    return _Choice(list(weights.items()))


_STATUS_MIX: Final[dict[tuple[str, str], _Choice]] = {
    (ptype, channel): _status_choice(ptype, channel)
    for mix in _PAYMENT_MIX.values()
    for ptype in mix.values
    for channel in ("web", "physical")
}


def _captured_and_refunded(rng: random.Random, status: str, amount: int) -> tuple[int, int]:
    if status == "CAPTURED":
        return amount, 0
    if status == "PARTIALLY_CAPTURED":
        return _strictly_between(rng, amount), 0
    if status == "REFUNDED":
        return amount, amount
    if status == "PARTIALLY_REFUNDED":
        return amount, _strictly_between(rng, amount)
    return 0, 0  # AUTHORIZED, AUTHORIZATION_VOIDED, FAILED


def _checkout_store_day(profile: AccountProfile, store: Store, day: date) -> list[Row]:
    """One store's transactions of one UTC day, in time order."""
    aid = profile.aid
    rng = _rng(CHECKOUT, aid, day.isoformat(), store.store_id, store.payout_destination_id)
    noise = math.exp(0.12 * _standard_normal(rng))
    expected = profile.checkout_daily_mean * store.share * _day_factor(day, store.country, store.channel)
    stride = _order_number_stride(profile, store)
    count = min(_poisson(rng, expected * noise), stride - 1)
    if count == 0:
        return []
    seconds = _draw_seconds(rng, count, _hour_cdf(store.channel, _utc_offset_hours(day, store.country)))
    day_start = _day_start(day)
    first_number = max(0, (day - _EPOCH_DAY).days) * stride
    reference = _reference_format(profile, store)
    domestic = store.currency
    baskets = {c: _basket_sampler(profile.segment, store.channel, c) for c in (domestic, "EUR")}
    foreign_share = 0.03 if store.channel == "web" and domestic != "EUR" else 0.0
    # Hot loop (tens of thousands of rows per monthly report): everything the
    # loop needs is bound to a local name first.
    store_id, destination, channel = store.store_id, store.payout_destination_id, store.channel
    random_ = rng.random
    bisect_right = bisect.bisect_right
    rows: list[Row] = []
    append = rows.append
    for rank, second in enumerate(seconds):
        currency = "EUR" if foreign_share and random_() < foreign_share else domestic
        products = _PAYMENT_MIX[currency, channel]
        ptype = products.values[bisect_right(products.cumulative, random_() * products.total)]
        statuses = _STATUS_MIX[ptype, channel]
        status = statuses.values[bisect_right(statuses.cumulative, random_() * statuses.total)]
        amount = baskets[currency](rng)
        if status == "CAPTURED":
            captured, refunded = amount, 0
        else:
            captured, refunded = _captured_and_refunded(rng, status, amount)
        # Positional for speed (a third faster than keywords); the order is
        # the field order of CheckoutTransaction, guarded by test_data.py.
        append(
            CheckoutTransaction(
                f"{aid}.{_base58ish(rng)}",
                day_start + timedelta(seconds=second),
                store_id,
                destination,
                reference(first_number + rank),
                ptype.partition(".")[0],
                ptype,
                status,
                amount,
                captured,
                refunded,
                currency,
            )
        )
    return rows


# --------------------------------------------------------------------------
# orders/orderoperations
# --------------------------------------------------------------------------

_ORDER_OPERATION_MIX: Final = _Choice(
    [("capture", 62), ("partial_capture", 5), ("refund", 12), ("partial_refund", 8), ("void", 9)]
)
#: Order operations per checkout transaction (some orders never get one).
_ORDER_OPERATIONS_PER_TRANSACTION: Final = 0.65


def _orders_store_day(profile: AccountProfile, destination: str, store: Store, day: date) -> list[Row]:
    aid = profile.aid
    rng = _rng(ORDERS, aid, day.isoformat(), destination, store.store_id)
    noise = math.exp(0.12 * _standard_normal(rng))
    expected = (
        profile.checkout_daily_mean
        * _ORDER_OPERATIONS_PER_TRANSACTION
        * store.share
        * _day_factor(day, store.country, store.channel)
    )
    count = _poisson(rng, expected * noise)
    if count == 0:
        return []
    seconds = _draw_seconds(rng, count, _hour_cdf(store.channel, _utc_offset_hours(day, store.country)))
    day_start = _day_start(day)
    stride = _order_number_stride(profile, store)
    today_number = max(0, (day - _EPOCH_DAY).days) * stride
    reference = _reference_format(profile, store)
    rows: list[Row] = []
    for second in seconds:
        operation = _ORDER_OPERATION_MIX.pick(rng)
        # Captures follow their order within days, refunds within weeks.
        days_back = 14.0 if operation in ("refund", "partial_refund") else 2.0
        order_number = max(0, today_number - int(rng.random() * days_back * stride))
        currency = store.currency
        if store.channel == "web" and currency != "EUR" and rng.random() < 0.03:
            currency = "EUR"
        amount = _basket_sampler(profile.segment, store.channel, currency)(rng)
        if operation in ("partial_capture", "partial_refund"):
            amount = _strictly_between(rng, amount)
        rows.append(
            OrderOperation(
                id=_uuid4(rng),
                created_at=day_start + timedelta(seconds=second),
                order_id=reference(order_number),
                operation_type=operation,
                amount=amount,
                currency=currency,
                store_id=store.store_id,
                operation_payout_destination=destination,
            )
        )
    return rows


# --------------------------------------------------------------------------
# wallets/transactions
# --------------------------------------------------------------------------

_WALLET_BLOCK_DAYS: Final = 16
#: Round top-up amounts in major units, per currency.
_TOP_UPS: Final[dict[str, tuple[int, ...]]] = {
    "NOK": (100, 200, 250, 300, 500, 1000, 1500, 2000),
    "SEK": (100, 200, 250, 300, 500, 1000, 1500, 2000),
    "DKK": (100, 150, 200, 250, 500, 1000, 1500),
    "EUR": (10, 20, 25, 30, 50, 100, 150, 200),
}


@lru_cache(maxsize=8192)
def _card_activity_rate(aid: str, card_id: str) -> float:
    """Chance that the card is used on a given day (most cards are used rarely)."""
    return 0.015 + 0.2 * _unit(_digest("wallet-rate", aid, card_id), 0) ** 2


@lru_cache(maxsize=65536)
def _card_active_days(aid: str, card_id: str, block: int) -> int:
    """Bit mask of the block's days on which the card is used; never empty."""
    digest = _digest("wallet-activity", aid, card_id, str(block))
    threshold = _card_activity_rate(aid, card_id) * 256
    mask = 0
    for offset in range(_WALLET_BLOCK_DAYS):
        if digest[offset] < threshold:
            mask |= 1 << offset
    return mask or 1 << (digest[_WALLET_BLOCK_DAYS] % _WALLET_BLOCK_DAYS)


def _card_balance_checkpoint(aid: str, card_id: str, block: int, offset: int, currency: str) -> int:
    """Balance after active day ``offset`` of ``block`` (offset -1: the block's opening)."""
    digest = _digest("wallet-balance", aid, card_id, str(block), str(offset))
    if _unit(digest, 0) < 0.15:
        return 0  # spent cards are common
    # Log-normal around 380 NOK, capped like gift-card limits (10 000 NOK).
    gaussian = math.sqrt(-2.0 * math.log(1.0 - _unit(digest, 4))) * math.cos(2 * math.pi * _unit(digest, 8))
    major = min(380.0 * math.exp(0.9 * gaussian), 10_000.0) * _PER_NOK[currency]
    return round(major * 100)


def card_day_balances(aid: str, card_id: str, day: date) -> tuple[int, int] | None:
    """(opening, closing) balance of a card on ``day``, or None when it is not used.

    Pure function of (aid, card, day); see the module docstring.
    """
    block, offset = divmod(day.toordinal(), _WALLET_BLOCK_DAYS)
    mask = _card_active_days(aid, card_id, block)
    if not mask >> offset & 1:
        return None
    currency = COUNTRY_CURRENCY[account_profile(aid).home_country]
    earlier = mask & ((1 << offset) - 1)
    if earlier:
        opening = _card_balance_checkpoint(aid, card_id, block, earlier.bit_length() - 1, currency)
    else:
        opening = _card_balance_checkpoint(aid, card_id, block, -1, currency)
    if mask >> (offset + 1):
        closing = _card_balance_checkpoint(aid, card_id, block, offset, currency)
    else:
        closing = _card_balance_checkpoint(aid, card_id, block + 1, -1, currency)
    return opening, closing


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` positive integers (parts <= total)."""
    parts = max(1, min(parts, total))
    weights = [0.3 + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    amounts = [max(1, int(w * scale)) for w in weights[:-1]]
    while sum(amounts) > total - 1:  # keep the last part positive
        amounts[amounts.index(max(amounts))] -= 1
    amounts.append(total - sum(amounts))
    return amounts


def _top_up_at_least(rng: random.Random, needed: int, currency: str) -> int:
    """The smallest round top-up (minor units) covering ``needed``, sometimes one step more."""
    steps = [step * 100 for step in _TOP_UPS[currency]]
    candidates = [step for step in steps if step >= needed]
    if not candidates:
        big = steps[-1] // 4
        return -(-needed // big) * big
    index = 1 if len(candidates) > 1 and rng.random() < 0.3 else 0
    return candidates[index]


def _wallet_plan(rng: random.Random, opening: int, closing: int, currency: str) -> list[tuple[str, int]]:
    """Signed operations moving the balance from ``opening`` to ``closing``, in order.

    Credits come before debits, so the balance rises then falls and never
    goes below min(opening, closing) >= 0.
    """
    plan: list[tuple[str, int]] = []
    balance = opening
    if balance > 0 and rng.random() < 0.02:
        expired = max(1, round(balance * (0.1 + 0.4 * rng.random())))
        plan.append(("expiry", -expired))
        balance -= expired
    if rng.random() < 0.05:
        refund = round(150.0 * _PER_NOK[currency] * math.exp(0.6 * _standard_normal(rng))) * 100
        plan.append(("refund", refund))
        balance += refund
    if closing > balance:
        top_up = _top_up_at_least(rng, closing - balance, currency)
    elif rng.random() < 0.2 or (closing == balance and not plan):
        top_up = rng.choice(_TOP_UPS[currency]) * 100
    else:
        top_up = 0
    if top_up:
        plan.append(("top_up", top_up))
        balance += top_up
    spent = balance - closing
    if spent > 0:
        purchases = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
        plan.extend(("purchase", -amount) for amount in _split(rng, spent, purchases))
    return plan


def _strictly_increasing(seconds: list[int]) -> list[int]:
    """Nudge equal seconds apart (within the day) so a card's order is unambiguous."""
    result = list(seconds)
    for i in range(1, len(result)):
        result[i] = max(result[i], result[i - 1] + 1)
    for i in range(len(result) - 1, -1, -1):
        limit = 86_399 if i == len(result) - 1 else result[i + 1] - 1
        result[i] = min(result[i], limit)
    return result


@lru_cache(maxsize=1024)
def _wallet_store_choice(aid: str) -> _Choice:
    """Where cards are used: the account's stores in the card currency's country."""
    profile = account_profile(aid)
    home_stores = [s for s in profile.stores if s.country == profile.home_country]
    return _Choice([(s.store_id, s.share) for s in home_stores])


@lru_cache(maxsize=65536)
def _card_home_store(aid: str, card_id: str) -> str:
    """Where the card is usually used (bought or topped up)."""
    return _wallet_store_choice(aid).pick_at(_unit(_digest("wallet-home", aid, card_id), 0))


def _wallet_card_day(profile: AccountProfile, card_id: str, day: date) -> list[Row]:
    balances = card_day_balances(profile.aid, card_id, day)
    if balances is None:
        return []
    opening, closing = balances
    aid = profile.aid
    currency = COUNTRY_CURRENCY[profile.home_country]
    rng = _rng(WALLETS, aid, day.isoformat(), card_id)
    plan = _wallet_plan(rng, opening, closing, currency)
    if not plan:
        return []
    stores = _wallet_store_choice(aid)
    home_store = _card_home_store(aid, card_id)
    offset = _utc_offset_hours(day, profile.home_country)
    cdf = _hour_cdf("physical", offset)
    seconds = _draw_seconds(rng, len(plan), cdf)
    if plan[0][0] == "expiry":
        # Expiry is a nightly batch job (00:00-00:15 UTC, 01-02 local time).
        seconds[0] = int(rng.random() * 900)
        seconds.sort()
    # Operations take the sorted times in plan order, so a card's rows read
    # chronologically and its balance chain follows (created_at, id) order.
    seconds = _strictly_increasing(seconds)
    day_start = _day_start(day)
    rows: list[Row] = []
    balance = opening
    for (operation, amount), second in zip(plan, seconds, strict=True):
        balance += amount
        # Expiry happens at no store; most use is at the card's home store.
        store_id = "" if operation == "expiry" else home_store if rng.random() < 0.8 else stores.pick(rng)
        rows.append(
            WalletTransaction(
                id=f"{aid}.{_base58ish(rng)}",
                created_at=day_start + timedelta(seconds=second),
                card_id=card_id,
                operation_type=operation,
                amount=amount,
                currency=currency,
                balance_after=balance,
                store_id=store_id,
            )
        )
    return rows


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def check_data_type(data_type: str) -> None:
    if data_type not in DATA_TYPES:
        raise ValueError(f"unknown data type {data_type!r}; expected one of {DATA_TYPES}")


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


def _rows_for_days(start: date, end: date, day_rows: _DayRows) -> list[Row]:
    rows: list[Row] = []
    for day in _days(start, end):
        today = day_rows(day)
        today.sort(key=_row_order)
        rows.extend(today)
    return rows


class _DayRows:
    """Generates the rows of one day for a fixed set of entities."""

    def __init__(self, data_type: str, aid: str, entities: Filters | None, universe: Filters) -> None:
        self.profile = account_profile(aid)
        self.data_type = data_type
        if data_type == CHECKOUT:
            self.stores = checkout_universe(aid, universe)
        elif data_type == ORDERS:
            self.destinations = orders_universe(aid, universe)
        else:
            self.cards = wallet_card_ids(aid)
        if entities is not None:
            self._select(entities)

    def _select(self, filters: Filters) -> None:
        """Keep only the entities whose rows can pass ``filters`` (all do, or none)."""
        grouped = group_filters(self.data_type, filters)
        if self.data_type == CHECKOUT:
            stores_wanted = grouped.get("store_id")
            destinations_wanted = grouped.get("payout_destination_id")
            self.stores = tuple(
                s
                for s in self.stores
                if (stores_wanted is None or s.store_id in stores_wanted)
                and (destinations_wanted is None or s.payout_destination_id in destinations_wanted)
            )
        elif self.data_type == ORDERS:
            wanted = grouped.get("operation_payout_destination")
            if wanted is not None:
                self.destinations = tuple(d for d in self.destinations if d[0] in wanted)

    def __call__(self, day: date) -> list[Row]:
        rows: list[Row] = []
        if self.data_type == CHECKOUT:
            for store in self.stores:
                rows.extend(_checkout_store_day(self.profile, store, day))
        elif self.data_type == ORDERS:
            for destination, stores in self.destinations:
                for store in stores:
                    rows.extend(_orders_store_day(self.profile, destination, store, day))
        else:
            aid = self.profile.aid
            block, offset = divmod(day.toordinal(), _WALLET_BLOCK_DAYS)
            for card_id in self.cards:
                # Most cards are idle on most days: skip them before any work.
                if _card_active_days(aid, card_id, block) >> offset & 1:
                    rows.extend(_wallet_card_day(self.profile, card_id, day))
        return rows


def generate_rows(
    aid: str,
    data_type: str,
    start: date,
    end: date,
    filters: Filters = (),
) -> list[Row]:
    """Rows of ``data_type`` for ``aid`` in the UTC days ``[start, end)``, filtered.

    Sorted by ``created_at`` then ``id``. Only the entities that can match the
    filters are generated, which is what makes filtered reports cheap.
    """
    check_aid(aid)
    check_data_type(data_type)
    check_period(start, end)
    group_filters(data_type, filters)
    return _rows_for_days(start, end, _DayRows(data_type, aid, filters, filters))


def generate_universe_rows(
    aid: str,
    data_type: str,
    start: date,
    end: date,
    universe_filters: Filters = (),
) -> list[Row]:
    """All rows of the account's universe extended by the values in ``universe_filters``.

    No filtering is applied: this is the reference that filtered reports are
    a subset of (see the module docstring).
    """
    check_aid(aid)
    check_data_type(data_type)
    check_period(start, end)
    group_filters(data_type, universe_filters)
    return _rows_for_days(start, end, _DayRows(data_type, aid, None, universe_filters))
