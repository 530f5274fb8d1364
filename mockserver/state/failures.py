"""``--fail-rate``: which valid requests get a simulated 500, the same ones whatever worker answers them.

The n-th valid request fails when a hash of (seed, n) falls under the rate. ``n`` is counted across every worker
process in the database the journal shares (a single ``UPDATE ... RETURNING``), so a run with the same seed fails the
same requests with one worker or with eight. Nothing is counted when the rate is 0.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import threading
from pathlib import Path

from mockserver.state.journal import connect_shared


def fails(seed: int, number: int, rate: float) -> bool:
    """Whether request ``number`` fails: a uniform draw in [0, 1) from the hash of (seed, number), under ``rate``."""
    digest = hashlib.blake2b(f"{seed}:{number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < rate


class RequestNumbers:
    """1, 2, 3... shared by the processes that open the same ``path`` (in this process only without one)."""

    def __init__(self, path: Path | None) -> None:
        self._local = itertools.count(1)
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if path is not None:
            self._db = connect_shared(path)
            self._db.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            self._db.execute("INSERT OR IGNORE INTO counters VALUES ('valid_requests', 0)")

    def next(self) -> int:
        if self._db is None:
            return next(self._local)
        with self._lock:
            (value,) = self._db.execute(
                "UPDATE counters SET value = value + 1 WHERE name = 'valid_requests' RETURNING value"
            ).fetchone()
        return int(value)


class Failures:
    def __init__(self, rate: float, seed: int, shared: Path | None) -> None:
        self.rate = rate
        self.seed = seed
        self.numbers = RequestNumbers(shared) if rate > 0 else None

    def should_fail(self) -> bool:
        if self.numbers is None:
            return False
        return fails(self.seed, self.numbers.next(), self.rate)
