"""The Insight API mock server, as a library: build the ASGI app and serve it with any ASGI server.

    from mockserver import AuthMode, Settings, create_app

    app = create_app(Settings(auth=AuthMode.OFF, cors_origins=("http://localhost:5173",)))

* ``create_app(settings=None, *, handlers=None)``: the mock as an ASGI app (``handlers`` replaces operation handlers
  by operationId);
* ``Settings``: its configuration (every ``insight-mock serve`` option; ``Settings.from_env()`` reads the
  ``INSIGHT_MOCK_*`` variables);
* ``AuthMode``: ``CLAIMS`` (the default), ``VERIFY`` or ``OFF``.

Names are imported on first use (PEP 562): ``import mockserver`` imports nothing else and changes no global state.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

# Each public name and the module that defines it, imported on first use.
_LAZY = {
    "create_app": "mockserver.app",
    "Settings": "mockserver.settings",
    "AuthMode": "mockserver.decisions.security",
}

__all__ = ["AuthMode", "Settings", "create_app"]

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.decisions.security import AuthMode
    from mockserver.settings import Settings


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with warnings.catch_warnings():
        # Connexion 3.3 imports starlette.testclient, which warns that it runs on httpx: a note for Connexion, not
        # for whoever builds the mock. Silenced for this import alone; the filters are restored after it.
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
        value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
