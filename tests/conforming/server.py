"""A second, independent implementation of the Insight report operation: the oracle the checker is tested against.

Written from the published document (``spec/insight.upstream.yaml``, read with PyYAML) and the prose rules of
DESIGN.md section 4 only. It imports nothing from ``contracts`` or ``mockserver`` (an import-linter contract in
pyproject.toml keeps it so), so a bug the mock shares with the checker's own rules cannot hide here.

It keeps the published contract with habits of its own, all legal, all different from the mock's:

* errors are ``{"error": {"code": "<lower_snake>", "message": "..."}}``: no ``errors`` list, its own codes and wording;
* a ``charset`` parameter of ``Content-Type`` is ignored (RFC 8259 gives JSON none; recipients ignore it);
* bodies up to 32 KiB (the mock takes 64 KiB); its own 404 and 405 wording;
* the 200 echoes the body as sent, without filling in a default ``contentType`` (the published document has none);
* no CORS;
* ``from``/``to`` date-times must carry the same offset (DESIGN section 4's words; the mock also accepts the two
  offsets of one time zone across a daylight-saving change, which no probe of the checker sends).

Each check is a method of ``ConformingServer``, so a mutant (``tests/conforming/mutants.py``) is a subclass that
overrides one of them with a realistic one-line bug.

    python -m tests.conforming.server PORT [MUTANT]
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import jwt
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import request_response

UPSTREAM = Path(__file__).resolve().parents[2] / "spec" / "insight.upstream.yaml"
PREFIX = "/v1"  # the path of the published server URL, https://api.dintero.com/v1
ROUTE = re.compile(r"^/v1/accounts/([^/]+)/insight/generate-report$")
BODY_LIMIT = 32 * 1024
CLOCK_SKEW = 30  # seconds of tolerance on exp and nbf
FIRST_DAY, END_OF_RANGE = date(2000, 1, 1), date(2100, 1, 1)
DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)

Json = dict[str, Any]


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def bad_request(message: str) -> Refusal:
    return Refusal(400, "bad_request", message)


# --- what the published document says -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """The report operation as the published document states it."""

    discriminator: str  # the property that names the variant
    variants: dict[str, Json]  # its value -> a JSON Schema of that variant's body
    scopes: tuple[str, ...]  # from the operation's description (the document states them only there)
    account: re.Pattern[str]  # the aid parameter's `format`, which is a regex


def _resolve(document: Json, node: Any) -> Any:
    """A copy of ``node`` with local refs replaced, except references back to the polymorphic parent."""
    if isinstance(node, list):
        return [_resolve(document, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _resolve(document, target)
    return {key: _resolve(document, value) for key, value in node.items()}


@cache
def published() -> Published:
    document = yaml.safe_load(UPSTREAM.read_text(encoding="utf-8"))
    operation = document["paths"]["/accounts/{aid}/insight/generate-report"]["post"]
    body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    parent_name = body_ref.rsplit("/", 1)[1]
    parent = document["components"]["schemas"][parent_name]
    variants = {}
    for data_type, target in parent["discriminator"]["mapping"].items():
        ref = target["$ref"] if isinstance(target, dict) else target  # mapping values are {$ref} objects upstream
        schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        # Each variant's allOf names the parent (which lists the variants again): only its own part is its body.
        own = [part for part in schema["allOf"] if part.get("$ref") != body_ref]
        variants[data_type] = {"type": "object", "allOf": _resolve(document, own)}
    scopes = tuple(re.findall(r"^\s*-\s*(\S+:\S+)\s*$", operation["description"], re.M))
    (parameter,) = [_resolve(document, p) for p in operation["parameters"]]
    account = re.compile(parameter["schema"]["format"], re.ASCII)
    return Published(parent["discriminator"]["propertyName"], variants, scopes, account)


# --- the calendar of DESIGN section 4 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    day: date
    offset: str | None  # None for a date; "+00:00" for Z


class ConformingServer:
    """The report operation, check by check. ``secret``: verify HS256 signatures (otherwise claims only)."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret
        self.contract = published()
        self.validators: dict[int, jsonschema.Draft4Validator] = {}

    # --- auth -------------------------------------------------------------------------------------------------------

    def claims(self, authorization: str | None) -> Json:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refusal(401, "unauthenticated", "a bearer token is required", {"WWW-Authenticate": "Bearer"})
        try:
            header = jwt.get_unverified_header(token)
            if self.refuses_algorithm(str(header.get("alg", ""))):
                raise Refusal(401, "unauthenticated", "unsigned tokens are not accepted")
            if self.secret is None:
                claims = jwt.decode(token, options={"verify_signature": False})
            else:
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_exp": False})
        except jwt.PyJWTError as error:
            raise Refusal(401, "unauthenticated", f"the token cannot be used: {error}") from None
        self.check_lifetime(claims, time.time())
        return dict(claims)

    def refuses_algorithm(self, algorithm: str) -> bool:
        return algorithm.lower() == "none"

    def check_lifetime(self, claims: Json, now: float) -> None:
        if "exp" in claims and float(claims["exp"]) < now - CLOCK_SKEW:
            raise Refusal(401, "unauthenticated", "the token has expired")
        if "nbf" in claims and float(claims["nbf"]) > now + CLOCK_SKEW:
            raise Refusal(401, "unauthenticated", "the token is not valid yet")

    def granted(self, claims: Json) -> set[str]:
        scope = claims.get("scope", "")
        granted = set(scope.split()) if isinstance(scope, str) else set()
        scp = claims.get("scp", [])
        granted |= set(scp.split()) if isinstance(scp, str) else {str(item) for item in scp}
        return granted

    def check_scope(self, claims: Json) -> None:
        if not self.granted(claims) & set(self.contract.scopes):
            raise Refusal(403, "forbidden", f"this needs one of the scopes {', '.join(self.contract.scopes)}")

    def check_account_claim(self, claims: Json, aid: str) -> None:
        if "aid" in claims and claims["aid"] != aid:
            raise Refusal(403, "forbidden", "the token belongs to a different account")

    # --- the request ------------------------------------------------------------------------------------------------

    def check_media_type(self, content_type: str | None) -> None:
        essence = (content_type or "").split(";", 1)[0].strip().lower()
        if essence != "application/json":
            raise Refusal(415, "unsupported_media_type", "please send the report parameters as application/json")

    def check_account(self, aid: str) -> None:
        if not self.contract.account.fullmatch(aid):
            raise bad_request(f"{aid} is not an account id")

    def parse(self, raw: bytes) -> Any:
        if len(raw) > BODY_LIMIT:
            raise Refusal(413, "too_large", f"at most {BODY_LIMIT // 1024} KiB, please")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise bad_request("the body is not JSON") from None

    def variant(self, body: Any) -> Json:
        if not isinstance(body, dict):
            raise bad_request("the body must be an object")
        name = body.get(self.contract.discriminator)
        schema = self.contract.variants.get(name) if isinstance(name, str) else None
        if schema is None:
            raise bad_request(f"{self.contract.discriminator} must be one of {', '.join(self.contract.variants)}")
        return schema

    def check_schema(self, body: Json, schema: Json) -> None:
        validator = self.validators.get(id(schema))
        if validator is None:  # one validator per schema, built once (the schemas live as long as the server)
            validator = self.validators[id(schema)] = jsonschema.Draft4Validator(schema)
        if not validator.is_valid(body):
            error = jsonschema.exceptions.best_match(validator.iter_errors(body))
            raise bad_request(f"invalid report parameters: {error.message if error else 'invalid'}")

    # --- from/to (DESIGN section 4) ---------------------------------------------------------------------------------

    def bound(self, text: Any) -> Bound:
        if not isinstance(text, str):
            raise bad_request("from and to must be strings")
        if DATE.match(text):
            return Bound(self.calendar_day(text), None)
        found = DATE_TIME.match(text)
        if found is None:
            raise bad_request(f"{text!r} is neither a date nor a date-time")
        day, hours, minutes, seconds, fraction, zone = found.groups()
        self.check_midnight(hours, minutes, seconds, fraction)
        offset = "+00:00" if zone in ("Z", "z") else zone
        if int(offset[1:3]) > 23 or int(offset[4:6]) > 59:
            raise bad_request(f"{zone} is not a UTC offset")
        return Bound(self.calendar_day(day), offset)

    def check_midnight(self, hours: str, minutes: str, seconds: str, fraction: str | None) -> None:
        if (hours, minutes, seconds) != ("00", "00", "00") or (fraction or "0").strip("0"):
            raise bad_request("a date-time must be midnight")

    def calendar_day(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise bad_request(f"{text} is not a day of the calendar") from None

    def check_forms(self, start: Bound, end: Bound) -> None:
        if (start.offset is None) != (end.offset is None):
            raise bad_request("from and to must both be dates or both be date-times")
        if start.offset != end.offset:
            raise bad_request("from and to must have the same UTC offset")

    def check_range(self, start: date, end: date) -> None:
        if start < FIRST_DAY or end > END_OF_RANGE:
            raise bad_request("reports cover 2000-01-01 up to 2100-01-01")

    def starts(self, schedule: str, day: date) -> bool:
        if schedule == "weekly":
            return day.weekday() == 0
        if schedule == "twice-a-month":
            return day.day in (1, 16)
        if schedule == "monthly":
            return day.day == 1
        return True

    def end_for(self, schedule: str, start: date) -> date:
        next_month = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        if schedule == "weekly":
            return start + timedelta(days=7)
        if schedule == "twice-a-month":
            return start.replace(day=16) if start.day == 1 else next_month
        if schedule == "monthly":
            return next_month
        return start + timedelta(days=1)

    def check_window(self, body: Json) -> None:
        if "from" not in body or "to" not in body:
            raise bad_request("from and to are required")
        start, end = self.bound(body["from"]), self.bound(body["to"])
        self.check_forms(start, end)
        self.check_range(start.day, end.day)
        schedule = str(body["schedule"])
        if not self.starts(schedule, start.day):
            raise bad_request(f"a {schedule} report cannot start on {start.day}")
        if end.day != self.end_for(schedule, start.day):
            raise bad_request(f"a {schedule} report starting {start.day} cannot end {end.day}")

    # --- the answer -------------------------------------------------------------------------------------------------

    def echo(self, body: Json) -> Json:
        return body

    def generate(self, aid: str, authorization: str | None, content_type: str | None, raw: bytes) -> Json:
        claims = self.claims(authorization)
        self.check_scope(claims)
        self.check_account_claim(claims, aid)
        self.check_media_type(content_type)
        self.check_account(aid)
        body = self.parse(raw)
        self.check_schema(body, self.variant(body))
        self.check_window(body)
        return self.echo(body)

    def error_body(self, refusal: Refusal) -> Json:
        return {"error": {"code": refusal.code, "message": refusal.message}}

    async def handle(self, request: Request) -> Response:
        found = ROUTE.match(request.url.path)
        try:
            if found is None:
                raise Refusal(404, "not_found", f"there is nothing at {request.url.path}")
            if request.method != "POST":
                raise Refusal(405, "method_not_allowed", "use POST here", {"Allow": "POST"})
            headers = request.headers
            raw = await request.body()
            echoed = self.generate(found.group(1), headers.get("authorization"), headers.get("content-type"), raw)
            return JSONResponse(echoed)
        except Refusal as refusal:
            return JSONResponse(self.error_body(refusal), refusal.status, headers=refusal.headers)
        except Exception as error:  # a bug: still the Error shape
            return JSONResponse({"error": {"code": "internal", "message": f"something broke: {error!r}"}}, 500)


def create_app(server: ConformingServer | None = None) -> Starlette:
    """Every request, whatever its method and path, reaches ``handle``, which answers 404 and 405 itself.

    No route: a route's pattern does not match a path holding a newline (an ``aid`` of ``%0A``), and Starlette's own
    404 for it is ``text/plain``, which the contract does not declare.
    """
    app = Starlette()
    app.router.default = request_response((server or ConformingServer()).handle)
    return app


def main(argv: list[str]) -> None:
    import uvicorn

    port = int(argv[0])
    server: ConformingServer = ConformingServer()
    if len(argv) > 1:
        from tests.conforming.mutants import MUTANTS

        server = MUTANTS[argv[1]].server()
    uvicorn.run(create_app(server), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
