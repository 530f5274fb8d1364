"""The strategies agree with the rules in both directions: valid draws pass, each invalid draw breaks its one rule."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.model.contract import Contract, default_contract
from contracts.model.validation import validate_body
from contracts.rules import periods
from contracts.testing.strategies import INVALID_KINDS, InvalidParams, invalid_report_params, report_params, windows


@given(report_params())
def test_every_drawn_report_params_is_valid(params: dict[str, object]) -> None:
    assert validate_body(default_contract(), params) == []
    json.dumps(params).encode("utf-8")  # sendable as it is


@pytest.mark.parametrize("data_type", default_contract().data_types)
@settings(max_examples=20)
@given(data=st.data())
def test_report_params_can_be_pinned_to_a_data_type_and_schedule(data_type: str, data: st.DataObject) -> None:
    schedule = data.draw(st.sampled_from(default_contract().variants[data_type].schedules))
    params = data.draw(report_params(data_type, schedule))
    assert (params["dataType"], params["schedule"]) == (data_type, schedule)
    assert validate_body(default_contract(), params) == []


def test_a_schedule_no_data_type_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="quarterly"):
        report_params(schedule="quarterly")


@pytest.mark.parametrize("kind", INVALID_KINDS)
@settings(max_examples=25)
@given(data=st.data())
def test_each_invalid_kind_breaks_exactly_its_rule(contract: Contract, kind: str, data: st.DataObject) -> None:
    invalid: InvalidParams = data.draw(invalid_report_params(kind))
    assert invalid.kind == kind
    found = {problem.rule for problem in validate_body(contract, invalid.params)}
    assert found == set(invalid.violations), (invalid.params, found)


@given(invalid_report_params())
def test_no_invalid_draw_is_accepted(invalid: InvalidParams) -> None:
    assert validate_body(default_contract(), invalid.params) != []


@given(invalid_report_params())
def test_each_invalid_draw_names_the_valid_params_it_was_made_from(invalid: InvalidParams) -> None:
    assert validate_body(default_contract(), invalid.base) == []
    changed = {key for key in {*invalid.base, *invalid.params} if invalid.base.get(key) != invalid.params.get(key)}
    window = {"schedule", "from", "to"}  # a schedule another variant has comes with a window of its own
    assert changed and (len(changed) == 1 or changed <= window), (invalid.kind, changed)


def test_an_unknown_kind_is_refused_with_the_list_of_kinds() -> None:
    with pytest.raises(ValueError, match="window-start"):
        invalid_report_params("nonsense")


@given(st.sampled_from(sorted(periods.SCHEDULES)).flatmap(lambda name: st.tuples(st.just(name), windows(name))))
def test_windows_are_valid_for_their_schedule_anywhere_in_range(drawn: tuple[str, tuple[str, str]]) -> None:
    schedule, (start, end) = drawn
    assert periods.check_window(schedule, start, end) == []


def test_draws_shrink_to_readable_examples() -> None:
    from hypothesis import find

    smallest = find(report_params(), lambda params: params["dataType"] == "wallets/transactions")
    assert smallest["from"] == "2000-01-01" or smallest["from"].startswith("2000-01")
    assert "reportFilters" not in smallest and "contentType" not in smallest
