"""Deliberately broken variants of the mock, to prove that `insight-contracts check` catches real breakage.

    python -m tests.contracts.checker.mutants NAME PORT

Each mutant is the real mock with one plausible bug, the kind a team ships by a one-line mistake, injected only
through seams that stay stable while the mock's internals change: an edited copy of the contract, ``Settings``, a
pure function of ``contracts.rules.periods``/``contracts.model.validation``/``mockserver.decisions.security`` replaced,
``mockserver.decisions.acceptance.check_account``/``check_body``, ``errors.InvalidPeriod``, or a small ASGI middleware
around ``create_app``. ``REAL`` is the unmodified mock. Every server, the real one included, allows the browser origin
the checker sends, so CORS on error answers is checked too.

``caught_by`` is the exact rule (``case: judgement``) the check must report for the mutant, under ``profile``: the
default ``contract`` profile for a bug that breaks the published contract, ``mock`` for one that breaks only our mock's
own conventions (a charset refused, CORS on errors, the field and the right value named): under the contract profile
those mutants are legal servers.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.checker.properties import DEFAULT_ORIGIN
from contracts.document import spec
from contracts.model import validation
from contracts.model.contract import default_contract
from contracts.model.judgements import CONTRACT, MOCK
from contracts.rules import periods
from mockserver.app import create_app
from mockserver.decisions import acceptance, errors, security
from mockserver.decisions.security import AuthMode
from mockserver.settings import Settings

Json = dict[str, Any]
REAL = "real-mock"


@dataclass(frozen=True)
class Mutant:
    bug: str  # what a user of the broken server would see
    caught_by: str  # the rule the check must report
    build: Callable[[], Settings] = Settings
    wrap: Callable[[ASGIApp], ASGIApp] | None = None
    profile: str = CONTRACT  # the profile that owns the rule


# --- seams ---------------------------------------------------------------------------------------------------------


def edited_contract(edit: Callable[[Json], None]) -> Settings:
    """Settings that serve a copy of the contract with one edit."""
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    edit(document)
    path = Path(tempfile.mkdtemp()) / "insight.yaml"
    path.write_text(spec.dump_yaml(document), encoding="utf-8")
    return Settings(spec_path=path)


def _variant_schema(document: Json, data_type: str) -> Json:
    for _, node in spec.walk(document):
        if isinstance(node, dict) and isinstance(node.get("discriminator"), dict):
            mapping = node["discriminator"].get("mapping", {})
            if data_type in mapping:
                return spec.resolve_pointer(document, mapping[data_type])  # type: ignore[no-any-return]
    raise LookupError(data_type)


def property_of(document: Json, data_type: str, name: str) -> Json:
    """The schema of one property of a variant, in the document itself (so edits change the served contract)."""
    pending = [_variant_schema(document, data_type)]
    while pending:
        node = pending.pop()
        if name in node.get("properties", {}):
            found: Json = node["properties"][name]
            return spec.resolve_pointer(document, found["$ref"]) if "$ref" in found else found
        pending += [part for part in node.get("allOf", []) if isinstance(part, dict)]
    raise LookupError(f"{data_type}.{name}")


def replaced(module: Any, name: str, make: Callable[[Any], Any]) -> Settings:
    """Replace ``module.name`` by ``make(original)``: the one-line bug, as a wrapper of the real function."""
    setattr(module, name, make(getattr(module, name)))
    return Settings()


ORDERS = "orders/orderoperations"


def orders_accept_monthly() -> Settings:
    return edited_contract(lambda doc: property_of(doc, ORDERS, "schedule")["enum"].append("monthly"))


def pdf_for_orders() -> Settings:
    return edited_contract(lambda doc: property_of(doc, ORDERS, "contentType")["enum"].append("application/pdf"))


def language_no_read_as_false() -> Settings:
    """YAML 1.1's `no` is False: the enum holds a boolean and Norwegian is refused (DESIGN, defect D8)."""

    def edit(document: Json) -> None:
        for data_type in default_contract().data_types:
            enum = property_of(document, data_type, "language")["enum"]
            enum[enum.index("no")] = False

    return edited_contract(edit)


