"""One Content-Type reading for the mock, the proxy and the checker."""

from __future__ import annotations

import pytest

from contracts.rules.media_types import MediaType, parse_media_type


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", MediaType("application/json")),
        ('Application/JSON ; Charset="UTF-8"', MediaType("application/json", (("charset", "UTF-8"),))),
        (
            "application/problem+json;charset=utf-8;q=1",
            MediaType("application/problem+json", (("charset", "utf-8"), ("q", "1"))),
        ),
        ("text/csv; charset=a; charset=b", MediaType("text/csv", (("charset", "a"), ("charset", "b")))),
        ("", MediaType("")),
        (None, MediaType("")),
        (";;", MediaType("")),
    ],
)
def test_a_content_type_is_its_essence_in_lower_case_and_its_parameters(
    header: str | None, expected: MediaType
) -> None:
    assert parse_media_type(header) == expected
