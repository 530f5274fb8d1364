"""Is a report request valid? One answer for the mock, the checker and the proxy.

Validation is discriminator-aware: the variant is chosen by ``dataType`` first, and only that variant's problems are
reported, each with the JSON pointer where it happened and the rule that failed (a JSON Schema keyword, or one of
``contracts.rules.periods``' window rules). The window rules run whenever ``schedule``, ``from`` and ``to`` are
themselves well-formed, so one response lists every problem a client has to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonschema

from contracts.model.contract import Contract, Variant
from contracts.rules import periods
from contracts.rules.ecma import compile_pattern
from contracts.rules.periods import Violation

DISCRIMINATOR = "discriminator"
NOT_AN_OBJECT = "type"


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _describe(error: jsonschema.ValidationError, variant: Variant) -> Violation:
    """A violation a person can act on, for one JSON Schema error inside a variant."""
    path = _pointer(error.absolute_path)
    keyword = str(error.validator)
    where = f"'{path[1:]}'" if path else "the body"
    if keyword == "required":
        missing = str(error.message).split("'")[1]
        return Violation("required", f"{path}/{missing}", f"'{missing}' is required for dataType '{variant.data_type}'")
    if keyword == "enum":
        allowed = ", ".join(repr(value) for value in error.validator_value)
        return Violation(
            "enum",
            path,
            f"{error.instance!r} is not allowed for {where} with dataType '{variant.data_type}'; allowed: {allowed}",
        )
    if keyword == "type":
        return Violation(
            "type", path, f"{where} must be {_type_name_of(error.validator_value)}, not {_type_name(error.instance)}"
        )
    if keyword == "pattern" and path in ("/from", "/to"):
        try:
            periods.parse_bound(error.instance)
        except periods.BoundError as bound_error:
            return Violation(bound_error.rule, path, f"{where}: {bound_error.message}")
    return Violation(keyword, path, f"{where}: {error.message}")


def _type_name_of(schema_type: Any) -> str:
    names = {"object": "an object", "array": "an array", "string": "a string", "integer": "an integer"}
    return names.get(str(schema_type), f"of type {schema_type}")


def variant_for(contract: Contract, body: Any) -> Variant | Violation:
    """The variant a body's discriminator names, or the violation that says why there is none."""
    key = contract.discriminator
    if not isinstance(body, dict):
        return Violation(NOT_AN_OBJECT, "", f"the request body must be a JSON object, not {_type_name(body)}")
    value = body.get(key)
    variant = contract.variants.get(value) if isinstance(value, str) else None
    if variant is not None:
        return variant
    known = ", ".join(repr(name) for name in contract.variants)
    if key not in body:
        return Violation("required", f"/{key}", f"'{key}' is required; one of {known}")
    return Violation(DISCRIMINATOR, f"/{key}", f"unknown {key} {value!r}; one of {known}")


def validate_body(contract: Contract, body: Any) -> list[Violation]:
    """Every problem of a report request body; empty when the body is valid."""
    chosen = variant_for(contract, body)
    if isinstance(chosen, Violation):
        return [chosen]
    # The compiled validator answers "valid?" in microseconds; only an invalid body pays for the explanations.
    if chosen.fast_validator.is_valid(body):
        problems: list[Violation] = []
    else:
        errors = [error for error in chosen.validator.iter_errors(body) if not _left_to_window_rules(error)]
        problems = _root_causes([_describe(error, chosen) for error in errors])
    return problems + _window_problems(body, problems)


_BOUND_SYNTAX = compile_pattern(periods.BOUND_PATTERN)


def _left_to_window_rules(error: jsonschema.ValidationError) -> bool:
    """A ``pattern`` error at ``/from`` or ``/to`` on a value the window rules judge themselves.

    The contract's pattern admits only plausible dates (2000-2100, month 01-12, day 01-31) so that generators draw
    them; the window rules check the same and more (real calendar days, the range, the offset), with messages naming
    the rule and the right value. A value of the bounds' general syntax is left to them, so ``2026-13-01`` or
    ``2150-01-01`` get ``bound-calendar`` or ``out-of-range``, never a bare pattern error.
    """
    path = _pointer(error.absolute_path)
    return (
        error.validator == "pattern"
        and path in ("/from", "/to")
        and isinstance(error.instance, str)
        and _BOUND_SYNTAX.search(error.instance) is not None
    )


def _root_causes(problems: list[Violation]) -> list[Violation]:
    """Sorted by path, and only the type error where a value has the wrong type (its enum error says nothing more)."""
    mistyped = {problem.path for problem in problems if problem.rule == "type"}
    kept = [problem for problem in problems if problem.rule == "type" or problem.path not in mistyped]
    return sorted(kept, key=lambda problem: problem.path)


def _window_problems(body: dict[str, Any], known: list[Violation]) -> list[Violation]:
    """The window rules, for whichever of ``schedule``, ``from`` and ``to`` are well-formed on their own."""
    reported = {problem.path for problem in known}
    bounds = {
        name: text for name in ("from", "to") if isinstance(text := body.get(name), str) and f"/{name}" not in reported
    }
    schedule = body.get("schedule")
    if len(bounds) == 2 and isinstance(schedule, str) and "/schedule" not in reported:
        return periods.check_window(schedule, bounds["from"], bounds["to"])
    return [violation for name, text in bounds.items() for violation in periods.check_bound(name, text)]


def accepted_params(contract: Contract, body: dict[str, Any]) -> dict[str, Any]:
    """What the API echoes for a valid body: the body as sent, with the contract's defaults filled in."""
    variant = contract.variants[body[contract.discriminator]]
    return {**body, **{name: value for name, value in variant.defaults.items() if name not in body}}


def is_window_problem(problem: Violation) -> bool:
    return problem.rule in periods.WINDOW_RULES