def unknown_filter_keys_accepted() -> Settings:
    def edit(document: Json) -> None:
        items = property_of(document, ORDERS, "reportFilters")["items"]
        target = spec.resolve_pointer(document, items["$ref"]) if "$ref" in items else items
        del target["properties"]["filter"]["enum"]

    return edited_contract(edit)


def scopes_lost() -> Settings:
    def edit(document: Json) -> None:
        for _, _, operation in spec.operations(document):
            operation.pop(spec.SCOPES_EXTENSION, None)

    return edited_contract(edit)


def ignores_window() -> Settings:
    return replaced(validation, "_window_problems", lambda original: lambda body, known: [])


def echoes_wrong_params() -> Settings:
    return replaced(
        validation,
        "accepted_params",
        lambda original: lambda contract, body: {**original(contract, body), "language": "en"},
    )


def unknown_data_type_crashes() -> Settings:
    def make(original: Any) -> Any:
        def variant_for(contract: Any, body: Any) -> Any:
            if isinstance(body, dict) and isinstance(body.get(contract.discriminator), str):
                return contract.variants[body[contract.discriminator]]  # KeyError: a 500 for an unknown dataType
            return original(contract, body)

        return variant_for

    return replaced(validation, "variant_for", make)


def rejects_second_half_of_month() -> Settings:
    half = periods.SCHEDULES["twice-a-month"]
    periods.SCHEDULES["twice-a-month"] = dataclasses.replace(half, is_start=lambda day: day.day == 1)
    return Settings()


def weekly_starts_on_sunday() -> Settings:
    weekly = periods.SCHEDULES["weekly"]
    periods.SCHEDULES["weekly"] = dataclasses.replace(weekly, is_start=lambda day: day.weekday() in (0, 6))
    return Settings()


