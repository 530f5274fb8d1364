"""A bounded load run against `insight-mock serve` on 127.0.0.1: mixed valid and invalid requests, report downloads.

    .venv/bin/python benchmarks/load.py [--duration 60] [--connections 64] [--workers 1 2] [--warmup 10] [--seed 1]

For each worker count it starts its own server on a free 127.0.0.1 port, loads it for ``--warmup`` seconds, samples
the resident memory of the whole process tree (the uvicorn supervisor and its workers, summed from /proc), loads it
for ``--duration`` seconds, samples again and stops the server. The load generator is asyncio + httpx: N
connections, each a loop drawing a request kind from a seeded mix. Every kind has the one status it must get:

    valid generate-report (several data types and schedules)  200    missing token            401
    valid, then its X-Mock-Report-Url followed (CSV or PDF)    200    token without scope      403
    wrong from/to for the schedule, schedule not allowed      400    text/plain body          415
    malformed aid, malformed JSON                              400    a 70 KB body             413

PASS = no status other than the expected one, no connection error or timeout, and RSS after the run at most 1.2x
RSS after the warm-up. A table is printed; the exit code is 0 only when every run passed. Only 127.0.0.1 is ever
contacted: a report URL naming another host counts as an error and is not followed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.testing.live import MONTHLY, free_port, wait_until_serving  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402

HOST = "127.0.0.1"
REPORT = "/v1/accounts/{aid}/insight/generate-report"
AID = "P12345678"
TOKEN = mint_token(("write:insight",), ttl_seconds=12 * 3600)
NO_SCOPE_TOKEN = mint_token(("read:insight",), ttl_seconds=12 * 3600)
REQUEST_TIMEOUT = 15.0
# Idle connections are dropped by the client before uvicorn's 5 s keep-alive timeout closes them. With httpx's default
# (also 5 s) a request now and then goes out on a connection the server is closing at that very moment and fails
# with ReadError: a race of the two timeouts, not an answer of the mock.
KEEPALIVE_EXPIRY = 2.0
MAX_RSS_GROWTH = 1.2

DAILY_CHECKOUT = {
    "dataType": "checkout/transactions",
    "schedule": "daily",
    "language": "en",
    "from": "2026-11-03",
    "to": "2026-11-04",
}
WEEKLY_WALLETS = {
    "dataType": "wallets/transactions",
    "schedule": "weekly",
    "language": "no",
    "from": "2026-11-02",
    "to": "2026-11-09",
}
DAILY_ORDERS = {
    "dataType": "orders/orderoperations",
    "schedule": "daily",
    "language": "en",
    "from": "2026-11-05",
    "to": "2026-11-06",
}
DAILY_WALLETS_PDF = {
    "dataType": "wallets/transactions",
    "schedule": "daily",
    "language": "en",
    "contentType": "application/pdf",
    "from": "2026-11-04",
    "to": "2026-11-05",
}
DAILY_CHECKOUT_PDF = {**DAILY_CHECKOUT, "contentType": "application/pdf"}


@dataclass(frozen=True)
class Kind:
    """One kind of request in the mix: how to send it, the status it must get, how often it is drawn."""

    name: str
    weight: int
    expected: int
    json: Mapping[str, str] | None = None
    content: bytes | None = None
    headers: tuple[tuple[str, str], ...] = (("Authorization", f"Bearer {TOKEN}"),)
    aid: str = AID
    download: str | None = None  # the media type of the report to follow, for download kinds


JSON = ("Content-Type", "application/json")
BEARER = ("Authorization", f"Bearer {TOKEN}")
MIX: tuple[Kind, ...] = (
    Kind("valid monthly checkout", 20, 200, json=MONTHLY),
    Kind("valid daily checkout", 10, 200, json=DAILY_CHECKOUT),
    Kind("valid weekly wallets", 8, 200, json=WEEKLY_WALLETS),
    Kind("valid daily orders", 8, 200, json=DAILY_ORDERS),
    Kind("report CSV (daily orders)", 5, 200, json=DAILY_ORDERS, download="text/csv"),
    Kind("report CSV (daily checkout)", 3, 200, json=DAILY_CHECKOUT, download="text/csv"),
    Kind("report PDF (daily wallets)", 2, 200, json=DAILY_WALLETS_PDF, download="application/pdf"),
    Kind("report PDF (daily checkout)", 1, 200, json=DAILY_CHECKOUT_PDF, download="application/pdf"),
    Kind("wrong window", 8, 400, json={**MONTHLY, "to": "2026-12-02"}),
    Kind("schedule not allowed", 6, 400, json={**DAILY_ORDERS, "schedule": "monthly"}),
    Kind("malformed aid", 4, 400, json=MONTHLY, aid="P1234"),
    Kind("malformed JSON", 6, 400, content=b'{"dataType": "checkout/transactions",', headers=(BEARER, JSON)),
    Kind("missing token", 8, 401, json=MONTHLY, headers=()),
    Kind("token without the scope", 4, 403, json=MONTHLY, headers=(("Authorization", f"Bearer {NO_SCOPE_TOKEN}"),)),
    Kind("text/plain body", 4, 415, content=b"dataType=checkout", headers=(BEARER, ("Content-Type", "text/plain"))),
    Kind("70 KB body", 3, 413, content=b'{"x":"' + b"a" * 70_000 + b'"}', headers=(BEARER, JSON)),
)


# --- the server and its memory ------------------------------------------------------------------------------------


@contextmanager
def serving(workers: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`insight-mock serve --workers N` on a free 127.0.0.1 port, its output in a temporary file; stopped on exit."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mockserver.cli",
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        origin = f"http://{HOST}:{port}"
        try:
            # Until the health route answers and the supervisor has all its workers.
            all_workers = (lambda: True) if workers == 1 else (lambda: len(process_tree(process.pid)) > workers)
            wait_until_serving(origin + "/_mock/health", process, 60.0, also=all_workers)
            yield process, origin
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from the parent pids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # the process ended while we looked
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may contain spaces
        children.setdefault(parent, []).append(int(entry))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def tree_rss_bytes(root: int) -> int:
    """The resident memory of a process tree: the sum of VmRSS over the root and its descendants."""
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


# --- the load -----------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, one per HTTP exchange
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)  # "kind: status"
    errors: Counter[str] = field(default_factory=Counter)  # "kind: exception"

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())


async def exchange(client: httpx.AsyncClient, kind: Kind, origin: str, tally: Tally) -> None:
    async def timed(method: str, url: str, **kwargs: object) -> httpx.Response:
        began = time.perf_counter()
        response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        tally.latencies.append(time.perf_counter() - began)
        return response

    def check(label: str, status: int, expected: int) -> None:
        tally.statuses[(label, status)] += 1
        if status != expected:
            tally.unexpected[f"{label}: {status}"] += 1

    try:
        response = await timed(
            "POST",
            origin + REPORT.format(aid=kind.aid),
            json=kind.json,
            content=kind.content,
            headers=dict(kind.headers),
        )
        check(kind.name, response.status_code, kind.expected)
        if kind.download is None or response.status_code != 200:
            return
        link = httpx.URL(response.headers.get("x-mock-report-url", ""))
        if link.host != HOST:
            tally.errors[f"{kind.name}: report URL not on {HOST} ({link})"] += 1
            return
        report = await timed("GET", str(link))
        check(f"{kind.name} download", report.status_code, 200)
        if report.status_code == 200 and not report.headers.get("content-type", "").startswith(kind.download):
            tally.unexpected[f"{kind.name} download: {report.headers.get('content-type')}"] += 1
    except httpx.HTTPError as error:
        tally.errors[f"{kind.name}: {type(error).__name__}"] += 1


async def load(origin: str, *, seconds: float, connections: int, seed: int) -> Tally:
    """``connections`` loops of requests drawn from the mix, until ``seconds`` have passed."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    weights = [kind.weight for kind in MIX]
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=KEEPALIVE_EXPIRY
    )
    async with httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT) as client:

        async def connection(number: int) -> None:
            draw = random.Random(seed * 1000 + number)
            while time.monotonic() < deadline:
                await exchange(client, draw.choices(MIX, weights)[0], origin, tally)

        await asyncio.gather(*(connection(number) for number in range(connections)))
    return tally


