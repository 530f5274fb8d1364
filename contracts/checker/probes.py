"""Every request the property phase of ``insight-contracts check`` sends, and what each must get back.

Finite domains are enumerated, never sampled, so every run sends every one of them whatever the seed:

* for every variant (``dataType``), valid requests for each schedule, content type, language and filter key, in the
  date form and in date-times with offsets, including the first and last windows of the allowed range, a leap day and
  a year end;
* each value the contract refuses for the variant (schedules, content types, languages and filter keys that other
  variants allow, plus one no variant allows), each required field missing or of the wrong type, an unknown dataType;
* for each schedule, each kind of broken window: a start on the days next to a real start (the off-by-one bugs),
  too long and too short by one day, mixed forms, mixed offsets, out of range on either side, impossible calendar
  dates, not midnight, not a date at all;
* each auth failure (``contracts.rules.tokens``), each wrong Content-Type, malformed account ids.

Then random draws of ``contracts.testing.strategies`` on top; ``examples`` scales only those. The vocabulary comes from
the contract, the windows from ``contracts.rules.periods``, and what a refusal must point at from
``contracts.model.validation``: the checker's expectations are the same decisions the mock makes, computed independently
of any server.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from contracts.model import validation
from contracts.model.contract import Contract, Variant
from contracts.rules import periods, tokens
from contracts.testing.strategies import (
    COMMON_OFFSETS,
    INVALID_KINDS,
    MIXED_OFFSET_PAIRS,
    WINDOW_KINDS,
    draws,
    invalid_report_params,
    report_params,
)

JSON = "application/json"
DEFAULT = "(default)"
VALID = "valid"
VALID_TOKEN = "valid-token"
ANY = "*"

# Content-Type headers a JSON API must refuse, and spellings of JSON it must accept.
REFUSED_MEDIA_TYPES: tuple[str | None, ...] = (
    None,
    "text/plain",
    f"{JSON}; charset=latin-1",
    "application/x-www-form-urlencoded",
    "application/xml",
)
ACCEPTED_MEDIA_TYPES = (f"{JSON}; charset=utf-8", "Application/JSON")
MALFORMED_ACCOUNTS = ("X12345678", "P1234567", "p12345678")
FORMS: tuple[timedelta | None, ...] = (None, *COMMON_OFFSETS)


@dataclass(frozen=True)
class Probe:
    """One request and what the contract says it must get."""

    case: str  # what is being tested, e.g. "window-start", "refused schedule=monthly", "auth expired"
    params: Any
    aid: str
    token: str | None
    expect: str  # "2xx", "4xx", or statuses such as "400" or "400|403"
    content_type: str | None = JSON
    expect_paths: tuple[str, ...] = ()  # a refusal must point at one of these (JSON pointers)
    expect_values: tuple[str, ...] = ()  # ... and name one of these values (what would have been right)
    window: str = VALID  # coverage: the window kind
    auth: str = VALID_TOKEN  # coverage: the auth case
    resigned: bool = False  # sent only when the server accepted the re-signed control token
    randomly_drawn: bool = False
    why: str = ""  # what is wrong with the request, when the body is not (auth, media type)

    def expects(self, status: int) -> bool:
        if self.expect == "2xx":
            return 200 <= status < 300
        if self.expect == "4xx":
            return 400 <= status < 500
        return str(status) in self.expect.split("|")

    @property
    def variant(self) -> str:
        value = self.params.get("dataType") if isinstance(self.params, dict) else None
        return str(value) if value is not None else "(none)"

    @property
    def schedule(self) -> str:
        value = self.params.get("schedule") if isinstance(self.params, dict) else None
        return str(value) if value is not None else "(none)"

    @property
    def report_type(self) -> str:
        value = self.params.get("contentType") if isinstance(self.params, dict) else None
        return str(value) if value is not None else DEFAULT

    @property
    def media(self) -> str:
        return self.content_type if self.content_type is not None else "(missing)"


@dataclass
class Plan:
    control: Probe | None  # the re-signed copy of the user's token; gates the probes marked ``resigned``
    probes: list[Probe] = field(default_factory=list)
    not_planned: list[str] = field(default_factory=list)  # what could not be probed, and why
    signed_with_secret: bool = False  # the re-signed tokens carry the server's secret: never print them


def refusal(contract: Contract, params: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where our own validator says a body is wrong, and the values it says would have been right."""
    problems = validation.validate_body(contract, params)
    paths = tuple(dict.fromkeys(problem.path for problem in problems))
    values = tuple(
        dict.fromkeys(periods.parse_bound(problem.expected).day.isoformat() for problem in problems if problem.expected)
    )
    return paths, values


