"""Discriminator-aware validation: the variant first, then only its problems, each with a path and a rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from contracts.model.contract import Contract
from contracts.model.validation import accepted_params, validate_body
from contracts.rules.periods import valid_window
from contracts.testing.strategies import invalid_report_params, report_params

VALID = {
    "dataType": "wallets/transactions",
    "schedule": "weekly",
    "language": "en",
    "from": "2026-11-02",
    "to": "2026-11-09",
}


def problems(contract: Contract, body: Any) -> list[tuple[str, str]]:
    return [(problem.path, problem.rule) for problem in validate_body(contract, body)]


def test_a_valid_body_has_no_problems(contract: Contract) -> None:
    assert validate_body(contract, VALID) == []


def test_only_the_chosen_variants_problems_are_reported(contract: Contract) -> None:
    # As checkout, "twice-a-month" is wrong; the orders variant (which allows it) is not mentioned at all.
    body = {**VALID, "dataType": "checkout/transactions", "schedule": "twice-a-month"}
    found = validate_body(contract, body)
    assert [(p.path, p.rule) for p in found] == [("/schedule", "enum")]
    assert "checkout/transactions" in found[0].message and "orders" not in found[0].message


def test_a_body_that_is_not_an_object_is_one_problem_at_the_root(contract: Contract) -> None:
    for body in ([], "x", 1, None, True):
        assert problems(contract, body) == [("", "type")]


def test_window_problems_are_reported_beside_schema_problems(contract: Contract) -> None:
    body = {**VALID, "language": "sv", "to": "2026-11-10"}
    assert problems(contract, body) == [("/language", "enum"), ("/to", "window-end")]


def test_a_bad_bound_is_reported_even_when_the_other_bound_has_a_type_error(contract: Contract) -> None:
    body = {**VALID, "from": "2026-02-30", "to": 5}
    assert problems(contract, body) == [("/to", "type"), ("/from", "bound-calendar")]


def test_a_malformed_bound_is_named_by_its_window_rule_not_by_a_regex(contract: Contract) -> None:
    found = validate_body(contract, {**VALID, "from": "2026-11-02T10:00:00Z", "to": "2026-11-09T00:00:00Z"})
    assert [(p.path, p.rule) for p in found] == [("/from", "bound-not-midnight")]
    assert "^" not in found[0].message


def test_patterns_keep_their_ecma_meaning(contract: Contract) -> None:
    assert contract.account_pattern.search("P12345678")
    for aid in ("P12345678\n", "P\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "p12345678", "P123456789"):
        assert not contract.account_pattern.search(aid)


def test_extra_keys_are_accepted_and_echoed_with_defaults_after_them(contract: Contract) -> None:
    body = {**VALID, "extra": {"a": 1}}
    assert validate_body(contract, body) == []
    assert accepted_params(contract, body) == {**body, "contentType": "text/csv"}
    assert accepted_params(contract, {**body, "contentType": "application/pdf"})["contentType"] == "application/pdf"


@given(st.data())
def test_every_schedule_a_variant_allows_accepts_its_valid_windows(contract: Contract, data: st.DataObject) -> None:
    variant = data.draw(st.sampled_from(list(contract.variants.values())))
    schedule = data.draw(st.sampled_from(variant.schedules))
    day = data.draw(st.dates(min_value=date(2000, 1, 3), max_value=date(2099, 11, 30)))
    start, end = valid_window(schedule, day)
    body = {
        "dataType": variant.data_type,
        "schedule": schedule,
        "language": variant.allowed("language")[0],
        "from": start,
        "to": end,
    }
    assert validate_body(contract, body) == []


@given(st.one_of(report_params(), invalid_report_params().map(lambda invalid: invalid.params)))
def test_the_compiled_validator_and_the_explaining_validator_agree(contract: Contract, params: dict[str, Any]) -> None:
    variant = contract.variants.get(params.get("dataType"))  # type: ignore[arg-type]
    if variant is not None:
        assert variant.fast_validator.is_valid(params) == variant.validator.is_valid(params)


@given(
    st.dictionaries(
        st.sampled_from(["dataType", "schedule", "language", "from", "to", "contentType", "reportFilters"]),
        st.one_of(
            st.text(max_size=12),
            st.integers(),
            st.none(),
            st.lists(st.dictionaries(st.text(max_size=6), st.text(max_size=6)), max_size=2),
        ),
    )
)
def test_both_validators_agree_on_arbitrary_objects(contract: Contract, body: dict[str, Any]) -> None:
    for variant in contract.variants.values():
        assert variant.fast_validator.is_valid(body) == variant.validator.is_valid(body)
