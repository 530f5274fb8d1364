"""Accounts: size, category, stores and payout destinations, all derived from the account id."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from mockserver.reports.data.seeding import _rng, _standard_normal

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
    """Raise ``ValueError`` unless ``aid`` is a non-empty string.

    Which ids are well-formed is the contract's ``aid`` pattern (checked by the HTTP layer and ``render``); the data
    only needs an id to seed from: its first character names the environment, the rest the merchant.
    """
    if not isinstance(aid, str) or not aid:
        raise ValueError(f"invalid account id {aid!r}; expected a non-empty string")


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
