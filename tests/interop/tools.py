"""The ecosystem's own tools on the served contract: where they come from, how to run them, draws to feed them.

Node tools are installed by ``.ci/install-node-tools`` (``npm ci`` from this folder's lockfile) into
``tests/interop/node_modules``; Python tools by the ``test`` extra. A missing tool skips its tests on a developer's
machine, saying how to install it, and fails them in CI (``CI=true``), where a skipped interop test would hide a
broken install step (``tests.conftest.missing_tool``, the policy of every test that needs a tool).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from hypothesis import strategies as st

from contracts.testing import strategies
from tests.conftest import missing_tool

INTEROP = Path(__file__).resolve().parent
ROOT = INTEROP.parent.parent
NODE_BIN = INTEROP / "node_modules" / ".bin"
SEED = int(os.environ.get("HYPOTHESIS_SEED", "20261125"))
# Node tools must not phone home or nag from a test run.
NODE_ENV = {
    **os.environ,
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "NO_UPDATE_NOTIFIER": "1",
}

T = TypeVar("T")


def node_tool(name: str) -> Path:
    path = NODE_BIN / name
    if not path.exists():
        missing_tool(f"{name} is not installed in tests/interop/node_modules; run `bash .ci/install-node-tools`")
    return path


def python_tool(name: str) -> Path:
    path = Path(sys.executable).parent / name
    if not path.exists():
        missing_tool(f"{name} is not installed; run `.venv/bin/pip install -e '.[test]'`")
    return path


def run(
    command: Sequence[str | Path], *, cwd: Path = ROOT, timeout: float = 180, env_path: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a tool; ``env_path`` goes first on its PATH (for a tool that calls another one by name)."""
    env = {**NODE_ENV, "PATH": f"{env_path}{os.pathsep}{NODE_ENV.get('PATH', '')}"} if env_path else NODE_ENV
    return subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def draws(strategy: st.SearchStrategy[T], count: int) -> list[T]:
    """``count`` examples of a strategy (fewer when it has fewer), reproducible from the suite's Hypothesis seed."""
    return strategies.draws(strategy, count, SEED)
