"""The pytest plugin (``pytest11`` entry point ``insight_contracts``): a live mock and a token for any test suite.

Fixtures:

* ``insight_mock``: the base URL (``http://127.0.0.1:PORT/v1``) of a real mock served by uvicorn in a background
  thread on a free port, started once per session and stopped cleanly at its end;
* ``insight_token``: a bearer token the mock accepts (scope ``write:insight``, no account binding);
* ``insight_auth_headers``: ``{"Authorization": "Bearer <token>"}``.

The strategies are plain imports: ``from contracts.testing.strategies import report_params, invalid_report_params``.

Hypothesis tests that use these fixtures talk to a live server over HTTP, so Hypothesis's defaults for pure functions
do not fit them: their ``deadline`` becomes ``None`` (unless the user's profile or ``@settings`` chose another than
Hypothesis's default 200 ms) and the ``too_slow`` health check is suppressed (added to the user's own list). Nothing
else of the user's settings or profile changes, and other tests are untouched.

Connexion (which serves Swagger UI inside the mock) raises DeprecationWarnings when it is imported: the plugin imports
it with them silenced, so they never reach the user's suite, not even under ``-W error``.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from contracts.testing.live import free_port

FIXTURES = frozenset({"insight_mock", "insight_token", "insight_auth_headers"})


def live_settings(current: Any) -> Any:
    """``current`` with what a test over live HTTP needs: no deadline (unless chosen), ``too_slow`` suppressed."""
    from hypothesis import HealthCheck, settings

    chosen = current.deadline != settings.get_profile("default").deadline
    suppressed = [*current.suppress_health_check, HealthCheck.too_slow]
    return settings(current, deadline=current.deadline if chosen else None, suppress_health_check=suppressed)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from hypothesis import settings

    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if getattr(test, "is_hypothesis_test", False) and FIXTURES & set(getattr(item, "fixturenames", ())):
            # Where @given and @settings keep a test's settings (Hypothesis's own `seed` decorator derives them the
            # same way); read when the test runs.
            current = getattr(test, "_hypothesis_internal_use_settings", None) or settings.default
            test._hypothesis_internal_use_settings = live_settings(current)  # type: ignore[union-attr]


def _import_quietly() -> None:
    """Import the mock, Connexion included, with the DeprecationWarnings of its dependencies silenced.

    Done in the main thread before the server starts, so that the background thread that builds Connexion's part
    finds every module imported and warns about nothing.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from mockserver import create_app  # noqa: F401  (the package silences Connexion's note about httpx)


class BackgroundMock:
    """The mock in a daemon thread, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        import uvicorn

        _import_quietly()
        from mockserver.app import create_app  # the one place contracts imports the mock: the plugin starts it
        from mockserver.edge.protocols import uvicorn_options

        self.port = free_port()
        config = uvicorn.Config(
            create_app(),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            **uvicorn_options(),
        )
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
    from mockserver.decisions.security import mint_token

    return mint_token(("write:insight",), ttl_seconds=24 * 3600)


@pytest.fixture(scope="session")
def insight_auth_headers(insight_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {insight_token}"}
