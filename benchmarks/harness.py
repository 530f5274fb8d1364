"""Side-by-side benchmark: our mock, bare Starlette (the Python ceiling) and Prism 5's static mock, in one run.

    .venv/bin/python benchmarks/harness.py [--duration 15] [--connections 32] [--rounds 2] [--workers 1 2]
                                           [--bodies 1] [--starts 9] [--also-tree PATH ...] [--uvicorn-protocol]

Every server gets the same load on 127.0.0.1 (`wrk -t2 -cN -dS` with a bearer token): one valid POST again and
again, or with ``--bodies N`` N distinct valid requests in turn (bodies drawn by ``report_params()``, each to its
own account id), which with N over 4096 measures the mock without its caches helping beyond the token's claims (the
window rules keep 4096 verdicts). Runs are interleaved (mock, bare, Prism, Prism -v error, mock, ...) and repeated,
so the noise of this shared machine hits all alike; medians are printed with the ratios to Prism as users run it
(/Prism), to Prism with its per-request logging off (/Prism-e, the fair figure: the mock logs no request either) and
to bare Starlette (/bare), which runs on the same uvicorn protocol as the mock, so /bare measures the app alone.
"CPU us/req" is the CPU time the server's processes spent (user and system, from /proc) per request wrk completed:
less moved than req/s by whatever else competes for the cores. ``--also-tree PATH`` adds the mock of another
checkout (started in its directory with this interpreter, so its modules are the ones imported), to compare two
versions in one run; ``--uvicorn-protocol`` adds the mock on uvicorn's own httptools protocol, without our one write
per answer (``mockserver.edge.coalescing``).

Start-up is measured from spawn to the first 200, polled every 5 ms with a request that costs the poller about
0.03 ms; it is measured apart from the load runs, ``--starts`` times per server, interleaved, after our modules'
bytecode is compiled as an install leaves it (see the README's first command). Prism is installed with npm into
benchmarks/prism/ (not a project dependency) and is skipped with a message when npm is missing. Then:
`report_params()` draws per second next to Schemathesis' own body generation for the operation, and the busy-account
monthly CSV/PDF figures (benchmarks/bench_reports.py).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRISM_DIR = ROOT / "benchmarks" / "prism"
PRISM = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_VERSION = "5.16.0"
sys.path.insert(0, str(ROOT))

from contracts.document import spec as contract_spec  # noqa: E402
from contracts.testing.live import MONTHLY, free_port, wait_until_serving  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402

REPORT_PATH = "/accounts/P12345678/insight/generate-report"
BODY = MONTHLY
TOKEN = mint_token(("write:insight",), ttl_seconds=8 * 3600)


@dataclass
class Server:
    name: str
    command: Callable[[int], list[str]]
    base: str  # the path prefix the server serves the operation under
    cwd: Path = ROOT  # where it is started: a mock imports the modules of the checkout it is started in


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    rss_mib: float
    bad: int
    cpu_us_per_request: float


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (uvicorn workers, node children), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack += children.get(current, [])
    return found


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    for current in process_tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return total / 1024


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU time spent so far by a process and its live descendants, from /proc."""
    total = 0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    return total / CLOCK_TICKS


def start(server: Server, port: int) -> tuple[subprocess.Popen[bytes], float, str]:
    url = f"http://127.0.0.1:{port}{server.base}{REPORT_PATH}"
    began = time.perf_counter()
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(server.command(port), cwd=server.cwd, stdout=quiet, stderr=quiet, start_new_session=True)
    try:
        wait_until_serving(url, process, 60.0, json=BODY, headers={"Authorization": f"Bearer {TOKEN}"})
    except RuntimeError:
        stop(process)
        raise RuntimeError(f"{server.name} did not serve {url}") from None
    return process, time.perf_counter() - began, url


def stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have exited by itself
        os.killpg(process.pid, 15)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()


def varied_requests(count: int) -> list[tuple[str, str]]:
    """``count`` distinct valid requests: (account id, body), the bodies drawn by ``report_params()`` (fixed seed)."""
    from contracts.testing.strategies import draws, report_params

    bodies = draws(report_params(), count, 20261201)
    return [(f"P{index:08d}", json.dumps(body, ensure_ascii=False)) for index, body in enumerate(bodies)]


