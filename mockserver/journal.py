"""The request journal: the last N requests one worker answered, bounded in count and in the size of each entry."""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_TEXT = 512  # characters kept of a path or query: a client cannot make one entry large
MAX_ERROR_BODY = 4096
_SECRET_QUERY = re.compile(r"((?:^|&)(?:access_token|token|id_token|jwt|api_key)=)[^&]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One answered request, as recorded on the hot path: raw values, formatted only when listed."""

    at: float  # time.time()
    method: str
    path: str
    query: str
    status: int
    error_body: bytes
    report_url: str | None
    authorization: str  # the scheme only: credentials are never stored, not even in memory
    duration_ms: float

    def as_json(self) -> dict[str, Any]:
        return {
            "time": datetime.fromtimestamp(self.at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "outcome": outcome_of(self.status),
            "error_code": error_code_of(self.error_body) if self.error_body else None,
            "report_url": self.report_url,
            "authorization": self.authorization,
            "duration_ms": self.duration_ms,
        }


def redact_query(query: str) -> str:
    return _SECRET_QUERY.sub(r"\1(redacted)", query)[:MAX_TEXT]


def describe_authorization(header: str | None) -> str:
    if not header:
        return "none"
    scheme = header.strip().split(" ", 1)[0][:20].lower()
    return f"{scheme} (redacted)"


def outcome_of(status: int) -> str:
    return "accepted" if status < 400 else "rejected" if status < 500 else "failed"


def error_code_of(body: bytes) -> str | None:
    try:
        code = json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return str(code)[:100] if code is not None else None


class Journal:
    """A ring buffer: appending past ``capacity`` drops the oldest entry."""

    def __init__(self, capacity: int) -> None:
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self.capacity = capacity

    def record(
        self,
        *,
        started: float,
        method: str,
        path: str,
        query: str,
        status: int,
        error_body: bytes,
        report_url: str | None,
        authorization: str | None,
    ) -> None:
        self._entries.append(
            Entry(
                at=time.time(),
                method=method[:16],
                path=path[:MAX_TEXT],
                query=redact_query(query) if query else "",
                status=status,
                error_body=error_body[:MAX_ERROR_BODY],
                report_url=report_url[:MAX_TEXT] if report_url else None,
                authorization=describe_authorization(authorization),
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
        )

    def clear(self) -> int:
        removed = len(self._entries)
        self._entries.clear()
        return removed

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def as_json(self) -> dict[str, Any]:
        entries = [entry.as_json() for entry in reversed(list(self._entries))]  # newest first
        return {"capacity": self.capacity, "count": len(entries), "requests": entries}
