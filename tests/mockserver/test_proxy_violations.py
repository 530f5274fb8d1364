"""The proxy's judgements as pure functions: request and response violations, the sl-violations header, failures."""

from __future__ import annotations

import gzip
import json
import zlib

import httpx
import pytest

from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY
from mockserver.decisions.errors import InvalidBody, InvalidPeriod, Unauthorized, UnsupportedMediaType
from mockserver.proxy.app import (
    end_to_end,
    parse_upstream,
    target_url,
    with_violations,
    without_base_path,
)
from mockserver.proxy.violations import (
    ERROR,
    MAX_HEADER_CHARS,
    WARNING,
    ProxyViolation,
    RequestVerdict,
    Unread,
    check_request,
    check_response,
    decode_header,
    decoded_for_validation,
    encode_header,
    response_refusal,
    upstream_failure,
)

VALID = MONTHLY
ECHO = {**VALID, "contentType": "text/csv"}
BEARER = "Bearer header.payload.signature"


def request(
    contract: Contract,
    body: object = VALID,
    *,
    aid: str = "P12345678",
    authorization: str | None = BEARER,
    content_type: str | None = "application/json",
    profile: str = "contract",
) -> RequestVerdict:
    raw = body if isinstance(body, bytes | Unread) else json.dumps(body).encode()
    return check_request(
        contract, aid=aid, authorization=authorization, content_type=content_type, body=raw, profile=profile
    )


def codes(violations: object) -> list[object]:
    return [violation.code for violation in violations]  # type: ignore[attr-defined]


# --- requests --------------------------------------------------------------------------------------------------------


def test_a_valid_request_has_no_violations_and_nothing_to_refuse(contract: Contract) -> None:
    verdict = request(contract)
    assert verdict.violations == () and verdict.refusal is None and verdict.body == VALID


def test_a_schedule_the_data_type_does_not_allow_is_an_enum_violation_at_its_property(contract: Contract) -> None:
    verdict = request(contract, {**VALID, "dataType": "orders/orderoperations"})
    (violation,) = verdict.violations
    assert violation.location == ("request", "body", "schedule") and violation.code == "enum"
    assert isinstance(verdict.refusal, InvalidBody)


def test_a_wrong_window_is_named_by_its_rule_and_refused_as_the_mock_refuses_it(contract: Contract) -> None:
    verdict = request(contract, {**VALID, "to": "2026-11-30"})
    (violation,) = verdict.violations
    assert violation.location == ("request", "body", "to") and violation.code == "window-end"
    assert "2026-12-01" in violation.message
    assert isinstance(verdict.refusal, InvalidPeriod) and verdict.refusal.status == 400


def test_every_check_runs_and_the_refusal_is_the_first_in_the_mocks_order(contract: Contract) -> None:
    verdict = request(contract, b"{", aid="X1", authorization=None, content_type="text/plain")
    assert [v.location for v in verdict.violations] == [
        ("request", "header", "authorization"),
        ("request", "header", "content-type"),
        ("request", "path", "aid"),
        ("request", "body"),
    ]
    assert codes(verdict.violations) == [401, 415, "pattern", "invalid-json"]  # Prism's numeric codes for 401 and 415
    assert isinstance(verdict.refusal, Unauthorized)


def test_a_non_bearer_authorization_is_a_401_violation(contract: Contract) -> None:
    assert codes(request(contract, authorization="Basic dTpw").violations) == [401]


def test_a_charset_parameter_is_a_415_violation_of_our_mocks_conventions_only(contract: Contract) -> None:
    verdict = request(contract, content_type="application/json; charset=utf-16", profile="mock")
    assert codes(verdict.violations) == [415] and isinstance(verdict.refusal, UnsupportedMediaType)
    # RFC 8259: JSON has no charset parameter and recipients ignore it; the published contract says nothing more.
    assert request(contract, content_type="application/json; charset=latin-1").violations == ()
    assert codes(request(contract, content_type="text/plain").violations) == [415]


def test_a_body_too_large_to_keep_is_a_warning_not_a_silent_pass(contract: Contract) -> None:
    verdict = request(contract, Unread("larger than 65536 bytes"))
    (violation,) = verdict.violations
    assert violation.severity == WARNING and violation.message == "not validated: larger than 65536 bytes"
    assert verdict.refusal is None and not verdict.breaks_contract


def test_a_pointer_with_escapes_becomes_location_segments(contract: Contract) -> None:
    verdict = request(contract, {"dataType": 7})
    assert verdict.violations[0].location == ("request", "body", "dataType")


# --- responses -------------------------------------------------------------------------------------------------------


def answer(
    contract: Contract,
    status: int,
    body: object,
    *,
    sent: RequestVerdict | None = None,
    ct: str = "application/json",
    profile: str = "contract",
) -> list[ProxyViolation]:
    raw = body if isinstance(body, bytes | Unread) else json.dumps(body).encode()
    return check_response(
        contract, sent or request(contract), status=status, content_type=ct, body=raw, profile=profile
    )


