"""Contract tools for Dintero's Insight generate-report API: what another test suite calls.

    from contracts import INVALID_KINDS, InvalidParams, invalid_report_params, report_params

* ``report_params(data_type=None, schedule=None)``: a Hypothesis strategy of fully valid report params;
* ``invalid_report_params(kind=None)``: one of params that break exactly one rule, each an ``InvalidParams``
  (``kind``, ``params``, ``violations``); ``INVALID_KINDS`` lists the kinds;
* ``run_check(base_url, token, *, profile="contract", ...)``: ``insight-contracts check`` from Python, returning a
  ``CheckReport`` (``exit_code``, ``kept``, ``failures``, ``failed_rules``, ``matrix``, ``as_json()``);
* ``PYTEST_PLUGIN``: the module of the fixtures (``insight_mock``, ``insight_token``, ``insight_auth_headers``),
  registered by the package's pytest entry point; name it in ``pytest_plugins`` where plugin autoloading is off.

Names are imported on first use (PEP 562), so ``import contracts`` imports neither Hypothesis nor Schemathesis and
registers nothing anywhere. Schemathesis' hooks and checks register themselves globally when imported, so they stay
an explicit choice: ``SCHEMATHESIS_HOOKS=contracts.testing.checks``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

PYTEST_PLUGIN = "contracts.testing.pytest_plugin"

# Each public name and the module that defines it, imported on first use.
_LAZY = {
    "report_params": "contracts.testing.strategies",
    "invalid_report_params": "contracts.testing.strategies",
    "InvalidParams": "contracts.testing.strategies",
    "INVALID_KINDS": "contracts.testing.strategies",
    "run_check": "contracts.checker.run",
    "CheckReport": "contracts.checker.run",
}

__all__ = [
    "INVALID_KINDS",
    "PYTEST_PLUGIN",
    "CheckReport",
    "InvalidParams",
    "invalid_report_params",
    "report_params",
    "run_check",
]

if TYPE_CHECKING:
    from contracts.checker.run import CheckReport, run_check
    from contracts.testing.strategies import INVALID_KINDS, InvalidParams, invalid_report_params, report_params


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
