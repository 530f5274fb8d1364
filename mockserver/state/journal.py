"""The request journal of the mock and of the proxy: the last N exchanges, shared by every worker process.

One worker keeps its entries in memory. With ``--workers N`` the serving parent creates an SQLite database in a
temporary directory and every worker opens it (write-ahead log, so readers never wait for the writer), so ``GET``
lists what all the workers answered and ``DELETE`` clears it for all. Durability is not wanted (``synchronous=OFF``):
it is a debugging aid that dies with the server.

Each entry is a JSON-able object recorded on the hot path with raw values; the caller's ``render`` formats it when the
journal is listed. Every text a client controls is cut to a bound here, so one request cannot make an entry large,
and credentials are never stored: not the Authorization header or cookies, not tokens in other headers, in the query,
in the body or in the answer's echo of it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_TEXT = 512  # characters kept of a path, a query or a header's value
MAX_BODY = 4096  # characters kept of a request body
MAX_ANSWER = 16384  # characters kept of an answer: room for an Error listing its 50 problems
MAX_HEADERS = 64  # headers kept of a request or an answer (the first ones)
FLUSH_AT = 64  # buffered entries written in one transaction
FLUSH_AFTER = 0.05  # seconds an entry may wait in the buffer

_SECRET_QUERY = re.compile(r"((?:^|&)(?:access_token|token|id_token|jwt|api_key)=)[^&]*", re.IGNORECASE)
# Redaction runs only on a body that mentions a secret's name or a JWT's first bytes (most never do): then every
# JSON string member whose name says it holds a secret is blanked, and so is any string shaped like a JWT.
_SECRET_HINTS = ("token", "secret", "passw", "key", "authori", "credential", "eyj")
_SECRET_NAME = re.compile(r"token|secret|passw|api.?key|authori[sz]ation|credential", re.IGNORECASE)
_STRING_MEMBER = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)"(?:[^"\\]|\\.)*"')
_JWT = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
REDACTED = "(redacted)"
_CREDENTIAL_HEADERS = frozenset({"cookie", "set-cookie"})  # credentials whatever their name says
OUTCOMES = ("accepted", "rejected", "failed")  # by status class: below 400, 4xx, 5xx

Entry = dict[str, Any]
_ENCODER = json.JSONEncoder(separators=(",", ":"))  # built once: json.dumps with options builds one per call


def redact_query(query: str) -> str:
    return _SECRET_QUERY.sub(r"\1" + REDACTED, query)[:MAX_TEXT]


def redact_body(body: bytes, limit: int = MAX_BODY) -> str:
    """A body as the journal keeps it: text, at most ``limit`` characters, secrets replaced.

    Answers too: a 200 echoes the request, extra members (an ``accessToken``) included.
    """
    text = body[:limit].decode("utf-8", "replace")
    if not any(map(text.lower().__contains__, _SECRET_HINTS)):  # substring tests: far cheaper than any regex
        return text
    text = _STRING_MEMBER.sub(_blank_secret_member, text)
    return _JWT.sub(REDACTED, text)


def _blank_secret_member(member: re.Match[str]) -> str:
    if _SECRET_NAME.search(member.group(1)):
        return f'"{member.group(1)}"{member.group(2)}"{REDACTED}"'
    return member.group(0)


def describe_authorization(header: str | None) -> str:
    if not header:
        return "none"
    scheme = header.strip().split(" ", 1)[0][:20].lower()
    return f"{scheme} {REDACTED}"


Headers = tuple[tuple[str, str], ...]
# A client sends the same headers request after request (and the mock answers a repeated request with the same
# ones): each distinct list is turned into what the journal keeps once, and at most this many are remembered. Like
# the token checks' cache (decisions.security), this memory holds what was sent; the journal only what is kept.
MAX_REMEMBERED_HEADERS = 128  # each list is under 16 KiB (the 431 limit): at most 4 MiB


def redact_headers(headers: Mapping[str, str]) -> Headers:
    """Request headers as the mock read them (lower-case names, the first of repeated ones), as the journal keeps
    them: the first ``MAX_HEADERS``, values bounded, credentials out.

    ``Authorization`` keeps only its scheme (as ``describe_authorization``); cookies and every header whose name says
    it holds a secret (``X-Api-Key``, ``X-Auth-Token``...) are blanked, and so is any JWT in another header's value.
    """
    return _redacted(tuple(itertools.islice(headers.items(), MAX_HEADERS)))


@lru_cache(maxsize=MAX_REMEMBERED_HEADERS)
def _redacted(headers: Headers) -> Headers:
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        if name in ("authorization", "proxy-authorization"):
            value = describe_authorization(value)
        elif name in _CREDENTIAL_HEADERS or _SECRET_NAME.search(name):
            value = REDACTED
        elif "eyJ" in value:
            value = _JWT.sub(REDACTED, value[:MAX_TEXT])
        kept.append((name[:MAX_TEXT], value[:MAX_TEXT]))
    return tuple(kept)


def answer_headers(raw: Iterable[tuple[bytes, bytes]]) -> Headers:
    """The mock's own answer headers, bounded like a request's and not searched for secrets: the mock never puts a
    client's credential in a header (a report link is base64 JSON, which a JWT search would take for one)."""
    return _decoded(tuple(itertools.islice(raw, MAX_HEADERS)))


