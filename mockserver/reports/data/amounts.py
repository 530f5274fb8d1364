"""Amounts and references shared by checkout transactions and order operations."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Final

from mockserver.reports.data.accounts import _PER_NOK, AccountProfile, Segment, Store
from mockserver.reports.data.seeding import _NORMAL_QUANTILES

_EPOCH_DAY: Final = date(2000, 1, 1)  # merchant order numbers count days from here


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
    if style == "shopify":
        return lambda number: f"#{1001 + number}"
    if style == "plain":
        return lambda number: str(100_000 + number)
    if style == "ord":
        return lambda number: f"ORD-{number:08d}"
    # Multi-store accounts prefix the number with the store so references stay unique.
    prefix = store.reference_prefix
    return lambda number: f"{prefix}-{number:07d}"
