"""Judging bodies: media types, declared sizes, encodings, JSON that Python would silently change."""

from __future__ import annotations

import pytest

from mockserver.decisions import intake
from mockserver.decisions.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "Application/JSON", "application/json; charset=utf-8", 'application/json;charset="UTF8"'],
)
def test_json_with_or_without_a_utf8_charset_is_accepted(content_type: str) -> None:
    intake.check_media_type(content_type)


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/json", "application/jsonx", "application/json; charset=utf-16", "multipart/form-data"],
)
def test_other_media_types_are_415(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        intake.check_media_type(content_type)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"a": 1, "a": 2}', "appears twice"),
        (b'{"a": NaN}', "finite"),
        (b'{"a": -Infinity}', "finite"),
        (b'{"a": 1' + b"1" * 5000 + b"}", "more than 1000 digits"),
        (b'{"a": -1e999}', "numbers must be finite"),
        (b'{"a": "\\ud800"}', "unpaired UTF-16 surrogate"),
        (b'{"\\udfff": 1}', "unpaired UTF-16 surrogate"),
        (b"\xef\xbb\xbf{}", "byte order mark"),
        (b'{"a": "\xc3"}', "not valid UTF-8"),
        (b"  \n ", "empty"),
        (b"[" * 100_000 + b"]" * 100_000, "deeper than"),
        (b"[" * 33 + b"]" * 33, "deeper than"),
        (b'{"a": }', "line 1, column 7"),
    ],
)
def test_json_that_python_would_change_or_choke_on_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(InvalidJson, match=message):
        intake.parse_json(raw, max_depth=32)


def test_json_exactly_at_the_depth_limit_is_read() -> None:
    assert intake.parse_json(b"[" * 32 + b"]" * 32, max_depth=32) is not None


def test_surrogate_pairs_and_nul_escapes_are_kept_as_sent() -> None:
    assert intake.parse_json(b'{"a": "\\ud83d\\ude00\\u0000"}', max_depth=32) == {"a": "\U0001f600\x00"}


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    with pytest.raises(PayloadTooLarge):
        intake.check_declared_length("101", 100)
    intake.check_declared_length("100", 100)
    intake.check_declared_length("not-a-number", 100)
