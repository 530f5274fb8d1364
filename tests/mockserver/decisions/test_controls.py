"""Frontend controls: Prefer (RFC 7240, Prism's conventions), latency and faults, parsed as pure functions."""

from __future__ import annotations

import random

import pytest

from mockserver.decisions.controls import Latency, parse_latency, parse_prefer
from mockserver.decisions.errors import BadRequest

DECLARED = (200, 400, 401, 403, 404, 405, 413, 415, 500)


@pytest.mark.parametrize(
    ("header", "code", "delay", "skip"),
    [
        (None, None, 0, False),
        ("code=401", 401, 0, False),
        ("code=500, delay=300", 500, 300, False),
        ("delay=300; code=403", 403, 300, False),
        ('code="404"', 404, 0, False),
        ("respond-async, wait=10, code=400", 400, 0, False),  # unknown preferences are ignored
        ("return=minimal", None, 0, False),
        ("code=401, code=500", 401, 0, False),  # RFC 7240: the first occurrence wins
        ("CODE=413", 413, 0, False),
        ("code=401, validation=skip", 401, 0, True),
        ("", None, 0, False),
        (",,;", None, 0, False),
    ],
)
def test_prefer_headers_are_read_as_rfc_7240_says(header: str | None, code: int | None, delay: int, skip: bool) -> None:
    preferences = parse_prefer(header, DECLARED)
    assert (preferences.code, preferences.delay_ms, preferences.skip_validation) == (code, delay, skip)


@pytest.mark.parametrize(
    "header", ["code=418", "code=201", "code=abc", "code=", "delay=-1", "delay=30001", "delay=1.5"]
)
def test_an_undeclared_code_or_a_bad_delay_is_a_400_that_explains(header: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_prefer(header, DECLARED)
    assert "declared: 200, 400, 401" in raised.value.message or "milliseconds" in raised.value.message


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("200ms", 200, 200),
        ("0.5s", 500, 500),
        ("100-400ms", 100, 400),
        ("250", 250, 250),
        ("0", 0, 0),
        ("1-2s", 1000, 2000),
    ],
)
def test_latency_is_fixed_or_a_range(text: str, low: float, high: float) -> None:
    assert parse_latency(text) == Latency(low, high)


@pytest.mark.parametrize("text", ["fast", "400-100ms", "-5ms", "31s", "200 ms ms"])
def test_nonsense_latency_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_latency(text)


def test_a_latency_range_samples_inside_it_reproducibly_for_a_seed() -> None:
    latency = parse_latency("100-400ms")
    first = [latency.sample_seconds(random.Random(7)) for _ in range(3)]
    assert first == [latency.sample_seconds(random.Random(7)) for _ in range(3)]
    samples = [latency.sample_seconds(random.Random(seed)) for seed in range(200)]
    assert all(0.1 <= sample <= 0.4 for sample in samples)
    assert max(samples) - min(samples) > 0.2
