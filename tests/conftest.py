"""Shared fixtures: the contract, an in-process app and client, a live mock process on a free port, tokens."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from contracts.model.contract import Contract, default_contract
from contracts.testing.live import free_port, wait_until_serving
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.settings import Settings
from tests.launcher import Launched, launch

ROOT = Path(__file__).resolve().parent.parent
Server = subprocess.Popen[bytes] | Launched  # a server process of ours: forked (see _start) or a new interpreter
IN_CI = os.environ.get("CI") == "true"
# For a test that makes an httpx client per request: httpx otherwise builds an SSL context, loading the CA bundle, for
# each client (about 23 ms of CPU), though every URL here is plain http on 127.0.0.1.
TLS = ssl.create_default_context()

settings.register_profile(
    "ci", max_examples=30, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("soak", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_report_header() -> str:
    return f"hypothesis profile: {settings._current_profile}, seed: {os.environ.get('HYPOTHESIS_SEED', 'random')}"


def missing_tool(reason: str) -> NoReturn:
    """A tool a test needs is not installed: the test skips, with ``reason`` naming the command that installs it.

    In CI (``CI=true``) it fails instead: CI installs every tool, and a skip there would hide a broken install step.
    """
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing tool is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return default_contract()


@pytest.fixture(scope="session")
def token() -> str:
    return mint_token(("write:insight",))


@pytest.fixture(scope="session")
def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def run_cli(
    *args: str, module: str = "mockserver.cli", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """One of our commands (``insight-mock`` unless ``module`` says otherwise) run as a user runs it, output as text."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def run_main(
    *args: str, module: str = "mockserver.cli", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``run_cli`` without the process: the command's ``main()`` in this one, with the same working directory, added
    environment and captured output, and the exit status argparse or ``main`` gives.

    For tests of what a command prints and the status it exits with: a Python process of its own costs about half a
    CPU-second to start. The console scripts themselves still run as processes where that is the point: the servers
    the tests start, ``test_hints_live.py``, the pipe tests of ``test_cli_polish.py`` and the installed package's smoke.
    """
    main = importlib.import_module(module).main
    stdout, stderr = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,  # undoes the environment and the working directory on leaving
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(stderr),
    ):
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.chdir(ROOT)
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse: 0 after --help, 2 after a usage error (its message is on stderr)
            status = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
            if isinstance(exit_.code, str):
                print(exit_.code, file=sys.stderr)
    return subprocess.CompletedProcess([module, *args], status, stdout.getvalue(), stderr.getvalue())


def _start(
    command: list[str], port: int, ready_path: str, env: dict[str, str] | None, pipe: bool, new_interpreter: bool
) -> Server:
    """A server process of ours, once ``ready_path`` answers 200; its output goes where ``output_of`` finds it.

    Forked by ``tests.launcher`` (about half a new interpreter's start-up CPU), unless ``new_interpreter`` or ``pipe``
    (a pipe for its output) asks for ``python -m mockserver.cli`` itself.
    """
    args = [*command, "--port", str(port)]
    environment = {**os.environ, **(env or {})}
    process: Server
    if pipe or new_interpreter:
        sink = subprocess.PIPE if pipe else tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver.cli", *args],
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    else:
        sink = tempfile.NamedTemporaryFile(prefix="insight-server-")  # noqa: SIM115 - lives as long as the server
        process = launch("mockserver.cli", args, env=environment, cwd=ROOT, output=Path(sink.name))
    OUTPUTS[process.pid] = sink
    try:
        wait_until_serving(f"http://127.0.0.1:{port}{ready_path}", process)
    except RuntimeError:
        process.kill()
        process.wait()
        raise RuntimeError(output_of(process)) from None
    return process


def start_mock(
    *args: str, env: dict[str, str] | None = None, pipe: bool = False, new_interpreter: bool = False
) -> tuple[Server, str]:
    """An `insight-mock serve` process of its own on a free 127.0.0.1 port, and its base URL (``.../v1``).

    Its output goes to a temporary file (``output_of`` reads it), so a chatty server can never block on a full pipe;
    ``pipe=True`` gives a pipe instead, for a test that reads it continuously. ``new_interpreter=True`` for a test of
    what only a new interpreter shows (the libraries' import-time warnings): see ``tests.launcher``.
    """
    port = free_port()
    process = _start(["serve", *args], port, "/v1/openapi.json", env, pipe, new_interpreter)
    return process, f"http://127.0.0.1:{port}/v1"


def start_proxy(upstream: str, *args: str, pipe: bool = False) -> tuple[Server, str]:
    """An `insight-mock proxy --upstream UPSTREAM` process of its own on a free 127.0.0.1 port, and its origin."""
    port = free_port()
    process = _start(["proxy", "--upstream", upstream, *args], port, "/_proxy/requests", None, pipe, False)
    return process, f"http://127.0.0.1:{port}"


OUTPUTS: dict[int, Any] = {}


def output_of(process: Server) -> str:
    """What a server started by ``start_mock`` printed so far (``pipe=True``: what is left in the pipe)."""
    sink = OUTPUTS.get(process.pid)
    if sink is None or sink == subprocess.PIPE:
        return process.stdout.read().decode(errors="replace") if process.stdout else ""
    sink.seek(0)
    return bytes(sink.read()).decode(errors="replace")


def stop(process: Server) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rsa_key_files(folder: Path) -> tuple[Path, Path]:
    """A fresh RS256 key pair as PEM files in ``folder``: (private, public), for ``--auth verify`` with a public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_file, public_file = folder / "private.pem", folder / "public.pem"
    private_file.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public_file.write_bytes(
        private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private_file, public_file


@pytest.fixture(scope="session")
def live_mock() -> Iterator[str]:
    process, base_url = start_mock()
    yield base_url
    stop(process)
