"""The pytest plugin (``pytest11`` entry point ``insight_contracts``): a live mock and a token for any test suite.

Fixtures:

* ``insight_mock``: the base URL (``http://127.0.0.1:PORT/v1``) of a real mock served by uvicorn in a background
  thread on a free port, started once per session and stopped cleanly at its end;
* ``insight_token``: a bearer token the mock accepts (scope ``write:insight``, no account binding);
* ``insight_auth_headers``: ``{"Authorization": "Bearer <token>"}``.

The strategies are plain imports: ``from contracts.strategies import report_params, invalid_report_params``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BackgroundMock:
    """The mock in a daemon thread, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        import uvicorn

        from mockserver.app import create_app  # the one place contracts imports the mock: the plugin starts it

        self.port = _free_port()
        config = uvicorn.Config(create_app(), host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="insight-mock", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 30.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Insight mock did not start on port {self.port}")
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


@pytest.fixture(scope="session")
def insight_mock() -> Iterator[str]:
    mock = BackgroundMock()
    mock.start()
    try:
        yield mock.base_url
    finally:
        mock.stop()


@pytest.fixture(scope="session")
def insight_token() -> str:
    from mockserver.security import mint_token

    return mint_token(("write:insight",), ttl_seconds=24 * 3600)


@pytest.fixture(scope="session")
def insight_auth_headers(insight_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {insight_token}"}