def lua_string(text: str) -> str:
    """A Lua long-bracket literal holding ``text`` as is (no escapes: JSON is full of quotes and backslashes)."""
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def wrk_script(directory: Path, bodies: int) -> Path:
    """The load: one valid POST again and again, or with ``bodies`` > 1 that many distinct requests in turn (each
    its own account id in the path, so each its own route as well)."""
    script = directory / "post.lua"
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {lua_string(json.dumps(BODY))}",
        'wrk.headers["Content-Type"] = "application/json"',
        f'wrk.headers["Authorization"] = "Bearer {TOKEN}"',
    ]
    if bodies > 1:
        requests = varied_requests(bodies)
        lines += ["paths = {", *(f"  {lua_string(aid)}," for aid, _ in requests), "}"]
        lines += ["bodies = {", *(f"  {lua_string(body)}," for _, body in requests), "}"]
        lines += [
            "prefix = string.gsub(wrk.path, 'P12345678.*$', '')",  # the server's base path, before the account id
            "suffix = string.match(wrk.path, 'P12345678(.*)$')",
            "n = 0",
            "request = function()",
            "  n = n % #bodies + 1",
            "  return wrk.format(nil, prefix .. paths[n] .. suffix, nil, bodies[n])",
            "end",
        ]
    lines += [
        "done = function(summary, latency, requests)",
        '  io.write(string.format("P50 %f\\nP99 %f\\n", latency:percentile(50), latency:percentile(99)))',
        "end",
    ]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def load(url: str, script: Path, duration: int, connections: int) -> tuple[float, float, float, int, int]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    found = {
        key: re.search(pattern, output)
        for key, pattern in {
            "rps": r"Requests/sec:\s+([\d.]+)",
            "p50": r"P50 ([\d.]+)",
            "p99": r"P99 ([\d.]+)",
            "count": r"(\d+) requests in",
        }.items()
    }
    if not all(found.values()):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    bad = (int(non_2xx.group(1)) if non_2xx else 0) + errors
    rps, p50, p99, count = (float(found[key].group(1)) for key in ("rps", "p50", "p99", "count"))  # type: ignore[union-attr]
    return rps, p50 / 1000, p99 / 1000, bad, int(count)


def ensure_prism() -> bool:
    if PRISM.exists():
        return True
    if shutil.which("npm") is None:
        print("npm is not installed: Prism is skipped (Debian: apt-get install npm)")
        return False
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    print(f"installing @stoplight/prism-cli@{PRISM_VERSION} into {PRISM_DIR} ...", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(PRISM_DIR),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"@stoplight/prism-cli@{PRISM_VERSION}",
        ],
        check=True,
        timeout=600,
    )
    return PRISM.exists()


# Prism gets the served contract as it is, as a user would give it. What once held the harness's Prism figure to
# 1,200-1,700 req/s was the contract, not the load: it had no 200 example, so Prism's static mode built a body from the
# schema ("from": "string", the first variant's enums) that broke the contract's own patterns, validated it on every
# request and logged nine violation lines per request, at every -v level down to error. The served contract now
# carries realistic examples (the lint finding response-without-examples), and Prism answers the first one: measured in
# one run (wrk -t2 -c32 -d6s), 3,661 req/s at -v error with the served contract against 3,694 with the mock's own
# echo added as the example, and 1,767 against 1,789 with default logging. Neither the log sink (/dev/null here) nor
# the host (Prism and wrk both on 127.0.0.1) made a difference.
PRISM_CONTRACT = contract_spec.SERVED_PATH


def starlette_command(
    app: str, workers: int, protocol: str = "mockserver.edge.protocols:LimitedHttpToolsProtocol"
) -> Callable[[int], list[str]]:
    """uvicorn's command line serving ``app`` on the mock's protocol (one write per answer), as quiet as the mock."""
    return lambda port: [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--http",
        protocol,
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--workers",
        str(workers),
    ]


def mock_command(workers: int) -> Callable[[int], list[str]]:
    """``insight-mock serve`` as a user starts it, on ``port``."""
    return lambda port: [
        *(sys.executable, "-m", "mockserver.cli", "serve"),
        *("--port", str(port), "--workers", str(workers)),
    ]


