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
the contract, the windows from ``contracts.rules.periods``.

**Right reason by construction.** Every probe that must be refused is derived from a *base*: a request the contract
allows, planned (and sent) before it, changed only in what the probe breaks. A server that accepted the base and
refuses the probe refused it for that change, so the default ``contract`` profile attributes a 4xx without reading a
message; when the server refused the base itself, that is one failure of the base, and its derived probes are not
judged. Only the ``mock`` profile asks ``contracts.model.validation`` where a refusal must point and which value it
must name (our mock's conventions), so a bug the mock shares with our validator cannot hide a contract verdict.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from contracts.model import validation
from contracts.model.contract import Contract, Variant
from contracts.model.judgements import CONTRACT, MOCK
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

# Content-Type headers a JSON API must refuse, and spellings of JSON it must accept. A charset parameter is refused by
# our mock only: RFC 8259 gives JSON no charset parameter and says recipients ignore it (a mock-profile probe).
CHARSET_REFUSED = f"{JSON}; charset=latin-1"
REFUSED_MEDIA_TYPES: tuple[str | None, ...] = (
    None,
    "text/plain",
    CHARSET_REFUSED,
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
    why: str = ""  # what is wrong with the request (in the contract's words)
    base: str | None = None  # the key of the accepted request this one changes; judged only when it was accepted

    @cached_property
    def key(self) -> str:
        """What identifies the request sent: body, account, token and Content-Type."""
        return json.dumps([self.params, self.aid, self.token, self.content_type], sort_keys=True, default=str)

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
    profile: str = CONTRACT


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


WINDOW_WHY = {
    "window-start": "'from' is not a day a {schedule} window starts on",
    "window-too-long": "'to' is after the end of the {schedule} window that starts at 'from'",
    "window-too-short": "'to' is before the end of the {schedule} window that starts at 'from'",
    "mixed-forms": "one of 'from' and 'to' is a date, the other a date-time",
    "mixed-offsets": "'from' and 'to' carry different UTC offsets",
    "out-of-range": "the window is outside 2000-01-01 <= from, to <= 2100-01-01",
    "bound-calendar": "a bound is not a real calendar date",
    "bound-not-midnight": "a bound is a date-time that is not midnight",
    "bound-syntax": "a bound is neither a date nor a date-time",
}


class _Builder:
    """Builds the enumerated probes of one run: the days come from the seed, the domains from the contract."""

    def __init__(self, contract: Contract, token: str, aid: str, seed: int, profile: str = CONTRACT) -> None:
        self.contract = contract
        self.token = token
        self.aid = aid
        self.profile = profile
        chooser = random.Random(seed)
        self.day = date(2001, 1, 1) + timedelta(days=chooser.randrange(0, 365 * 97))
        self.bases: set[str] = set()  # the keys of the base requests already planned

    def with_base(self, base: Probe, derived: Iterable[Probe]) -> Iterator[Probe]:
        """The base request (once per run), then the probes derived from it."""
        if base.key not in self.bases:
            self.bases.add(base.key)
            yield base
        yield from derived

    def derived(
        self, base: Probe, case: str, why: str, *, expect: str = "400", window: str = VALID, **changes: Any
    ) -> Probe:
        """A probe that changes ``base`` in one respect (``changes``: params, aid, token or content_type)."""
        params = changes.pop("params", base.params)
        paths: tuple[str, ...] = ()
        values: tuple[str, ...] = ()
        if self.profile == MOCK and expect == "400":  # our mock's convention: where, and the right value
            paths, values = (("aid",), ()) if "aid" in changes else refusal(self.contract, params)
        return Probe(
            case,
            params,
            changes.pop("aid", base.aid),
            changes.pop("token", base.token),
            expect,
            content_type=changes.pop("content_type", base.content_type),
            expect_paths=paths,
            expect_values=values,
            window=window,
            why=why,
            base=base.key,
            **changes,
        )

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

    def refused_values(self, variant: Variant) -> Iterator[Probe]:
        contract = self.contract
        every_schedule = _every(contract, "schedule")
        for schedule in [value for value in every_schedule if value not in variant.schedules]:
            # The base: the same body with a schedule the variant has, the window fitting each.
            own = variant.schedules[0]
            base = self.accepted(VALID, self.body(variant, own, periods.valid_window(own, self.day)))
            params = self.body(variant, str(schedule), periods.valid_window(str(schedule), self.day))
            why = f"{variant.data_type} has no schedule {schedule!r}"
            yield from self.with_base(base, [self.derived(base, f"refused schedule={schedule}", why, params=params)])
        window = periods.valid_window(variant.schedules[0], self.day)
        base = self.accepted(VALID, self.body(variant, variant.schedules[0], window))
        probes: list[Probe] = []
        unknown_schedule = _unknown("schedule", set(every_schedule))
        probes.append(
            self.derived(
                base,
                f"refused schedule={unknown_schedule}",
                f"no variant has the schedule {unknown_schedule!r}",
                params={**base.params, "schedule": unknown_schedule},
            )
        )
        for name in ("contentType", "language"):
            every = _every(contract, name)
            refused = [value for value in every if value not in variant.allowed(name)]
            for value in [*refused, _unknown(name, set(every))]:
                why = f"{variant.data_type} does not allow {name} {value!r}"
                probes.append(self.derived(base, f"refused {name}={value}", why, params={**base.params, name: value}))
        if variant.filter_keys:  # a variant without reportFilters takes them as any other undeclared property
            every_key = {key for other in contract.variants.values() for key in other.filter_keys}
            for key in [*sorted(every_key - set(variant.filter_keys)), _unknown("filter", every_key)]:
                filters = [{"filter": key, "value": "a"}]
                why = f"{variant.data_type} has no filter {key!r}"
                probes.append(
                    self.derived(base, f"refused filter={key}", why, params={**base.params, "reportFilters": filters})
                )
        for name in variant.required:
            if name == contract.discriminator:
                continue
            missing = {key: value for key, value in base.params.items() if key != name}
            probes.append(self.derived(base, "missing-required", f"{name!r} is missing", params=missing))
            wrong = {**base.params, name: 20261101}
            probes.append(self.derived(base, "wrong-type", f"{name!r} is a number, not a string", params=wrong))
        yield from self.with_base(base, probes)

    # --- broken windows ----------------------------------------------------------------------------------------

    def broken_windows(self, variant: Variant, schedule: str) -> Iterator[Probe]:
        cut = periods.schedule_named(schedule)
        start = cut.start_of(self.day)
        end = cut.end_of(start)
        length = end - start
        offset = timedelta(hours=1)

        def window(first: date, last: date, first_form: timedelta | None = None, last_form: Any = "same") -> Any:
            last_form = first_form if last_form == "same" else last_form
            texts = (periods.Bound(first, first_form).render(), periods.Bound(last, last_form).render())
            return self.body(variant, schedule, texts)

        base = self.accepted(VALID, window(start, end))
        based_on_offset = self.accepted(VALID, window(start, end, offset))

        def probe(kind: str, params: Any, on: Probe = base) -> Probe:
            return self.derived(on, kind, WINDOW_WHY[kind].format(schedule=schedule), window=kind, params=params)

        probes: list[Probe] = []
        # The days next to real starts: where off-by-one bugs live (a Sunday or Tuesday for weekly, the 15th or 17th
        # for twice-a-month, a month's last day or 2nd for monthly). Each keeps the schedule's length.
        # Each is sent twice: keeping the schedule's length, and ending where the real window ends (a server that
        # takes a neighbour for a start accepts one of them).
        neighbours = {
            (day, cut.end_of(first))
            for first, _ in [(start, end), (end, cut.end_of(end))]
            for day in (first - timedelta(days=1), first + timedelta(days=1))
            if not cut.is_start(day)
        }
        for day, real_end in sorted(neighbours):
            probes.append(probe("window-start", window(day, day + length)))
            probes.append(probe("window-start", window(day, real_end)))
        probes.append(probe("window-too-long", window(start, end + timedelta(days=1))))
        probes.append(probe("window-too-long", window(start, cut.end_of(end), offset), based_on_offset))
        probes.append(probe("window-too-short", window(start, end - timedelta(days=1))))
        probes.append(probe("window-too-short", window(start, start - length, offset), based_on_offset))
        probes.append(probe("mixed-forms", window(start, end, None, offset)))
        probes.append(probe("mixed-forms", window(start, end, offset, None), based_on_offset))
        for first_form, last_form in MIXED_OFFSET_PAIRS[:2]:
            probes.append(probe("mixed-offsets", window(start, end, first_form, last_form)))
        for outside in (periods.EARLIEST - timedelta(days=1), periods.LATEST):
            first, last = cut.window_containing(outside)
            probes.append(probe("out-of-range", window(first, last)))
        year = start.year
        for name, text in (("from", f"{year}-02-30"), ("from", f"{year}-13-01"), ("to", f"{year}-04-31")):
            probes.append(probe("bound-calendar", {**base.params, name: text}))
        zone = periods.format_offset(offset)
        on_offset = based_on_offset.params
        probes.append(
            probe("bound-not-midnight", {**on_offset, "from": f"{start.isoformat()}T12:00:00{zone}"}, based_on_offset)
        )
        probes.append(
            probe("bound-not-midnight", {**on_offset, "to": f"{end.isoformat()}T00:00:01{zone}"}, based_on_offset)
        )
        probes.append(probe("bound-syntax", {**base.params, "from": start.isoformat().replace("-", "/")}))
        probes.append(probe("bound-syntax", {**base.params, "to": end.isoformat().replace("-", "")}))
        yield from self.with_base(base, [])
        yield from self.with_base(based_on_offset, probes)

    # --- auth, media types, accounts ---------------------------------------------------------------------------

    def requests(self, variant: Variant, cases: list[tokens.AuthCase]) -> Iterator[Probe]:
        schedule = variant.schedules[-1]
        base = self.accepted(VALID, self.body(variant, schedule, periods.valid_window(schedule, self.day)))
        probes: list[Probe] = []
        for case in cases:
            expect = "2xx" if case.status == 200 else str(case.status)
            probes.append(
                self.derived(
                    base,
                    f"auth {case.name}",
                    case.why,
                    expect=expect,
                    token=case.token,
                    auth=case.name,
                    resigned=case.resigned,
                )
            )
        # The published document declares only application/json bodies, and no 415: any 4xx refuses another media
        # type. Our mock answers 415 (declared by our completions), and refuses a charset parameter.
        refused_media = "415" if self.profile == MOCK else "4xx"
        for media in REFUSED_MEDIA_TYPES:
            if media == CHARSET_REFUSED and self.profile != MOCK:
                continue
            why = f"the body is sent as {media}" if media else "the body is sent without a Content-Type"
            probes.append(
                self.derived(base, f"media {media or '(missing)'}", why, expect=refused_media, content_type=media)
            )
        for media in ACCEPTED_MEDIA_TYPES:
            probes.append(self.derived(base, f"media {media}", "", expect="2xx", content_type=media))
        yield from self.with_base(base, probes)

    def accounts(self, token_names_account: bool) -> Iterator[Probe]:
        variant = next(iter(self.contract.variants.values()))
        schedule = variant.schedules[0]
        base = self.accepted(VALID, self.body(variant, schedule, periods.valid_window(schedule, self.day)))
        # The contract: the aid has a pattern; a request outside it is refused, with some 4xx. Our mock: a 400, or a
        # 403 when the token is bound to one account (refused for another before the id's form is looked at).
        expect = "4xx"
        if self.profile == MOCK:
            expect = "400|403" if token_names_account else "400"
        pattern = self.contract.account_schema.get("pattern", "")
        probes: list[Probe] = [
            self.derived(
                base, "account-id-pattern", f"the account id {aid!r} does not match {pattern}", expect=expect, aid=aid
            )
            for aid in MALFORMED_ACCOUNTS
        ]
        yield from self.with_base(base, probes)


def plan(
    contract: Contract,
    token: str,
    aid: str,
    *,
    seed: int,
    examples: int,
    now: float,
    jwt_secret: str | None = None,
    profile: str = CONTRACT,
) -> Plan:
    """Every probe of a run: the enumerated ones first, then ``examples`` random valid draws and invalid draws.

    Each probe that must be refused comes after its base (see the module's docstring)."""
    builder = _Builder(contract, token, aid, seed, profile)
    control, auth, missing = tokens.auth_cases(token, aid, contract.required_scopes, now=now, secret=jwt_secret)
    result = Plan(control=None, signed_with_secret=jwt_secret is not None, profile=profile)
    if control is not None:
        first = next(iter(contract.variants.values()))
        schedule = first.schedules[0]
        body = builder.body(first, schedule, periods.valid_window(schedule, builder.day))
        result.control = Probe(
            f"auth {control.name}", body, aid, control.token, "2xx", auth=control.name, resigned=True, why=control.why
        )
    if missing:
        result.not_planned.append(missing)
    enumerated: list[Probe] = []
    for variant in contract.variants.values():
        valid = list(builder.valid(variant))
        builder.bases.update(probe.key for probe in valid)  # each may be the base of a later probe: planned once
        enumerated += valid
        enumerated += builder.refused_values(variant)
        for schedule in variant.schedules:
            enumerated += builder.broken_windows(variant, schedule)
        enumerated += builder.requests(variant, auth)
    unknown = _unknown("data-type", set(contract.data_types))
    some = next(iter(contract.variants.values()))
    window = periods.valid_window(some.schedules[0], builder.day)
    base = builder.accepted(VALID, builder.body(some, some.schedules[0], window))
    unknown_data_type = {**base.params, "dataType": unknown}
    why = f"no variant is called {unknown!r}"
    enumerated += builder.with_base(base, [builder.derived(base, "unknown-data-type", why, params=unknown_data_type)])
    claims = tokens.unverified_claims(token) or {}
    enumerated += builder.accounts(tokens.ACCOUNT_CLAIM in claims)
    result.probes = enumerated
    result.probes += random_probes(contract, token, aid, seed=seed, examples=examples, profile=profile)
    return result


def random_probes(
    contract: Contract, token: str, aid: str, *, seed: int, examples: int, profile: str = CONTRACT
) -> list[Probe]:
    """``examples`` random valid params, and ``examples // 5`` (at least 2) random draws of each invalid kind, each
    after the valid params it was made from (its base). ``examples=0`` leaves only the enumerated probes."""

    drawn = [
        Probe("random valid", params, aid, token, "2xx", randomly_drawn=True)
        for params in draws(report_params(contract=contract), examples, seed)
    ]
    per_kind = max(2, examples // 5) if examples > 0 else 0
    planned = {probe.key for probe in drawn}
    for index, kind in enumerate(INVALID_KINDS):
        for invalid in draws(invalid_report_params(kind, contract=contract), per_kind, seed + index + 1):
            base = Probe("random valid", invalid.base, aid, token, "2xx", randomly_drawn=True)
            if base.key not in planned:
                planned.add(base.key)
                drawn.append(base)
            paths, values = refusal(contract, invalid.params) if profile == MOCK else ((), ())
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
                    why=f"the params break the rule {kind}",
                    base=base.key,
                )
            )
    return drawn
