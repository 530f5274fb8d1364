"""The latency the validating proxy adds: the same valid report request, direct to the mock and through the proxy.

    .venv/bin/python benchmarks/proxy_latency.py [--requests 500] [--warmup 50] [--mode report|enforce]

The mock and the proxy each run as their own process (one uvicorn worker, no access log), as a developer runs them.
Requests are sequential over keep-alive connections and interleaved (direct, proxied, direct, ...), so that the noise
of a shared machine hits both alike; median and p99 of each, in one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.testing.live import MONTHLY, free_port, wait_until_serving  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402

PATH = "/v1/accounts/P12345678/insight/generate-report"


def start(command: list[str], ready_url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(ready_url, process)
    except RuntimeError:
        process.kill()
        raise
    return process


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(direct: str, proxied: str, requests: int, warmup: int) -> dict[str, list[float]]:
    headers = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
    samples: dict[str, list[float]] = {"direct": [], "proxied": []}
    with (
        httpx.Client(base_url=direct, headers=headers) as to_mock,
        httpx.Client(base_url=proxied, headers=headers) as to_proxy,
    ):
        for index in range(warmup + requests):
            for name, client in (("direct", to_mock), ("proxied", to_proxy)):
                began = time.perf_counter()
                response = client.post(PATH, json=MONTHLY)
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200 or "sl-violations" in response.headers:
                    raise RuntimeError(f"{name}: {response.status_code} {response.headers.get('sl-violations')}")
                if index >= warmup:
                    samples[name].append(elapsed)
    return samples


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--requests", type=int, default=500)
    options.add_argument("--warmup", type=int, default=50)
    options.add_argument("--mode", choices=["report", "enforce"], default="report")
    args = options.parse_args()
    mock_port, proxy_port = free_port(), free_port()
    mock = f"http://127.0.0.1:{mock_port}"
    proxy = f"http://127.0.0.1:{proxy_port}"
    processes = [
        start([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(mock_port)], mock + "/v1/openapi.json")
    ]
    try:
        proxy_command = [sys.executable, "-m", "mockserver.proxy.cli", "proxy", "--upstream", mock]
        processes.append(
            start([*proxy_command, "--port", str(proxy_port), "--mode", args.mode], proxy + "/_proxy/requests")
        )
        samples = measure(mock, proxy, args.requests, args.warmup)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    print(f"{args.requests} sequential valid report requests each way (after {args.warmup} warm-up), mode {args.mode}")
    print(f"{'':10}{'median ms':>12}{'p99 ms':>12}")
    for name, values in samples.items():
        print(f"{name:10}{statistics.median(values):12.3f}{percentile(values, 0.99):12.3f}")
    added_median = statistics.median(samples["proxied"]) - statistics.median(samples["direct"])
    added_p99 = percentile(samples["proxied"], 0.99) - percentile(samples["direct"], 0.99)
    print(f"{'added':10}{added_median:12.3f}{added_p99:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
