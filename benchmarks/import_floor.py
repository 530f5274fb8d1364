"""The start-up floor of the mock's libraries: bare Starlette, after importing what the mock imports to serve.

uvicorn's command line serves it, and it imports Connexion and PyJWT without using them, so the harness's start-up of
this app is what any server built on the three pays before its own code runs.
"""

from __future__ import annotations

import connexion  # noqa: F401  (imported for its cost alone)
import jwt  # noqa: F401

from benchmarks.bare_starlette import app

__all__ = ["app"]
