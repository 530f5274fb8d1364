"""The pytest plugin, used the way an outside project uses it: a test file in a fresh pytester directory."""

from __future__ import annotations

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


def test_an_outside_project_gets_the_fixtures_and_strategies_from_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_outside=OUTSIDE_PROJECT_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=3)


def test_the_plugin_is_registered_through_pytest11(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(["*insight_mock*", "*insight_token*"])


def readme_pytest_example() -> str:
    """The Python block of the README's "In your own pytest suite" section, verbatim."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### In your own pytest suite", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.fixture
def outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's machine: on CI, Hypothesis loads its own "ci" profile (no deadline, too_slow suppressed)."""
    from hypothesis._settings import _CI_VARS

    for name in _CI_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("outside_ci")
def test_the_readme_example_passes_as_written_with_deprecation_warnings_as_errors(pytester: pytest.Pytester) -> None:
    # A user's own profile, as a project would have one; the plugin must leave its choices alone.
    pytester.makeconftest(
        "from hypothesis import settings\n"
        "settings.register_profile('quick', max_examples=5)\n"
        "settings.load_profile('quick')\n"
    )
    pytester.makepyfile(test_readme=readme_pytest_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::DeprecationWarning")
    result.assert_outcomes(passed=2)
    assert "DeprecationWarning" not in result.stdout.str()


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


@pytest.mark.usefixtures("outside_ci")
def test_tests_using_the_fixtures_get_live_http_settings_and_only_they(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_slow=SLOW_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::DeprecationWarning")
    output = result.stdout.str()
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "FAILED test_slow.py::test_a_deadline_the_user_chose_is_kept*",
            "FAILED test_slow.py::test_tests_without_the_fixtures_keep_hypothesis_defaults*",
        ]
    )
    assert "DeadlineExceeded: Test took" in output and "deadline of 50.00ms" in output
    assert "FailedHealthCheck: Input generation is slow" in output
