"""Realistic bugs in the conforming server, each a one-line change of one of its checks.

``caught_by`` is the exact rule (``case: judgement``) the default check (``--profile contract``) must report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tests.conforming.server import ConformingServer, Json, Refusal, bad_request, published


@dataclass(frozen=True)
class Mutant:
    bug: str
    caught_by: str
    server: Callable[[], ConformingServer]


# --- auth claims ------------------------------------------------------------------------------------------------------


class ExpiryNotChecked(ConformingServer):
    def check_lifetime(self, claims: Json, now: float) -> None:
        super().check_lifetime({k: v for k, v in claims.items() if k != "exp"}, now)


class NotBeforeNotChecked(ConformingServer):
    def check_lifetime(self, claims: Json, now: float) -> None:
        super().check_lifetime({k: v for k, v in claims.items() if k != "nbf"}, now)


class UnsignedAccepted(ConformingServer):
    def refuses_algorithm(self, algorithm: str) -> bool:
        return algorithm == "None"  # compared case-sensitively with the wrong spelling


class ScopeSubstring(ConformingServer):
    def check_scope(self, claims: Json) -> None:
        scope = str(claims.get("scope", ""))
        if not any(required in scope for required in self.contract.scopes):  # "write:insights" contains it
            raise Refusal(403, "forbidden", "missing scope")


class ScopeCaseInsensitive(ConformingServer):
    def granted(self, claims: Json) -> set[str]:
        return {scope.lower() for scope in super().granted(claims)}


class NoScopeMeansEverything(ConformingServer):
    def check_scope(self, claims: Json) -> None:
        if self.granted(claims):  # a token without a scope claim is taken for an all-powerful service token
            super().check_scope(claims)


class AccountClaimIgnored(ConformingServer):
    def check_account_claim(self, claims: Json, aid: str) -> None:
        if "account_id" in claims and claims["account_id"] != aid:  # the claim is called aid
            raise Refusal(403, "forbidden", "wrong account")


class NoAuth(ConformingServer):
    def claims(self, authorization: str | None) -> Json:
        return {"scope": " ".join(self.contract.scopes)}


# --- each schedule's boundaries ---------------------------------------------------------------------------------------


class WeeklyMondayIsOne(ConformingServer):
    def starts(self, schedule: str, day: date) -> bool:
        if schedule == "weekly":
            return day.weekday() == 1  # isoweekday's Monday, with weekday()
        return super().starts(schedule, day)


class SecondHalfFromThe15th(ConformingServer):
    def starts(self, schedule: str, day: date) -> bool:
        if schedule == "twice-a-month":
            return day.day in (1, 15, 16)
        return super().starts(schedule, day)

    def end_for(self, schedule: str, start: date) -> date:
        if schedule == "twice-a-month" and start.day == 15:
            return super().end_for(schedule, start.replace(day=16))
        return super().end_for(schedule, start)


class MonthlyEndsOnTheLastDay(ConformingServer):
    def end_for(self, schedule: str, start: date) -> date:
        end = super().end_for(schedule, start)
        return end - timedelta(days=1) if schedule == "monthly" else end  # an inclusive end


class DailyOfAnyLength(ConformingServer):
    def check_window(self, body: Json) -> None:
        if body.get("schedule") == "daily":
            start, end = self.bound(body.get("from")), self.bound(body.get("to"))
            if end.day <= start.day:  # `<=` where `!= start + 1 day` was meant
                raise bad_request("to must be after from")
            return
        super().check_window(body)


# --- range edges and the bounds themselves ---------------------------------------------------------------------------


class RangeStartExcluded(ConformingServer):
    def check_range(self, start: date, end: date) -> None:
        if start <= date(2000, 1, 1):  # `<=` where `<` was meant
            raise bad_request("too early")
        super().check_range(start, end)


class RangeEndUnchecked(ConformingServer):
    def check_range(self, start: date, end: date) -> None:
        if start < date(2000, 1, 1):
            raise bad_request("too early")


class MixedFormsAccepted(ConformingServer):
    def check_forms(self, start: Any, end: Any) -> None:
        if start.offset is not None and end.offset is not None and start.offset != end.offset:
            raise bad_request("different offsets")


class OffsetsNotCompared(ConformingServer):
    def check_forms(self, start: Any, end: Any) -> None:
        if (start.offset is None) != (end.offset is None):
            raise bad_request("mixed forms")


class NotMidnightAccepted(ConformingServer):
    def check_midnight(self, hours: str, minutes: str, seconds: str, fraction: str | None) -> None:
        return None


class CalendarNotChecked(ConformingServer):
    def calendar_day(self, text: str) -> date:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, min(day, 28))  # "good enough" for the window arithmetic


# --- the discriminator and the enums ---------------------------------------------------------------------------------


class ScheduleOfAnyVariant(ConformingServer):
    def check_schema(self, body: Json, schema: Json) -> None:
        # The schedule looked up in a table of every variant's schedules, not in the body's own variant.
        every = {schedule for variant in published().variants.values() for schedule in _schedules(variant)}
        if body.get("schedule") in every:
            body = {**body, "schedule": _schedules(schema)[0]}
        super().check_schema(body, schema)


def _schedules(variant: Json) -> list[str]:
    return [s for part in variant["allOf"] for s in part.get("properties", {}).get("schedule", {}).get("enum", [])]


class UnknownDataTypeCrashes(ConformingServer):
    def variant(self, body: Any) -> Json:
        if isinstance(body, dict) and isinstance(body.get("dataType"), str):
            return published().variants[body["dataType"]]  # KeyError: a 500
        return super().variant(body)


class EveryContentTypeForEveryVariant(ConformingServer):
    def check_schema(self, body: Json, schema: Json) -> None:
        if body.get("contentType") in ("application/pdf", "text/csv"):
            body = {key: value for key, value in body.items() if key != "contentType"}
        super().check_schema(body, schema)


class AccountPatternUnchecked(ConformingServer):
    def check_account(self, aid: str) -> None:
        return None


# --- the answers ------------------------------------------------------------------------------------------------------


class EchoDropsFilters(ConformingServer):
    def echo(self, body: Json) -> Json:
        return {key: value for key, value in body.items() if key != "reportFilters"}


class ErrorWithoutEnvelope(ConformingServer):
    def error_body(self, refusal: Refusal) -> Json:
        return {"message": refusal.message, "code": refusal.code}  # the "error" wrapper forgotten


MUTANTS: dict[str, Mutant] = {
    "expiry-not-checked": Mutant("expired tokens accepted", "auth expired: status", ExpiryNotChecked),
    "not-before-not-checked": Mutant("tokens before nbf accepted", "auth not-yet-valid: status", NotBeforeNotChecked),
    "unsigned-accepted": Mutant("alg none accepted", "auth unsigned-token: status", UnsignedAccepted),
    "scope-substring": Mutant(
        "write:insights passes as write:insight", "auth scope write:insights: status", ScopeSubstring
    ),
    "scope-case-insensitive": Mutant(
        "WRITE:INSIGHT passes as write:insight", "auth scope WRITE:INSIGHT: status", ScopeCaseInsensitive
    ),
    "no-scope-means-everything": Mutant(
        "a token without scope passes", "auth no-scope: status", NoScopeMeansEverything
    ),
    "account-claim-ignored": Mutant(
        "a token for another account accepted", "auth other-account: status", AccountClaimIgnored
    ),
    "no-auth": Mutant("no token needed", "auth no-token: status", NoAuth),
    "weekly-monday-is-one": Mutant("weekly windows must start on a Tuesday", "valid: status", WeeklyMondayIsOne),
    "second-half-from-the-15th": Mutant(
        "twice-a-month may start on the 15th", "window-start: status", SecondHalfFromThe15th
    ),
    "monthly-ends-on-the-last-day": Mutant(
        "a monthly window must end on its last day", "valid: status", MonthlyEndsOnTheLastDay
    ),
    "daily-of-any-length": Mutant("a daily window may be longer", "window-too-long: status", DailyOfAnyLength),
    "range-start-excluded": Mutant("the first window of 2000 refused", "valid: status", RangeStartExcluded),
    "range-end-unchecked": Mutant("windows after 2100-01-01 accepted", "out-of-range: status", RangeEndUnchecked),
    "mixed-forms-accepted": Mutant("a date to a date-time accepted", "mixed-forms: status", MixedFormsAccepted),
    "offsets-not-compared": Mutant("from and to with other offsets", "mixed-offsets: status", OffsetsNotCompared),
    "not-midnight-accepted": Mutant("date-times at noon accepted", "bound-not-midnight: status", NotMidnightAccepted),
    "calendar-not-checked": Mutant("2026-02-30 read as the 28th", "bound-calendar: status", CalendarNotChecked),
    "schedule-of-any-variant": Mutant(
        "orders accept monthly (schedules of every variant)", "refused schedule=monthly: status", ScheduleOfAnyVariant
    ),
    "unknown-data-type-crashes": Mutant(
        "an unknown dataType is a KeyError: 500", "unknown-data-type: status", UnknownDataTypeCrashes
    ),
    "every-content-type-for-every-variant": Mutant(
        "orders accept application/pdf", "refused contentType=application/pdf: status", EveryContentTypeForEveryVariant
    ),
    "account-pattern-unchecked": Mutant(
        "any account id accepted", "account-id-pattern: status", AccountPatternUnchecked
    ),
    "echo-drops-filters": Mutant("the 200 leaves out reportFilters", "valid: echo", EchoDropsFilters),
    "error-without-envelope": Mutant(
        "errors as {message, code} without the error wrapper", "unknown-data-type: shape", ErrorWithoutEnvelope
    ),
}
