"""The property phase judges each answer by its profile: ``contract`` (status, the published Error shape, the echo of
what was sent) and ``mock`` (also the reason of a refusal, the value it names, error entries and codes, the exact echo
and CORS); set-up mistakes are told apart from verdicts; the coverage matrix lists what no request reached."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from contracts.checker import coverage, probes, properties
from contracts.checker.properties import Answer
from contracts.model import judgements
from contracts.model.contract import default_contract
from contracts.model.judgements import CONTRACT as CONTRACT_PROFILE
from contracts.model.judgements import MOCK
from mockserver.app import create_app
from mockserver.decisions.security import AuthMode, mint_token
from mockserver.settings import Settings
from tests.conftest import run_main

CONTRACT = default_contract()
TOKEN = mint_token(("write:insight",))
MONTHLY = {"dataType": "checkout/transactions", "schedule": "monthly", "language": "no"}
LONG = probes.Probe(
    "window-too-long",
    {**MONTHLY, "from": "2026-11-01", "to": "2026-12-02"},
    "P12345678",
    TOKEN,
    "400",
    expect_paths=("/to",),
    expect_values=("2026-12-01",),
    window="window-too-long",
)


def error(message: str, *entries: dict[str, str], code: str = "INVALID_PERIOD") -> bytes:
    """An Error body as our mock writes it; each entry gets a code and a message unless given."""
    listed = [{"code": "rule", "message": "a problem", **entry} for entry in entries]
    return json.dumps({"error": {"code": code, "message": message, "errors": listed}}).encode()


def judged(probe: probes.Probe, status: int, body: bytes, profile: str = MOCK) -> list[str]:
    answer = Answer(status, "application/json", body)
    return [judgement for judgement, _ in properties.judge(CONTRACT, probe, answer, profile)]


def test_a_refusal_pointing_at_the_broken_field_and_naming_the_right_value_keeps_the_contract() -> None:
    body = error("schedule 'monthly' needs 'to' = 2026-12-01", {"path": "/to", "message": "needs 2026-12-01"})
    assert judged(LONG, 400, body) == []


@pytest.mark.parametrize(
    "location", ["/to", "to", "body.to", "$.to", "#/to"], ids=["pointer", "name", "dotted", "jsonpath", "fragment"]
)
def test_the_field_may_be_named_in_any_common_spelling(location: str) -> None:
    assert judged(LONG, 400, error("bad window: 2026-12-01", {"path": location})) == []
    # Other APIs name the place under another key; the reason judgement reads those too.
    assert judgements.reason_problem(("/to",), 400, error("bad", {"field": location})) is None


def test_a_message_that_quotes_the_field_is_reason_enough_without_errors() -> None:
    assert judged(LONG, 400, error("'to' must be 2026-12-01")) == ["error-entries"]  # the reason is given, though


def test_a_refusal_for_another_reason_is_a_failure_named_as_such() -> None:
    body = error("'language' is not allowed", {"path": "/language", "message": "2026-12-01"})
    problems = properties.judge(CONTRACT, LONG, Answer(400, "application/json", body), MOCK)
    assert [judgement for judgement, _ in problems] == ["reason"]
    assert problems[0][1].startswith("refused for the wrong reason: expected a problem at /to, got /language")


def test_a_bare_word_in_a_message_is_not_a_reason() -> None:
    assert judged(LONG, 400, error("the window is too long to accept", {"field": "x"}))[0] == "reason"


def test_a_refusal_that_names_the_wrong_value_fails_named_value() -> None:
    assert judged(LONG, 400, error("needs 'to' = 2027-01-01", {"path": "/to"})) == ["named-value"]


def test_an_accepted_invalid_request_says_what_our_validator_finds() -> None:
    ((judgement, message),) = properties.judge(CONTRACT, LONG, Answer(200, "application/json", b"{}"), MOCK)
    assert judgement == "status" and "accepted (200), expected 400" in message and "2026-12-01" in message


def test_a_refused_valid_request_quotes_the_servers_message() -> None:
    valid = probes.Probe("valid", {**MONTHLY, "from": "2026-11-01", "to": "2026-12-01"}, "P12345678", TOKEN, "2xx")
    ((judgement, message),) = properties.judge(CONTRACT, valid, Answer(400, "application/json", error("nope")))
    assert judgement == "status" and "'nope'" in message and properties.REFUSED_ALLOWED in message


def message_only(message: str, code: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, **({"code": code} if code else {})}}).encode()


def test_the_contract_profile_takes_a_message_only_refusal_of_a_changed_base_as_the_right_reason() -> None:
    assert judged(LONG, 400, message_only("that window does not work"), CONTRACT_PROFILE) == []
    assert judged(LONG, 400, message_only("nope", "my_own_code"), CONTRACT_PROFILE) == []
    listed = json.dumps({"error": {"message": "m", "errors": [{"loc": ["body", "to"]}, {}]}}).encode()
    assert judged(LONG, 400, listed, CONTRACT_PROFILE) == []  # errors items are any object
    # The same answers break our mock's conventions.
    assert set(judged(LONG, 400, message_only("that window does not work"))) == {
        "reason",
        "error-entries",
        "error-code",
    }
    assert "error-entries" in judged(LONG, 400, message_only("'to' must be 2026-12-01", "INVALID_PERIOD"))
    assert judged(LONG, 400, error("'to' must be 2026-12-01", {"path": "/to"}, code="X")) == ["error-code"]


def test_the_contract_profile_holds_an_error_to_the_published_shape() -> None:
    no_message = json.dumps({"error": {"code": "x"}}).encode()
    assert judged(LONG, 400, no_message, CONTRACT_PROFILE) == ["shape"]
    not_a_list = json.dumps({"error": {"message": "m", "errors": "to"}}).encode()
    assert judged(LONG, 400, not_a_list, CONTRACT_PROFILE) == ["shape"]
    problem = Answer(401, "application/problem+json", b'{"title": "Unauthorized"}')
    auth = probes.Probe("auth no-token", MONTHLY, "P12345678", None, "401")
    assert [j for j, _ in properties.judge(CONTRACT, auth, problem, CONTRACT_PROFILE)] == ["shape"]


def test_the_contract_profile_leaves_the_body_of_a_status_it_does_not_declare_alone() -> None:
    media = probes.Probe("media text/plain", MONTHLY, "P12345678", TOKEN, "4xx", content_type="text/plain")
    html = Answer(415, "text/html", b"<h1>Unsupported Media Type</h1>")
    assert properties.judge(CONTRACT, media, html, CONTRACT_PROFILE) == []
    mock_media = probes.Probe("media text/plain", MONTHLY, "P12345678", TOKEN, "415", content_type="text/plain")
    assert [j for j, _ in properties.judge(CONTRACT, mock_media, html, MOCK)] == ["shape"]


SENT = {**MONTHLY, "from": "2026-11-01", "to": "2026-12-01", "x-trace": "1"}
VALID = probes.Probe("valid", SENT, "P12345678", TOKEN, "2xx")


@pytest.mark.parametrize(
    ("echoed", "contract_verdict", "mock_verdict"),
    [
        ({**SENT, "contentType": "text/csv"}, [], []),
        (SENT, [], ["echo"]),  # no default filled in: the published document states none
        ({key: value for key, value in SENT.items() if key != "x-trace"}, [], ["echo"]),  # an undeclared key
        ({**SENT, "contentType": "text/csv", "reportId": "r1"}, [], ["echo"]),  # an added undeclared field
        ({**SENT, "language": "en"}, ["echo"], ["echo"]),  # a declared field changed
        ({**SENT, "contentType": "text/html"}, ["echo"], ["echo"]),  # an added value the field does not allow
    ],
    ids=["exact", "no-default", "undeclared-dropped", "field-added", "changed", "invalid-added"],
)
def test_the_echo_gives_back_what_was_sent(echoed: dict, contract_verdict: list, mock_verdict: list) -> None:
    body = json.dumps(echoed).encode()
    assert judged(VALID, 200, body, CONTRACT_PROFILE) == contract_verdict
    assert judged(VALID, 200, body, MOCK) == mock_verdict


def test_a_refused_base_is_one_failure_and_the_probes_that_change_it_are_not_judged() -> None:
    plan = probes.plan(CONTRACT, TOKEN, "P12345678", seed=3, examples=0, now=time.time())
    orders = "orders/orderoperations"

    def refuses_orders(probe: probes.Probe) -> Answer:  # a server that refuses every orders request
        if probe.variant == orders:
            return Answer(400, "application/json", message_only("orders are off today"))
        return Answer(200, "application/json", json.dumps(probe.params).encode())

    result = properties.run_phase("http://x/v1", plan, refuses_orders, user_token=TOKEN)
    assert {failure.case for failure in result.failures if orders in failure.curl} == {"valid"}
    refused_valid = [failure for failure in result.failures if failure.rule == "valid: status"]
    assert refused_valid and all(properties.REFUSED_ALLOWED in failure.message for failure in refused_valid)
    assert all("$TOKEN" in failure.curl for failure in refused_valid)
    skipped = [probe for probe, why in result.skipped if why == properties.BASE_REFUSED]
    assert skipped and {probe.variant for probe in skipped} == {orders}


def answers(*statuses: int) -> list[Answer]:
    return [Answer(status, "application/json", error(f"the token has expired ({status})")) for status in statuses]


def test_every_answer_a_401_is_a_refused_token_with_the_servers_message() -> None:
    problem = properties.setup_problem("http://x/v1", answers(401, 401, 401))
    assert problem is not None and problem.startswith("the token was refused: 'the token has expired (401)'")
    assert "--token" in problem and "--aid" in problem


def test_every_answer_a_404_is_a_wrong_base_url() -> None:
    problem = properties.setup_problem("http://x", answers(404, 404))
    assert problem is not None and problem.startswith("nothing at http://x") and "usually ends in /v1" in problem


def test_every_answer_a_403_is_a_token_for_another_account_or_scope() -> None:
    problem = properties.setup_problem("http://x/v1", answers(403, 403), "P87654321")
    assert problem is not None and problem.startswith("the token was refused for account P87654321:")
    assert "--aid" in problem and "--token" in problem


def test_mixed_answers_are_for_the_verdict_to_judge() -> None:
    assert properties.setup_problem("http://x/v1", answers(401, 200)) is None
    assert properties.setup_problem("http://x/v1", answers(404, 401)) is None


def test_cors_missing_on_errors_only_counts_when_successes_carry_it() -> None:
    ok, bare = Answer(200, "application/json", b"{}", "http://a"), Answer(400, "application/json", error("x"))
    (failure,) = properties.cors_failures("http://x/v1", [(LONG, ok), (LONG, bare)], TOKEN, "http://a")
    assert failure.rule == "cors: cors-on-errors" and "400" in failure.message
    assert (
        properties.cors_failures("http://x/v1", [(LONG, Answer(200, None, b"{}")), (LONG, bare)], TOKEN, "http://a")
        == []
    )


def run(settings: Settings, token: str, **options: str) -> properties.PhaseResult:
    plan = probes.plan(CONTRACT, token, "P12345678", seed=3, examples=0, now=time.time(), **options)
    send, close = properties.asgi_transport(create_app(settings))
    try:
        return properties.run_phase("http://testserver/v1", plan, send, user_token=token)
    finally:
        close()


@pytest.mark.parametrize("profile", [CONTRACT_PROFILE, MOCK])
def test_the_real_mock_keeps_every_enumerated_case_with_cors_on_every_answer(profile: str) -> None:
    result = run(Settings(cors_origins=(properties.DEFAULT_ORIGIN,)), TOKEN, profile=profile)
    assert result.failures == [] and result.skipped == []
    matrix = coverage.build(CONTRACT, [(e.probe, e.status) for e in result.exchanges], result.skipped, profile)
    assert matrix.unreached == []
    text = coverage.render_text(CONTRACT, matrix)
    assert "  -- " not in text and "Every expected cell was reached." in text


SECRET = "a-secret-the-server-verifies-with"


def test_against_a_verifying_server_the_claim_probes_are_not_reached_and_say_why() -> None:
    token = mint_token(("write:insight",), secret=SECRET)
    result = run(Settings(auth=AuthMode.VERIFY, jwt_secret=SECRET), token)
    assert result.failures == []
    skipped = {probe.auth for probe, _ in result.skipped}
    assert {"expired", "not-yet-valid", "no-scope", "other-account"} <= skipped
    matrix = coverage.build(CONTRACT, [(e.probe, e.status) for e in result.exchanges], result.skipped)
    reasons = {why for cell, why in matrix.unreached if cell[4] == "expired"}
    assert reasons == {properties.SIGNATURES_VERIFIED} and "--jwt-secret" in properties.SIGNATURES_VERIFIED


def test_with_the_servers_secret_the_claim_probes_run_against_a_verifying_server() -> None:
    token = mint_token(("write:insight",), secret=SECRET)
    result = run(Settings(auth=AuthMode.VERIFY, jwt_secret=SECRET), token, jwt_secret=SECRET)
    assert result.failures == [] and result.skipped == []
    assert {"expired", "no-scope", "other-account"} <= {exchange.probe.auth for exchange in result.exchanges}


def test_the_matrix_lists_every_expected_cell_when_nothing_was_sent() -> None:
    matrix = coverage.build(CONTRACT, [])
    assert len(matrix.unreached) == len(coverage.expected_cells(CONTRACT))
    text = coverage.render_text(CONTRACT, matrix)
    assert "Cells no request reached" in text and "window=mixed-offsets" in text


def test_path_parts_read_every_common_spelling() -> None:
    for spelling in ("/reportFilters/0/filter", "reportFilters[0].filter", "$.reportFilters[0].filter"):
        assert judgements.path_parts(spelling) == ("reportFilters", "0", "filter")
    assert judgements.path_parts(["body", "to"]) == ("to",)


def test_the_check_writes_a_json_and_a_self_contained_html_report(live_mock: str, tmp_path: Path) -> None:
    report_json, report_html = tmp_path / "report.json", tmp_path / "report.html"
    result = run_main(
        "check",
        live_mock,
        "--token",
        TOKEN,
        "--phases",
        "properties",
        "--examples",
        "5",
        "--report-json",
        str(report_json),
        "--report-html",
        str(report_html),
        module="contracts.cli",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "auth case x variant" in result.stdout and "schedule x window kind" in result.stdout
    report = json.loads(report_json.read_text(encoding="utf-8"))
    assert report["verdict"] == "CONTRACT KEPT" and report["failed_rules"] == []
    assert report["profile"] == "contract" and report["coverage"]["profile"] == "contract"
    assert "profile contract" in report_html.read_text(encoding="utf-8")
    assert report["coverage"]["dimensions"] == [
        "variant",
        "schedule",
        "content_type",
        "window",
        "auth",
        "media",
        "status",
    ]
    page = report_html.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "CONTRACT KEPT" in page
    assert "<script" not in page and "http://" not in page.replace(live_mock, "")  # nothing fetched from anywhere


def test_junit_has_a_test_case_per_probed_case_and_a_failure_per_broken_one(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from contracts.cli import write_junit

    result = properties.PhaseResult(sent={"valid": 3, "window-too-long": 2})
    result.failures.append(properties.Failure("window-too-long", "reason", "refused for the wrong reason", "curl ..."))
    path = tmp_path / "junit.xml"
    write_junit(path, result, None)
    (suite,) = ElementTree.parse(path).getroot()
    cases = {case.get("name"): case.find("failure") for case in suite}
    assert set(cases) == {"valid (3 requests)", "window-too-long (2 requests)"}
    assert cases["valid (3 requests)"] is None
    failure = cases["window-too-long (2 requests)"]
    assert failure is not None and failure.get("message") == "window-too-long: reason: refused for the wrong reason"


def test_tokens_signed_with_the_servers_secret_never_appear_in_a_report() -> None:
    token = mint_token(("write:insight",), secret=SECRET)
    plan = probes.plan(CONTRACT, token, "P12345678", seed=3, examples=0, now=time.time(), jwt_secret=SECRET)
    signed = [probe for probe in plan.probes if probe.resigned]
    assert signed and plan.signed_with_secret

    def always_200(probe: probes.Probe) -> Answer:  # a server that accepts everything fails every auth probe
        return Answer(200, "application/json", json.dumps(probe.params).encode())

    result = properties.run_phase("http://x/v1", plan, always_200, user_token=token)
    curls = [failure.curl for failure in result.failures if failure.case.startswith("auth ")]
    assert curls and all(probe.token not in curl for probe in signed for curl in curls)
    assert any(properties.HIDDEN_TOKEN in curl for curl in curls) and all(token not in curl for curl in curls)
