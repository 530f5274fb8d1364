"""openapi-python-client's package for the served contract installs, and round-trips a 200 and a 400 with a live mock.

The package is built the way pip builds it for a user (its default poetry-core packaging; ``--no-deps`` since httpx
and attrs are already here, ``--no-build-isolation`` so nothing is downloaded) into a folder of its own.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from contracts.document import spec
from contracts.testing.live import MONTHLY
from tests.interop.tools import python_tool, run

pytestmark = pytest.mark.live

PACKAGE = "insight_api_client"


@pytest.fixture(scope="session")
def installed(generated: Path) -> Path:
    """The generated client, installed with pip into a folder of its own."""
    source, target = generated / "python-client", generated / "python-client-site"
    bin_dir = str(Path(sys.executable).parent)  # the generator formats its output with the ruff installed here
    result = run(
        [python_tool("openapi-python-client"), "generate", "--path", spec.SERVED_PATH, "--output-path", source],
        env_path=bin_dir,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
    result = run([*pip, "--no-build-isolation", "--target", target, source])
    assert result.returncode == 0, result.stdout + result.stderr
    return target


@pytest.fixture(scope="session")
def client_package(installed: Path) -> Iterator[SimpleNamespace]:
    sys.path.insert(0, str(installed))
    try:
        yield SimpleNamespace(
            client=importlib.import_module(f"{PACKAGE}.client"),
            models=importlib.import_module(f"{PACKAGE}.models"),
            operation=importlib.import_module(
                f"{PACKAGE}.api.generate_insight_report.aid_insight_service_generate_report"
            ),
        )
    finally:
        sys.path.remove(str(installed))


def test_the_package_installs_with_the_contracts_version(installed: Path) -> None:
    (metadata,) = installed.glob("insight_api_client-*.dist-info")
    version = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))["info"]["version"]
    assert metadata.name == f"insight_api_client-{version}.dist-info"


def call(package: SimpleNamespace, base_url: str, token: str, body: dict[str, Any]) -> Any:
    params = package.models.InsightCheckoutTransactionsReportParams.from_dict(body)
    with package.client.AuthenticatedClient(base_url=base_url, token=token) as client:
        return package.operation.sync_detailed(aid="P12345678", client=client, body=params)


def test_a_200_round_trips_with_the_default_filled_in(
    client_package: SimpleNamespace, live_mock: str, token: str
) -> None:
    response = call(client_package, live_mock, token, MONTHLY)
    assert response.status_code == 200
    echoed = response.parsed
    assert isinstance(echoed, client_package.models.InsightCheckoutTransactionsReportParams)
    assert echoed.to_dict() == {**MONTHLY, "contentType": "text/csv"}


def test_a_400_round_trips_as_the_typed_error(client_package: SimpleNamespace, live_mock: str, token: str) -> None:
    response = call(client_package, live_mock, token, {**MONTHLY, "to": "2026-12-02"})
    assert response.status_code == 400
    error = response.parsed
    assert isinstance(error, client_package.models.Error)
    assert error.error.code == "INVALID_PERIOD"
    (item,) = error.error.errors
    assert (item.path, item.code, item.expected) == ("/to", "window-end", "2026-12-01")
