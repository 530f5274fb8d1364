"""Schemathesis finds nothing wrong with the mock in-process: every check, positive and negative data.

The run uses ``contracts/testing/schemathesis.toml`` (all checks, both generation modes, ``positive_data_acceptance``
expecting 2xx only) and ``contracts/testing/hooks.py`` (positive bodies get a from/to window that matches their
schedule), a fixed seed and a bounded number of examples, through Schemathesis's pytest integration against the ASGI
app. The same run over HTTP, with the ``schemathesis run`` CLI against a live mock, is ``test_soak.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

import contracts.testing.hooks  # noqa: F401  (registers the hooks for the in-process run)
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / "contracts" / "testing" / "schemathesis.toml"
SEED = 20261125
IN_PROCESS_MAX_EXAMPLES = 200  # CI-sized; the full soak (tests/mockserver/test_soak.py) goes deep


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line on the terminal whatever the capture mode, so every run shows its seed, size and time."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext():
        print(line, flush=True)


def test_the_config_enables_every_check_both_modes_and_the_hooks_and_accepts_only_2xx_for_valid_data() -> None:
    project = schemathesis.Config.from_path(CONFIG_FILE).projects.default
    checks = [
        field.name
        for field in dataclasses.fields(project.checks)
        if not field.name.startswith("_") and field.name != "max_response_time"  # a time limit, not a check to enable
    ]
    assert checks and all(getattr(project.checks, name).enabled for name in checks)
    assert project.checks.positive_data_acceptance.expected_statuses == ["2xx"]
    assert set(project.generation.modes) == {GenerationMode.POSITIVE, GenerationMode.NEGATIVE}
    assert project.hooks == "contracts.testing.hooks"
    assert project.generation.database == "none"  # a run is reproduced by its seed alone, whatever ran before


def phases_expected(schema: Any) -> set[str]:
    """The phases that must send requests: coverage and fuzzing always, examples when the contract declares some."""
    (operation,) = [result.ok() for result in schema.get_all_operations()]
    return {"coverage", "fuzzing"} | ({"examples"} if operation.get_strategies_from_examples() else set())


# --- in-process: the pytest integration against the ASGI app --------------------------------------------------------


def asgi_schema() -> Any:
    """The served contract, loaded from the app itself, with our config, a fixed seed and a minted token.

    Built when the module is collected: ``schemathesis.pytest.from_fixture`` would defer it to a fixture, but its lazy
    runner reads ``Function._nodeid``, which pytest 9 no longer has.
    """
    config = schemathesis.Config.from_path(CONFIG_FILE)
    config.update(seed=SEED, max_failures=None)
    project = config.projects.default
    project.update(headers={"Authorization": f"Bearer {mint_token(('write:insight',))}"})
    project.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=IN_PROCESS_MAX_EXAMPLES,
        database="none",  # the seed alone decides what is generated
    )
    return schemathesis.openapi.from_asgi("/v1/openapi.json", create_app(Settings()), config=config)


@pytest.fixture
def sent(request: pytest.FixtureRequest) -> Iterator[Counter[tuple[str, str, int]]]:
    """Every request the in-process run sent, by phase, mode and status; checked once all its examples have run.

    Function-scoped on purpose: one test item runs every example of the operation (coverage and examples as
    explicit Hypothesis examples, then fuzzing), so its teardown sees the whole run.
    """
    counts: Counter[tuple[str, str, int]] = Counter()
    started = time.monotonic()
    yield counts
    elapsed = time.monotonic() - started
    total = sum(counts.values())
    report(
        request,
        f"\nschemathesis in-process: {total} cases, seed {SEED}, max-examples {IN_PROCESS_MAX_EXAMPLES}, "
        f"{elapsed:.1f} s; by (phase, mode, status): {dict(sorted(counts.items()))}",
    )
    modes = {mode for _, mode, _ in counts}
    assert modes == {"positive", "negative"}, f"both generation modes must send requests, got {modes}"
    assert any(mode == "positive" and 200 <= status < 300 for _, mode, status in counts)
    assert {phase for phase, _, _ in counts} == phases_expected(schema)
    fuzzed = sum(count for (phase, _, _), count in counts.items() if phase == "fuzzing")
    assert fuzzed >= IN_PROCESS_MAX_EXAMPLES // 2, f"fuzzing sent {fuzzed} of {IN_PROCESS_MAX_EXAMPLES} requests"


schema = asgi_schema()


@schema.parametrize()
@settings(
    # Explicit: a @settings decorator otherwise carries the loaded profile's max_examples over the config's.
    max_examples=IN_PROCESS_MAX_EXAMPLES,
    database=None,
    # `sent` is meant to span all examples; every example is a request through the whole app.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_schemathesis_finds_no_failure_in_process(case: schemathesis.Case[Any], sent: Counter[Any]) -> None:
    response = case.call_and_validate()
    meta = case.meta
    assert meta is not None
    sent[(meta.phase.name.value, meta.generation.mode.value, response.status_code)] += 1
