"""A short run of the load benchmark (``benchmarks/load.py``) as a user runs it: one worker, a second and a half.

Mixed valid and invalid requests and report downloads over 64 connections: every request gets the status its kind
must get and no connection fails. Memory growth is the benchmark's own verdict (run it without ``--statuses-only``),
not this test's: a test asserts behaviour, not figures of a noisy machine. Half a second of warm-up and a second of
load are two waves of 64 new connections and about 200 requests (on a 2-core machine), every kind among them; the
load's CPU grows with its duration, and a longer one only repeats the same kinds.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]


def test_a_short_load_run_gets_only_expected_statuses_and_no_connection_errors(
    request: pytest.FixtureRequest,
) -> None:
    command = [sys.executable, "benchmarks/load.py", "--duration", "1", "--warmup", "0.5", "--workers", "1"]
    result = subprocess.run(
        [*command, "--connections", "64", "--seed", "20261125", "--statuses-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=100,
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\nshort load run:\n{result.stdout}", flush=True)
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = next(line for line in result.stdout.splitlines() if "statuses" in line)
    for status in (200, 400, 401, 403, 413, 415):
        assert f"{status}:" in statuses, statuses
    downloads = next(line for line in result.stdout.splitlines() if "downloads answered" in line)
    assert "CSV" in downloads and "PDF" in downloads, downloads
