"""Schemathesis hooks that make generated report requests semantically valid.

The contract can only say that ``from`` and ``to`` look like dates; which windows a ``schedule`` accepts is prose
(``contracts.rules.periods``). Left alone, Schemathesis sends "schema-valid" windows such as ``0000-00-00`` that the API
rightly refuses, and ``positive_data_acceptance`` reports every one of them. These hooks replace ``from``/``to`` of
every POSITIVE body of the report operation with a window that matches its ``schedule``. A NEGATIVE body is never
touched: what Schemathesis mutated (perhaps ``from``, ``to`` or ``schedule`` itself) reaches the API as generated, and
``negative_data_rejection`` still expects a refusal.

Positive or negative is read per component from the case's metadata (``case.meta.is_negative_at(BODY)``), not from
the case's overall mode: a case that is negative only through its ``aid`` still gets a valid window, so the ``aid`` is
the one thing wrong with it. Body-level hooks (``map_body``/``flatmap_body``) cannot tell: Schemathesis unwraps the
generated value before calling them, so they see a negative body exactly like a positive one.

Each phase builds its cases differently, so each has its hook:

* ``flatmap_case``: cases drawn by Hypothesis (fuzzing, stateful). The day and the form (date, or date-time with a UTC
  offset) are drawn, so they vary and shrink (to the date form, 2000-01-01).
* ``map_case``: the coverage phase, whose cases are built without Hypothesis and which applies only ``filter_case``
  and ``map_case``. The window is chosen deterministically from the generated body.
* none for the examples phase: it sends the request examples the contract declares, and those are tested as written
  (a documented example with a wrong window is a finding, not something to repair).

Load with ``SCHEMATHESIS_HOOKS=contracts.testing.hooks`` (CLI), ``hooks = "contracts.testing.hooks"`` in a config file,
or by importing this module (pytest): importing registers the hooks globally; they act on the report operation only.
"""

from __future__ import annotations

import json
import zlib
from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

from contracts.model.contract import default_contract
from contracts.rules import periods
from contracts.testing.strategies import COMMON_OFFSETS, LAST_DAY, Window, window_in_range, windows

Case = schemathesis.Case[Any]
APIOperation = schemathesis.APIOperation[Any, Any, Any, Any]

FORMS: tuple[timedelta | None, ...] = (None, *COMMON_OFFSETS)


def is_report_operation(operation: APIOperation | None) -> bool:
    """Whether an operation is the contract's report operation (by operationId, never by a hard-coded name)."""
    return operation is not None and operation.schema.get_operation_id(operation) == default_contract().operation_id


def positive_report_body(context: schemathesis.HookContext, case: Case) -> dict[str, Any] | None:
    """The body of a case whose window we should make valid: a positive report request; otherwise ``None``.

    A case without generation metadata (built by hand) cannot say whether its body is negative, so it is left alone.
    """
    meta, body = case.meta, case.body
    if (
        is_report_operation(context.operation)
        and meta is not None
        and not meta.is_negative_at(ParameterLocation.BODY)
        and isinstance(body, dict)
        and isinstance(schedule := body.get("schedule"), str)
        and schedule in periods.SCHEDULES
    ):
        return body
    return None


def fixed_window(body: dict[str, Any]) -> Window:
    """A window for a coverage case, which Hypothesis does not draw: varied, yet the same in every run.

    It varies from body to body through ``zlib.crc32`` of the body (Python's ``hash()`` is salted per process).
    """
    digest = zlib.crc32(json.dumps(body, sort_keys=True, default=repr).encode())
    day = periods.EARLIEST + timedelta(days=digest % (LAST_DAY - periods.EARLIEST).days)
    return window_in_range(body["schedule"], day, FORMS[digest % len(FORMS)])


def with_window(case: Case, body: dict[str, Any], window: Window) -> Case:
    """The case with ``from``/``to`` replaced; assigning ``case.body`` makes Schemathesis revalidate its metadata."""
    case.body = {**body, "from": window[0], "to": window[1]}
    return case


@schemathesis.hook
def flatmap_case(context: schemathesis.HookContext, case: Case) -> st.SearchStrategy[Case]:
    """Hypothesis-drawn cases: draw a valid window for a positive body, so it is varied and shrinkable."""
    body = positive_report_body(context, case)
    if body is None:
        return st.just(case)
    return windows(body["schedule"]).map(lambda window: with_window(case, body, window))


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: Case) -> Case:
    """Coverage cases, which only ``filter_case``/``map_case`` reach: a fixed window for a positive body.

    Drawn cases pass through ``map_case`` too (before ``flatmap_case``); they are left to ``flatmap_case``.
    """
    meta = case.meta
    if meta is None or meta.phase.name != TestPhase.COVERAGE:
        return case
    body = positive_report_body(context, case)
    return case if body is None else with_window(case, body, fixed_window(body))
