"""Throughput of the mock next to bare Starlette, measured in one run with wrk on 127.0.0.1.

    .venv/bin/python benchmarks/throughput.py [--duration 10] [--connections 32] [--rounds 2] [--workers 1]

Each server runs as its own uvicorn process with one worker and no access log; runs are interleaved
(mock, bare, mock, bare, ...) so that the noise of this shared machine hits both alike. Needs `wrk` (Debian: wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockserver.security import mint_token  # noqa: E402

PATH = "/v1/accounts/P12345678/insight/generate-report"
BODY = {
    "dataType": "checkout/transactions",
    "schedule": "monthly",
    "language": "no",
    "from": "2026-11-01",
    "to": "2026-12-01",
}


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], url: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], float]:
    began = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    token = mint_token(("write:insight",))
    while True:
        try:
            response = httpx.post(url, json=BODY, headers={"Authorization": f"Bearer {token}"}, timeout=1)
            if response.status_code == 200:
                return process, time.perf_counter() - began
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.perf_counter() - began > 30:
            raise RuntimeError(f"{command} did not serve {url}")
        time.sleep(0.01)


def wrk_script(token: str) -> str:
    body = json.dumps(BODY).replace('"', '\\"')
    return f"""
wrk.method = "POST"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
done = function(summary, latency, requests)
  io.write(string.format("P50 %f\\nP99 %f\\n", latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(url: str, script: Path, duration: int, connections: int) -> Result:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"P50 ([\d.]+)", output).group(1)) / 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"P99 ([\d.]+)", output).group(1)) / 1000  # type: ignore[union-attr]
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return Result(rps, p50, p99, non_2xx, errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    python = sys.executable
    servers = {
        "insight mock": lambda port: [
            python,
            "-m",
            "mockserver.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        "bare Starlette": lambda port: [
            python,
            "-m",
            "uvicorn",
            "benchmarks.bare_starlette:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--workers",
            str(args.workers),
        ],
    }
    token = mint_token(("write:insight",), ttl_seconds=3600 * 4)
    results: dict[str, list[Result]] = {name: [] for name in servers}
    startups: dict[str, list[float]] = {name: [] for name in servers}
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "post.lua"
        script.write_text(wrk_script(token))
        for _ in range(args.rounds):
            for name, command in servers.items():
                port = free_port()
                url = f"http://127.0.0.1:{port}{PATH}"
                process, startup = start(command(port), url)
                try:
                    startups[name].append(startup)
                    run_wrk(url, script, 2, args.connections)  # warm-up
                    results[name].append(run_wrk(url, script, args.duration, args.connections))
                finally:
                    process.terminate()
                    process.wait(timeout=10)
    reference = statistics.median(r.requests_per_second for r in results["bare Starlette"])
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds} interleaved rounds, {args.workers} worker(s)"
    )
    print(
        f"{'server':<16}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'start s':>9}{'non-2xx':>9}{'errors':>8}{'vs bare':>9}"
    )
    for name, runs in results.items():
        rps = statistics.median(r.requests_per_second for r in runs)
        print(
            f"{name:<16}{rps:>10.0f}{statistics.median(r.p50_ms for r in runs):>9.2f}"
            f"{statistics.median(r.p99_ms for r in runs):>9.2f}{statistics.median(startups[name]):>9.2f}"
            f"{sum(r.non_2xx for r in runs):>9}{sum(r.socket_errors for r in runs):>8}{rps / reference:>9.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
