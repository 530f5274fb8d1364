"""``insight-mock proxy``: the sub-command that serves the validating proxy (registered by ``mockserver.cli``).

python -m mockserver.proxy.cli proxy --upstream URL ...   # the same sub-command, without mockserver.cli
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def _proxy(args: argparse.Namespace) -> int:
    import uvicorn

    from mockserver.edge.protocols import uvicorn_options
    from mockserver.proxy.app import create_proxy_app

    try:
        app = create_proxy_app(
            args.upstream,
            args.mode,
            timeout=args.timeout,
            max_validated_bytes=args.max_validated_kib * 1024,
            journal_size=args.journal_size,
            profile=args.profile,
        )
    except ValueError as error:
        print(f"insight-mock proxy: cannot start: {error}", file=sys.stderr)
        return 2
    settings = app.state.settings
    origin = f"http://{args.host}:{args.port}"
    print(
        f"Insight validating proxy on {origin} -> {settings.upstream}  (mode: {settings.mode}, "
        f"profile: {settings.profile})"
    )
    print(f"  Try it:      {origin}/v1/accounts/P12345678/insight/generate-report  -> {settings.upstream}/v1/...")
    print("  Violations:  the sl-violations header of each answer (absent when the exchange kept the contract)")
    print(f"  Journal:     {origin}/_proxy/requests", flush=True)
    uvicorn.run(
        app,
        **uvicorn_options(),  # headers over 16 KiB: our 431, whatever the parser
        host=args.host,
        port=args.port,
        access_log=args.access_log,
        log_level="info" if args.access_log else "warning",
        # The upstream's Server and Date headers are passed on; uvicorn's own would be duplicates.
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=1,
    )
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``proxy`` to a sub-command set (``insight-mock``'s, or a fresh one in tests)."""
    proxy = commands.add_parser(
        "proxy",
        help="forward to a real Insight API and report (or refuse) what breaks the contract",
        description="Forward every request to --upstream unchanged; report contract violations of the report "
        "operation in the sl-violations header and at /_proxy/requests.",
    )
    proxy.add_argument(
        "--upstream",
        required=True,
        help="the API's URL (required): an origin (https://host), the contract's server URL "
        "(https://api.dintero.com/v1) or an origin with a path prefix (https://host/api, then /v1/... is appended)",
    )
    proxy.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    proxy.add_argument("--port", type=int, default=8081, help="port to listen on (default: 8081)")
    proxy.add_argument(
        "--mode",
        choices=["report", "enforce"],
        default="report",
        help="report: forward and report (default); enforce: refuse breaking requests (4xx), replace breaking "
        "answers (502)",
    )
    proxy.add_argument(
        "--profile",
        choices=["contract", "mock"],
        default="contract",
        help="contract: judge what the published document states (default); mock: also our mock's conventions "
        "(a refused charset, the served Error schema on every error, the exact echo with defaults)",
    )
    proxy.add_argument("--timeout", type=_positive, default=30.0, help="seconds to wait for the upstream (default 30)")
    proxy.add_argument("--journal-size", type=int, default=200, help="exchanges kept in /_proxy/requests (default 200)")
    proxy.add_argument(
        "--max-validated-kib", type=int, default=64, help="KiB of a body kept for validation (default 64)"
    )
    proxy.add_argument("--access-log", action="store_true", help="log every request (default: off)")
    proxy.set_defaults(run=_proxy)


def main(argv: Sequence[str] | None = None) -> int:
    root = argparse.ArgumentParser(prog="insight-mock")
    register(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