# --- one measured run ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    workers: int
    seconds: float
    tally: Tally
    rss_warm: int
    rss_after: int
    rss_peak: int  # the highest of the samples taken every second during the run
    rss_limit: float | None = MAX_RSS_GROWTH  # None: memory is reported, not judged (the test suite's short run)

    @property
    def rss_ratio(self) -> float:
        return self.rss_after / self.rss_warm

    def percentile(self, share: float) -> float:
        ordered = sorted(self.tally.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")

    @property
    def problems(self) -> list[str]:
        found = [f"unexpected {name} (x{count})" for name, count in self.tally.unexpected.items()]
        found += [f"error {name} (x{count})" for name, count in self.tally.errors.items()]
        if self.rss_limit is not None and self.rss_ratio > self.rss_limit:
            found.append(f"RSS grew {self.rss_ratio:.2f}x (limit {self.rss_limit}x)")
        if not self.tally.latencies:
            found.append("no request was answered")
        return found

    @property
    def passed(self) -> bool:
        return not self.problems


def measure(
    workers: int,
    *,
    seconds: float = 60.0,
    connections: int = 64,
    warmup: float = 10.0,
    seed: int = 1,
    rss_limit: float | None = MAX_RSS_GROWTH,
) -> Result:
    """Start a server with ``workers``, warm it up, load it for ``seconds``, and report what happened."""
    with serving(workers) as (process, origin):
        warm = asyncio.run(load(origin, seconds=warmup, connections=connections, seed=seed + 7919))
        rss_warm = tree_rss_bytes(process.pid)
        with sampling_rss(process.pid) as samples:
            began = time.monotonic()
            tally = asyncio.run(load(origin, seconds=seconds, connections=connections, seed=seed))
            elapsed = time.monotonic() - began
        rss_after = tree_rss_bytes(process.pid)
    tally.unexpected.update(warm.unexpected)  # a wrong answer during the warm-up fails the run too
    tally.errors.update(warm.errors)
    return Result(workers, elapsed, tally, rss_warm, rss_after, max([rss_after, *samples]), rss_limit)


@contextmanager
def sampling_rss(root: int, every: float = 1.0) -> Iterator[list[int]]:
    """The tree's RSS sampled every ``every`` seconds in a thread, for as long as the block runs."""
    samples: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every):
            samples.append(tree_rss_bytes(root))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield samples
    finally:
        done.set()
        sampler.join()


