"""Judging a request body: media type, declared size, encoding, JSON syntax and depth. Pure functions.

Reading the body off the wire (with the same size limit) is ``mockserver.edge.reading``.

Python's ``json`` silently keeps the last of duplicate keys and accepts ``NaN``/``Infinity``; both would change what
the client sent, so both are refused here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from contracts.rules.media_types import parse_media_type
from mockserver.decisions.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType

JSON_MEDIA_TYPE = "application/json"


def check_media_type(content_type: str | None) -> None:
    """Accept ``application/json`` with an optional UTF-8 charset; anything else is a 415 that says what to send."""
    if not content_type:
        raise UnsupportedMediaType(f"missing Content-Type; send the body as '{JSON_MEDIA_TYPE}'")
    media_type = parse_media_type(content_type)
    if media_type.essence != JSON_MEDIA_TYPE:
        shown = content_type.split(";")[0].strip()
        raise UnsupportedMediaType(f"Content-Type {shown!r} is not supported; send '{JSON_MEDIA_TYPE}'")
    for charset in media_type.values("charset"):  # each of them: one non-UTF-8 charset is enough to misread
        if charset.lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"charset {charset!r} is not supported; JSON bodies are UTF-8")


def check_declared_length(content_length: str | None, limit: int) -> None:
    if content_length is not None and content_length.strip().isdigit() and int(content_length) > limit:
        raise PayloadTooLarge(f"the body is {int(content_length)} bytes; the limit is {limit}")


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidJson(f"the key {key!r} appears twice in one object; send each key once")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise InvalidJson(f"{name} is not JSON; numbers must be finite")


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (iterative: no recursion on hostile input)."""
    level: list[tuple[Any, int]] = [(value, 0)]
    while level:
        node, node_depth = level.pop()
        if isinstance(node, dict | list):
            if node_depth + 1 > limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            level.extend((child, node_depth + 1) for child in children)
    return False


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 overflows to infinity: Python would echo it as the non-JSON Infinity
        raise InvalidJson(f"the number {text[:40]} is too large; numbers must be finite")
    return value


def _finite_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise InvalidJson(f"an integer has more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


MAX_INTEGER_DIGITS = 1000
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)

# One decoder for every request: json.loads with hooks would build a new one each time.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_refuse_duplicates,
    parse_constant=_refuse_constant,
    parse_float=_finite_float,
    parse_int=_finite_int,
)


def _has_lone_surrogate(value: Any) -> bool:
    """Whether any key or string is not valid Unicode (an unpaired \\ud800-\\udfff escape)."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def parse_json(raw: bytes, max_depth: int) -> Any:
    """The JSON value of a body, or a 400 saying exactly what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidJson(
            f"the body is not valid UTF-8 (byte {error.start}: {raw[error.start : error.start + 1]!r})"
        ) from None
    if not text.strip():
        raise InvalidJson("the body is empty; send a JSON object")
    if text.startswith("\ufeff"):
        raise InvalidJson("the body starts with a byte order mark; send UTF-8 JSON without one (RFC 8259)")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise InvalidJson(
            f"the body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise InvalidJson(f"the JSON nests deeper than {max_depth} levels") from None
    except ValueError:  # a safety net: never Python's own wording
        raise InvalidJson("the body is not acceptable JSON") from None
    # Each level opens with a bracket, so a text with few brackets (all report requests) cannot nest too deep.
    if text.count("{") + text.count("[") > max_depth and nests_deeper_than(value, max_depth):
        raise InvalidJson(f"the JSON nests deeper than {max_depth} levels")
    # I-JSON (RFC 7493): strings must be valid Unicode; a lone surrogate cannot be validated, stored or echoed.
    if _LONE_SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise InvalidJson("a string contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff); send valid Unicode")
    return value
