"""What a test or a benchmark needs to talk to a live server: a free port, a readiness wait, a valid request.

Shared by the pytest plugin, this project's tests and its benchmarks, so that none of them imports another's files.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Callable
from json import dumps
from typing import Any, Protocol
from urllib.parse import urlsplit

VALID_AID = "P12345678"
# A valid monthly checkout request: what a frontend sends first.
MONTHLY = {
    "dataType": "checkout/transactions",
    "schedule": "monthly",
    "language": "no",
    "from": "2026-11-01",
    "to": "2026-12-01",
}


class Polled(Protocol):
    """A server process as the readiness wait sees it: ``subprocess.Popen``, or anything that polls like it."""

    def poll(self) -> int | None: ...


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_serving(
    url: str,
    process: Polled | None = None,
    timeout: float = 30.0,
    *,
    json: Any = None,
    headers: dict[str, str] | None = None,
    also: Callable[[], bool] | None = None,
) -> None:
    """Until ``url`` answers 200: a GET, or a POST of ``json`` when given (and ``also()`` holds, when given).

    The one readiness wait of the tests and the benchmarks. It polls every 5 ms with the standard library's
    ``http.client``: an attempt costs about 0.03 ms, where ``httpx.get`` builds a client and an SSL context each time
    (about 20 ms of CPU), which slowed the server it waited for and added up to an attempt's cost to a start-up time
    measured around it. A server process that exits first fails at once.
    """
    host, port, target = _http_parts(url)
    body = None if json is None else dumps(json).encode()
    method = "GET" if body is None else "POST"
    sent_headers = {**(headers or {}), **({} if body is None else {"Content-Type": "application/json"})}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and (status := process.poll()) is not None:
            raise RuntimeError(f"the server exited with {status} before serving {url}")
        answered = _answers_200(host, port, method, target, body, sent_headers)
        if answered and (also is None or also()):
            return
        time.sleep(0.005)
    raise RuntimeError(f"nothing served {url} within {timeout} s")


def serves(url: str) -> bool:
    """Whether a GET of the plain http:// ``url`` answers 200 now: one attempt, as cheap as ``wait_until_serving``'s."""
    host, port, target = _http_parts(url)
    return _answers_200(host, port, "GET", target, None, {})


def _http_parts(url: str) -> tuple[str, int, str]:
    """The host, port and request target of a plain http:// URL: the only kind the tests and benchmarks poll."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"only plain http:// URLs are polled, not {url}")
    return parts.hostname, parts.port or 80, parts.path + (f"?{parts.query}" if parts.query else "")


def _answers_200(host: str, port: int, method: str, target: str, body: bytes | None, headers: dict[str, str]) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=1.0)
    try:
        connection.request(method, target, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):  # not listening yet, or closed on us while starting
        return False
    finally:
        connection.close()