def table(results: list[Result]) -> str:
    header = (
        f"{'workers':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'unexpected':>10} "
        f"{'errors':>6} {'RSS warm MB':>11} {'RSS after MB':>12} {'peak MB':>7} {'ratio':>5}  verdict"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        tally = result.tally
        lines.append(
            f"{result.workers:>7} {tally.requests:>9} {tally.requests / result.seconds:>8.0f} "
            f"{result.percentile(0.50) * 1000:>7.1f} {result.percentile(0.99) * 1000:>7.1f} "
            f"{sum(tally.unexpected.values()):>10} {sum(tally.errors.values()):>6} "
            f"{result.rss_warm / 2**20:>11.1f} {result.rss_after / 2**20:>12.1f} {result.rss_peak / 2**20:>7.1f} "
            f"{result.rss_ratio:>5.2f}  "
            f"{'PASS' if result.passed else 'FAIL'}"
        )
    for result in results:
        statuses = Counter[int]()
        for (_, status), count in result.tally.statuses.items():
            statuses[status] += count
        lines.append(f"\n{result.workers} worker(s): statuses {dict(sorted(statuses.items()))}")
        lines.extend(f"  {problem}" for problem in result.problems)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of measured load per run (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (default 64)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run (default 1 2)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of load before the first RSS sample")
    parser.add_argument("--seed", type=int, default=1, help="seeds the request mix")
    parser.add_argument(
        "--statuses-only",
        action="store_true",
        help="judge statuses and connection errors only; memory is printed, not judged (the test suite's short run)",
    )
    args = parser.parse_args(argv)
    rss_limit = None if args.statuses_only else MAX_RSS_GROWTH
    results = []
    for workers in args.workers:
        print(
            f"{workers} worker(s): {args.warmup:g} s warm-up, {args.duration:g} s of load, "
            f"{args.connections} connections ...",
            flush=True,
        )
        results.append(
            measure(
                workers,
                seconds=args.duration,
                connections=args.connections,
                warmup=args.warmup,
                seed=args.seed,
                rss_limit=rss_limit,
            )
        )
    print(table(results))
    for result in results:
        downloads = sorted(
            {label for (label, status) in result.tally.statuses if label.endswith("download") and status == 200}
        )
        print(f"{result.workers} worker(s): downloads answered: {', '.join(downloads) or 'none'}")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
