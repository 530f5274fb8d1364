"""CPU microseconds per valid report request through the whole mock app, in process, next to bare Starlette.

    .venv/bin/python benchmarks/cpu_per_request.py [--requests 3000] [--rounds 5]

No server and no sockets: each app is called as ASGI with one valid POST (the monthly body of tests/conftest.py and a
bearer token), so what is measured is the app's own work per request (routing, checks, validation, the answer), not
uvicorn's or the kernel's. Process CPU time, not wall time, and the rounds interleave the two apps, so the noise of a
shared machine hits both alike; the mock's figure is also given as a multiple of bare Starlette's from the same run.
The same request is sent every time, so the mock's bounded caches (token, route, window verdict, encoded answer) all
hit: this is the cost of a client repeating a request; `harness.py --bodies 5000` measures distinct requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from contextlib import AsyncExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.types import ASGIApp, Message  # noqa: E402

from benchmarks.bare_starlette import app as bare_app  # noqa: E402
from contracts.testing.live import MONTHLY, VALID_AID  # noqa: E402
from mockserver.app import create_app  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402
from mockserver.settings import Settings  # noqa: E402

PATH = f"/v1/accounts/{VALID_AID}/insight/generate-report"
BODY = json.dumps(MONTHLY).encode()
TOKEN = mint_token(("write:insight",), ttl_seconds=3600)


def request_scope() -> dict[str, object]:
    headers = [
        (b"host", b"127.0.0.1:8080"),
        (b"content-type", b"application/json"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-length", str(len(BODY)).encode()),
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


async def call(app: ASGIApp) -> int:
    status = 0
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(request_scope(), receive, send)
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


async def cpu_us_per_request(app: ASGIApp, requests: int) -> float:
    began = time.process_time()
    for _ in range(requests):
        status = await call(app)
        if status != 200:
            raise RuntimeError(f"a valid request got {status}: the benchmark would measure an error path")
    return (time.process_time() - began) / requests * 1e6


async def measure(requests: int, rounds: int) -> dict[str, list[float]]:
    apps: dict[str, ASGIApp] = {"insight mock": create_app(Settings()), "bare Starlette": bare_app}
    figures: dict[str, list[float]] = {name: [] for name in apps}
    async with AsyncExitStack() as running:
        for app in apps.values():
            await running.enter_async_context(Lifespan(app))
            for _ in range(200):  # warm-up: lazy imports, caches, whatever is built at the first request
                await call(app)
        for _ in range(rounds):
            for name, app in apps.items():
                figures[name].append(await cpu_us_per_request(app, requests))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.requests, args.rounds))
    medians = {name: statistics.median(values) for name, values in figures.items()}
    print(f"CPU per valid request, in process, {args.requests} requests x {args.rounds} rounds, medians")
    for name, value in medians.items():
        spread = ", ".join(f"{v:.1f}" for v in figures[name])
        print(f"  {name:<16}{value:>8.1f} us   (rounds: {spread})")
    print(f"  ratio mock / bare: {medians['insight mock'] / medians['bare Starlette']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
