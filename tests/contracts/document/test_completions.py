"""Our completions: each one reported by lint, each one right for generators, and none of them changes a verdict."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.document import completions, diff, spec
from contracts.model.contract import Contract, contract_from_document, inline_refs
from contracts.model.validation import validate_body
from contracts.rules import periods
from contracts.rules.ecma import compile_pattern
from contracts.testing.strategies import invalid_report_params, report_params

PLAUSIBLE = compile_pattern(completions.PLAUSIBLE_BOUND_PATTERN)


def served() -> spec.Json:
    return spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))


def upstream() -> spec.Json:
    return spec.load_yaml(spec.UPSTREAM_PATH.read_text(encoding="utf-8"))


def test_lint_reports_every_repair_and_completion_with_its_count() -> None:
    _, findings = spec.build_served_contract(spec.UPSTREAM_PATH.read_text(encoding="utf-8"))
    assert all(finding.repaired for finding in findings)
    assert Counter(finding.defect for finding in findings) == {
        "discriminator-mapping-not-a-string": 3,
        "inheritance-cycle": 3,
        "regex-in-format": 1,
        "version-not-a-version": 1,
        "error-items-untyped": 1,
        "scopes-only-in-prose": 1,
        "undeclared-error-responses": 1,
        "challenge-header-undeclared": 2,
        "window-undeclared": 3,
        "no-request-examples": 1,
        "parameter-without-example": 1,
        "response-without-examples": 9,
    }


def test_the_version_is_the_newest_changelog_date_and_the_original_is_kept() -> None:
    info = served()["info"]
    assert info["version"] == "2025.9.16"
    assert info[completions.UPSTREAM_VERSION_EXTENSION] == "LATEST"


def test_a_document_with_a_real_version_keeps_it() -> None:
    document = {"info": {"version": "1.4.0", "description": "## 2030-01-02"}}
    assert completions.complete_info_version(document) == []
    assert document["info"]["version"] == "1.4.0"


def test_a_document_without_a_changelog_gets_version_zero() -> None:
    document = {"info": {"version": "latest"}}
    completions.complete_info_version(document)
    assert document["info"]["version"] == "0.0.0"


def test_content_type_stays_optional_for_generators_and_defaults_for_the_mock(contract: Contract) -> None:
    for variant in contract.variants.values():
        content_type = variant.properties["contentType"]
        assert "default" not in content_type  # openapi-typescript 7 would make the property required
        assert content_type[completions.DEFAULT_EXTENSION] == "text/csv"
        assert "text/csv when absent" in content_type["description"]
        assert "contentType" not in variant.required
        assert variant.defaults == {"contentType": "text/csv"}


def test_the_error_items_declare_what_the_mock_sends_and_require_nothing_of_other_servers(contract: Contract) -> None:
    items = contract.error_schema["properties"]["error"]["properties"]["errors"]["items"]
    assert set(items["properties"]) == {"path", "code", "message", "expected"}
    assert "required" not in items  # the published items are any object: a server may send none of these fields
    validator = jsonschema.Draft4Validator(contract.error_schema)
    assert validator.is_valid({"error": {"message": "m", "errors": [{"loc": ["body", "to"]}, {}]}})


def test_the_401_and_403_answers_declare_the_bearer_challenge_as_optional() -> None:
    document = served()
    operation = document["paths"]["/accounts/{aid}/insight/generate-report"]["post"]
    for status in ("401", "403"):
        header = inline_refs(document, operation["responses"][status])["headers"]["WWW-Authenticate"]
        assert header["required"] is False and header["schema"] == {"type": "string"}
    assert "headers" not in inline_refs(document, operation["responses"]["400"])


def test_the_served_contract_breaks_no_server_built_to_the_published_one() -> None:
    changes = diff.breaking_changes(upstream(), served())
    assert diff.failing(changes, "servers") == []
    assert diff.failing(changes, "clients")  # it does tighten what clients send: the aid pattern, from/to required


def test_the_account_example_matches_the_account_pattern(contract: Contract) -> None:
    parameter = served()["components"]["parameters"]["accountId"]
    assert contract.account_pattern.search(parameter["example"])


def test_every_response_has_examples_and_each_validates_against_its_schema(contract: Contract) -> None:
    document = served()
    operation = document["paths"]["/accounts/{aid}/insight/generate-report"]["post"]
    for status, response in operation["responses"].items():
        media = inline_refs(document, response)["content"]["application/json"]
        assert media.get("examples"), f"{status} has no example"
        for example in media["examples"].values():
            jsonschema.Draft4Validator(media["schema"]).validate(example["value"])
            if status == "200":
                assert validate_body(contract, example["value"]) == []
                assert example["value"]["contentType"] == "text/csv"


def test_every_error_status_the_operation_declares_has_the_mocks_example() -> None:
    operation = served()["paths"]["/accounts/{aid}/insight/generate-report"]["post"]
    assert set(operation["responses"]) - {"200"} == set(completions.ERROR_EXAMPLES)


@given(report_params())
def test_the_plausible_pattern_admits_every_valid_bound(params: dict[str, Any]) -> None:
    assert PLAUSIBLE.search(params["from"]) and PLAUSIBLE.search(params["to"])


@pytest.mark.parametrize(
    "text",
    ["2026-13-01", "2026-00-10", "2026-11-32", "2026-11-00", "1999-12-31", "2150-01-01", "8967-98-01",
     "2026-11-01T00:00:00+24:00", "2026-11-01T00:00:00+01:60", "2026-11-01T10:00:00Z", "20261101"],
)  # fmt: skip
def test_the_plausible_pattern_refuses_impossible_dates(text: str) -> None:
    assert not PLAUSIBLE.search(text)


# --- the narrower pattern changes no verdict: the window rules still judge from/to ------------------------------------


def _with_general_bound_syntax(document: spec.Json) -> spec.Json:
    """The served contract as it was before the plausible-date pattern: from/to with the general bound syntax."""
    document = copy.deepcopy(document)
    for _, node in spec.walk(document):
        if isinstance(node, dict) and node.get("pattern") == completions.PLAUSIBLE_BOUND_PATTERN:
            node["pattern"] = periods.BOUND_PATTERN
    return document


GENERAL = contract_from_document(_with_general_bound_syntax(served()))

bound_texts = st.one_of(
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T00:00:00([Zz]|[+-][0-9]{2}:[0-9]{2}))?\Z"),
    st.sampled_from(["2026-13-01", "2150-01-01", "1999-12-01", "2026-02-30", "2026-11-01T00:00:00+24:00", "x"]),
    st.integers(),
)


@given(
    st.one_of(report_params(), invalid_report_params().map(lambda invalid: invalid.params)),
    st.one_of(st.none(), bound_texts),
    st.one_of(st.none(), bound_texts),
)
def test_answers_are_those_of_the_general_syntax(
    contract: Contract, params: dict[str, Any], start: Any, end: Any
) -> None:
    body = dict(params)
    if start is not None:
        body["from"] = start
    if end is not None:
        body["to"] = end
    assert validate_body(contract, body) == validate_body(GENERAL, body)


@pytest.mark.parametrize("start", ["2026-13-01", "2150-01-01", "1999-12-01", "2026-11-01T00:00:00+24:00"])
def test_a_bad_date_is_judged_by_the_window_rules_not_by_the_pattern(contract: Contract, start: str) -> None:
    body = {
        "dataType": "checkout/transactions",
        "schedule": "monthly",
        "language": "en",
        "from": start,
        "to": "2026-12-01",
    }
    rules_found = {problem.rule for problem in validate_body(contract, body)}
    assert rules_found and rules_found <= set(periods.WINDOW_RULES)
