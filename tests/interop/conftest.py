"""A session folder for generated outputs: each generator runs once per session and its tests share the result."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per session for what the generators write (each is generated once and shared by its tests)."""
    return tmp_path_factory.mktemp("interop")