def _unknown(name: str, known: set[Any]) -> str:
    value = f"not-a-{name.lower()}"
    while value in known:
        value += "-x"
    return value


def _every(contract: Contract, name: str) -> list[Any]:
    values: dict[Any, None] = {}
    for variant in contract.variants.values():
        values.update(dict.fromkeys(variant.allowed(name)))
    return list(values)


class _Builder:
    """Builds the enumerated probes of one run: the days come from the seed, the domains from the contract."""

    def __init__(self, contract: Contract, token: str, aid: str, seed: int) -> None:
        self.contract = contract
        self.token = token
        self.aid = aid
        chooser = random.Random(seed)
        self.day = date(2001, 1, 1) + timedelta(days=chooser.randrange(0, 365 * 97))

    def body(self, variant: Variant, schedule: str, window: tuple[str, str], **extra: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            self.contract.discriminator: variant.data_type,
            "schedule": schedule,
            "language": variant.allowed("language")[0],
            "from": window[0],
            "to": window[1],
        }
        params.update(extra)
        return params

    def accepted(self, case: str, params: Any, **fields: Any) -> Probe:
        return Probe(case, params, self.aid, self.token, "2xx", **fields)

    def refused(self, case: str, params: Any, *, window: str = VALID, expect: str = "400") -> Probe | None:
        """A probe that must be refused, pointing at what our validator finds; ``None`` if our validator accepts it."""
        paths, values = refusal(self.contract, params)
        if not paths:
            return None
        return Probe(
            case, params, self.aid, self.token, expect, expect_paths=paths, expect_values=values, window=window
        )

    # --- valid -------------------------------------------------------------------------------------------------

    def valid_windows(self, schedule: str) -> list[tuple[date, date]]:
        """Two consecutive windows, a leap day's, a year end's, and the first and last of the allowed range."""
        cut = periods.schedule_named(schedule)
        first = cut.start_of(self.day)
        consecutive = [(first, cut.end_of(first))]
        consecutive.append((consecutive[0][1], cut.end_of(consecutive[0][1])))
        special = [date(2028, 2, 29), date(2027, 12, 31), periods.EARLIEST, periods.LATEST - timedelta(days=1)]
        windows = consecutive + [cut.window_containing(day) for day in special]
        return [
            window for window in dict.fromkeys(windows) if window[0] >= periods.EARLIEST and window[1] <= periods.LATEST
        ]

    def valid(self, variant: Variant) -> Iterator[Probe]:
        content_types = [*variant.allowed("contentType"), None]
        languages = variant.allowed("language")
        for schedule in variant.schedules:
            for index, (start, end) in enumerate(self.valid_windows(schedule)):
                form = FORMS[index % len(FORMS)]
                window = (periods.Bound(start, form).render(), periods.Bound(end, form).render())
                extra: dict[str, Any] = {"language": languages[index % len(languages)]}
                content_type = content_types[index % len(content_types)]
                if content_type is not None:
                    extra["contentType"] = content_type
                yield self.accepted(VALID, self.body(variant, schedule, window, **extra))
            window = periods.valid_window(schedule, self.day)
            for content_type in content_types:
                extra = {} if content_type is None else {"contentType": content_type}
                yield self.accepted(VALID, self.body(variant, schedule, window, **extra))
        schedule = variant.schedules[0]
        window = periods.valid_window(schedule, self.day)
        for language in languages:
            yield self.accepted(VALID, self.body(variant, schedule, window, language=language))
        for key in variant.filter_keys:
            filters = [{"filter": key, "value": "a"}, {"filter": key, "value": "b"}]
            yield self.accepted(VALID, self.body(variant, schedule, window, reportFilters=filters))
        if variant.filter_keys:
            every = [{"filter": key, "value": "1"} for key in variant.filter_keys]
            yield self.accepted(VALID, self.body(variant, schedule, window, reportFilters=every))

    # --- refused values ----------------------------------------------------------------------------------------

    def refused_values(self, variant: Variant) -> Iterator[Probe | None]:
        contract = self.contract
        every_schedule = _every(contract, "schedule")
        for schedule in [value for value in every_schedule if value not in variant.schedules]:
            window = periods.valid_window(str(schedule), self.day)
            yield self.refused(f"refused schedule={schedule}", self.body(variant, str(schedule), window))
        unknown_schedule = _unknown("schedule", set(every_schedule))
        window = periods.valid_window(variant.schedules[0], self.day)
        base = self.body(variant, variant.schedules[0], window)
        yield self.refused(f"refused schedule={unknown_schedule}", {**base, "schedule": unknown_schedule})
        for name in ("contentType", "language"):
            every = _every(contract, name)
            refused = [value for value in every if value not in variant.allowed(name)]
            for value in [*refused, _unknown(name, set(every))]:
                yield self.refused(f"refused {name}={value}", {**base, name: value})
        every_key = {key for other in contract.variants.values() for key in other.filter_keys}
        for key in [*sorted(every_key - set(variant.filter_keys)), _unknown("filter", every_key)]:
            yield self.refused(f"refused filter={key}", {**base, "reportFilters": [{"filter": key, "value": "a"}]})
        for name in variant.required:
            if name == contract.discriminator:
                continue
            missing = {key: value for key, value in base.items() if key != name}
            yield self.refused("missing-required", missing)
            yield self.refused("wrong-type", {**base, name: 20261101})

    # --- broken windows ----------------------------------------------------------------------------------------

    def broken_windows(self, variant: Variant, schedule: str) -> Iterator[Probe | None]:
        cut = periods.schedule_named(schedule)
        start = cut.start_of(self.day)
        end = cut.end_of(start)
        length = end - start
        offset = timedelta(hours=1)

        def window(first: date, last: date, first_form: timedelta | None = None, last_form: Any = "same") -> Any:
            last_form = first_form if last_form == "same" else last_form
            texts = (periods.Bound(first, first_form).render(), periods.Bound(last, last_form).render())
            return self.body(variant, schedule, texts)

        def probe(kind: str, params: Any) -> Probe | None:
            return self.refused(kind, params, window=kind)

        # The days next to real starts: where off-by-one bugs live (a Sunday or Tuesday for weekly, the 15th or 17th
        # for twice-a-month, a month's last day or 2nd for monthly). Each keeps the schedule's length.
        neighbours = {
            day
            for first, _ in [(start, end), (end, cut.end_of(end))]
            for day in (first - timedelta(days=1), first + timedelta(days=1))
            if not cut.is_start(day)
        }
        for day in sorted(neighbours):
            yield probe("window-start", window(day, day + length))
        yield probe("window-too-long", window(start, end + timedelta(days=1)))
        yield probe("window-too-long", window(start, cut.end_of(end), offset))
        yield probe("window-too-short", window(start, end - timedelta(days=1)))
        yield probe("window-too-short", window(start, start - length, offset))
        yield probe("mixed-forms", window(start, end, None, offset))
        yield probe("mixed-forms", window(start, end, offset, None))
        for first_form, last_form in MIXED_OFFSET_PAIRS[:2]:
            yield probe("mixed-offsets", window(start, end, first_form, last_form))
        for outside in (periods.EARLIEST - timedelta(days=1), periods.LATEST):
            first, last = cut.window_containing(outside)
            yield probe("out-of-range", window(first, last))
        base = window(start, end)
        year = start.year
        for name, text in (("from", f"{year}-02-30"), ("from", f"{year}-13-01"), ("to", f"{year}-04-31")):
            yield probe("bound-calendar", {**base, name: text})
        zone = periods.format_offset(offset)
        yield probe("bound-not-midnight", {**base, "from": f"{start.isoformat()}T12:00:00{zone}"})
        yield probe("bound-not-midnight", {**base, "to": f"{end.isoformat()}T00:00:01{zone}"})
        yield probe("bound-syntax", {**base, "from": start.isoformat().replace("-", "/")})
        yield probe("bound-syntax", {**base, "to": end.isoformat().replace("-", "")})

    # --- auth, media types, accounts ---------------------------------------------------------------------------

    def requests(self, variant: Variant, cases: list[tokens.AuthCase]) -> Iterator[Probe]:
        schedule = variant.schedules[-1]
        body = self.body(variant, schedule, periods.valid_window(schedule, self.day))
        for case in cases:
            expect = "2xx" if case.status == 200 else str(case.status)
            yield Probe(f"auth {case.name}", body, self.aid, case.token, expect, auth=case.name, resigned=case.resigned)
        refused_media = "415" if 415 in self.contract.declared_statuses else "4xx"
        for media in REFUSED_MEDIA_TYPES:
            why = f"the body is sent as {media}" if media else "the body is sent without a Content-Type"
            yield Probe(
                f"media {media or '(missing)'}", body, self.aid, self.token, refused_media, content_type=media, why=why
            )
        for media in ACCEPTED_MEDIA_TYPES:
            yield Probe(f"media {media}", body, self.aid, self.token, "2xx", content_type=media)

    def accounts(self, token_names_account: bool) -> Iterator[Probe]:
        variant = next(iter(self.contract.variants.values()))
        schedule = variant.schedules[0]
        body = self.body(variant, schedule, periods.valid_window(schedule, self.day))
        # A token bound to one account may be refused for another (403) before the id's form is looked at.
        expect = "400|403" if token_names_account else "400"
        for aid in MALFORMED_ACCOUNTS:
            yield Probe("account-id-pattern", body, aid, self.token, expect, expect_paths=("aid",))


