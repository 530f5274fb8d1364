"""A corpus of hostile requests, sent over real HTTP to a live mock: never a 5xx, never a hang, always the Error shape.

Every case names what the mock must answer:

* ``Refused(status, code)``: that 4xx, as ``application/json``, with ``{"error": {"code": code, "message": "..."}}``;
* ``Accepted``: a 200 that echoes the body (the input is hostile-looking but valid: a charset spelling, a NUL escape
  in an extra key, a body of exactly 64 KiB...);
* ``PROTOCOL``: uvicorn's parser (httptools) cannot read the request as HTTP, so the app never sees it: uvicorn's own
  ``400 text/plain "Invalid HTTP request received."`` with ``connection: close``;
* ``CLOSED``: the client stopped mid-body and shut its side, so there is nobody to answer: the connection closes
  without a byte.

Decisions: a lone surrogate escape (``"\\ud800"``) is valid JSON syntax but no Unicode text (RFC 8259 section 8.2,
RFC 7493 section 2.1), so it is an ``INVALID_JSON`` 400 wherever it appears, like raw bytes that are not UTF-8; a
valid surrogate pair is a character like any other. A number that overflows a double (``-1e999``) is an
``INVALID_JSON`` 400, like ``NaN`` and ``Infinity``: Python would read it as infinity and echo ``-Infinity``, which
is not JSON. An invalid ``Prefer`` is refused at once, not after the delay it asked for (clamped to 30 s).

Requests go through httpx where it can express them and as raw bytes on a socket where it cannot (bad request
lines, lying or duplicated framing headers, raw bytes in the path, half-closed connections). Every case has a few
seconds: a timeout is a hang, and a hang is a failure. After every case a valid request must still get its 200.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from contracts.testing.live import MONTHLY
from mockserver.decisions.security import mint_token
from tests.conftest import TLS

pytestmark = [pytest.mark.live, pytest.mark.timeout(30)]

CASE_TIMEOUT = 5.0  # seconds a single exchange may take; longer is a hang
TOKEN = mint_token(("write:insight",))
AUTH = f"Bearer {TOKEN}"
PATH = "/v1/accounts/P12345678/insight/generate-report"
VALID: dict[str, Any] = MONTHLY
VALID_BYTES = json.dumps(VALID, separators=(",", ":")).encode()
BODY_LIMIT = 64 * 1024
UVICORN_REFUSAL = b"Invalid HTTP request received."


# --- what a case expects ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    status: int
    code: str
    has_body: bool = True  # False for HEAD: the headers of the error, no content


@dataclass(frozen=True)
class Accepted:
    echo: Mapping[str, Any]


@dataclass(frozen=True)
class ProtocolRefusal:
    """uvicorn could not parse the request as HTTP and answered for the app."""


@dataclass(frozen=True)
class ClosedWithoutAnswer:
    """The client went away mid-body; the server closes the connection and writes nothing."""


PROTOCOL = ProtocolRefusal()
CLOSED = ClosedWithoutAnswer()
Expectation = Refused | Accepted | ProtocolRefusal | ClosedWithoutAnswer


def echo_of(body: bytes) -> Accepted:
    """The 200 a valid body gets: itself, with ``contentType`` defaulting to CSV."""
    sent = json.loads(body)
    return Accepted({**sent, "contentType": sent.get("contentType", "text/csv")})


ACCEPTED = echo_of(VALID_BYTES)
INVALID_JSON = Refused(400, "INVALID_JSON")
INVALID_BODY = Refused(400, "INVALID_BODY")
INVALID_PERIOD = Refused(400, "INVALID_PERIOD")
INVALID_PARAMETER = Refused(400, "INVALID_PARAMETER")
INVALID_REQUEST = Refused(400, "INVALID_REQUEST")
TOO_LARGE = Refused(413, "PAYLOAD_TOO_LARGE")
UNSUPPORTED = Refused(415, "UNSUPPORTED_MEDIA_TYPE")
NOT_FOUND = Refused(404, "NOT_FOUND")
NOT_ALLOWED = Refused(405, "METHOD_NOT_ALLOWED")
UNAUTHORIZED = Refused(401, "UNAUTHORIZED")
HEADERS_TOO_LARGE = Refused(431, "REQUEST_HEADER_FIELDS_TOO_LARGE")


# --- what a case sends --------------------------------------------------------------------------------------------

Headers = Mapping[str, str | bytes | None]  # None removes a default header


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    expect: Expectation
    body: bytes | tuple[bytes, ...] = VALID_BYTES  # a tuple is sent chunked, one chunk per item
    path: str = PATH
    method: str = "POST"
    headers: Headers = field(default_factory=dict)
    wire: bytes | None = None  # exact bytes for a raw socket, when httpx cannot express the request
    half_close: bool = False  # shut the socket's write side after sending (the client has nothing more to send)


def with_extra(fragment: bytes) -> bytes:
    """The valid body with one more member, written as raw JSON text."""
    return VALID_BYTES[:-1] + b"," + fragment + b"}"


def with_field(name: str, raw_value: bytes) -> bytes:
    """The valid body with one field's value replaced by raw JSON text."""
    members = [
        json.dumps(key).encode() + b":" + (raw_value if key == name else json.dumps(value).encode())
        for key, value in VALID.items()
    ]
    return b"{" + b",".join(members) + b"}"


def padded_to(size: int) -> bytes:
    """A valid body of exactly ``size`` bytes (an extra string member carries the padding)."""
    skeleton = with_extra(b'"pad":""')
    return with_extra(b'"pad":"' + b"a" * (size - len(skeleton)) + b'"')


