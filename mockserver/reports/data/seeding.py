"""Seeding: every draw comes from a SHA-256 digest of its inputs, never from hash() or the clock."""

from __future__ import annotations

import binascii
import bisect
import hashlib
import math
import random
import uuid
from collections.abc import Sequence
from statistics import NormalDist
from typing import Final


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