def servers(workers: int, with_prism: bool, prism_spec: Path, args: argparse.Namespace) -> list[Server]:
    spec = str(prism_spec)
    found = [Server(f"insight mock ({workers}w)", mock_command(workers), "/v1")]
    found += [
        Server(f"mock @{tree.name[:12]} ({workers}w)", mock_command(workers), "/v1", tree) for tree in args.also_tree
    ]
    if args.uvicorn_protocol:
        # The same app (the factory each `serve --workers` worker runs) on uvicorn's own protocol.
        command = starlette_command("mockserver.cli:worker_app", workers, protocol="httptools")
        found.append(Server(f"mock, uvicorn's ({workers}w)", lambda port: [*command(port), "--factory"], "/v1"))
    found.append(
        Server(f"bare Starlette ({workers}w)", starlette_command("benchmarks.bare_starlette:app", workers), "/v1")
    )
    if with_prism:
        found += [
            Server("Prism static", lambda port: [str(PRISM), "mock", "-p", str(port), spec], ""),
            Server("Prism -v error", lambda port: [str(PRISM), "mock", "-v", "error", "-p", str(port), spec], ""),
        ]
    return found


def measure_servers(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); skipping the HTTP comparison")
        return
    with_prism = ensure_prism()
    for tree in (ROOT, *args.also_tree):
        compile_sources(tree)
    with tempfile.TemporaryDirectory() as scratch:
        script = wrk_script(Path(scratch), args.bodies)
        for workers in args.workers:
            chosen = servers(workers, with_prism and workers == args.workers[0], PRISM_CONTRACT, args)
            print_startups(measure_startups([*chosen, import_floor(workers)], args.starts), workers)
            runs: dict[str, list[Run]] = {server.name: [] for server in chosen}
            for _ in range(args.rounds):
                for server in chosen:
                    process, _, url = start(server, free_port())
                    try:
                        load(url, script, 2, args.connections)  # warm-up
                        cpu_before = tree_cpu_seconds(process.pid)
                        rps, p50, p99, bad, count = load(url, script, args.duration, args.connections)
                        cpu_us = (tree_cpu_seconds(process.pid) - cpu_before) / count * 1e6
                        runs[server.name].append(Run(rps, p50, p99, tree_rss_mib(process.pid), bad, cpu_us))
                    finally:
                        stop(process)
            print_table(runs, args, workers)


def compile_sources(tree: Path) -> None:
    """Our modules' bytecode, as the README's first command leaves it: a server started here then reads it.

    Where PYTHONDONTWRITEBYTECODE is set (as on this machine) Python neither writes nor finds it otherwise, and each
    start of the mock compiled its sources again: about 40 ms of a 0.38 s start-up.
    """
    for package in ("contracts", "mockserver"):
        compileall.compile_dir(tree / package, quiet=1)


def import_floor(workers: int) -> Server:
    """bare Starlette after importing Connexion, uvicorn and PyJWT: the start-up no server built on them can beat."""
    return Server(f"imports floor ({workers}w)", starlette_command("benchmarks.import_floor:app", workers), "/v1")


def measure_startups(chosen: list[Server], starts: int) -> dict[str, list[float]]:
    """Seconds from spawn to the first 200, ``starts`` times per server, the servers interleaved."""
    times: dict[str, list[float]] = {server.name: [] for server in chosen}
    for _ in range(starts):
        for server in chosen:
            process, startup, _ = start(server, free_port())
            stop(process)
            times[server.name].append(startup)
    return times


def print_startups(times: dict[str, list[float]], workers: int) -> None:
    medians = {name: median(values) for name, values in times.items()}
    prism, quiet_prism = medians.get("Prism static"), medians.get("Prism -v error")
    starts = len(next(iter(times.values())))
    print(f"\nstart-up, spawn to first 200, {starts} starts each, interleaved, {workers} worker(s)")
    print(f"{'server':<22}{'median s':>10}{'min s':>8}{'max s':>8}{'/Prism':>8}{'/Prism-e':>10}")
    for name, values in times.items():
        ratios = [f"{medians[name] / reference:.2f}" if reference else "n/a" for reference in (prism, quiet_prism)]
        print(
            f"{name:<22}{medians[name]:>10.3f}{min(values):>8.3f}{max(values):>8.3f}{ratios[0]:>8}{ratios[1]:>10}",
            flush=True,
        )