def plan(
    contract: Contract,
    token: str,
    aid: str,
    *,
    seed: int,
    examples: int,
    now: float,
    jwt_secret: str | None = None,
) -> Plan:
    """Every probe of a run: the enumerated ones first, then ``examples`` random valid draws and invalid draws."""
    builder = _Builder(contract, token, aid, seed)
    control, auth, missing = tokens.auth_cases(token, aid, contract.required_scopes, now=now, secret=jwt_secret)
    result = Plan(control=None, signed_with_secret=jwt_secret is not None)
    if control is not None:
        first = next(iter(contract.variants.values()))
        schedule = first.schedules[0]
        body = builder.body(first, schedule, periods.valid_window(schedule, builder.day))
        result.control = Probe(
            f"auth {control.name}", body, aid, control.token, "2xx", auth=control.name, resigned=True, why=control.why
        )
    if missing:
        result.not_planned.append(missing)
    enumerated: list[Probe | None] = []
    for variant in contract.variants.values():
        enumerated += builder.valid(variant)
        enumerated += builder.refused_values(variant)
        for schedule in variant.schedules:
            enumerated += builder.broken_windows(variant, schedule)
        enumerated += builder.requests(variant, auth)
    unknown = _unknown("data-type", set(contract.data_types))
    some = next(iter(contract.variants.values()))
    window = periods.valid_window(some.schedules[0], builder.day)
    enumerated.append(
        builder.refused("unknown-data-type", {**builder.body(some, some.schedules[0], window), "dataType": unknown})
    )
    claims = tokens.unverified_claims(token) or {}
    enumerated += builder.accounts(tokens.ACCOUNT_CLAIM in claims)
    result.probes = [probe for probe in enumerated if probe is not None]
    result.probes += random_probes(contract, token, aid, seed=seed, examples=examples)
    return result


def random_probes(contract: Contract, token: str, aid: str, *, seed: int, examples: int) -> list[Probe]:
    """``examples`` random valid params, and ``examples // 5`` (at least 2) random draws of each invalid kind.

    ``examples=0`` leaves only the enumerated probes.
    """

    drawn = [
        Probe("random valid", params, aid, token, "2xx", randomly_drawn=True)
        for params in draws(report_params(contract=contract), examples, seed)
    ]
    per_kind = max(2, examples // 5) if examples > 0 else 0
    for index, kind in enumerate(INVALID_KINDS):
        for invalid in draws(invalid_report_params(kind, contract=contract), per_kind, seed + index + 1):
            paths, values = refusal(contract, invalid.params)
            window = kind if kind in WINDOW_KINDS else VALID
            drawn.append(
                Probe(
                    f"random {kind}",
                    invalid.params,
                    aid,
                    token,
                    "400",
                    expect_paths=paths,
                    expect_values=values,
                    window=window,
                    randomly_drawn=True,
                )
            )
    return drawn
