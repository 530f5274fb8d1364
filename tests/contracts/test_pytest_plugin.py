"""The pytest plugin, used the way an outside project uses it: a test file in a fresh pytester directory."""

from __future__ import annotations

import pytest

OUTSIDE_PROJECT_TEST = """
import httpx
from hypothesis import given, settings

from contracts.strategies import invalid_report_params, report_params


def test_the_mock_fixture_serves_the_api(insight_mock, insight_auth_headers):
    body = {"dataType": "wallets/transactions", "schedule": "daily", "language": "en",
            "from": "2026-11-03", "to": "2026-11-04"}
    url = insight_mock + "/accounts/P12345678/insight/generate-report"
    response = httpx.post(url, json=body, headers=insight_auth_headers)
    assert response.status_code == 200
    assert httpx.post(url, json=body).status_code == 401


@settings(max_examples=15, deadline=None)
@given(params=report_params())
def test_every_valid_draw_is_accepted(insight_mock, insight_token, params):
    url = insight_mock + "/accounts/T00000001/insight/generate-report"
    assert httpx.post(url, json=params, headers={"Authorization": "Bearer " + insight_token}).status_code == 200


@settings(max_examples=15, deadline=None)
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
