"""Graceful behaviour: clients that leave early or crawl, and a start-up that fails, never leave a mess behind.

* A client that disconnects mid-body or mid-download leaves no traceback and no ``ERROR`` in the server's output, no
  file descriptor behind, and the server answers the next request. (The largest report, a month of checkout PDF, is
  about 110 KB: it fits in the kernel's socket buffers, so "mid-download" is a client that reads the first chunk and
  leaves with the rest in flight, with a FIN or a RST, or leaves while the PDF is still being rendered.)
* A client that sends its body one byte every 100 ms does not hold up anybody else.
* A start-up that cannot work (the port taken, a key file missing or not a PEM key, a contract that cannot be read)
  exits non-zero at once with one clear line, not a traceback and not a server that refuses every token.

The CLI has no option for the contract's path; ``Settings.spec_path`` is reached through ``INSIGHT_MOCK_SETTINGS``
(the JSON that ``serve`` hands to its workers), which is what these tests use.

The clients that leave or crawl share one server process (each test takes its own descriptor baseline; the server's
output is checked for trouble after each); stopping with a request in flight has a server of its own. Two start-ups
run as a user runs them (a process that must exit by itself); the other failing start-ups call the same ``main`` in
process, with uvicorn replaced by a failure: every check they test runs before uvicorn starts.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from contracts.testing.live import MONTHLY, free_port, serves
from mockserver import cli
from mockserver.decisions.security import mint_token
from tests.conftest import ROOT, TLS, start_mock, stop

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]

PATH = "/accounts/P12345678/insight/generate-report"
BODY = MONTHLY
BODY_BYTES = json.dumps(BODY, separators=(",", ":")).encode()
BIG_PDF = {**BODY, "contentType": "application/pdf"}  # a month of checkout transactions: the largest report
TOKEN = mint_token(("write:insight",))
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TROUBLE = ("Traceback", "ERROR", "Exception in ASGI application")
START_TIMEOUT = 30.0


@dataclass
class Output:
    """A server's stdout and stderr, read continuously so that a chatty server never blocks on a full pipe."""

    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.lines)

    def trouble(self) -> list[str]:
        return [line for line in self.lines if any(word in line for word in TROUBLE)]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    output: Output

    @property
    def root(self) -> str:
        return self.base.removesuffix("/v1")

    @property
    def port(self) -> int:
        return int(self.root.rsplit(":", 1)[1])

    def open_descriptors(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))


def drain(process: subprocess.Popen[bytes], output: Output) -> None:
    assert process.stdout is not None
    for line in iter(process.stdout.readline, b""):
        output.lines.append(line.decode(errors="replace"))


def started_server() -> Iterator[Server]:
    process, base = start_mock(pipe=True)
    output = Output()
    threading.Thread(target=drain, args=(process, output), daemon=True).start()
    yield Server(process, base, output)
    stop(process)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One server for the clients that leave or crawl: none of them stops it, and each leaves it serving."""
    yield from started_server()


@pytest.fixture
def own_server() -> Iterator[Server]:
    """A server of the test's own, for a test that stops it."""
    yield from started_server()


def answers_a_valid_request(server: Server) -> bool:
    response = httpx.post(server.base + PATH, json=BODY, headers=AUTH, timeout=5, verify=TLS)
    return response.status_code == 200 and response.json() == {**BODY, "contentType": "text/csv"}


