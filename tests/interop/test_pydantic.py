"""datamodel-code-generator's pydantic v2 models of the served contract accept every valid draw and refuse the invalid.

Pydantic enforces the schema and the from/to pattern, so it expresses every schema kind and the window kinds a
pattern can see: a bound that is not a date or a midnight date-time at all. The pattern admits only plausible dates
(2000-2100, month 01-12, day 01-31), so it sees part of ``out-of-range`` (1999, 2101...) and of ``bound-calendar``
(month 13, day 00), never 2026-02-30 or 2100-06-01: for those kinds a model refuses exactly the draws whose bound the
pattern refuses. Windows themselves (which day starts one, how long it is, forms and offsets) are beyond a schema.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from contracts.document import spec
from contracts.document.completions import PLAUSIBLE_BOUND_PATTERN
from contracts.rules.ecma import compile_pattern
from contracts.testing.strategies import INVALID_KINDS, SCHEMA_KINDS, invalid_report_params, report_params
from tests.interop.tools import draws, python_tool, run

EXPRESSED = (*SCHEMA_KINDS, "bound-syntax", "bound-not-midnight")
PARTLY = ("out-of-range", "bound-calendar")  # refused exactly when the plausible-date pattern refuses a bound
NOT_EXPRESSED = ("window-start", "window-too-long", "window-too-short", "mixed-forms", "mixed-offsets")
PLAUSIBLE = compile_pattern(PLAUSIBLE_BOUND_PATTERN)
# The README's command: pydantic v2 models, no external formatter, no timestamp (reproducible output).
CODEGEN_OPTIONS = ("--input", str(spec.SERVED_PATH), "--input-file-type", "openapi")
CODEGEN_OPTIONS += ("--output-model-type", "pydantic_v2.BaseModel", "--formatters", "builtin", "--disable-timestamp")
VALID_DRAWS = 100
INVALID_DRAWS = 25


@pytest.fixture(scope="session")
def models(generated: Path) -> ModuleType:
    output = generated / "insight_models.py"
    result = run([python_tool("datamodel-codegen"), *CODEGEN_OPTIONS, "--output", output])
    assert result.returncode == 0, result.stdout + result.stderr
    loader = importlib.util.spec_from_file_location("insight_models", output)
    assert loader is not None and loader.loader is not None
    module = importlib.util.module_from_spec(loader)
    sys.modules["insight_models"] = module  # pydantic resolves the models' forward references through it
    loader.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def params(models: ModuleType) -> TypeAdapter[Any]:
    return TypeAdapter(models.InsightReportParams)


def refused(adapter: TypeAdapter[Any], body: dict[str, Any]) -> bool:
    try:
        adapter.validate_python(body)
    except ValidationError:
        return True
    return False


def test_every_invalid_kind_is_classified() -> None:
    """A new kind in ``contracts.testing.strategies`` needs a decision here: expressed, partly, or not."""
    classified = (*EXPRESSED, *PARTLY, *NOT_EXPRESSED)
    assert sorted(classified) == sorted(INVALID_KINDS)


def test_every_valid_draw_is_accepted_and_dumps_back_to_itself(params: TypeAdapter[Any]) -> None:
    for body in draws(report_params(), VALID_DRAWS):
        model = params.validate_python(body)
        assert params.dump_python(model, mode="json", by_alias=True, exclude_none=True) == body


def test_the_error_items_are_a_model_with_typed_fields(models: ModuleType) -> None:
    item = {"path": "/to", "code": "window-end", "message": "m", "expected": "2026-12-01"}
    answer = {"error": {"code": "INVALID_PERIOD", "message": "m", "errors": [item]}}
    error = models.Error.model_validate(answer)
    assert error.error.errors[0].path == "/to" and error.error.errors[0].expected == "2026-12-01"
    # Every field is optional (the published items are any object): another server's item without a path parses.
    other = models.Error.model_validate({"error": {"message": "m", "errors": [{"code": "x"}]}})
    assert other.error.errors[0].path is None and other.error.errors[0].code == "x"
    with pytest.raises(ValidationError):
        models.Error.model_validate({"error": {"message": "m", "errors": [{"path": ["body", "to"]}]}})


@pytest.mark.parametrize("kind", EXPRESSED)
def test_each_draw_of_a_kind_the_models_express_is_refused(params: TypeAdapter[Any], kind: str) -> None:
    accepted = [invalid.params for invalid in draws(invalid_report_params(kind), INVALID_DRAWS)]
    accepted = [body for body in accepted if not refused(params, body)]
    assert not accepted, accepted


@pytest.mark.parametrize("kind", PARTLY)
def test_a_kind_the_pattern_sees_in_part_is_refused_exactly_when_the_pattern_refuses(
    params: TypeAdapter[Any], kind: str
) -> None:
    for invalid in draws(invalid_report_params(kind), INVALID_DRAWS):
        body = invalid.params
        pattern_refuses = not (PLAUSIBLE.search(body["from"]) and PLAUSIBLE.search(body["to"]))
        assert refused(params, body) == pattern_refuses, body


@pytest.mark.parametrize("kind", NOT_EXPRESSED)
def test_the_window_rules_are_beyond_the_models(params: TypeAdapter[Any], kind: str) -> None:
    """Documents the limit: if this fails, the models learned a window rule; move the kind to EXPRESSED."""
    assert not any(refused(params, invalid.params) for invalid in draws(invalid_report_params(kind), INVALID_DRAWS))
