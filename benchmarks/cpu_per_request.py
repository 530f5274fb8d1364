"""CPU microseconds per valid report request through the whole mock app, in process, next to bare Starlette.

    .venv/bin/python benchmarks/cpu_per_request.py [--requests 3000] [--rounds 5] [--distinct 5000] [--ablate]

No server and no sockets: each app is called as ASGI with valid POSTs and a bearer token, so what is measured is the
app's own work per request (routing, checks, validation, the answer), not uvicorn's or the kernel's. Process CPU
time, not wall time, and the rounds interleave the apps, so the noise of a shared machine hits all alike; the mock's
figure is also given as a multiple of bare Starlette's from the same run.

By default one request (the monthly body of ``contracts.testing.live``) is sent again and again: the cost of a client
repeating a request. ``--distinct N`` sends N distinct valid requests in turn instead (bodies drawn by
``report_params()``, each to its own account id, as ``harness.py --bodies N`` does), so that nothing keyed by the body
or the path can help; only the token is the same, as it is for a real client.

``--ablate`` measures instead what each cache and hand-tuned path of the request path saves (``ABLATIONS``): the mock
with the real code and with the plain code it stands for swapped in, block by block in the same run. One is kept only
where it saves at least 5% of the CPU per request with ``--distinct 5000``; its comment in the code quotes the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, AsyncExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.types import ASGIApp, Message  # noqa: E402

from benchmarks.bare_starlette import app as bare_app  # noqa: E402
from benchmarks.harness import varied_requests  # noqa: E402
from contracts.document import spec  # noqa: E402
from contracts.model.contract import Contract, contract_from_document  # noqa: E402
from contracts.rules import periods  # noqa: E402
from contracts.testing.live import MONTHLY, VALID_AID  # noqa: E402
from mockserver import app as mock_app  # noqa: E402
from mockserver.app import create_app  # noqa: E402
from mockserver.decisions import security  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

TOKEN = mint_token(("write:insight",), ttl_seconds=3600)
Request = tuple[str, bytes]  # (path, body)


def report_path(aid: str) -> str:
    return f"/v1/accounts/{aid}/insight/generate-report"


def requests_to_send(distinct: int) -> list[Request]:
    """One valid request, or ``distinct`` distinct ones: the harness's (drawn with a fixed seed, each to its own
    account)."""
    if distinct <= 1:
        return [(report_path(VALID_AID), json.dumps(MONTHLY).encode())]
    return [(report_path(aid), body.encode()) for aid, body in varied_requests(distinct)]


def request_scope(path: str, body: bytes) -> dict[str, object]:
    headers = [
        (b"host", b"127.0.0.1:8080"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


async def call(app: ASGIApp, request: Request) -> int:
    path, body = request
    status = 0
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(request_scope(path, body), receive, send)
    return status


class Lifespan:
    """The app's lifespan, run as uvicorn runs it: start-up before the first request, shutdown at the end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.started = asyncio.Event()
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        sent_startup = False

        async def receive() -> Message:
            nonlocal sent_startup
            if not sent_startup:
                sent_startup = True
                return {"type": "lifespan.startup"}
            await self.stopping.wait()
            return {"type": "lifespan.shutdown"}

        async def send(message: Message) -> None:
            if message["type"].startswith("lifespan.startup"):
                self.started.set()

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self.task = asyncio.get_running_loop().create_task(self.app(scope, receive, send))
        await self.started.wait()

    async def __aexit__(self, *exc_info: object) -> None:
        self.stopping.set()
        if self.task is not None:
            await self.task


@contextmanager
def replaced(owner: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)


@contextmanager
def explained_validation(contract: Contract) -> Iterator[None]:
    """Each variant's "is this body valid?" asked of jsonschema (the validator that explains), not jsonschema-rs."""
    compiled = {name: variant.fast_validator for name, variant in contract.variants.items()}
    for variant in contract.variants.values():
        object.__setattr__(variant, "fast_validator", variant.validator)  # a frozen dataclass: for this block only
    try:
        yield
    finally:
        for name, variant in contract.variants.items():
            object.__setattr__(variant, "fast_validator", compiled[name])


