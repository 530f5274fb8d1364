"""The request journal: bounded, newest first, shared by processes through one file, credentials never stored."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from contracts.testing.live import MONTHLY
from mockserver.edge.frontdoor import listed_entry
from mockserver.state.journal import (
    MAX_BODY,
    MAX_TEXT,
    Journal,
    describe_authorization,
    error_code_of,
    redact_body,
    redact_query,
)
from tests.conftest import ROOT

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def entry(status: int = 200, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "at": time.time(),
        "method": "POST",
        "path": "/v1/accounts/P12345678/insight/generate-report",
        "query": "",
        "body": json.dumps(MONTHLY),
        "status": status,
        "error_body": "",
        "report_url": None,
        "authorization": describe_authorization(f"Bearer {TOKEN}"),
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