def wire(
    method: str = "POST",
    target: str | bytes = PATH,
    *,
    body: bytes = VALID_BYTES,
    headers: Headers | None = None,
    version: str = "HTTP/1.1",
    extra_lines: tuple[bytes, ...] = (),
) -> bytes:
    """A request as bytes: the default headers (Host, token, JSON, its length, Connection: close), then overrides."""
    merged: dict[str, str | bytes | None] = {
        "Host": "127.0.0.1",
        "Authorization": AUTH,
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Connection": "close",
    }
    merged.update(headers or {})
    request_target = target if isinstance(target, bytes) else target.encode("latin-1")
    lines = [method.encode("latin-1") + b" " + request_target + b" " + version.encode()]
    for name, value in merged.items():
        if value is not None:
            encoded = value if isinstance(value, bytes) else value.encode("latin-1")
            lines.append(name.encode("latin-1") + b": " + encoded)
    lines.extend(extra_lines)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def aid_path(aid: str) -> str:
    return f"/v1/accounts/{aid}/insight/generate-report"


# --- the corpus ---------------------------------------------------------------------------------------------------

MALFORMED = "truncated and malformed JSON"
DUPLICATES = "duplicate keys"
NON_FINITE = "NaN and Infinity"
HUGE_NUMBERS = "huge numbers"
NESTING = "deep nesting"
LONG_STRINGS = "very long strings"
UNICODE = "lone surrogates and non-UTF-8 bytes"
NUL = "NUL bytes"
BOM = "byte order marks"
EMPTY = "empty and non-object bodies"
MEDIA_TYPE = "wrong and missing Content-Type"
CHARSET = "charset variants"
SIZE = "size limit and framing"
AID = "path aid"
HEADERS = "large and many headers"
PREFER = "Prefer header values"
METHODS = "methods"
VERSIONS = "HTTP versions"
GARBAGE = "garbage request lines and headers"
ADMIN = "admin routes"

DEEP_100K_ARRAYS = b"[" * 100_000 + b"]" * 100_000
DEEP_100K_OBJECTS = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
DEEP_ARRAYS_IN_LIMIT = b"[" * 30_000 + b"]" * 30_000
DEEP_OBJECTS_IN_LIMIT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
LONG = 60_000  # characters: a long string that still fits the body limit
HUGE_BEARER = "Bearer " + "a" * 102_400

