"""The Schemathesis CLI against a live mock over HTTP: every check, both modes, every phase, zero failures.

The one live run of ``schemathesis run`` in the suite (``test_schemathesis.py`` runs Schemathesis in-process), in two
sizes of one test, so that nothing is ever skipped:

* by default (CI), a seeded run of about three hundred cases (100 fuzzed, the rest from the examples and coverage
  phases) that takes seconds;
* with ``INSIGHT_SOAK=1``, the full soak: at least 5,000 generated cases (``--max-examples`` bounds the fuzzing phase
  per operation; the examples and coverage phases add their own ~230 cases), about four minutes on one core.

It reads the document the mock serves, with ``contracts/testing/schemathesis.toml`` (all checks, both generation modes,
``positive_data_acceptance`` expecting 2xx only) and ``contracts.testing.checks`` (the generation hooks that give a
positive body a window matching its schedule, and the checks JSON Schema cannot express). Every case must reach the
mock, and both accepted and refused answers must come back. ``INSIGHT_SOAK_SEED`` changes the seed (default 20261125,
the CI seed). The command, as a user runs it against ``insight-mock serve``::

    SCHEMATHESIS_HOOKS=contracts.testing.checks .venv/bin/schemathesis --config-file contracts/testing/schemathesis.toml
    \\
        run http://127.0.0.1:8080/v1/openapi.json --url http://127.0.0.1:8080/v1 \\
        --checks all --mode all --phases examples,coverage,fuzzing,stateful \\
        --seed 20261125 --max-examples 5000 \\
        -H "Authorization: Bearer $(.venv/bin/insight-mock token --scope write:insight)"

(``--url`` because the served document's ``servers`` entry is the relative ``/v1``.)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockserver.decisions.security import mint_token
from tests.conftest import ROOT

SOAK = os.environ.get("INSIGHT_SOAK") == "1"
SEED = int(os.environ.get("INSIGHT_SOAK_SEED", "20261125"))
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int
    min_generated: int
    timeout_seconds: int


CI = Profile("ci", max_examples=100, min_generated=150, timeout_seconds=120)
FULL = Profile("full soak", max_examples=5000, min_generated=5000, timeout_seconds=1800)
PROFILE = FULL if SOAK else CI

pytestmark = [pytest.mark.live, pytest.mark.timeout(PROFILE.timeout_seconds + 60)]


def say(request: pytest.FixtureRequest, line: str) -> None:
    """A line on the terminal whatever the capture mode: every run shows its size, seed and time."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print(line, flush=True)


def summary_counts(output: str) -> dict[str, int]:
    """The summary's "Test cases:" line, e.g. ``5233 generated, 5233 passed, 2 skipped``."""
    match = re.search(r"Test cases:\s*\n\s*(.+)", output)
    assert match, f"no summary in the output:\n{output[-3000:]}"
    return {word: int(number) for number, word in re.findall(r"(\d+) (\w+)", match.group(1))}


def test_summary_counts_reads_the_cli_summary() -> None:
    output = "Test cases:\n  5233 generated, 5233 passed, 2 skipped\n\nSeed: 1\n"
    assert summary_counts(output) == {"generated": 5233, "passed": 5233, "skipped": 2}


def interactions(ndjson: Path) -> list[dict[str, Any]]:
    """Every request and response the run recorded in its NDJSON report."""
    recorded = []
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if "ScenarioFinished" in event:
            recorded.extend(event["ScenarioFinished"]["recorder"]["interactions"].values())
    return recorded


def test_schemathesis_finds_no_failure_in_a_seeded_soak_against_a_live_mock(
    live_mock: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        "contracts/testing/schemathesis.toml",
        "run",
        f"{live_mock}/openapi.json",
        "--url",
        live_mock,
        "--header",
        f"Authorization: Bearer {mint_token(('write:insight',), ttl_seconds=4 * 3600)}",
        "--checks",
        "all",
        "--mode",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--seed",
        str(SEED),
        "--max-examples",
        str(PROFILE.max_examples),
        "--no-color",
        "--report",
        "ndjson",
        "--report-dir",
        str(tmp_path),
    ]
    started = time.monotonic()
    completed = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "contracts.testing.checks"},
        capture_output=True,
        text=True,
        timeout=PROFILE.timeout_seconds,
        check=False,
    )
    elapsed = time.monotonic() - started
    output = completed.stdout + completed.stderr
    counts = summary_counts(output)
    (ndjson,) = tmp_path.glob("*.ndjson")
    statuses = Counter(item["response"]["status_code"] for item in interactions(ndjson) if item.get("response"))
    say(
        request,
        f"\nschemathesis soak ({PROFILE.name}): {counts}, seed {SEED}, max-examples {PROFILE.max_examples}, "
        f"{elapsed:.1f} s; statuses {dict(sorted(statuses.items()))}",
    )

    assert completed.returncode == 0, output[-5000:]
    assert f"Seed: {SEED}" in output
    for phase in ("Examples", "Coverage", "Fuzzing"):
        assert re.search(rf"✅ +{phase}\n", output), f"the {phase} phase did not run and pass:\n{output[-5000:]}"
    assert counts["generated"] >= PROFILE.min_generated, counts
    assert counts.get("passed") == counts["generated"], counts
    assert not {"failed", "errored"} & set(counts), counts
    assert sum(statuses.values()) >= counts["generated"], "every case must have reached the mock over HTTP"
    assert sum(count for status, count in statuses.items() if 200 <= status < 300) > 0
    assert sum(count for status, count in statuses.items() if 400 <= status < 500) > 0
