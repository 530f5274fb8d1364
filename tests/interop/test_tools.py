"""Where the interop tests find their tools: a Node tool is looked for only once the install beside pytest has ended."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tests.interop import tools


def test_a_node_tool_is_looked_for_once_the_install_beside_pytest_has_written_its_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    status = tmp_path / "node-tools.status"
    monkeypatch.setenv("INSIGHT_NODE_TOOLS_STATUS", str(status))
    writer = threading.Timer(0.3, status.write_text, args=("0\n",))
    started = time.monotonic()
    writer.start()
    tools._node_install_ended.__wrapped__()  # the undecorated wait: the cached one may have returned already
    assert status.exists() and time.monotonic() - started >= 0.3


def test_an_install_that_never_ends_is_a_missing_tool_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSIGHT_NODE_TOOLS_STATUS", str(tmp_path / "never-written"))
    monkeypatch.setattr(tools, "NODE_INSTALL_WAIT_SECONDS", 0.2)
    with pytest.raises((pytest.skip.Exception, pytest.fail.Exception), match=r"still installing after 0\.2 s"):
        tools._node_install_ended.__wrapped__()


def test_without_an_install_beside_pytest_nothing_is_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSIGHT_NODE_TOOLS_STATUS", raising=False)
    started = time.monotonic()
    tools._node_install_ended.__wrapped__()
    assert time.monotonic() - started < 0.1
