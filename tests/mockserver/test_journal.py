"""The request journal: bounded, newest first, credentials never stored."""

from __future__ import annotations

import sys
import time

from mockserver.journal import MAX_TEXT, Journal, describe_authorization, error_code_of, redact_query


def record(journal: Journal, status: int = 200, **overrides: object) -> None:
    values: dict[str, object] = {
        "started": time.perf_counter(),
        "method": "POST",
        "path": "/v1/accounts/P12345678/insight/generate-report",
        "query": "",
        "status": status,
        "error_body": b"",
        "report_url": None,
        "authorization": "Bearer eyJhbGciOi.secret.token",
    }
    values.update(overrides)
    journal.record(**values)  # type: ignore[arg-type]


def test_the_journal_keeps_only_the_last_n_requests_newest_first() -> None:
    journal = Journal(capacity=3)
    for status in (200, 400, 401, 403, 500):
        record(journal, status)
    listed = journal.as_json()
    assert listed["count"] == 3 and listed["capacity"] == 3
    assert [entry["status"] for entry in listed["requests"]] == [500, 403, 401]
    assert [entry["outcome"] for entry in listed["requests"]] == ["failed", "rejected", "rejected"]


def test_tokens_are_never_stored() -> None:
    journal = Journal(capacity=10)
    record(journal, query="access_token=eyJsecret&x=1&TOKEN=abc")
    text = str(journal.as_json())
    assert "secret" not in text and "abc" not in text
    assert describe_authorization("Bearer eyJabc") == "bearer (redacted)"
    assert describe_authorization(None) == "none"
    assert redact_query("a=1&jwt=xyz") == "a=1&jwt=(redacted)"


def test_the_error_code_is_read_from_the_error_body() -> None:
    assert error_code_of(b'{"error":{"code":"INVALID_PERIOD","message":"m"}}') == "INVALID_PERIOD"
    assert error_code_of(b"not json") is None
    assert error_code_of(b'{"detail": 1}') is None


def test_one_entry_stays_small_whatever_the_client_sends() -> None:
    journal = Journal(capacity=1)
    record(journal, path="/v1/" + "a" * 1_000_000, query="q=" + "b" * 1_000_000, report_url="u" * 100_000)
    (entry,) = list(journal)
    assert len(entry.path) == MAX_TEXT and len(entry.query) == MAX_TEXT
    assert sys.getsizeof(entry.path) + sys.getsizeof(entry.query) < 4 * MAX_TEXT + 200


def test_clearing_empties_the_journal() -> None:
    journal = Journal(capacity=5)
    record(journal)
    assert journal.clear() == 1 and len(journal) == 0