CORPUS: list[Case] = [
    # -- truncated and malformed JSON
    Case("body truncated by its last byte", MALFORMED, INVALID_JSON, body=VALID_BYTES[:-1]),
    Case("body truncated inside the first key", MALFORMED, INVALID_JSON, body=VALID_BYTES[:7]),
    Case("a lone opening brace", MALFORMED, INVALID_JSON, body=b"{"),
    Case("a lone closing bracket", MALFORMED, INVALID_JSON, body=b"]"),
    Case("a trailing comma", MALFORMED, INVALID_JSON, body=VALID_BYTES[:-1] + b",}"),
    Case("single-quoted strings", MALFORMED, INVALID_JSON, body=VALID_BYTES.replace(b'"', b"'")),
    Case("unquoted keys", MALFORMED, INVALID_JSON, body=b'{dataType:"checkout/transactions"}'),
    Case("a comment before the object", MALFORMED, INVALID_JSON, body=b"// report\n" + VALID_BYTES),
    Case("two objects back to back", MALFORMED, INVALID_JSON, body=VALID_BYTES + VALID_BYTES),
    Case("garbage after the object", MALFORMED, INVALID_JSON, body=VALID_BYTES + b"x"),
    Case("the literal undefined", MALFORMED, INVALID_JSON, body=with_extra(b'"x":undefined')),
    Case("Python literals True and None", MALFORMED, INVALID_JSON, body=with_extra(b'"x":True,"y":None')),
    Case("a hexadecimal number", MALFORMED, INVALID_JSON, body=with_extra(b'"x":0x10')),
    Case("a number with a leading zero", MALFORMED, INVALID_JSON, body=with_extra(b'"x":01')),
    Case("a number with a plus sign", MALFORMED, INVALID_JSON, body=with_extra(b'"x":+1')),
    Case("an unterminated string", MALFORMED, INVALID_JSON, body=b'{"dataType":"checkout/transact'),
    Case("an invalid escape", MALFORMED, INVALID_JSON, body=with_extra(b'"x":"\\x41"')),
    Case("a short unicode escape", MALFORMED, INVALID_JSON, body=with_extra(b'"x":"\\u12"')),
    Case("a raw tab inside a string", MALFORMED, INVALID_JSON, body=with_extra(b'"x":"a\tb"')),
    Case("a raw newline inside a string", MALFORMED, INVALID_JSON, body=with_extra(b'"x":"a\nb"')),
    # -- duplicate keys
    Case(
        "dataType twice with the same value",
        DUPLICATES,
        INVALID_JSON,
        body=b'{"dataType":"checkout/transactions",' + VALID_BYTES[1:],
    ),
    Case(
        "dataType twice with different values",
        DUPLICATES,
        INVALID_JSON,
        body=b'{"dataType":"orders/orderoperations",' + VALID_BYTES[1:],
    ),
    Case("an extra key twice", DUPLICATES, INVALID_JSON, body=with_extra(b'"x":1,"x":2')),
    Case(
        "a duplicate inside a report filter",
        DUPLICATES,
        INVALID_JSON,
        body=with_extra(b'"reportFilters":[{"filter":"currency","filter":"NOK","value":"NOK"}]'),
    ),
    Case("a duplicate spelled with an escape", DUPLICATES, INVALID_JSON, body=with_extra(b'"x":1,"\\u0078":2')),
    Case(
        "keys that differ only in case are distinct",
        DUPLICATES,
        echo_of(with_extra(b'"DataType":"x"')),
        body=with_extra(b'"DataType":"x"'),
    ),
    # -- NaN and Infinity
    Case("NaN in an extra key", NON_FINITE, INVALID_JSON, body=with_extra(b'"x":NaN')),
    Case("Infinity in an extra key", NON_FINITE, INVALID_JSON, body=with_extra(b'"x":Infinity')),
    Case("-Infinity in an extra key", NON_FINITE, INVALID_JSON, body=with_extra(b'"x":-Infinity')),
    Case("NaN as the dataType", NON_FINITE, INVALID_JSON, body=with_field("dataType", b"NaN")),
    Case("NaN deep in an array", NON_FINITE, INVALID_JSON, body=with_extra(b'"x":[[1,[NaN]]]')),
    Case("lowercase nan", NON_FINITE, INVALID_JSON, body=with_extra(b'"x":nan')),
    # -- huge numbers
    Case("an integer of 5001 digits (10^5000)", HUGE_NUMBERS, INVALID_JSON, body=with_extra(b'"x":1' + b"0" * 5000)),
    Case("-1e999, which overflows to -Infinity", HUGE_NUMBERS, INVALID_JSON, body=with_extra(b'"x":-1e999')),
    Case("1E+400 nested in an array", HUGE_NUMBERS, INVALID_JSON, body=with_extra(b'"x":[1E+400]')),
    Case("1e999 as the dataType", HUGE_NUMBERS, INVALID_JSON, body=with_field("dataType", b"1e999")),
    Case(
        "the largest finite double",
        HUGE_NUMBERS,
        echo_of(with_extra(b'"x":1.7976931348623157e308')),
        body=with_extra(b'"x":1.7976931348623157e308'),
    ),
    Case(
        "an integer of 300 digits",
        HUGE_NUMBERS,
        echo_of(with_extra(b'"x":' + b"9" * 300)),
        body=with_extra(b'"x":' + b"9" * 300),
    ),
    Case("a huge number as the from bound", HUGE_NUMBERS, INVALID_BODY, body=with_field("from", b"1" + b"0" * 300)),
    # -- deep nesting
    Case("100k nested arrays (200 KB) are too large", NESTING, TOO_LARGE, body=DEEP_100K_ARRAYS),
    Case("100k nested objects (600 KB) are too large", NESTING, TOO_LARGE, body=DEEP_100K_OBJECTS),
    Case(
        "100k nested arrays, chunked without a length",
        NESTING,
        TOO_LARGE,
        body=tuple(DEEP_100K_ARRAYS[i : i + 16384] for i in range(0, len(DEEP_100K_ARRAYS), 16384)),
    ),
    Case("30k nested arrays within the size limit", NESTING, INVALID_JSON, body=DEEP_ARRAYS_IN_LIMIT),
    Case("10k nested objects within the size limit", NESTING, INVALID_JSON, body=DEEP_OBJECTS_IN_LIMIT),
    Case("30k unclosed arrays", NESTING, INVALID_JSON, body=b"[" * 30_000),
    Case("900 nested arrays (under Python's recursion limit)", NESTING, INVALID_JSON, body=b"[" * 900 + b"]" * 900),
    Case("33 levels, one over the limit", NESTING, INVALID_JSON, body=with_extra(b'"x":' + b"[" * 32 + b"]" * 32)),
    Case(
        "32 levels, exactly the limit",
        NESTING,
        echo_of(with_extra(b'"x":' + b"[" * 31 + b"]" * 31)),
        body=with_extra(b'"x":' + b"[" * 31 + b"]" * 31),
    ),
    # -- very long strings
    Case(
        "a 60k-character extra value",
        LONG_STRINGS,
        echo_of(with_extra(b'"x":"' + b"a" * LONG + b'"')),
        body=with_extra(b'"x":"' + b"a" * LONG + b'"'),
    ),
    Case(
        "a 60k-character extra key",
        LONG_STRINGS,
        echo_of(with_extra(b'"' + b"k" * LONG + b'":1')),
        body=with_extra(b'"' + b"k" * LONG + b'":1'),
    ),
    Case("a 60k-character dataType", LONG_STRINGS, INVALID_BODY, body=with_field("dataType", b'"%s"' % (b"a" * LONG))),
    Case("a 60k-character language", LONG_STRINGS, INVALID_BODY, body=with_field("language", b'"%s"' % (b"n" * LONG))),
    Case(
        "a 60k-character from bound",
        LONG_STRINGS,
        INVALID_PERIOD,
        body=with_field("from", b'"2026-11-01' + b"x" * LONG + b'"'),
    ),
    Case(
        "5000 extra keys",
        LONG_STRINGS,
        echo_of(with_extra(b",".join(b'"k%d":0' % i for i in range(5000)))),
        body=with_extra(b",".join(b'"k%d":0' % i for i in range(5000))),
    ),
    Case(
        "a 70k-character string is too large", LONG_STRINGS, TOO_LARGE, body=with_extra(b'"x":"' + b"a" * 70_000 + b'"')
    ),
    # -- lone surrogates and non-UTF-8 bytes
    Case("a lone high surrogate escape in an extra value", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\\ud800"')),
    Case("a lone low surrogate escape in an extra value", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\\udc00"')),
    Case("a lone surrogate escape as an extra key's name", UNICODE, INVALID_JSON, body=with_extra(b'"\\ud800":1')),
    Case("a lone surrogate escape as the dataType", UNICODE, INVALID_JSON, body=with_field("dataType", b'"\\ud800"')),
    Case("a lone surrogate escape as the language", UNICODE, INVALID_JSON, body=with_field("language", b'"\\udfff"')),
    Case("a reversed surrogate pair", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\\ude00\\ud83d"')),
    Case(
        "a surrogate pair escape is one emoji",
        UNICODE,
        echo_of(with_extra(b'"x":"\\ud83d\\ude00"')),
        body=with_extra(b'"x":"\\ud83d\\ude00"'),
    ),
    Case("a raw 0xFF byte", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\xff"')),
    Case("a raw Latin-1 o-slash", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\xf8"')),
    Case("an overlong UTF-8 slash", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\xc0\xaf"')),
    Case("a UTF-8 encoded surrogate (CESU-8)", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\xed\xa0\x80"')),
    Case("a code point above U+10FFFF", UNICODE, INVALID_JSON, body=with_extra(b'"x":"\xf4\x90\x80\x80"')),
    Case("a multibyte sequence cut at the end", UNICODE, INVALID_JSON, body=VALID_BYTES + b"\xc3"),
    # -- NUL bytes
    Case(
        "an escaped NUL in an extra value",
        NUL,
        echo_of(with_extra(b'"x":"\\u0000"')),
        body=with_extra(b'"x":"\\u0000"'),
    ),
    Case("an escaped NUL as an extra key", NUL, echo_of(with_extra(b'"\\u0000":1')), body=with_extra(b'"\\u0000":1')),
    Case(
        "an escaped NUL ending the dataType",
        NUL,
        INVALID_BODY,
        body=with_field("dataType", b'"checkout/transactions\\u0000"'),
    ),
    Case("a raw NUL inside a string", NUL, INVALID_JSON, body=with_extra(b'"x":"\x00"')),
    Case("a raw NUL after the object", NUL, INVALID_JSON, body=VALID_BYTES + b"\x00"),
    Case("a raw NUL before the object", NUL, INVALID_JSON, body=b"\x00" + VALID_BYTES),
    Case("a body of NULs", NUL, INVALID_JSON, body=b"\x00" * 64),
    Case("an encoded NUL in the aid", NUL, INVALID_PARAMETER, path=aid_path("P12345678%00")),
    # -- byte order marks
    Case("a UTF-8 BOM", BOM, INVALID_JSON, body=b"\xef\xbb\xbf" + VALID_BYTES),
    Case("a UTF-16 LE BOM and body", BOM, INVALID_JSON, body=b"\xff\xfe" + VALID_BYTES.decode().encode("utf-16-le")),
    Case("a UTF-16 BE BOM and body", BOM, INVALID_JSON, body=b"\xfe\xff" + VALID_BYTES.decode().encode("utf-16-be")),
    Case(
        "a UTF-32 LE BOM and body",
        BOM,
        INVALID_JSON,
        body=b"\xff\xfe\x00\x00" + VALID_BYTES.decode().encode("utf-32-le"),
    ),
    Case(
        "a UTF-32 BE BOM and body",
        BOM,
        INVALID_JSON,
        body=b"\x00\x00\xfe\xff" + VALID_BYTES.decode().encode("utf-32-be"),
    ),
    Case("UTF-16 without a BOM", BOM, INVALID_JSON, body=VALID_BYTES.decode().encode("utf-16-le")),
    Case("a BOM alone", BOM, INVALID_JSON, body=b"\xef\xbb\xbf"),
    Case(
        "U+FEFF inside a string is a character",
        BOM,
        echo_of(with_extra('"x":"\ufeff"'.encode())),
        body=with_extra('"x":"\ufeff"'.encode()),
    ),
    # -- empty and non-object bodies
    Case("an empty body", EMPTY, INVALID_JSON, body=b""),
    Case(
        "an empty body without Content-Length",
        EMPTY,
        INVALID_JSON,
        wire=wire(body=b"", headers={"Content-Length": None}),
    ),
    Case("whitespace only", EMPTY, INVALID_JSON, body=b" \r\n\t "),
    Case("null", EMPTY, INVALID_BODY, body=b"null"),
    Case("an empty array", EMPTY, INVALID_BODY, body=b"[]"),
    Case("a string", EMPTY, INVALID_BODY, body=b'"checkout/transactions"'),
    Case("a number", EMPTY, INVALID_BODY, body=b"0"),
    Case("true", EMPTY, INVALID_BODY, body=b"true"),
    Case("an empty object", EMPTY, INVALID_BODY, body=b"{}"),
    Case("the valid body inside an array", EMPTY, INVALID_BODY, body=b"[" + VALID_BYTES + b"]"),
    # -- wrong and missing Content-Type
    Case("no Content-Type", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": None}),
    Case("an empty Content-Type", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": ""}),
    Case("text/plain", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "text/plain"}),
    Case("a form", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/x-www-form-urlencoded"}),
    Case("multipart", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "multipart/form-data; boundary=x"}),
    Case("application/xml", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/xml"}),
    Case("application/problem+json", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/problem+json"}),
    Case(
        "application/json-patch+json", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/json-patch+json"}
    ),
    Case("application/jsonx", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/jsonx"}),
    Case("a wildcard", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "*/*"}),
    Case("two media types", MEDIA_TYPE, UNSUPPORTED, headers={"Content-Type": "application/json, text/plain"}),
    Case("uppercase APPLICATION/JSON", MEDIA_TYPE, ACCEPTED, headers={"Content-Type": "APPLICATION/JSON"}),
    Case(
        "spaces around the media type", MEDIA_TYPE, ACCEPTED, wire=wire(headers={"Content-Type": " application/json "})
    ),
    Case("an unknown parameter", MEDIA_TYPE, ACCEPTED, headers={"Content-Type": "application/json; foo=bar"}),
    # -- charset variants
    Case("charset=utf-8", CHARSET, ACCEPTED, headers={"Content-Type": "application/json;charset=utf-8"}),
    Case("charset=UTF-8", CHARSET, ACCEPTED, headers={"Content-Type": "application/json; charset=UTF-8"}),
    Case("a quoted charset", CHARSET, ACCEPTED, headers={"Content-Type": 'application/json; charset="utf-8"'}),
    Case("charset=utf8", CHARSET, ACCEPTED, headers={"Content-Type": "application/json; charset=utf8"}),
    Case("charset=latin-1", CHARSET, UNSUPPORTED, headers={"Content-Type": "application/json; charset=latin-1"}),
    Case("charset=iso-8859-1", CHARSET, UNSUPPORTED, headers={"Content-Type": "application/json; charset=iso-8859-1"}),
    Case(
        "a UTF-16 body labelled utf-16",
        CHARSET,
        UNSUPPORTED,
        body=VALID_BYTES.decode().encode("utf-16"),
        headers={"Content-Type": "application/json; charset=utf-16"},
    ),
    Case("an empty charset", CHARSET, UNSUPPORTED, headers={"Content-Type": "application/json; charset="}),
    Case(
        "utf-8 then latin1",
        CHARSET,
        UNSUPPORTED,
        headers={"Content-Type": "application/json; charset=utf-8; charset=latin1"},
    ),
    # -- size limit and framing
    Case("a body of exactly 64 KiB", SIZE, echo_of(padded_to(BODY_LIMIT)), body=padded_to(BODY_LIMIT)),
    Case("a body of 64 KiB and one byte", SIZE, TOO_LARGE, body=padded_to(BODY_LIMIT + 1)),
    Case(
        "a declared length over the limit with a small body",
        SIZE,
        TOO_LARGE,
        wire=wire(body=b"x" * 1000, headers={"Content-Length": "70000"}),
    ),
    Case(
        "a declared length over the limit, waiting for 100-continue",
        SIZE,
        TOO_LARGE,
        wire=wire(body=b"", headers={"Content-Length": "70000", "Expect": "100-continue"}),
    ),
    Case("a valid body after 100-continue", SIZE, ACCEPTED, wire=wire(headers={"Expect": "100-continue"})),
    Case("chunked: 200 KB of spaces", SIZE, TOO_LARGE, body=tuple(b" " * 8192 for _ in range(25))),
    Case(
        "chunked: 64 KiB and one byte",
        SIZE,
        TOO_LARGE,
        body=tuple(padded_to(BODY_LIMIT + 1)[i : i + 4096] for i in range(0, BODY_LIMIT + 1, 4096)),
    ),
    Case("chunked: a valid body in one-byte chunks", SIZE, ACCEPTED, body=tuple(bytes([b]) for b in VALID_BYTES)),
    Case("a Content-Length shorter than the body", SIZE, INVALID_JSON, wire=wire(headers={"Content-Length": "3"})),
    Case(
        "a Content-Length longer than the body, then the client shuts its side",
        SIZE,
        CLOSED,
        wire=wire(headers={"Content-Length": "500"}),
        half_close=True,
    ),
    Case("a 23-digit Content-Length", SIZE, PROTOCOL, wire=wire(headers={"Content-Length": "9" * 23})),
    Case("a negative Content-Length", SIZE, PROTOCOL, wire=wire(headers={"Content-Length": "-1"})),
    Case("a non-numeric Content-Length", SIZE, PROTOCOL, wire=wire(headers={"Content-Length": "abc"})),
    Case(
        "two different Content-Lengths",
        SIZE,
        PROTOCOL,
        wire=wire(headers={"Content-Length": None}, extra_lines=(b"Content-Length: 110", b"Content-Length: 111")),
    ),
    Case(
        "Content-Length and chunked together",
        SIZE,
        PROTOCOL,
        wire=wire(body=b"2\r\n{}\r\n0\r\n\r\n", headers={"Content-Length": "5", "Transfer-Encoding": "chunked"}),
    ),
    Case(
        "Transfer-Encoding gzip",
        SIZE,
        PROTOCOL,
        wire=wire(headers={"Content-Length": None, "Transfer-Encoding": "gzip"}),
    ),
    Case(
        "a malformed chunk size",
        SIZE,
        PROTOCOL,
        wire=wire(body=b"zz\r\n{}\r\n0\r\n\r\n", headers={"Content-Length": None, "Transfer-Encoding": "chunked"}),
    ),
    # -- path aid
    Case("an encoded slash in the aid", AID, NOT_FOUND, path=aid_path("P1234%2F5678")),
    Case("an encoded slash after the aid", AID, NOT_FOUND, path=aid_path("P12345678%2F")),
    Case("an encoded newline inside the aid", AID, INVALID_PARAMETER, path=aid_path("P1234%0A5678")),
    Case("an encoded newline after the aid", AID, INVALID_PARAMETER, path=aid_path("P12345678%0A")),
    Case(
        "an encoded CRLF and header after the aid",
        AID,
        INVALID_PARAMETER,
        path=aid_path("P12345678%0D%0AX-Injected:%201"),
    ),
    Case("a Cyrillic Er for the P", AID, INVALID_PARAMETER, path=aid_path("%D0%A012345678")),
    Case(
        "fullwidth digits",
        AID,
        INVALID_PARAMETER,
        path=aid_path("P%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98"),
    ),
    Case(
        "Arabic-Indic digits",
        AID,
        INVALID_PARAMETER,
        path=aid_path("P%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6%D9%A7%D9%A8"),
    ),
    Case("a literal .. as the aid", AID, INVALID_PARAMETER, wire=wire(target=aid_path(".."))),
    Case("an encoded .. as the aid", AID, INVALID_PARAMETER, path=aid_path("%2E%2E")),
    Case(
        "a traversal towards the admin routes",
        AID,
        NOT_FOUND,
        wire=wire(target="/v1/accounts/P12345678/../../../_mock/requests"),
    ),
    Case("an aid of 10,000 characters", AID, INVALID_PARAMETER, path=aid_path("P" + "1" * 10_000)),
    Case("an aid of 100,000 characters", AID, PROTOCOL, wire=wire(target=aid_path("P" + "1" * 100_000))),
    Case("a lowercase p", AID, INVALID_PARAMETER, path=aid_path("p12345678")),
    Case("nine digits", AID, INVALID_PARAMETER, path=aid_path("P123456789")),
    Case("an encoded 0xFF byte", AID, INVALID_PARAMETER, path=aid_path("P12345678%FF")),
    Case("a trailing encoded space", AID, INVALID_PARAMETER, path=aid_path("P12345678%20")),
    Case("a raw 0xFF byte in the path", AID, PROTOCOL, wire=wire(target=aid_path("P").encode() + b"\xff")),
    Case("a T account is valid", AID, ACCEPTED, path=aid_path("T12345678")),
    # -- large and many headers
    # Headers over 16 KiB in total are refused whole (issue 14); under it, each header is still read safely.
    Case("a 15 KiB custom header", HEADERS, ACCEPTED, wire=wire(headers={"X-Padding": "a" * 15 * 1024})),
    Case("a 100 KiB custom header", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={"X-Padding": "a" * 100 * 1024})),
    Case("a 1 MiB custom header", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={"X-Padding": "a" * 1024 * 1024})),
    Case("a 60 KiB header name", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={"X" * 60 * 1024: "v"})),
    Case("1000 headers", HEADERS, ACCEPTED, wire=wire(headers={f"X-H{i}": "v" for i in range(1000)})),
    Case("5000 headers", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={f"X-H{i}": "v" for i in range(5000)})),
    Case("a 100 KiB Authorization", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={"Authorization": HUGE_BEARER})),
    Case("a 100 KiB Content-Type", HEADERS, HEADERS_TOO_LARGE, wire=wire(headers={"Content-Type": "a" * 102_400})),
    Case("a 15 KiB Content-Type", HEADERS, UNSUPPORTED, wire=wire(headers={"Content-Type": "a" * 15 * 1024})),
    Case("a 100 KiB request target", HEADERS, PROTOCOL, wire=wire(target=PATH + "?" + "a" * 102_400)),
    # -- Prefer header values
    Case("Prefer code with a superscript two (byte B2)", PREFER, INVALID_REQUEST, headers={"Prefer": b"code=\xb2"}),
    Case("Prefer delay with a superscript one (byte B9)", PREFER, INVALID_REQUEST, headers={"Prefer": b"delay=\xb9"}),
    Case("Prefer code of 5000 digits", PREFER, INVALID_REQUEST, headers={"Prefer": "code=" + "4" * 5000}),
    Case("Prefer delay of 5000 digits", PREFER, INVALID_REQUEST, headers={"Prefer": "delay=" + "1" * 5000}),
    Case(
        "Prefer validation=skip with a superscript delay",
        PREFER,
        INVALID_REQUEST,
        headers={"Prefer": b"code=500, validation=skip, delay=\xb3"},
    ),
    Case("Prefer delay over the maximum", PREFER, INVALID_REQUEST, headers={"Prefer": "delay=99999999"}),
    Case("Prefer code 418", PREFER, INVALID_REQUEST, headers={"Prefer": "code=418"}),
    # The largest Prefer values that fit in the 16 KiB of headers.
    Case("15 KiB of unknown preferences", PREFER, ACCEPTED, headers={"Prefer": "a" * 15 * 1024 + "@"}),
    Case("an unterminated quoted preference", PREFER, ACCEPTED, headers={"Prefer": 'x="' + "\\a" * 7_500}),
    Case("3,500 preferences", PREFER, ACCEPTED, headers={"Prefer": ",".join(["a=1"] * 3_500)}),
    # -- methods
    Case("an unknown method FOO (httptools knows no such method)", METHODS, PROTOCOL, wire=wire("FOO")),
    Case("PROPFIND", METHODS, NOT_ALLOWED, method="PROPFIND"),
    Case("TRACE", METHODS, NOT_ALLOWED, method="TRACE", body=b""),
    Case("OPTIONS without CORS configured", METHODS, NOT_ALLOWED, method="OPTIONS", body=b""),
    Case("GET", METHODS, NOT_ALLOWED, method="GET", body=b""),
    Case("PUT", METHODS, NOT_ALLOWED, method="PUT"),
    Case("DELETE", METHODS, NOT_ALLOWED, method="DELETE", body=b""),
    Case("PATCH", METHODS, NOT_ALLOWED, method="PATCH"),
    Case("HEAD", METHODS, Refused(405, "METHOD_NOT_ALLOWED", has_body=False), wire=wire("HEAD", body=b"")),
    Case("a lowercase post", METHODS, PROTOCOL, wire=wire("post")),
    Case("CONNECT", METHODS, PROTOCOL, wire=wire("CONNECT", "127.0.0.1:80", body=b"")),
    Case("OPTIONS *", METHODS, NOT_FOUND, wire=wire("OPTIONS", "*", body=b"")),
    Case("a 1000-character method", METHODS, PROTOCOL, wire=wire("A" * 1000)),
    # -- HTTP versions
    Case("HTTP/1.0", VERSIONS, ACCEPTED, wire=wire(version="HTTP/1.0")),
    Case("HTTP/1.0 without Host", VERSIONS, ACCEPTED, wire=wire(version="HTTP/1.0", headers={"Host": None})),
    Case("HTTP/0.9 style GET without a version", VERSIONS, NOT_FOUND, wire=b"GET /nowhere\r\n\r\n"),
    Case("HTTP/3.0 in the request line", VERSIONS, PROTOCOL, wire=wire(version="HTTP/3.0")),
    Case("a lowercase http/1.1", VERSIONS, PROTOCOL, wire=wire(version="http/1.1")),
    Case("the HTTP/2 connection preface", VERSIONS, PROTOCOL, wire=b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    Case(
        "a TLS ClientHello on the plain port",
        VERSIONS,
        PROTOCOL,
        wire=bytes.fromhex("160301020001000100030300") + b"\x00" * 40,
    ),
    # -- garbage request lines and headers
    Case("a single word", GARBAGE, PROTOCOL, wire=b"GARBAGE\r\n\r\n"),
    Case("binary bytes", GARBAGE, PROTOCOL, wire=b"\x00\x01\x02\xff\xfe\r\n\r\n"),
    Case("a method alone", GARBAGE, PROTOCOL, wire=b"POST\r\n\r\n"),
    Case("bare LF line endings", GARBAGE, PROTOCOL, wire=wire().replace(b"\r\n", b"\n")),
    Case("a space inside the target", GARBAGE, PROTOCOL, wire=wire(target=aid_path("P1234 5678"))),
    Case("a raw DEL in the query", GARBAGE, PROTOCOL, wire=wire(target=PATH + "?a=\x7f")),
    Case("a header line without a colon", GARBAGE, PROTOCOL, wire=wire(extra_lines=(b"NoColonHere",))),
    Case("a control byte in a header value", GARBAGE, PROTOCOL, wire=wire(headers={"X-A": "a\x01b"})),
    Case("an obsolete folded header", GARBAGE, PROTOCOL, wire=wire(extra_lines=(b"X-Fold: a", b"  b"))),
    Case("Latin-1 bytes in a header value are just bytes", GARBAGE, ACCEPTED, wire=wire(headers={"X-A": b"\xff\xfe"})),
    Case("an empty line before the request line", GARBAGE, ACCEPTED, wire=b"\r\n" + wire()),
    Case("an absolute-form target naming another host", GARBAGE, ACCEPTED, wire=wire(target=f"http://evil.test{PATH}")),
    # -- admin routes
    Case("a junk report link", ADMIN, INVALID_REQUEST, method="GET", path="/_mock/reports/junk", body=b""),
    Case(
        "a 60k-character report link",
        ADMIN,
        INVALID_REQUEST,
        method="GET",
        path="/_mock/reports/" + "a" * LONG,
        body=b"",
    ),
    Case(
        "a JWT with alg none as a report link",
        ADMIN,
        NOT_FOUND,
        method="GET",
        body=b"",
        path="/_mock/reports/eyJhbGciOiJub25lIn0.eyJhaWQiOiJQMTIzNDU2NzgifQ.",
    ),
    Case("POST to a report link", ADMIN, NOT_ALLOWED, path="/_mock/reports/junk"),
    Case("an unknown admin route", ADMIN, NOT_FOUND, method="GET", path="/_mock/nope", body=b""),
]


# --- sending a case and reading the answer ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lowercase names
    body: bytes


class Hang(AssertionError):
    pass


def parse_answers(data: bytes) -> list[Answer]:
    """The final answers in what a server wrote on a connection (interim 1xx answers skipped)."""
    answers = []
    rest = data
    while rest:
        head, separator, rest = rest.partition(b"\r\n\r\n")
        assert separator, f"an incomplete answer: {head[:300]!r}"
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0")) if status >= 200 and status not in (204, 304) else 0
        body, rest = rest[:length], rest[length:]
        if status >= 200:
            answers.append(Answer(status, headers, body))
    return answers


def exchange_raw(port: int, request: bytes, *, half_close: bool = False) -> bytes:
    """Everything the server writes back until it closes the connection (every raw request says Connection: close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=CASE_TIMEOUT) as connection:
        # The server may refuse before reading everything; its answer is still there to read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        received = bytearray()
        deadline = time.monotonic() + CASE_TIMEOUT
        while True:
            if time.monotonic() > deadline:
                raise Hang(f"no end of answer within {CASE_TIMEOUT} s; got {bytes(received[:300])!r}")
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                raise Hang(f"no end of answer within {CASE_TIMEOUT} s; got {bytes(received[:300])!r}") from None
            except ConnectionResetError:
                break
            if not chunk:
                break
            received.extend(chunk)
    return bytes(received)


def send(origin: str, case: Case) -> bytes | Answer:
    """Send one case: raw bytes back for a raw case, the parsed answer for an httpx case."""
    if case.wire is not None:
        return exchange_raw(int(origin.rsplit(":", 1)[1]), case.wire, half_close=case.half_close)
    headers = {b"Authorization": AUTH.encode(), b"Content-Type": b"application/json"}
    for name, value in case.headers.items():
        if value is None:
            headers.pop(name.encode(), None)
        else:
            headers[name.encode()] = value if isinstance(value, bytes) else value.encode("latin-1")
    content: bytes | Iterator[bytes] = iter(case.body) if isinstance(case.body, tuple) else case.body
    try:
        with httpx.Client(timeout=CASE_TIMEOUT, verify=TLS) as client:
            response = client.request(case.method, origin + case.path, content=content, headers=headers)
    except httpx.TimeoutException as error:
        raise Hang(f"no answer within {CASE_TIMEOUT} s: {error!r}") from None
    return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content)


# --- judging an answer --------------------------------------------------------------------------------------------


def assert_error_shape(answer: Answer, expected: Refused) -> None:
    assert answer.status == expected.status, f"expected {expected.status}, got {answer.status}: {answer.body[:300]!r}"
    assert answer.headers.get("content-type") == "application/json", answer.headers
    if not expected.has_body:
        assert answer.body == b""
        return
    error = json.loads(answer.body)["error"]
    assert error["code"] == expected.code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if expected.status == 401:
        assert answer.headers.get("www-authenticate", "").startswith("Bearer"), answer.headers
    if expected.status == 405:
        assert answer.headers.get("allow"), answer.headers


def assert_answer(received: bytes | Answer, expected: Expectation) -> None:
    if isinstance(expected, ClosedWithoutAnswer):
        assert received == b"", f"expected the connection to close without an answer, got {received!r:.300}"
        return
    if isinstance(received, bytes):
        answers = parse_answers(received)
        assert len(answers) == 1, f"expected one answer, got {len(answers)}: {received[:300]!r}"
        (answer,) = answers
    else:
        answer = received
    assert answer.status < 500, f"a {answer.status}: {answer.body[:500]!r}"
    if isinstance(expected, ProtocolRefusal):
        assert (answer.status, answer.headers.get("content-type"), answer.body) == (
            400,
            "text/plain; charset=utf-8",
            UVICORN_REFUSAL,
        ), answer
        assert answer.headers.get("connection") == "close"
    elif isinstance(expected, Accepted):
        assert answer.status == 200, f"expected 200, got {answer.status}: {answer.body[:300]!r}"
        assert answer.headers.get("content-type") == "application/json"
        assert json.loads(answer.body) == expected.echo
        assert "/_mock/reports/" in answer.headers.get("x-mock-report-url", "")
    else:
        assert_error_shape(answer, expected)


def assert_still_serving(origin: str) -> None:
    """A valid request on a fresh connection gets its 200, promptly."""
    with httpx.Client(timeout=CASE_TIMEOUT, verify=TLS) as client:
        response = client.post(
            origin + PATH, content=VALID_BYTES, headers={"Authorization": AUTH, "Content-Type": "application/json"}
        )
    assert response.status_code == 200, response.text
    assert response.json() == ACCEPTED.echo


@pytest.fixture(scope="module")
def origin(live_mock: str) -> str:
    return live_mock.removesuffix("/v1")


# --- the tests ----------------------------------------------------------------------------------------------------


def test_the_corpus_has_over_100_cases_with_unique_ids_in_every_category() -> None:
    by_category = Counter(case.category for case in CORPUS)
    assert len(CORPUS) >= 100, by_category
    assert len({case.id for case in CORPUS}) == len(CORPUS), "case ids must be unique"
    assert len(by_category) == 20 and min(by_category.values()) >= 5, by_category


@pytest.mark.parametrize("case", CORPUS, ids=[f"{case.category}: {case.id}" for case in CORPUS])
def test_a_hostile_request_gets_its_precise_answer_and_the_mock_keeps_serving(origin: str, case: Case) -> None:
    assert_answer(send(origin, case), case.expect)
    assert_still_serving(origin)


def test_a_lying_content_length_holds_only_its_own_connection_while_others_are_served(origin: str) -> None:
    port = int(origin.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=1.0) as liar:
        liar.sendall(wire(headers={"Content-Length": "500", "Connection": "keep-alive"}))
        with pytest.raises(TimeoutError):
            liar.recv(1024)  # HTTP says the server waits for the 390 bytes still owed
        assert_still_serving(origin)  # within CASE_TIMEOUT, while the liar still holds its connection
    assert_still_serving(origin)


def test_a_refused_request_on_a_keep_alive_connection_leaves_the_connection_usable(origin: str) -> None:
    port = int(origin.rsplit(":", 1)[1])
    pipelined = wire(body=b"{", headers={"Connection": "keep-alive"}) + wire()
    first, second = parse_answers(exchange_raw(port, pipelined))
    assert_error_shape(first, INVALID_JSON)
    assert second.status == 200 and json.loads(second.body) == ACCEPTED.echo


def test_a_crlf_in_the_path_never_becomes_a_response_header(origin: str) -> None:
    answer = send(origin, Case("crlf", AID, INVALID_PARAMETER, path=aid_path("P12345678%0D%0AX-Injected:%201")))
    assert isinstance(answer, Answer) and "x-injected" not in answer.headers


def test_the_journal_still_lists_after_hostile_requests(origin: str) -> None:
    response = httpx.get(origin + "/_mock/requests", timeout=CASE_TIMEOUT)
    assert response.status_code == 200
    listed = response.json()
    assert listed["count"] == len(listed["requests"]) > 0
    assert all(re.fullmatch(r"[A-Z]+", entry["method"]) for entry in listed["requests"])
