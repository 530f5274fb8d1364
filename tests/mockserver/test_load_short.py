"""A short run of the load benchmark (``benchmarks/load.py``): one worker, a few seconds, the same pass criteria.

Mixed valid and invalid requests and report downloads over 64 connections: every request gets the status its kind
must get, no connection fails, and the server's memory after the run is at most 1.2x what it was after the warm-up.
"""

from __future__ import annotations

import contextlib

import pytest

from benchmarks.load import MAX_RSS_GROWTH, MIX, measure, table

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]

SECONDS = 6.0
WARMUP = 2.0


def test_the_mix_has_valid_invalid_and_download_kinds_with_one_expected_status_each() -> None:
    expected = {kind.expected for kind in MIX}
    assert {200, 400, 401, 403, 413, 415} <= expected
    downloads = {kind.download for kind in MIX if kind.download}
    assert downloads == {"text/csv", "application/pdf"}


def test_a_short_load_run_gets_only_expected_statuses_no_errors_and_no_memory_growth(
    request: pytest.FixtureRequest,
) -> None:
    result = measure(1, seconds=SECONDS, connections=64, warmup=WARMUP, seed=20261125)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print(f"\nshort load run ({SECONDS:g} s after {WARMUP:g} s of warm-up):\n{table([result])}", flush=True)
    assert result.tally.requests > 100, "the run must have done real work"
    assert not result.tally.unexpected, result.tally.unexpected
    assert not result.tally.errors, result.tally.errors
    assert result.rss_ratio <= MAX_RSS_GROWTH, (result.rss_warm, result.rss_after)
    downloaded = {label for (label, status) in result.tally.statuses if label.endswith("download") and status == 200}
    assert any("CSV" in label for label in downloaded) and any("PDF" in label for label in downloaded), downloaded
