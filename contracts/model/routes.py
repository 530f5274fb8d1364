"""Which operation of the contract a request path names: one matcher, built from the contract's path templates.

The mock routes through Connexion, which hands each path template to Starlette's router; this module compiles the
same templates with the same Starlette function, so the proxy (and anything else that must know "is this the report
operation?") agrees with the mock on every path. Only the path is matched here: a wrong method on a matching path is
the router's 405, not a different operation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.routing import compile_path

from contracts.document import spec

_PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class OperationRoute:
    """One operation of the contract: where it lives (``base_path`` + path template) and how it is called."""

    method: str  # upper case
    template: str  # the full path template, e.g. /v1/accounts/{aid}/insight/generate-report
    operation_id: str
    regex: re.Pattern[str]
    names: dict[str, str]  # Starlette's parameter name -> the contract's

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters (by the contract's names) when ``path`` is this operation's, else None."""
        found = self.regex.match(path)
        if found is None:
            return None
        return {self.names[name]: value for name, value in found.groupdict().items()}


def whole_path(regex: re.Pattern[str]) -> re.Pattern[str]:
    """A Starlette path regex that matches the whole path and nothing but it.

    Starlette ends its regexes with ``$``, which also matches before a final line break, and its mounts use ``.``,
    which stops at one: ``/v1/.../generate-report%0A`` would be the operation and ``/v1/accounts/P1%0A/...`` no route.
    A decoded path may hold any character; here ``\\Z`` ends it and ``.`` takes line breaks too.
    """
    pattern = regex.pattern.removesuffix("$") + r"\Z" if regex.pattern.endswith("$") else regex.pattern
    return re.compile(pattern, regex.flags | re.DOTALL)


def route(method: str, template: str, operation_id: str) -> OperationRoute:
    # Starlette's templates allow only identifiers as names (Connexion rewrites the others the same way).
    names = {re.sub(r"\W", "_", name): name for name in _PARAMETER.findall(template)}
    starlette_template = _PARAMETER.sub(lambda found: "{" + re.sub(r"\W", "_", found.group(1)) + "}", template)
    regex, _, _ = compile_path(starlette_template)
    return OperationRoute(method.upper(), template, operation_id, whole_path(regex), names)


def routes_of(document: dict[str, Any], base_path: str) -> tuple[OperationRoute, ...]:
    """Every operation of a contract served under ``base_path``."""
    return tuple(
        route(method, base_path + path, str(operation.get("operationId", "")))
        for path, method, operation in spec.operations(document)
    )


def allowed_methods(routes: Iterable[OperationRoute], path: str) -> str | None:
    """The ``Allow`` value for ``path``: every method the contract declares on it (HEAD with GET), None for no route.

    Connexion keeps one Starlette route per operation, so Starlette's own 405 lists only the methods of the first
    route the path matched; this answers for the path as a whole, from the same matcher.
    """
    methods: list[str] = []
    for operation in routes:
        if operation.match(path) is not None:
            methods += [operation.method, "HEAD"] if operation.method == "GET" else [operation.method]
    return ", ".join(dict.fromkeys(methods)) or None
