"""Which report requests are accepted: the account id and the body, or the 400 that lists every problem.

The one judge of a request's account and params, called by the mock's gate, its report downloads and the validating
proxy alike. The rules themselves are the contract's (``contracts.model.validation``); here they become errors.
"""

from __future__ import annotations

from typing import Any

from contracts.model import validation
from contracts.model.contract import Contract
from contracts.rules.periods import Violation
from mockserver.decisions.errors import InvalidBody, InvalidParameter, InvalidPeriod


def check_account(contract: Contract, aid: str) -> None:
    if not contract.account_pattern.search(aid):
        raise InvalidParameter(
            f"account id {aid!r} is malformed; it is 'P' or 'T' followed by 8 digits, e.g. P12345678",
            problems=[Violation("pattern", "aid", f"{aid!r} does not match {contract.account_schema['pattern']}")],
        )


def check_body(contract: Contract, body: Any) -> dict[str, Any]:
    """The accepted params of a parsed body, or the 400 that lists every problem."""
    problems = validation.validate_body(contract, body)
    if not problems:
        return validation.accepted_params(contract, body)
    if all(validation.is_window_problem(problem) for problem in problems):
        raise InvalidPeriod(
            problems[0].message if len(problems) == 1 else "the report period is invalid", problems=problems
        )
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    raise InvalidBody(f"the report request has {count}: {problems[0].message}", problems=problems)