# Each cache or hand-tuned path of the request path, and how to measure the mock without it: the plain code it stands
# for, swapped in for one block of requests at a time. A name here is the one its comment in the code quotes.
ABLATIONS: dict[str, Callable[[Contract], AbstractContextManager[None]]] = {
    # mockserver.decisions.security: a token's verified claims (header, signature, payload), decoded once per token.
    "token claims": lambda _: replaced(security, "_verified_claims", security._verified_claims.__wrapped__),
    # contracts.rules.periods: the window rules' verdict on (schedule, from, to).
    "window verdicts": lambda _: replaced(periods, "_window_violations", periods._window_violations.__wrapped__),
    # contracts.model.contract: jsonschema-rs answers "valid?"; jsonschema explains only an invalid body.
    "jsonschema-rs": explained_validation,
}


async def cpu_us_per_request(app: ASGIApp, requests: Iterator[Request], count: int) -> float:
    began = time.process_time()
    for _ in range(count):
        status = await call(app, next(requests))
        if status != 200:
            raise RuntimeError(f"a valid request got {status}: the benchmark would measure an error path")
    return (time.process_time() - began) / count * 1e6


async def measure(count: int, rounds: int, distinct: int) -> dict[str, list[float]]:
    """Microseconds per request of the mock and of bare Starlette, one figure per round, the two interleaved."""
    apps: dict[str, ASGIApp] = {"insight mock": create_app(Settings()), "bare Starlette": bare_app}
    requests = itertools.cycle(requests_to_send(distinct))  # one stream for all: nothing repeats within N requests
    figures: dict[str, list[float]] = {name: [] for name in apps}
    async with AsyncExitStack() as running:
        for app in apps.values():
            await running.enter_async_context(Lifespan(app))
            for _ in range(200):  # warm-up: lazy imports, whatever is built at the first request
                await call(app, next(requests))
        for _ in range(rounds):
            for name, app in apps.items():
                figures[name].append(await cpu_us_per_request(app, requests, count))
    return figures


def mock_and_its_contract() -> tuple[ASGIApp, Contract]:
    """The mock as ``create_app`` builds it, and the contract it was built with (which the ablations change)."""
    settings = Settings()
    contract = contract_from_document(spec.load_yaml(settings.spec_path.read_text(encoding="utf-8")))
    with replaced(mock_app, "contract_from_document", lambda _: contract):
        return create_app(settings), contract


async def savings(count: int, rounds: int, distinct: int) -> dict[str, list[float]]:
    """For each ablation, the share of the CPU per request that the real code saves, one figure per round.

    A round measures the mock with, without, without, with (each block ``count`` requests), so that drift in the
    machine's load hits both alike; its figure is (without - with) / without over the round's four blocks.
    """
    app, contract = mock_and_its_contract()
    requests = itertools.cycle(requests_to_send(distinct))
    found: dict[str, list[float]] = {name: [] for name in ABLATIONS}
    async with Lifespan(app):
        for _ in range(200):
            await call(app, next(requests))
        for _ in range(rounds):
            for name, ablation in ABLATIONS.items():
                spent = {False: 0.0, True: 0.0}
                for ablated in (False, True, True, False):
                    gc.collect()  # each block starts without garbage another one left
                    with ablation(contract) if ablated else nullcontext():
                        spent[ablated] += await cpu_us_per_request(app, requests, count)
                found[name].append((spent[True] - spent[False]) / spent[True])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="requests per round (per block with --ablate)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--distinct", type=int, default=1, help="distinct requests in turn (default 1: one repeated)")
    parser.add_argument("--ablate", action="store_true", help="what each cache and hand-tuned path saves, instead")
    args = parser.parse_args()
    load = "one request repeated" if args.distinct <= 1 else f"{args.distinct} distinct requests in turn"
    if args.ablate:
        found = asyncio.run(savings(args.requests, args.rounds, args.distinct))
        print(f"CPU per valid request each saves, in process, {load}, {args.rounds} rounds of 4 x {args.requests}")
        print(f"  {'':<20}{'median':>8}   {'quartiles':<16}")
        for name, values in found.items():
            low, _, high = statistics.quantiles(values, n=4)
            print(f"  {name:<20}{statistics.median(values):>8.1%}   {low:.1%} .. {high:.1%}")
        return 0
    figures = asyncio.run(measure(args.requests, args.rounds, args.distinct))
    medians = {name: statistics.median(values) for name, values in figures.items()}
    print(f"CPU per valid request, in process, {load}, {args.requests} requests x {args.rounds} rounds, medians")
    for name, value in medians.items():
        spread = ", ".join(f"{v:.1f}" for v in figures[name])
        print(f"  {name:<16}{value:>8.1f} us   (rounds: {spread})")
    print(f"  ratio mock / bare: {medians['insight mock'] / medians['bare Starlette']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
