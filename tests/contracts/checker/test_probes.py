"""The property phase enumerates every finite case from the contract; every probe that must be refused changes one
thing of a base request planned before it; the mock profile also expects each refusal where our validator finds the
problem; random draws come on top and only they scale with ``examples``."""

from __future__ import annotations

import time
from datetime import date, timedelta
from functools import cache

import pytest

from contracts.checker import probes
from contracts.model import validation
from contracts.model.contract import default_contract
from contracts.model.judgements import CONTRACT as CONTRACT_PROFILE
from contracts.model.judgements import MOCK
from contracts.rules import periods, tokens
from contracts.testing.strategies import MIXED_OFFSET_PAIRS, invalid_report_params
from mockserver.decisions.security import mint_token

CONTRACT = default_contract()
TOKEN = mint_token(("write:insight",))
NOW = time.time()


# Planned on first use, not when the module is collected: every pytest-xdist worker collects every module.
@cache
def mock_plan() -> probes.Plan:
    return probes.plan(CONTRACT, TOKEN, "P12345678", seed=0, examples=10, now=NOW, profile=MOCK)


@cache
def default_plan() -> probes.Plan:
    return probes.plan(CONTRACT, TOKEN, "P12345678", seed=0, examples=10, now=NOW)


def enumerated() -> list[probes.Probe]:
    return [probe for probe in mock_plan().probes if not probe.randomly_drawn]


def cases_of(variant: str) -> set[str]:
    return {probe.case for probe in enumerated() if probe.variant == variant}


@pytest.mark.parametrize("variant", list(CONTRACT.variants.values()), ids=str)
def test_every_value_a_variant_refuses_is_sent_and_must_be_refused_at_its_field(variant: probes.Variant) -> None:
    for name, field in (("schedule", "/schedule"), ("contentType", "/contentType"), ("language", "/language")):
        every = {value for other in CONTRACT.variants.values() for value in other.allowed(name)}
        for value in every - set(variant.allowed(name)):
            (probe, *_) = [
                p for p in enumerated() if p.variant == variant.data_type and p.case == f"refused {name}={value}"
            ]
            assert probe.expect == "400" and field in probe.expect_paths
        assert any(case.startswith(f"refused {name}=not-a-") for case in cases_of(variant.data_type))


@pytest.mark.parametrize("variant", list(CONTRACT.variants.values()), ids=str)
def test_every_window_kind_is_sent_for_every_schedule_of_every_variant(variant: probes.Variant) -> None:
    for schedule in variant.schedules:
        kinds = {p.window for p in enumerated() if p.variant == variant.data_type and p.schedule == schedule}
        expected = set(probes.WINDOW_KINDS) - (set() if periods.has_unaligned_days(schedule) else {"window-start"})
        assert expected <= kinds


@pytest.mark.parametrize(
    ("schedule", "neighbours"),
    [("weekly", {6, 1}), ("twice-a-month", {15, 17}), ("monthly", {2})],
)
def test_window_starts_are_probed_on_the_days_next_to_a_real_start(schedule: str, neighbours: set[int]) -> None:
    starts = [
        periods.parse_bound(p.params["from"]).day
        for p in enumerated()
        if p.window == "window-start" and p.schedule == schedule
    ]
    seen = {day.weekday() for day in starts} if schedule == "weekly" else {day.day for day in starts}
    assert neighbours <= seen
    if schedule == "monthly":
        assert any((day + timedelta(days=1)).day == 1 for day in starts)  # a month's last day


def test_mixed_offsets_differ_by_more_than_a_daylight_saving_change() -> None:
    pairs = [
        (periods.parse_bound(p.params["from"]).offset, periods.parse_bound(p.params["to"]).offset)
        for p in mock_plan().probes
        if p.window == "mixed-offsets"
    ]
    assert pairs
    for first, last in [*pairs, *MIXED_OFFSET_PAIRS]:
        assert first is not None and last is not None and abs(first - last) >= timedelta(hours=3)


def test_the_mixed_offsets_strategy_never_draws_a_daylight_saving_pair() -> None:
    from contracts.testing.strategies import draws

    for drawn in draws(invalid_report_params("mixed-offsets"), 30, 1):
        first, last = periods.parse_bound(drawn.params["from"]), periods.parse_bound(drawn.params["to"])
        assert first.offset is not None and last.offset is not None
        assert abs(first.offset - last.offset) >= timedelta(hours=3)


