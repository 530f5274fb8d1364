"""The pytest plugin, used the way an outside project uses it: test files in a fresh directory, run by pytest.

One run of ``python -m pytest`` (a fresh interpreter outside CI, ``-W error::DeprecationWarning``) holds the three
outside projects: the README's example (with a user's own Hypothesis profile), a project using the fixtures and the
strategies, and slow Hypothesis tests with and without the fixtures; each test below reads its own file's results
from that run. The README example runs first, so it is the one that starts the mock (and imports Connexion).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

OUTSIDE_PROJECT_TEST = """
import httpx
from hypothesis import given, settings

from contracts.testing.strategies import invalid_report_params, report_params


def test_the_mock_fixture_serves_the_api(insight_mock, insight_auth_headers):
    body = {"dataType": "wallets/transactions", "schedule": "daily", "language": "en",
            "from": "2026-11-03", "to": "2026-11-04"}
    url = insight_mock + "/accounts/P12345678/insight/generate-report"
    response = httpx.post(url, json=body, headers=insight_auth_headers)
    assert response.status_code == 200
    assert httpx.post(url, json=body).status_code == 401


@settings(max_examples=5, deadline=None)
@given(params=report_params())
def test_every_valid_draw_is_accepted(insight_mock, insight_token, params):
    url = insight_mock + "/accounts/T00000001/insight/generate-report"
    assert httpx.post(url, json=params, headers={"Authorization": "Bearer " + insight_token}).status_code == 200


@settings(max_examples=5, deadline=None)
@given(invalid=invalid_report_params())
def test_every_invalid_draw_is_refused(insight_mock, insight_auth_headers, invalid):
    url = insight_mock + "/accounts/T00000001/insight/generate-report"
    response = httpx.post(url, json=invalid.params, headers=insight_auth_headers)
    assert response.status_code == 400, invalid.kind
"""


def readme_pytest_example() -> str:
    """The Python block of the README's "In your own pytest suite" section, verbatim."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In your own pytest suite", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


# A user's own profile, as a project would have one; the plugin must leave its choices alone.
USER_CONFTEST = """
from hypothesis import settings

settings.register_profile("quick", max_examples=5)
settings.load_profile("quick")
"""

SLOW_TESTS = """
import time

import httpx
from hypothesis import given, settings, strategies as st

from contracts.testing.strategies import report_params


@st.composite
def slowly(draw):
    time.sleep(0.35)  # a loaded machine: three draws take longer than Hypothesis's default too_slow limit (1 s)
    return draw(report_params())


@settings(max_examples=3)
@given(params=slowly())
def test_slow_draws_and_answers_fail_neither_deadline_nor_health_check(insight_mock, insight_auth_headers, params):
    url = insight_mock + "/accounts/P12345678/insight/generate-report"
    time.sleep(0.25)  # longer than Hypothesis's default 200 ms deadline
    assert httpx.post(url, json=params, headers=insight_auth_headers).status_code == 200


@settings(max_examples=5, deadline=300)
@given(params=slowly())
def test_too_slow_is_suppressed_even_with_a_deadline_of_ones_own(insight_mock, params):
    pass  # five draws (1.75 s) are more than five deadlines (1.5 s): too_slow would fail it


@settings(max_examples=2, deadline=50)
@given(params=st.none())  # nothing to shrink: the failure is reported at once
def test_a_deadline_the_user_chose_is_kept(insight_mock, params):
    time.sleep(0.1)


@settings(max_examples=5)
@given(params=slowly())
def test_tests_without_the_fixtures_keep_hypothesis_defaults(params):
    pass
"""


@dataclass(frozen=True)
class Run:
    """What the outside run printed, and each test's outcome by file (``-rA`` lists every one)."""

    output: str
    outcomes: dict[str, dict[str, str]]

    def of(self, file: str) -> dict[str, str]:
        return self.outcomes.get(file, {})


def without_ci(environment: dict[str, str]) -> dict[str, str]:
    """A developer's machine: on CI, Hypothesis loads its own "ci" profile (no deadline, too_slow suppressed)."""
    from hypothesis._settings import _CI_VARS

    return {name: value for name, value in environment.items() if name not in _CI_VARS}


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Run:
    project = tmp_path_factory.mktemp("outside-project")
    files = {
        "test_readme.py": readme_pytest_example(),
        "test_outside.py": OUTSIDE_PROJECT_TEST,
        "test_slow.py": SLOW_TESTS,
    }
    for name, text in {"conftest.py": USER_CONFTEST, **files}.items():
        (project / name).write_text(text, encoding="utf-8")
    # Nothing of this suite's own run leaks in: its PYTEST_* variables, its working directory, its options.
    environment = {
        name: value for name, value in without_ci(dict(os.environ)).items() if not name.startswith("PYTEST_")
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error::DeprecationWarning", "-rA"]
    completed = subprocess.run(
        [*command, "--basetemp", str(project / "tmp"), *files],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = completed.stdout + completed.stderr
    outcomes: dict[str, dict[str, str]] = defaultdict(dict)
    for outcome, file, name in re.findall(r"^(PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS) (\w+\.py)::(\w+)", output, re.M):
        outcomes[file][name] = outcome
    return Run(output, dict(outcomes))


def test_an_outside_project_gets_the_fixtures_and_strategies_from_the_entry_point(outside: Run) -> None:
    assert outside.of("test_outside.py") == {
        "test_the_mock_fixture_serves_the_api": "PASSED",
        "test_every_valid_draw_is_accepted": "PASSED",
        "test_every_invalid_draw_is_refused": "PASSED",
    }, outside.output


def test_the_plugin_is_registered_through_pytest11(pytester: pytest.Pytester) -> None:
    # In process: --fixtures runs no test, and a fresh configuration loads the entry points afresh.
    result = pytester.runpytest_inprocess("--fixtures")
    result.stdout.fnmatch_lines(["*insight_mock*", "*insight_token*"])


def test_the_readme_example_passes_as_written_with_deprecation_warnings_as_errors(outside: Run) -> None:
    readme = outside.of("test_readme.py")
    assert len(readme) == 2 and set(readme.values()) == {"PASSED"}, outside.output
    assert "DeprecationWarning" not in outside.output


def test_tests_using_the_fixtures_get_live_http_settings_and_only_they(outside: Run) -> None:
    assert outside.of("test_slow.py") == {
        "test_slow_draws_and_answers_fail_neither_deadline_nor_health_check": "PASSED",
        "test_too_slow_is_suppressed_even_with_a_deadline_of_ones_own": "PASSED",
        "test_a_deadline_the_user_chose_is_kept": "FAILED",
        "test_tests_without_the_fixtures_keep_hypothesis_defaults": "FAILED",
    }, outside.output
    assert "DeadlineExceeded: Test took" in outside.output and "deadline of 50.00ms" in outside.output
    assert "FailedHealthCheck: Input generation is slow" in outside.output
