"""Schemathesis checks for what JSON Schema cannot express, and the pure judgements they share with the checker.

Registered on import (``SCHEMATHESIS_HOOKS=contracts.testing.checks`` loads them and the generation hooks together):

* ``insight_error_shape``: an error answer is the Error object, as ``application/json``;
* ``insight_echo``: a 200 echoes the request;
* ``insight_window_rules``: a body whose only problems are from/to rules gets a 400; a body with a valid window is not
  refused for its window.

They judge by the profile named in ``INSIGHT_CONTRACTS_PROFILE`` (``contract`` when unset: what the published document
states; ``mock``: our mock's conventions too, such as the exact echo with defaults and a window refusal that points at
the broken bound). See ``contracts.model.judgements``.

The judgements themselves live in ``contracts.model.judgements`` (pure, no Schemathesis), shared with the property phase
of ``insight-contracts check`` and with the validating proxy.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

from contracts.model import validation
from contracts.model.contract import default_contract
from contracts.model.judgements import (
    CONTRACT,
    MOCK,
    PROFILE_VARIABLE,
    PROFILES,
    echo_problem,
    error_shape_problem,
    reason_problem,
    window_problem,
)
from contracts.testing import hooks


def profile() -> str:
    """The profile the checks judge by: ``INSIGHT_CONTRACTS_PROFILE``, or ``contract``."""
    chosen = os.environ.get(PROFILE_VARIABLE) or CONTRACT
    if chosen not in PROFILES:
        raise ValueError(f"{PROFILE_VARIABLE} must be one of {', '.join(PROFILES)}, not {chosen!r}")
    return chosen


# --- Schemathesis registration ---------------------------------------------------------------------------------------


def _is_report_case(case: Any) -> bool:
    return hooks.is_report_operation(case.operation)


def _body_is_positive(case: Any) -> bool:
    meta = case.meta
    return meta is not None and not any(meta.is_negative_at(location) for location in ParameterLocation)


def _content_type(response: Any) -> str | None:
    values = response.headers.get("content-type") or [None]  # Schemathesis: lower-case keys, list values
    return values[0]  # type: ignore[no-any-return]


@schemathesis.check
def insight_error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    problem = error_shape_problem(
        default_contract(), response.status_code, _content_type(response), response.content, profile()
    )
    if problem:
        raise AssertionError(problem)
    return None


@schemathesis.check
def insight_echo(ctx: Any, response: Any, case: Any) -> bool | None:
    if _is_report_case(case) and _body_is_positive(case):
        problem = echo_problem(default_contract(), case.body, response.status_code, response.content, profile())
        if problem:
            raise AssertionError(problem)
    return None


@schemathesis.check
def insight_window_rules(ctx: Any, response: Any, case: Any) -> bool | None:
    if _is_report_case(case) and _body_is_positive(case) and response.status_code in (200, 400):
        contract = default_contract()
        problem = window_problem(contract, case.body, response.status_code)
        if problem is None and response.status_code == 400 and profile() == MOCK:
            # A window refused for its window must say where: the places our validator finds.
            found = validation.validate_body(contract, case.body)
            if found and all(validation.is_window_problem(violation) for violation in found):
                paths = tuple(dict.fromkeys(violation.path for violation in found))
                problem = reason_problem(paths, response.status_code, response.content)
        if problem:
            raise AssertionError(problem)
    return None