def test_valid_probes_are_valid_and_refused_ones_are_refused_by_our_own_validator() -> None:
    for probe in mock_plan().probes:
        problems = validation.validate_body(CONTRACT, probe.params)
        if probe.expect == "2xx":
            assert problems == [], probe
        elif probe.expect_paths and probe.case != "account-id-pattern":
            assert {problem.path for problem in problems} == set(probe.expect_paths), probe
    # The contract profile builds its refused bodies by construction; our validator agrees with every one.
    for probe in default_plan().probes:
        if probe.expect == "400":
            assert validation.validate_body(CONTRACT, probe.params), probe


def test_valid_probes_cover_each_language_content_type_filter_key_and_the_range_edges() -> None:
    valid = [p.params for p in enumerated() if p.case == "valid"]
    for variant in CONTRACT.variants.values():
        mine = [params for params in valid if params["dataType"] == variant.data_type]
        assert {params["language"] for params in mine} == set(variant.allowed("language"))
        assert {params.get("contentType") for params in mine} == {*variant.allowed("contentType"), None}
        keys = {item["filter"] for params in mine for item in params.get("reportFilters", [])}
        assert keys == set(variant.filter_keys)
        days = {periods.parse_bound(params["from"]).day for params in mine}
        assert periods.EARLIEST in days and date(2028, 2, 1) <= max(days)


def test_examples_scale_only_the_random_draws() -> None:
    small = probes.plan(CONTRACT, TOKEN, "P12345678", seed=0, examples=0, now=NOW)
    large = probes.plan(CONTRACT, TOKEN, "P12345678", seed=0, examples=40, now=NOW)
    enumerated = [p for p in small.probes if not p.randomly_drawn]
    assert [p.case for p in enumerated] == [p.case for p in large.probes if not p.randomly_drawn]
    assert sum(p.randomly_drawn for p in large.probes) > sum(p.randomly_drawn for p in small.probes)


def test_each_auth_failure_is_sent_for_each_variant() -> None:
    expected = {"no-token", "garbage-token", "unsigned-token", "expired", "not-yet-valid", "no-scope", "other-account"}
    expected |= {f"scope {scope}" for scope in tokens.look_alike_scopes(CONTRACT.required_scopes)}
    for variant in CONTRACT.data_types:
        assert expected <= {p.auth for p in enumerated() if p.variant == variant}
    assert mock_plan().control is not None and mock_plan().control.expect == "2xx"


def test_the_mock_profile_sends_each_media_type_failure_and_expects_415() -> None:
    refused = {p.content_type: p.expect for p in enumerated() if p.case.startswith("media") and p.expect != "2xx"}
    assert refused == {media: "415" for media in probes.REFUSED_MEDIA_TYPES}


def test_the_contract_profile_expects_any_4xx_for_another_media_type_and_leaves_the_charset_alone() -> None:
    sent = {p.content_type: p.expect for p in default_plan().probes if p.case.startswith("media")}
    assert probes.CHARSET_REFUSED not in sent  # RFC 8259: JSON has no charset parameter; recipients ignore it
    assert {media: expect for media, expect in sent.items() if expect != "2xx"} == {
        media: "4xx" for media in probes.REFUSED_MEDIA_TYPES if media != probes.CHARSET_REFUSED
    }


def test_every_refused_probe_comes_after_an_accepted_base_that_differs_only_in_what_it_breaks() -> None:
    for plan in (default_plan(), mock_plan()):
        seen: dict[str, probes.Probe] = {}
        for probe in plan.probes:
            if probe.expect != "2xx" or probe.base is not None:
                assert probe.base in seen, probe
                base = seen[probe.base]
                assert base.expect == "2xx" and validation.validate_body(CONTRACT, base.params) == []
                changed = {
                    name
                    for name in ("params", "aid", "token", "content_type")
                    if getattr(base, name) != getattr(probe, name)
                }
                assert len(changed) == 1, (probe.case, changed)
            seen.setdefault(probe.key, probe)


def test_the_contract_profile_plans_without_asking_our_validator_where_a_refusal_points() -> None:
    refused = [probe for probe in default_plan().probes if probe.expect != "2xx"]
    assert refused and all(probe.expect_paths == () and probe.expect_values == () for probe in refused)
    assert all(probe.why for probe in refused)  # said in the contract's words, for the failure message
    assert default_plan().profile == CONTRACT_PROFILE


def test_a_variant_without_filters_is_not_sent_filters_to_refuse() -> None:
    for plan in (default_plan(), mock_plan()):
        for probe in plan.probes:
            variant = CONTRACT.variants.get(probe.variant)
            if variant is not None and not variant.filter_keys and probe.case.startswith("refused filter="):
                raise AssertionError(probe)