def test_the_echo_of_a_valid_request_with_defaults_keeps_the_contract(contract: Contract) -> None:
    assert answer(contract, 200, ECHO) == []


def test_a_legal_answer_of_another_implementation_is_no_violation_of_the_contract_profile(contract: Contract) -> None:
    refused = request(contract, {**VALID, "to": "2026-11-30"})
    message_only = {"error": {"code": "bad_request", "message": "a monthly report cannot end 2026-11-30"}}
    assert answer(contract, 400, message_only, sent=refused) == []
    entries = {"error": {"message": "no", "errors": [{"loc": ["body", "to"]}, {"reason": "window"}]}}
    assert answer(contract, 400, entries, sent=refused) == []
    assert answer(contract, 200, VALID) == []  # no default filled in: the published document states none
    assert answer(contract, 413, b"<html>too large</html>", ct="text/html") == []  # a status it does not declare
    # Our mock's conventions name them.
    assert codes(answer(contract, 200, VALID, profile="mock")) == ["echo"]
    assert codes(answer(contract, 413, b"<html>too large</html>", ct="text/html", profile="mock")) == ["media-type"]


def test_an_undeclared_status_is_a_status_violation_listing_the_declared_ones(contract: Contract) -> None:
    (violation,) = answer(contract, 422, {"error": {"message": "no"}})
    assert violation.location == ("response", "status") and violation.severity == ERROR
    assert "422 is not declared" in violation.message and "200, 400, 401" in violation.message


def test_a_problem_json_error_breaks_the_media_type(contract: Contract) -> None:
    problem = {"type": "about:blank", "title": "Bad", "status": 400}
    (violation,) = answer(contract, 400, problem, ct="application/problem+json")
    assert violation.location == ("response", "header", "content-type") and violation.code == "media-type"


def test_an_error_without_the_error_object_breaks_the_error_shape(contract: Contract) -> None:
    invalid = request(contract, {**VALID, "to": "2026-11-30"})
    (violation,) = answer(contract, 400, {"message": "bad"}, sent=invalid)
    assert violation.code == "error-shape" and "not the Error shape" in violation.message


def test_an_echo_that_differs_from_the_request_names_the_keys(contract: Contract) -> None:
    violations = answer(contract, 200, {**ECHO, "language": "en"})
    assert codes(violations) == ["echo"] and "language" in violations[0].message


def test_an_echo_that_is_not_report_params_is_located_in_the_response_body(contract: Contract) -> None:
    violations = answer(contract, 200, {**ECHO, "schedule": "yearly"})
    assert ("response", "body", "schedule") in [v.location for v in violations]


def test_a_200_to_a_request_that_breaks_the_contract_is_a_violation(contract: Contract) -> None:
    invalid = request(contract, {**VALID, "to": "2026-11-30"})
    violations = answer(contract, 200, {**VALID, "to": "2026-11-30", "contentType": "text/csv"}, sent=invalid)
    assert "accepted-invalid" in codes(violations)


def test_a_400_to_a_fully_valid_request_is_a_violation(contract: Contract) -> None:
    violations = answer(contract, 400, {"error": {"code": "INVALID_PERIOD", "message": "no"}})
    assert codes(violations) == ["refused-valid"]


def test_a_401_to_a_request_without_a_token_keeps_the_contract(contract: Contract) -> None:
    sent = request(contract, authorization=None)
    assert answer(contract, 401, {"error": {"code": "UNAUTHORIZED", "message": "missing token"}}, sent=sent) == []


def test_an_answer_too_large_to_keep_is_reported_not_validated(contract: Contract) -> None:
    (violation,) = answer(contract, 200, Unread("larger than 65536 bytes"))
    assert violation.severity == WARNING and violation.message.startswith("not validated: ")


def test_gzip_and_deflate_are_undone_before_validation() -> None:
    body = json.dumps(ECHO).encode()
    assert decoded_for_validation(gzip.compress(body), "gzip", 1024) == body
    assert decoded_for_validation(zlib.compress(body), "deflate", 1024) == body
    assert decoded_for_validation(body, None, 1024) == body


def test_an_unknown_encoding_or_a_decompression_bomb_is_not_validated() -> None:
    assert isinstance(decoded_for_validation(b"...", "br", 1024), Unread)
    bomb = gzip.compress(b" " * 10_000_000)
    result = decoded_for_validation(bomb, "gzip", 64 * 1024)
    assert isinstance(result, Unread) and "once decoded" in result.reason


# --- the header ------------------------------------------------------------------------------------------------------


def test_no_violations_means_no_header() -> None:
    assert encode_header([]) is None and decode_header(None) == []