def settled_descriptors(server: Server, baseline: int, timeout: float = 5.0) -> int:
    """The server's open descriptors once closed connections are gone (or whatever is left after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while (count := server.open_descriptors()) > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def reset_on_close(connection: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN: the harshest way a client can leave."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def report_path(server: Server, params: dict[str, str]) -> str:
    response = httpx.post(server.base + PATH, json=params, headers=AUTH, timeout=5, verify=TLS)
    assert response.status_code == 200, response.text
    return httpx.URL(response.headers["x-mock-report-url"]).raw_path.decode()


# --- clients that leave ---------------------------------------------------------------------------------------------


def test_clients_that_disconnect_mid_body_leave_no_traceback_and_no_descriptor(server: Server) -> None:
    assert answers_a_valid_request(server)
    baseline = server.open_descriptors()
    head = (
        f"POST /v1{PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    for attempt in range(60):
        with socket.create_connection(("127.0.0.1", server.port)) as client:
            client.sendall(head + BODY_BYTES[:10])
            if attempt % 2:
                time.sleep(0.01)  # let the server start reading before the client goes
            if attempt % 3 == 0:
                reset_on_close(client)
    assert answers_a_valid_request(server)
    assert settled_descriptors(server, baseline) <= baseline
    assert server.output.trouble() == []


def test_clients_that_disconnect_mid_download_leave_no_traceback_and_no_descriptor(server: Server) -> None:
    path = report_path(server, BIG_PDF)
    assert len(httpx.get(server.root + path, timeout=30).content) > 100_000, "the report must outgrow the buffers"
    baseline = server.open_descriptors()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    for attempt in range(6):  # each way of leaving: after the first chunk or before it, with a FIN or a RST
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the server is still writing
        client.connect(("127.0.0.1", server.port))
        client.sendall(request)
        if attempt % 3 != 2:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")  # the first chunk, then gone
        if attempt % 2:
            reset_on_close(client)
        client.close()
    assert answers_a_valid_request(server)
    assert httpx.get(server.root + path, timeout=30).status_code == 200
    assert settled_descriptors(server, baseline, timeout=10) <= baseline
    assert server.output.trouble() == []


def test_a_client_sending_one_byte_every_100_ms_does_not_hold_up_other_requests(server: Server) -> None:
    head = (
        f"POST /v1{PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(BODY_BYTES)}\r\nConnection: close\r\n\r\n"
    ).encode()
    slow_part, rest = BODY_BYTES[:25], BODY_BYTES[25:]

    others_answered = threading.Event()

    def crawl() -> bytes:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as client:
            client.sendall(head)
            for byte in slow_part:
                client.sendall(bytes([byte]))
                time.sleep(0.1)
            others_answered.wait(timeout=30)  # the body stays unfinished until the other requests got their answers
            client.sendall(rest)
            return client.recv(65536)

    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(crawl)
        # Each of them while the slow client's body is unfinished, however fast this machine is: a server that
        # waited for that body would leave them unanswered (each waits 5 s at most).
        answered = [answers_a_valid_request(server) for _ in range(10)]
        still_sending = not slow.done()
        others_answered.set()
        answer = slow.result(timeout=30)
    assert answered == [True] * 10 and still_sending
    assert answer.startswith(b"HTTP/1.1 200")
    assert server.output.trouble() == []


def test_a_server_with_a_request_in_flight_stops_cleanly(own_server: Server) -> None:
    with socket.create_connection(("127.0.0.1", own_server.port)) as client:  # a request left hanging at stop time
        client.sendall(f"POST /v1{PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{{".encode())
        time.sleep(0.1)
        stop(own_server.process)
    assert own_server.process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
    time.sleep(0.2)  # the drain thread reads the last lines
    assert own_server.output.trouble() == []


# --- start-ups that cannot work -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedStart:
    returncode: int
    output: str


def start_expecting_failure(*args: str, env: dict[str, str] | None = None) -> FailedStart:
    """Run ``serve``; it must exit by itself. A server that comes up instead fails the test (and is stopped)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = Output()
    reader = threading.Thread(target=drain, args=(process, output), daemon=True)
    reader.start()
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while process.poll() is None:
            if time.monotonic() > deadline:
                pytest.fail(f"serve neither exited nor served within {START_TIMEOUT} s:\n{output.text()}")
            if serves(f"http://127.0.0.1:{port}/_mock/health"):
                pytest.fail(f"serve started although it cannot work:\n{output.text()}")
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            stop(process)
        reader.join(timeout=5)
    return FailedStart(process.returncode, output.text())


StartInProcess = Callable[..., FailedStart]


@pytest.fixture
def start_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[StartInProcess]:
    """``serve`` through the CLI's own ``main`` in this process, with ``env`` set, printing what a user would see.

    uvicorn is replaced by a failure, so a start that gets as far as serving fails the test instead of serving;
    whatever ``serve`` writes to the environment (its workers' settings) is undone afterwards.
    """

    def refuse_to_serve(*args: object, **options: object) -> None:
        pytest.fail(f"serve started although it cannot work:\n{capsys.readouterr()}")

    monkeypatch.setattr("uvicorn.run", refuse_to_serve)
    before = dict(os.environ)

    def start(*args: str, env: dict[str, str] | None = None) -> FailedStart:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        returncode = cli.main(["serve", "--port", str(free_port()), *args])
        said = capsys.readouterr()
        return FailedStart(returncode, said.out + said.err)

    yield start
    os.environ.clear()
    os.environ.update(before)


def assert_clear_failure(result: FailedStart, *expected: str) -> None:
    assert result.returncode != 0, result.output
    assert "Traceback" not in result.output, result.output
    for words in expected:
        assert words in result.output, result.output


def test_a_port_in_use_fails_with_a_clear_message() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )
    assert_clear_failure(FailedStart(result.returncode, result.stdout + result.stderr), "is not free", "already in use")


def test_a_missing_key_file_fails_with_a_clear_message() -> None:
    result = start_expecting_failure("--auth", "verify", "--jwt-public-key-file", "/nonexistent/key.pem")
    assert_clear_failure(result, "insight-mock: cannot start", "/nonexistent/key.pem")


@pytest.mark.parametrize(
    "content",
    [b"this is not a key\n", b"-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n", b"\xff\xfe\x00"],
    ids=["text", "a PEM frame around junk", "binary"],
)
def test_a_key_file_that_is_not_a_pem_public_key_fails_with_a_clear_message(
    tmp_path: Path, content: bytes, start_in_process: StartInProcess
) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(content)
    result = start_in_process("--auth", "verify", "--jwt-public-key-file", str(key_file))
    assert_clear_failure(result, "insight-mock: cannot start", str(key_file))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("missing.yaml", None),
        ("a-directory", b""),
        ("broken.yaml", b"openapi: [unclosed\n  : :"),
        ("empty-object.yaml", b"{}\n"),
        ("binary.yaml", b"\xff\xfe garbage"),
    ],
    ids=["missing", "a directory", "not YAML", "YAML but no contract", "not UTF-8"],
)
def test_a_contract_that_cannot_be_read_fails_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes | None, start_in_process: StartInProcess
) -> None:
    spec = tmp_path / name
    if name == "a-directory":
        spec.mkdir()
    elif content is not None:
        spec.write_bytes(content)
    result = start_in_process(env={"INSIGHT_MOCK_SETTINGS": json.dumps({"spec_path": str(spec)})})
    assert_clear_failure(result, "insight-mock: cannot start", str(spec))