def median(values: list[float]) -> float:
    return statistics.median(values)


COLUMNS = (
    ("server", 22),
    ("req/s", 9),
    ("p50 ms", 8),
    ("p99 ms", 8),
    ("RSS MiB", 9),
    ("bad", 6),
    ("CPU us/req", 12),
    ("/Prism", 8),
    ("/Prism-e", 10),
    ("/bare", 7),
)


def print_table(runs: dict[str, list[Run]], args: argparse.Namespace, workers: int) -> None:
    rps = {name: median([run.requests_per_second for run in items]) for name, items in runs.items()}
    bare = next(value for name, value in rps.items() if name.startswith("bare"))
    prism, quiet_prism = rps.get("Prism static"), rps.get("Prism -v error")
    load = "one valid POST" if args.bodies == 1 else f"{args.bodies} distinct valid requests in turn"
    print(
        f"\nwrk -t2 -c{args.connections} -d{args.duration}s, {load}, {args.rounds} rounds, {workers} worker(s), medians"
    )
    print(
        "".join(
            f"{title:<{width}}" if index == 0 else f"{title:>{width}}" for index, (title, width) in enumerate(COLUMNS)
        )
    )
    for name, items in runs.items():
        cells = [
            f"{rps[name]:.0f}",
            f"{median([r.p50_ms for r in items]):.2f}",
            f"{median([r.p99_ms for r in items]):.2f}",
            f"{median([r.rss_mib for r in items]):.1f}",
            str(sum(r.bad for r in items)),
            f"{median([r.cpu_us_per_request for r in items]):.0f}",
            f"{rps[name] / prism:.2f}" if prism else "n/a",
            f"{rps[name] / quiet_prism:.2f}" if quiet_prism else "n/a",
            f"{rps[name] / bare:.2f}",
        ]
        print(f"{name:<22}" + "".join(f"{cell:>{width}}" for cell, (_, width) in zip(cells, COLUMNS[1:], strict=True)))


def measure_generation(count: int = 400) -> None:
    """Examples per second: our strategy next to Schemathesis' own generation of the operation's cases."""
    import schemathesis

    from contracts.testing.strategies import draws, report_params

    schema = schemathesis.openapi.from_path(str(ROOT / "spec" / "insight.yaml"))
    operation = next(result.ok() for result in schema.get_all_operations())
    theirs = operation.as_strategy()
    timings = {}
    for name, strategy in (
        ("contracts.strategies.report_params()", report_params()),
        ("Schemathesis operation.as_strategy()", theirs),
    ):
        best = float("inf")
        for seed in range(3):
            began = time.perf_counter()
            drawn = draws(strategy, count, seed)
            best = min(best, time.perf_counter() - began)
        timings[name] = len(drawn) / best
    ours, reference = timings.values()
    print(f"\nbody generation, {count} examples, best of 3")
    for name, rate in timings.items():
        print(f"  {name:<40}{rate:>9.0f} examples/s")
    print(f"  ratio ours / Schemathesis: {ours / reference:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--bodies",
        type=int,
        default=1,
        help="distinct requests in turn (default 1: one valid POST); over 4096 none repeats within the mock's caches",
    )
    parser.add_argument("--starts", type=int, default=9, help="start-ups measured per server (default 9)")
    parser.add_argument("--skip-reports", action="store_true", help="skip the report-generation figures")
    parser.add_argument(
        "--also-tree",
        type=Path,
        action="append",
        default=[],
        help="also run the mock of this checkout (e.g. a worktree of an older commit), in the same interleaved rounds",
    )
    parser.add_argument(
        "--uvicorn-protocol", action="store_true", help="also run the mock on uvicorn's own protocol (no coalescing)"
    )
    args = parser.parse_args()
    measure_servers(args)
    measure_generation()
    if not args.skip_reports:
        print()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_reports.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
