"""Getting the report: the URL in a 200's header, its round trip, tampered links, and the offline command."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from contracts.model import Contract
from mockserver.reports import vocabulary_of
from mockserver.reports.pdf import PDF_DATA_TYPES
from mockserver.security import mint_token
from tests.conftest import MONTHLY, ROOT

PATH = "/v1/accounts/P12345678/insight/generate-report"
AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}


def report_url(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post(PATH, json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.headers["x-mock-report-url"]


def test_every_data_type_of_the_contract_has_a_report_with_the_contracts_content_types(contract: Contract) -> None:
    vocabulary = vocabulary_of(contract)
    assert set(vocabulary.data_types) == set(contract.data_types)
    for data_type, variant in contract.variants.items():
        assert vocabulary.content_types[data_type] == variant.allowed("contentType")
        assert vocabulary.filter_keys[data_type] == variant.filter_keys
        assert vocabulary.schedules[data_type] == variant.schedules
        assert (data_type in PDF_DATA_TYPES) == ("application/pdf" in variant.allowed("contentType"))


def test_a_200_names_a_csv_report_that_downloads_with_a_telling_filename(client: TestClient) -> None:
    download = client.get(report_url(client, MONTHLY))
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == (
        'attachment; filename="P12345678_checkout-transactions_2026-11-01_2026-12-01.csv"'
    )
    header = download.content.split(b"\r\n", 1)[0].decode()
    assert header.startswith("Transaksjons-ID,")


def test_a_pdf_report_downloads_in_norwegian_and_english(client: TestClient) -> None:
    for language, words in (
        ("no", ["Rapport over checkout-transaksjoner", "Side 1 av"]),
        ("en", ["Checkout transactions report", "Page 1 of"]),
    ):
        body = {**MONTHLY, "language": language, "contentType": "application/pdf"}
        download = client.get(report_url(client, body))
        assert download.headers["content-type"] == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages[:2])
        for word in words:
            assert word in text


def test_the_same_request_gives_the_same_url_and_byte_identical_report(client: TestClient) -> None:
    first, second = report_url(client, MONTHLY), report_url(client, MONTHLY)
    assert first == second
    assert client.get(first).content == client.get(second).content


def test_a_link_from_one_process_is_served_by_another(live_mock: str, client: TestClient) -> None:
    url = httpx.post(live_mock + PATH.removeprefix("/v1"), json=MONTHLY, headers=AUTH).headers["x-mock-report-url"]
    path = "/" + url.split("/", 3)[3]  # the same link, asked of a different app in this process
    served_elsewhere = client.get(path)
    assert served_elsewhere.status_code == 200
    assert httpx.get(url).content == served_elsewhere.content


@pytest.mark.parametrize(
    "link",
    [
        "/_mock/reports/abc",
        "/_mock/reports/eyJhaWQiOiJQMTIzNDU2NzgifQ.c2lnbmF0dXJl",
        "/_mock/reports/%C3%A6%C3%B8.%C3%A5",
        "/_mock/reports/" + "a" * 5000,
    ],
)
def test_a_malformed_or_forged_link_is_a_4xx_in_the_error_shape(client: TestClient, link: str) -> None:
    response = client.get(link)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["message"]


def test_a_tampered_link_is_refused(client: TestClient) -> None:
    url = report_url(client, MONTHLY)
    payload, signature = url.rsplit("/", 1)[1].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["aid"] = "P87654321"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = client.get(f"/_mock/reports/{forged}.{signature}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_offline_command_writes_the_same_bytes_the_mock_serves(client: TestClient, tmp_path: Path) -> None:
    body = {**MONTHLY, "dataType": "wallets/transactions", "contentType": "application/pdf", "language": "en"}
    params = tmp_path / "params.json"
    params.write_text(json.dumps(body))
    output = tmp_path / "out.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mockserver.cli",
            "report",
            "--aid",
            "P12345678",
            "--params",
            str(params),
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == client.get(report_url(client, body)).content


def test_the_offline_command_refuses_invalid_params_with_the_same_messages(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps({**MONTHLY, "to": "2026-12-02"}))
    result = subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "report", "--aid", "P12345678", "--params", str(params)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "needs 'to' = 2026-12-01" in result.stderr
