"""The request journal: bounded, newest first, shared by processes through one file, credentials never stored."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from contracts.document import spec
from contracts.testing.live import MONTHLY
from mockserver.edge.frontdoor import listed_entry
from mockserver.state.journal import (
    MAX_BODY,
    MAX_HEADERS,
    MAX_TEXT,
    OUTCOMES,
    Journal,
    answer_headers,
    describe_authorization,
    error_code_of,
    redact_body,
    redact_headers,
    redact_query,
)
from tests.conftest import ROOT

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
NUMBERS = itertools.count(1)


def entry(status: int = 200, **overrides: Any) -> dict[str, Any]:
    body = json.dumps(MONTHLY)
    values: dict[str, Any] = {
        "id": f"test-{next(NUMBERS)}",
        "at": time.time(),
        "method": "POST",
        "path": "/v1/accounts/P12345678/insight/generate-report",
        "query": "",
        "headers": [("content-type", "application/json"), ("authorization", describe_authorization(f"Bearer {TOKEN}"))],
        "body": body,
        "body_bytes": len(body),
        "status": status,
        "answer_headers": [("content-type", "application/json")],
        "answer": "",
        "report_url": None,
        "duration_ms": 0.5,
    }
    return {**values, **overrides}


def test_the_journal_keeps_only_the_last_n_requests_newest_first() -> None:
    journal = Journal(capacity=3, render=listed_entry)
    for status in (200, 400, 401, 403, 500):
        journal.record(entry(status))
    listed = journal.as_json()
    assert listed["count"] == 3 and listed["capacity"] == 3
    assert [item["status"] for item in listed["requests"]] == [500, 403, 401]
    assert [item["outcome"] for item in listed["requests"]] == ["failed", "rejected", "rejected"]


@pytest.mark.parametrize("shared", [False, True], ids=["in memory", "in a shared file"])
def test_the_journal_stays_bounded_however_many_requests_come(tmp_path: Path, shared: bool) -> None:
    journal = Journal(capacity=5, path=tmp_path / "journal.sqlite3" if shared else None)
    for status in range(1000):
        journal.record(entry(status))
    assert len(journal) == 5 and [item["status"] for item in journal.entries()] == [999, 998, 997, 996, 995]


def test_tokens_are_never_stored() -> None:
    assert redact_query("access_token=eyJsecret&x=1&TOKEN=abc") == "access_token=(redacted)&x=1&TOKEN=(redacted)"
    assert describe_authorization(f"Bearer {TOKEN}") == "bearer (redacted)"
    assert describe_authorization(None) == "none"
    assert redact_query("a=1&jwt=xyz") == "a=1&jwt=(redacted)"


def test_request_bodies_are_kept_with_their_secrets_redacted() -> None:
    sent = {**MONTHLY, "accessToken": "opaque-1", "nested": {"client_secret": "s3"}, "list": ["x", TOKEN]}
    kept = json.loads(redact_body(json.dumps(sent).encode()))
    assert kept == {
        **sent,
        "accessToken": "(redacted)",
        "nested": {"client_secret": "(redacted)"},
        "list": ["x", "(redacted)"],
    }
    assert redact_body(json.dumps(MONTHLY).encode()) == json.dumps(MONTHLY)  # nothing secret: kept as sent


def test_request_headers_are_kept_with_every_credential_redacted() -> None:
    sent = {  # as the mock reads them: lower-case names
        "authorization": f"Bearer {TOKEN}",
        "cookie": "session=abc",
        "x-api-key": "k-123",
        "x-forwarded-token": "opaque",
        "x-trace": f"id=1; jwt={TOKEN}",
        "content-type": "application/json",
    }
    assert redact_headers(sent) == (
        ("authorization", "bearer (redacted)"),
        ("cookie", "(redacted)"),
        ("x-api-key", "(redacted)"),
        ("x-forwarded-token", "(redacted)"),
        ("x-trace", "id=1; jwt=(redacted)"),
        ("content-type", "application/json"),
    )


def test_headers_are_kept_only_up_to_their_bounds() -> None:
    many = {f"x-h{number}": "v" * 10_000 for number in range(1000)}
    kept = redact_headers(many)
    assert len(kept) == MAX_HEADERS and all(len(value) == MAX_TEXT for _, value in kept)
    answered = answer_headers([(f"x-h{number}".encode(), b"v" * 10_000) for number in range(1000)])
    assert len(answered) == MAX_HEADERS and all(len(value) == MAX_TEXT for _, value in answered)


@pytest.mark.parametrize("shared", [False, True], ids=["in memory", "in a shared file"])
def test_an_entry_is_found_by_its_id_until_newer_ones_push_it_out(tmp_path: Path, shared: bool) -> None:
    journal = Journal(capacity=2, path=tmp_path / "journal.sqlite3" if shared else None, render=listed_entry)
    first, second, third = (entry(status, id=journal.new_id()) for status in (200, 400, 500))
    journal.record(first)
    journal.record(second)
    found = journal.find(second["id"])
    assert found is not None and found["status"] == 400 and found["outcome"] == "rejected"
    journal.record(third)
    assert journal.find(first["id"]) is None and journal.find(third["id"]) is not None
    assert journal.find("no-such-id") is None


def test_processes_sharing_a_file_never_give_the_same_id(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    ids = {journal.new_id() for journal in (Journal(10, path=path), Journal(10, path=path)) for _ in range(3)}
    assert len(ids) == 6


def test_the_outcomes_are_the_ones_the_admin_document_declares() -> None:
    admin = spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8"))
    listed = admin["components"]["schemas"]["Journal"]["properties"]["requests"]["items"]["properties"]
    assert tuple(listed["outcome"]["enum"]) == OUTCOMES
    assert tuple(admin["components"]["parameters"]["Outcome"]["schema"]["enum"]) == OUTCOMES


def test_the_error_code_is_read_from_the_error_body() -> None:
    assert error_code_of(b'{"error":{"code":"INVALID_PERIOD","message":"m"}}') == "INVALID_PERIOD"
    assert error_code_of(b"not json") is None
    assert error_code_of(b'{"detail": 1}') is None


def test_one_body_is_kept_only_up_to_its_bound() -> None:
    assert len(redact_body(b"x" * 1_000_000)) == MAX_BODY
    assert redact_body(b"\xff{}") == "\ufffd{}"  # not UTF-8: kept readable, never an error
    assert MAX_TEXT < MAX_BODY


def test_clearing_empties_the_journal() -> None:
    journal = Journal(capacity=5)
    journal.record(entry())
    assert journal.clear() == 1 and len(journal) == 0


def test_processes_sharing_a_file_share_one_journal(tmp_path: Path) -> None:
    """What `--workers N` relies on: what one process records, another lists, and a clear is for all."""
    path = tmp_path / "journal.sqlite3"
    mine = Journal(capacity=10, path=path)
    mine.record(entry(201))
    other = (
        "import sys; from mockserver.state.journal import Journal; "
        "journal = Journal(10, path=__import__('pathlib').Path(sys.argv[1])); "
        "print(len(journal)); journal.record({'status': 202})"
    )
    listed = subprocess.run(
        [sys.executable, "-c", other, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert listed.stdout.strip() == "1"
    assert [item["status"] for item in mine.entries()] == [202, 201]
    assert mine.clear() == 2 and len(Journal(10, path=path)) == 0