def twice_a_month_from_the_15th() -> Settings:
    def end_of(start: date) -> date:
        return (
            start.replace(day=15) if start.day == 1 else date(start.year + start.month // 12, start.month % 12 + 1, 1)
        )

    half = periods.SCHEDULES["twice-a-month"]
    periods.SCHEDULES["twice-a-month"] = dataclasses.replace(
        half,
        is_start=lambda day: day.day in (1, 15),
        end_of=end_of,
        start_of=lambda day: day.replace(day=1 if day.day < 15 else 15),
    )
    return Settings()


def daily_window_of_two_days() -> Settings:
    def make(original: Any) -> Any:
        def check(schedule: Any, start: Any, end: Any) -> Any:
            if schedule.name == "daily" and end.day - start.day == timedelta(days=2):
                return []  # `<= 2` where `== 1` was meant
            return original(schedule, start, end)

        return check

    return replaced(periods, "_check_schedule", make)


def wrong_expected_to() -> Settings:
    """The message names the window after the one sent: `end_of(to)` where `end_of(from)` was meant."""

    def make(original: Any) -> Any:
        def check(schedule: Any, start: Any, end: Any) -> Any:
            found = original(schedule, start, end)
            if found and found[0].rule == periods.WINDOW_END:
                wrong = end.with_day(schedule.end_of(schedule.end_of(start.day))).render()
                message = found[0].message.replace(str(found[0].expected), wrong)
                return [dataclasses.replace(found[0], message=message, expected=wrong)]
            return found

        return check

    return replaced(periods, "_check_schedule", make)


def window_end_reported_at_from() -> Settings:
    """A wrong `to` is reported at `/from`: the client is told to fix the field that is right."""

    def make(original: Any) -> Any:
        def check(schedule: Any, start: Any, end: Any) -> Any:
            return [
                dataclasses.replace(found, path="/from", message=found.message.replace("'to'", "'from'"))
                for found in original(schedule, start, end)
            ]

        return check

    return replaced(periods, "_check_schedule", make)


def mixed_offsets_accepted() -> Settings:
    """Every pair of offsets is taken for a daylight-saving change: the offsets are never compared."""
    periods.MAX_SHIFT = timedelta(days=1)
    periods._same_zone = lambda start, end: True  # type: ignore[assignment]
    return Settings()


def ignores_expiry() -> Settings:
    def make(original: Any) -> Any:
        return lambda claims, now: original({k: v for k, v in claims.items() if k != "exp"}, now)

    return replaced(security, "_check_lifetime", make)


def ignores_not_before() -> Settings:
    def make(original: Any) -> Any:
        return lambda claims, now: original({k: v for k, v in claims.items() if k != "nbf"}, now)

    return replaced(security, "_check_lifetime", make)


def ignores_account_claim() -> Settings:
    security.ACCOUNT_CLAIM = "account_id"  # the claim is called aid
    return Settings()


def scope_prefix_match() -> Settings:
    required = default_contract().required_scopes

    def make(original: Any) -> Any:
        return lambda claims: frozenset(r for r in required for s in original(claims) if s.startswith(r))

    return replaced(security, "token_scopes", make)


def scope_case_insensitive() -> Settings:
    return replaced(
        security, "token_scopes", lambda original: lambda claims: frozenset(s.lower() for s in original(claims))
    )


def accepts_unsigned_tokens() -> Settings:
    security.SIGNED_ALGORITHMS = security.SIGNED_ALGORITHMS | {"none"}
    return Settings()


def window_errors_are_422() -> Settings:
    errors.InvalidPeriod.status = 422  # type: ignore[misc]
    return Settings()


def skips_account_check() -> Settings:
    acceptance.check_account = lambda contract, aid: None  # type: ignore[assignment]
    return Settings()


def crashes_on_filters() -> Settings:
    original = acceptance.check_body

    def check_body(contract: Any, body: Any) -> dict[str, Any]:
        if isinstance(body, dict) and body.get("reportFilters"):
            raise RuntimeError("filters not implemented")
        return original(contract, body)

    acceptance.check_body = check_body  # type: ignore[assignment]
    return Settings()


class ProblemJson:
    """Errors as application/problem+json (Connexion's default), not the contract's Error object."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 0

        async def rewrite(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status >= 400:
                    body = f'{{"type":"about:blank","title":"Error","status":{status},"detail":"refused"}}'.encode()
                    headers = [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ]
                    await send({**message, "headers": headers})
                    await send({"type": "http.response.body", "body": body})
                    return
            elif status >= 400:
                return
            await send(message)

        await self.app(scope, receive, rewrite)


class RequestHeaderBug:
    """Rewrites the request's Content-Type before the mock reads it: the server's media-type check has the bug."""

    def __init__(self, app: ASGIApp, rewrite: Callable[[bytes | None], bytes]) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-type"]
            sent = next((v for k, v in scope["headers"] if k.lower() == b"content-type"), None)
            scope = {**scope, "headers": [*headers, (b"content-type", self.rewrite(sent))]}
        await self.app(scope, receive, send)


def charset_ignored(app: ASGIApp) -> ASGIApp:
    """Only the media type is compared; a charset parameter is never looked at."""
    return RequestHeaderBug(app, lambda sent: (sent or b"").split(b";")[0])


def content_type_ignored(app: ASGIApp) -> ASGIApp:
    """Every body is parsed as JSON whatever its Content-Type."""
    return RequestHeaderBug(app, lambda sent: b"application/json")


class NoCorsOnErrors:
    """Drops the CORS headers from error answers (CORS added inside an error handler that runs after it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def strip(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                headers = [
                    (k, v) for k, v in message.get("headers", []) if not k.lower().startswith(b"access-control-")
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, strip)


MUTANTS: dict[str, Mutant] = {
    "orders-accept-monthly": Mutant(
        "orders also accept `monthly`", "refused schedule=monthly: status", orders_accept_monthly
    ),
    "pdf-for-orders": Mutant(
        "orders also accept application/pdf", "refused contentType=application/pdf: status", pdf_for_orders
    ),
    "language-no-read-as-false": Mutant(
        "`no` in the contract read as YAML 1.1 False", "valid: status", language_no_read_as_false
    ),
    "unknown-filter-keys-accepted": Mutant(
        "any filter key for orders", "refused filter=not-a-filter: status", unknown_filter_keys_accepted
    ),
    "scopes-lost": Mutant("no scope check (the contract lost its scopes)", "auth no-scope: status", scopes_lost),
    "ignores-window": Mutant("from/to never checked against the schedule", "window-start: status", ignores_window),
    "echoes-wrong-params": Mutant("the 200 echo always says English", "valid: echo", echoes_wrong_params),
    "unknown-data-type-crashes": Mutant(
        "an unknown dataType is a KeyError: 500", "unknown-data-type: status", unknown_data_type_crashes
    ),
    "rejects-second-half-of-month": Mutant(
        "twice-a-month from the 16th refused", "valid: status", rejects_second_half_of_month
    ),
    "weekly-starts-on-sunday": Mutant(
        "a weekly window may start on a Sunday", "window-start: status", weekly_starts_on_sunday
    ),
    "twice-a-month-from-the-15th": Mutant("the halves split at the 15th", "valid: status", twice_a_month_from_the_15th),
    "daily-window-of-two-days": Mutant(
        "a daily window of two days accepted", "window-too-long: status", daily_window_of_two_days
    ),
    "wrong-expected-to": Mutant(
        "the message names the wrong `to`", "window-too-long: named-value", wrong_expected_to, profile=MOCK
    ),
    "window-end-reported-at-from": Mutant(
        "a wrong `to` reported at /from", "window-too-long: reason", window_end_reported_at_from, profile=MOCK
    ),
    "mixed-offsets-accepted": Mutant(
        "from and to may carry different offsets", "mixed-offsets: status", mixed_offsets_accepted
    ),
    "ignores-expiry": Mutant("expired tokens accepted", "auth expired: status", ignores_expiry),
    "ignores-not-before": Mutant("tokens used before nbf accepted", "auth not-yet-valid: status", ignores_not_before),
    "ignores-account-claim": Mutant(
        "a token for another account accepted", "auth other-account: status", ignores_account_claim
    ),
    "scope-prefix-match": Mutant(
        "write:insights passes for write:insight", "auth scope write:insights: status", scope_prefix_match
    ),
    "scope-case-insensitive": Mutant(
        "WRITE:INSIGHT passes for write:insight", "auth scope WRITE:INSIGHT: status", scope_case_insensitive
    ),
    "accepts-unsigned-tokens": Mutant("alg none accepted", "auth unsigned-token: status", accepts_unsigned_tokens),
    "accepts-any-charset": Mutant(
        "charset=latin-1 accepted",
        "media application/json; charset=latin-1: status",
        wrap=charset_ignored,
        profile=MOCK,
    ),
    "ignores-content-type": Mutant(
        "any Content-Type read as JSON", "media text/plain: status", wrap=content_type_ignored
    ),
    "skips-auth": Mutant("no token needed", "auth no-token: status", lambda: Settings(auth=AuthMode.OFF)),
    "window-errors-are-422": Mutant("a broken window answers 422", "window-start: status", window_errors_are_422),
    "skips-account-check": Mutant("any account id accepted", "account-id-pattern: status", skips_account_check),
    "crashes-on-filters": Mutant("a 500 whenever reportFilters is sent", "valid: status", crashes_on_filters),
    "problem-json": Mutant("errors as application/problem+json", "auth no-token: shape", wrap=ProblemJson),
    "no-cors-on-errors": Mutant(
        "CORS headers missing on error answers", "cors: cors-on-errors", wrap=NoCorsOnErrors, profile=MOCK
    ),
}


# Caches of documents read from files, not of verdicts: no mutant patches what they hold.
DOCUMENT_CACHES = ("default_contract", "published_answers")


def forget_remembered_verdicts() -> None:
    """Empty every cache of verdicts in our modules (the window rules', parsed media types...): a process forked from
    one that already judged requests would otherwise answer from them, and never reach the mutant's patched function."""
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] in ("contracts", "mockserver"):
            for name, value in list(vars(module).items()):
                if callable(getattr(value, "cache_clear", None)) and name not in DOCUMENT_CACHES:
                    value.cache_clear()


def app_of(name: str) -> ASGIApp:
    """The mock with the mutant's bug (``REAL``: none). The bug patches this process's modules: one mutant a process."""
    forget_remembered_verdicts()
    mutant = MUTANTS.get(name, Mutant("none", ""))
    settings = dataclasses.replace(mutant.build(), cors_origins=(DEFAULT_ORIGIN,))
    # Some edited contracts allow reports no renderer has (PDF for orders, a language False), which the real mock
    # refuses at start; the checker never downloads a report, so the mutants serve them anyway.
    app: ASGIApp = create_app(settings, check_reports=False)
    return mutant.wrap(app) if mutant.wrap is not None else app


def serve(name: str, port: int) -> None:
    uvicorn.run(app_of(name), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