def test_the_header_is_prisms_json_array_on_one_line_of_visible_ascii() -> None:
    violations = [ProxyViolation(("request", "body", "language"), "enum", "'nø' is not allowed\n\x7f — 'no', 'en'")]
    value = encode_header(violations)
    assert value is not None and all(0x20 <= ord(char) <= 0x7E for char in value)
    assert decode_header(value) == [
        {
            "location": ["request", "body", "language"],
            "severity": "Error",
            "code": "enum",
            "message": "'nø' is not allowed\n\x7f — 'no', 'en'",
        }
    ]


def test_a_violation_without_a_code_has_no_code_key_as_in_prism() -> None:
    assert "code" not in decode_header(encode_header([ProxyViolation(("response",), None, "x")]))[0]


def test_too_many_violations_still_give_parseable_json_within_the_bound() -> None:
    many = [ProxyViolation(("request", "body", f"k{i}"), "enum", "x" * 500) for i in range(100)]
    value = encode_header(many)
    assert value is not None and len(value) <= MAX_HEADER_CHARS
    items = decode_header(value)
    assert 1 < len(items) < 100 and items[-1]["code"] == "truncated"
    assert items[-1]["message"].startswith(f"{100 - len(items) + 1} more violation(s)")


# --- what the proxy answers itself -----------------------------------------------------------------------------------


def test_a_breaking_answer_becomes_a_502_that_names_the_upstream_and_its_status() -> None:
    refusal = response_refusal("http://up", 422, [ProxyViolation(("response", "status"), "status", "undeclared")])
    assert refusal.status == 502 and refusal.code == "UPSTREAM_CONTRACT_VIOLATION"
    assert "http://up answered 422" in refusal.message and refusal.problems[0].path == "response/status"


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        (httpx.ReadTimeout("timed out"), 504, "longer than 2 s to answer"),
        (httpx.ConnectTimeout("timed out"), 504, "to accept a connection"),
        (TimeoutError(), 504, "longer than 2 s to answer"),
        (httpx.ConnectError("[Errno 111] Connection refused"), 502, "cannot connect to the upstream http://up"),
        (httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number"), 502, "TLS handshake"),
        (httpx.RemoteProtocolError("peer closed connection"), 502, "broke off"),
        (httpx.ReadError("reset"), 502, "connection to the upstream http://up failed"),
    ],
)
def test_upstream_failures_map_to_502_or_504_naming_the_upstream(error: Exception, status: int, words: str) -> None:
    failure = upstream_failure("http://up", error, 2.0)
    assert failure.status == status and words in failure.message and "http://up" in failure.message


# --- the pure helpers of the forwarding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://staging.example/api/", "https://staging.example/api"),
    ],
)
def test_an_upstream_is_an_origin_and_an_optional_prefix_without_trailing_slash(given: str, normal: str) -> None:
    assert parse_upstream(given) == normal


@pytest.mark.parametrize("bad", ["ftp://host", "127.0.0.1:8080", "http://host/?a=1", "http://"])
def test_an_upstream_that_is_not_an_http_origin_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="--upstream"):
        parse_upstream(bad)


@pytest.mark.parametrize(
    ("upstream", "root"),
    [
        ("https://api.dintero.com/v1", "https://api.dintero.com"),
        ("https://h/api/v1", "https://h/api"),
        ("https://h/api", "https://h/api"),
        ("https://h", "https://h"),
        ("http://v1", "http://v1"),  # a host named like the base path is not a path
        ("https://h/xv1", "https://h/xv1"),
    ],
)
def test_an_upstream_ending_with_the_contracts_base_path_loses_it(upstream: str, root: str) -> None:
    assert without_base_path(upstream, "/v1") == root


def test_the_path_and_query_are_appended_to_the_upstream_as_received() -> None:
    assert target_url("https://h/api", b"/v1/a%2Fb", b"x=1&y=%20") == "https://h/api/v1/a%2Fb?x=1&y=%20"
    assert target_url("http://h:1", b"/v1/accounts", b"") == "http://h:1/v1/accounts"


def test_hop_by_hop_headers_and_those_named_by_connection_are_not_forwarded() -> None:
    headers = [
        (b"host", b"proxy:8081"),
        (b"connection", b"keep-alive, X-Private"),
        (b"keep-alive", b"timeout=5"),
        (b"x-private", b"1"),
        (b"proxy-authorization", b"Basic x"),
        (b"te", b"trailers"),
        (b"transfer-encoding", b"chunked"),
        (b"authorization", b"Bearer t"),
        (b"accept", b"a"),
        (b"accept", b"b"),
    ]
    assert end_to_end(headers) == [(b"authorization", b"Bearer t"), (b"accept", b"a"), (b"accept", b"b")]


def test_the_violations_header_is_exposed_to_scripts_only_when_the_upstream_speaks_cors() -> None:
    assert with_violations([(b"a", b"1")], "[]") == [(b"a", b"1"), (b"sl-violations", b"[]")]
    cors = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", b"X-Mock-Report-Url")]
    exposed = dict(with_violations(cors, "[]"))[b"access-control-expose-headers"]
    assert exposed == b"X-Mock-Report-Url, sl-violations"
    assert with_violations(cors, None) == cors