@lru_cache(maxsize=MAX_REMEMBERED_HEADERS)
def _decoded(raw: tuple[tuple[bytes, bytes], ...]) -> Headers:
    return tuple((name.decode("latin-1")[:MAX_TEXT], value.decode("latin-1")[:MAX_TEXT]) for name, value in raw)


def outcome_of(status: int) -> str:
    accepted, rejected, failed = OUTCOMES
    return accepted if status < 400 else rejected if status < 500 else failed


def error_code_of(body: bytes | str) -> str | None:
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return str(code)[:100] if code is not None else None


def _as_is(entry: Entry) -> Entry:
    return entry


def connect_shared(path: Path) -> sqlite3.Connection:
    """A connection to the SQLite file the workers of one server share (the journal, the ``--fail-rate`` count)."""
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5)
    db.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    db.execute("PRAGMA synchronous=OFF")  # a debugging aid that dies with the server: no fsync
    return db


class Journal:
    """The last ``capacity`` entries, newest first when listed; shared through the SQLite file ``path`` when given.

    Without a path (one process) the entries are kept as they are, in a ring buffer: a write is an append. With a
    path a write appends to a buffer that goes to the database in one transaction when it holds ``FLUSH_AT``
    entries, ``FLUSH_AFTER`` seconds after its first entry, or before this process reads or clears the journal: a
    request pays for its JSON and a share of one insert, and another worker sees an entry at most ``FLUSH_AFTER``
    seconds late.
    """

    def __init__(self, capacity: int, path: Path | None = None, render: Callable[[Entry], Entry] = _as_is) -> None:
        if not 1 <= capacity <= 100_000:
            raise ValueError("the journal size must be between 1 and 100000")
        self.capacity = capacity
        self.render = render
        # Entry ids: this process's tag and a count, so that the workers sharing one file never give the same id.
        self._tag = secrets.token_hex(3)
        self._ids = itertools.count(1)
        self._memory: deque[Entry] | None = deque(maxlen=capacity) if path is None else None
        # One connection per process, used from the event loop's thread (and a test client's): guarded by a lock.
        self._lock = threading.Lock()
        self._pending: list[tuple[str | None, str]] = []
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = connect_shared(path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS journal (id INTEGER PRIMARY KEY, entry_id TEXT, entry TEXT NOT NULL)"
            )

    def new_id(self) -> str:
        """An id for an entry about to be recorded (its ``id``), unique among the processes sharing the journal."""
        return f"{self._tag}-{next(self._ids)}"

    def record(self, entry: Entry) -> None:
        if self._memory is not None:
            self._memory.append(entry)
            return
        text = _ENCODER.encode(entry)
        with self._lock:
            self._pending.append((entry.get("id"), text))
            first, full = len(self._pending) == 1, len(self._pending) >= FLUSH_AT
        if full:
            self.flush()
        elif first:
            try:
                asyncio.get_running_loop().call_later(FLUSH_AFTER, self.flush)
            except RuntimeError:  # no event loop (a script, a test): write now
                self.flush()

    def flush(self) -> None:
        """Write the buffered entries to the shared database (nothing to do for an in-memory journal)."""
        with self._lock:
            if self._db is None or not self._pending:
                return
            rows, self._pending = self._pending, []
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT INTO journal (entry_id, entry) VALUES (?, ?)", rows)
                self._db.execute("DELETE FROM journal WHERE id <= (SELECT max(id) FROM journal) - ?", (self.capacity,))
            finally:
                self._db.execute("COMMIT")

    def entries(self) -> list[Entry]:
        """The kept entries as recorded, newest first."""
        if self._memory is not None:
            return list(reversed(self._memory))
        self.flush()
        with self._lock:
            assert self._db is not None
            rows = self._db.execute("SELECT entry FROM journal ORDER BY id DESC LIMIT ?", (self.capacity,)).fetchall()
        return [json.loads(text) for (text,) in rows]

    def find(self, entry_id: str) -> Entry | None:
        """The kept entry with this ``id``, as listed (``render``); None once it was cleared or pushed out."""
        if self._memory is not None:
            found = next((entry for entry in self._memory if entry.get("id") == entry_id), None)
            return None if found is None else self.render(found)
        self.flush()
        with self._lock:
            assert self._db is not None
            row = self._db.execute("SELECT entry FROM journal WHERE entry_id = ?", (entry_id,)).fetchone()
        return None if row is None else self.render(json.loads(row[0]))

    def clear(self) -> int:
        """Empty the journal (for every process sharing it); how many entries it held."""
        if self._memory is not None:
            removed = len(self._memory)
            self._memory.clear()
            return removed
        self.flush()
        with self._lock:
            assert self._db is not None
            return int(self._db.execute("DELETE FROM journal").rowcount)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries())

    def __len__(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        self.flush()
        with self._lock:
            assert self._db is not None
            (count,) = self._db.execute("SELECT count(*) FROM journal").fetchone()
        return int(count)

    def as_json(self) -> dict[str, Any]:
        listed = [self.render(entry) for entry in self.entries()]
        return {"capacity": self.capacity, "count": len(listed), "requests": listed}

    def close(self) -> None:
        self.flush()
        with self._lock:
            if self._db is not None:
                self._db.close()
