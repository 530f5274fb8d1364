"""The Schemathesis hooks give every positive report body a window its schedule accepts, and touch nothing else."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import (
    CaseMetadata,
    ComponentInfo,
    CoverageScenario,
    GenerationInfo,
    PhaseInfo,
    TestPhase,
    build_phase_data,
)

from contracts.model.contract import default_contract
from contracts.model.validation import validate_body
from contracts.rules import periods
from contracts.testing import hooks, strategies

CONTRACT = default_contract()
SCHEMA = schemathesis.openapi.from_dict(CONTRACT.document)
OPERATION = SCHEMA[CONTRACT.path][CONTRACT.method]
CONTEXT = schemathesis.HookContext(operation=OPERATION)
SCHEDULES = sorted({schedule for variant in CONTRACT.variants.values() for schedule in variant.schedules})
UNSET = "0000-00-00"  # what Schemathesis generates first for the from/to pattern; never a valid bound

Case = schemathesis.Case[Any]


def bodies() -> list[dict[str, Any]]:
    """One schema-valid body per dataType and schedule, with the window Schemathesis would send."""
    return [
        {
            CONTRACT.discriminator: variant.data_type,
            "language": variant.allowed("language")[0],
            "schedule": schedule,
            "from": UNSET,
            "to": UNSET,
        }
        for variant in CONTRACT.variants.values()
        for schedule in variant.schedules
    ]


def case_of(
    body: dict[str, Any], *, negative_body: bool = False, phase: TestPhase = TestPhase.FUZZING, operation: Any = None
) -> Case:
    """A case as Schemathesis generates it, with metadata that says in which mode its body was generated."""
    mode = GenerationMode.NEGATIVE if negative_body else GenerationMode.POSITIVE
    if phase is TestPhase.COVERAGE:
        scenario = CoverageScenario.INVALID_PATTERN if negative_body else CoverageScenario.VALID_OBJECT
        phase_info = PhaseInfo.coverage(scenario, "a coverage case")
    else:
        phase_info = PhaseInfo(name=phase, data=build_phase_data(phase, "a drawn case"))
    meta = CaseMetadata(
        generation=GenerationInfo(time=0.0, mode=mode),
        components={ParameterLocation.BODY: ComponentInfo(mode=mode)},
        phase=phase_info,
    )
    return (operation or OPERATION).Case(
        path_parameters={"aid": "P12345678"}, body=copy.deepcopy(body), media_type="application/json", _meta=meta
    )


def assert_valid_window(body: dict[str, Any]) -> None:
    assert periods.check_window(body["schedule"], body["from"], body["to"]) == []


def test_importing_the_module_registers_its_hooks() -> None:
    for name in ("flatmap_case", "map_case"):
        assert getattr(hooks, name) in schemathesis.hooks.get_all_by_name(name)


def test_the_hooks_know_a_window_rule_for_every_schedule_of_the_contract() -> None:
    assert set(SCHEDULES) <= set(periods.SCHEDULES)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(case=OPERATION.as_strategy(generation_mode=GenerationMode.POSITIVE))
def test_a_generated_positive_case_is_a_request_the_api_accepts(case: Case) -> None:
    assert validate_body(CONTRACT, case.body) == []
    assert case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_drawn_negative_case_keeps_a_negative_body_as_generated_and_gets_a_window_for_a_positive_one(
    data: st.DataObject,
) -> None:
    # The strategy without the case hooks, so the test sees the body before flatmap_case does.
    case = data.draw(SCHEMA.get_case_strategy(OPERATION, generation_mode=GenerationMode.NEGATIVE))
    assert case.meta is not None
    negative_body = case.meta.is_negative_at(ParameterLocation.BODY)
    generated = copy.deepcopy(case.body)

    hooked = data.draw(hooks.flatmap_case(CONTEXT, case))

    if negative_body:
        assert hooked.body == generated
        assert validate_body(CONTRACT, hooked.body) != []
    else:
        assert {**hooked.body, "from": generated["from"], "to": generated["to"]} == generated
        assert validate_body(CONTRACT, hooked.body) == []


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=OPERATION.as_strategy(generation_mode=GenerationMode.NEGATIVE))
def test_a_generated_case_with_a_negative_body_is_still_refused(case: Case) -> None:
    assert case.meta is not None
    if case.meta.is_negative_at(ParameterLocation.BODY):
        assert validate_body(CONTRACT, case.body) != []
    else:
        assert validate_body(CONTRACT, case.body) == []


@pytest.mark.parametrize("body", bodies(), ids=lambda body: f"{body['dataType']}-{body['schedule']}")
def test_a_drawn_positive_body_gets_a_window_its_schedule_accepts(body: dict[str, Any]) -> None:
    @settings(max_examples=20, database=None)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(hooks.flatmap_case(CONTEXT, case_of(body)))
        assert_valid_window(case.body)
        assert {key: value for key, value in case.body.items() if key not in ("from", "to")} == {
            key: value for key, value in body.items() if key not in ("from", "to")
        }

    check()


@pytest.mark.parametrize("phase", [TestPhase.FUZZING, TestPhase.COVERAGE, TestPhase.EXAMPLES])
def test_a_negative_body_is_never_repaired(phase: TestPhase) -> None:
    for body in bodies():
        negative = {**body, "schedule": body["schedule"], "from": "2026-11-03", "to": "2026-11-01"}
        drawn = find(hooks.flatmap_case(CONTEXT, case_of(negative, negative_body=True, phase=phase)), lambda _: True)
        mapped = hooks.map_case(CONTEXT, case_of(negative, negative_body=True, phase=phase))
        assert drawn.body == mapped.body == negative


def test_a_positive_coverage_case_gets_a_window_that_is_the_same_in_every_run() -> None:
    for body in bodies():
        first = hooks.map_case(CONTEXT, case_of(body, phase=TestPhase.COVERAGE))
        again = hooks.map_case(CONTEXT, case_of(body, phase=TestPhase.COVERAGE))
        assert_valid_window(first.body)
        assert first.body == again.body


def test_coverage_windows_vary_from_body_to_body_in_day_and_form() -> None:
    windows = [hooks.map_case(CONTEXT, case_of(body, phase=TestPhase.COVERAGE)).body["from"] for body in bodies()]
    assert len(set(windows)) > 1
    assert any("T" in window for window in windows)
    assert any("T" not in window for window in windows)


def test_map_case_leaves_drawn_cases_to_flatmap_case() -> None:
    body = bodies()[0]
    assert hooks.map_case(CONTEXT, case_of(body, phase=TestPhase.FUZZING)).body == body


def test_a_declared_example_is_sent_as_written() -> None:
    # The examples phase passes no case hook but `before_add_examples`, which this module does not define; should a
    # future Schemathesis route examples through `map_case`, they must still go out as the contract wrote them.
    for body in bodies():
        assert hooks.map_case(CONTEXT, case_of(body, phase=TestPhase.EXAMPLES)).body == body


def test_the_repaired_case_is_still_labelled_positive() -> None:
    case = hooks.map_case(CONTEXT, case_of(bodies()[0], phase=TestPhase.COVERAGE))
    assert case.meta is not None
    assert not case.meta.is_negative_at(ParameterLocation.BODY)
    assert case.meta.generation.mode is GenerationMode.POSITIVE


def test_a_case_built_by_hand_is_left_as_written() -> None:
    body = bodies()[0]
    case = OPERATION.Case(path_parameters={"aid": "P12345678"}, body=copy.deepcopy(body), media_type="application/json")
    assert find(hooks.flatmap_case(CONTEXT, case), lambda _: True).body == body


def test_other_operations_are_left_alone() -> None:
    document = copy.deepcopy(CONTRACT.document)
    document["paths"][CONTRACT.path][CONTRACT.method.lower()]["operationId"] = "some_other_operation"
    other = schemathesis.openapi.from_dict(document)[CONTRACT.path][CONTRACT.method]
    context = schemathesis.HookContext(operation=other)
    body = bodies()[0]
    assert find(hooks.flatmap_case(context, case_of(body, operation=other)), lambda _: True).body == body
    assert hooks.map_case(context, case_of(body, phase=TestPhase.COVERAGE, operation=other)).body == body


@pytest.mark.parametrize("schedule", SCHEDULES)
@given(day=st.dates(periods.EARLIEST, strategies.LAST_DAY), offset=strategies.offsets())
def test_every_day_of_the_allowed_range_has_a_valid_window(schedule: str, day: date, offset: timedelta | None) -> None:
    assert periods.check_window(schedule, *strategies.window_in_range(schedule, day, offset)) == []


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("day", [periods.EARLIEST, strategies.LAST_DAY])
def test_the_first_and_last_allowed_days_have_a_valid_window(schedule: str, day: date) -> None:
    assert periods.check_window(schedule, *strategies.window_in_range(schedule, day, None)) == []


@pytest.mark.parametrize(
    ("description", "form"),
    [
        ("a date", lambda text: "T" not in text),
        ("UTC", lambda text: text.endswith("Z")),
        ("a common offset", lambda text: text.endswith("+01:00")),
        ("a negative offset", lambda text: "T" in text and text[-6] == "-"),
        ("an offset with minutes", lambda text: "T" in text and not text.endswith(("Z", ":00"))),
    ],
)
def test_drawn_windows_come_in_every_form(description: str, form: Any) -> None:
    found = find(strategies.windows("monthly"), lambda window: form(window[0]), settings=settings(database=None))
    assert form(found[1]), description


def test_a_failing_window_shrinks_to_the_first_allowed_day_in_date_form() -> None:
    assert find(strategies.windows("daily"), lambda window: True, settings=settings(database=None)) == (
        periods.EARLIEST.isoformat(),
        (periods.EARLIEST + timedelta(days=1)).isoformat(),
    )
