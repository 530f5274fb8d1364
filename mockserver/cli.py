"""``insight-mock``: serve the mock, mint a token, lint an upstream document, build the served contract."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.document import spec

if TYPE_CHECKING:
    from mockserver.settings import Settings


def _address_in_use(host: str, port: int) -> str | None:
    """Why the address cannot be bound, before the banner says it is served (uvicorn would say so after)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.strerror or str(error)
    return None


KEY_FLAGS = (
    "pass --jwt-secret SECRET (HS256) or --jwt-public-key-file PEM (RS256), "
    "or set INSIGHT_MOCK_JWT_SECRET or INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE"
)


def _hint(error: Exception) -> str:
    """What to do about a start-up error, when there is a flag for it."""
    return f"; {KEY_FLAGS}" if "verify" in str(error) else ""


def token_advice(settings: Settings, secret_flag: str | None, public_key_flag: str | None) -> str:
    """The banner's token line: a command that mints a token this server accepts, or why none can be minted here.

    A secret typed on the command line is shown again (it is already in the shell's history); one read from the
    environment is referred to by its variable, never printed.
    """
    from mockserver.decisions.security import AuthMode

    send = '(send "Authorization: Bearer <token>")'
    if settings.auth is AuthMode.OFF:
        return "none needed (--auth off; `insight-mock token` mints one for the other modes)"
    if settings.auth is AuthMode.CLAIMS:
        return f"insight-mock token --scope write:insight   {send}"
    if settings.jwt_public_key:
        where = f" matching {public_key_flag}" if public_key_flag else ""
        return (
            f"insight-mock token --scope write:insight --private-key-file PRIVATE.pem   (the RS256 private key{where}; "
            f"this server only has the public key, so it cannot mint one itself) {send}"
        )
    shown = shlex.quote(secret_flag) if secret_flag else '"$INSIGHT_MOCK_JWT_SECRET"'
    return f"insight-mock token --scope write:insight --secret {shown}   {send}"


def banner(settings: Settings, token: str, contract_version: str | None) -> str:
    """What ``serve`` prints before serving: where to go, how to get a token, and every setting not at its default."""
    from mockserver.decisions.report_links import ADMIN_BASE
    from mockserver.decisions.security import short_secret_advice
    from mockserver.settings import setting_lines

    origin = f"http://{settings.host}:{settings.port}"
    admin = origin + ADMIN_BASE
    lines = [
        ("Swagger UI", f"{origin}/v1/ui/"),
        ("Try it", f"{origin}/v1/accounts/P12345678/insight/generate-report"),
        ("Token", token),
        ("Requests", f"{admin}/   (what the mock saw, live; as JSON: {admin}/requests)"),
    ]
    advice = short_secret_advice(settings.jwt_secret) if settings.jwt_secret else None
    if advice:
        lines.insert(3, ("Secret", advice))
    lines += [(line.label, line.value) for line in setting_lines(settings, contract_version) if line.changed]
    return "\n".join([f"Insight mock on {origin}/v1", *(f"  {label + ':':<12} {value}" for label, value in lines)])


def worker_app() -> Any:
    """uvicorn's factory in each worker process of ``serve --workers N``: the app, from the settings ``serve`` left in
    the environment (``INSIGHT_MOCK_*``)."""
    from mockserver import Settings, create_app

    return create_app(Settings.from_env())


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from contracts.model.contract import Contract, load_contract
    from mockserver import create_app  # the package imports it with Connexion's import-time warning silenced
    from mockserver.decisions.controls import parse_latency
    from mockserver.edge.protocols import uvicorn_options
    from mockserver.reports.registry import REPORTS, ReportsUnavailable, require_renderers
    from mockserver.settings import SETTINGS_VARIABLE, Settings

    if args.jwt_public_key_file:
        os.environ["INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE"] = args.jwt_public_key_file
    if args.spec:
        os.environ[SETTINGS_VARIABLE] = json.dumps(
            {**json.loads(os.environ.get(SETTINGS_VARIABLE, "{}")), "spec_path": args.spec}
        )
    try:
        settings = Settings.from_env(
            host=args.host,
            port=args.port,
            workers=args.workers,
            auth=args.auth,
            jwt_secret=args.jwt_secret,
            cors_origins=tuple(args.cors_origin) if args.cors_origin else None,
            latency=parse_latency(args.latency) if args.latency else None,
            fail_rate=args.fail_rate,
            seed=args.seed,
            journal_size=args.journal_size,
        )
    except (ValueError, OSError) as error:
        print(f"insight-mock: cannot start: {error}{_hint(error)}", file=sys.stderr)
        return 2
    try:
        app: Any = None
        if settings.workers == 1:  # one worker serves the app built here
            app = create_app(settings)
        else:  # several build their own: prove here that they can
            require_renderers(load_contract(settings.spec_path), REPORTS)
    except ReportsUnavailable as error:  # the contract allows a report no renderer has
        print(f"insight-mock: cannot start: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # YAML, encoding or shape: say which file and why, never a traceback
        print(f"insight-mock: cannot start: the contract {settings.spec_path} cannot be used: {error}", file=sys.stderr)
        return 2
    busy = _address_in_use(settings.host, settings.port)
    if busy:
        print(
            f"insight-mock: cannot start: {settings.host}:{settings.port} is not free ({busy}); try --port",
            file=sys.stderr,
        )
        return 2
    shared = None
    if settings.workers > 1 and settings.journal_path is None:
        # The workers share the journal and the --fail-rate request count through one SQLite file, removed at exit.
        import dataclasses
        import tempfile

        shared = tempfile.TemporaryDirectory(prefix="insight-mock-")
        settings = dataclasses.replace(settings, journal_path=Path(shared.name) / "journal.sqlite3")
    os.environ[SETTINGS_VARIABLE] = settings.to_env()
    version = None
    if args.spec:  # the served contract is a setting the banner shows, with the version it declares
        version = (app if isinstance(app, Contract) else load_contract(settings.spec_path)).document["info"]["version"]
    print(banner(settings, token_advice(settings, args.jwt_secret, args.jwt_public_key_file), version), flush=True)
    uvicorn.run(
        app if settings.workers == 1 else "mockserver.cli:worker_app",  # not __name__: "__main__" under -m
        **uvicorn_options(),  # headers over 16 KiB: our 431, whatever the parser
        factory=settings.workers > 1,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=args.access_log,
        log_level="info" if args.access_log else "warning",
        timeout_graceful_shutdown=1,
        # Longer than the 5 s idle expiry of common clients (httpx, Node): otherwise the server may close a pooled
        # connection just as the client reuses it, and the client sees a reset.
        timeout_keep_alive=15,
    )
    if shared is not None:
        shared.cleanup()
    return 0


def _token(args: argparse.Namespace) -> int:
    from jwt import PyJWTError

    from mockserver.decisions.security import DEV_SECRET, KEY_LENGTH_WARNING, mint_token, short_secret_advice

    scopes = tuple(args.scope or ["write:insight"])
    if args.private_key_file:
        try:
            key = Path(args.private_key_file).read_text(encoding="utf-8")
            token = mint_token(scopes, aid=args.aid, ttl_seconds=args.ttl, secret=key, algorithm="RS256")
        except (OSError, UnicodeDecodeError, ValueError, TypeError, PyJWTError) as error:
            print(f"insight-mock: cannot sign with {args.private_key_file}: {error}", file=sys.stderr)
            return 2
        print(token)
        return 0
    secret = args.secret or os.environ.get("INSIGHT_MOCK_JWT_SECRET") or DEV_SECRET
    advice = short_secret_advice(secret)
    if advice:
        print(f"insight-mock token: {advice}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KEY_LENGTH_WARNING)  # said above in one line
        print(mint_token(scopes, aid=args.aid, ttl_seconds=args.ttl, secret=secret))
    return 0


def _report_failure(message: str) -> int:
    print(f"insight-mock report: {message}", file=sys.stderr)
    return 2


def _read_params(path: str) -> Any:
    """The JSON body in ``path``; ``ValueError`` with one line a person can act on."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"no params file at {path} (write the generate-report body there as JSON)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the params file {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None


def _report(args: argparse.Namespace) -> int:
    """Write the report the mock serves for these params, without a server (the same bytes)."""
    from contracts.model import validation
    from contracts.model.contract import default_contract, load_contract
    from mockserver.reports.registry import REPORTS, ReportsUnavailable, require_renderers
    from mockserver.reports.render import extension_of, render_report
    from mockserver.reports.request import report_request

    try:
        contract = load_contract(Path(args.spec)) if args.spec else default_contract()
    except (OSError, ValueError, KeyError) as error:
        return _report_failure(f"cannot read the contract at {args.spec}: {error}")
    try:
        require_renderers(contract, REPORTS)
        params = _read_params(args.params)
    except (ReportsUnavailable, ValueError) as error:
        return _report_failure(str(error))
    if not contract.account_pattern.search(args.aid):
        return _report_failure(f"account id {args.aid!r} is malformed ({contract.account_schema['pattern']})")
    problems = validation.validate_body(contract, params)
    if problems:
        for problem in problems:
            print(f"insight-mock report: {problem.path or '/'}: {problem.message}", file=sys.stderr)
        return 2
    accepted = validation.accepted_params(contract, params)

    request = report_request(contract, args.aid, accepted)
    output = Path(args.output or "")
    if args.output and output.suffix.lower() not in ("", "." + extension_of(request.content_type)):
        return _report_failure(
            f"-o {args.output} names a {output.suffix} file, but contentType {request.content_type} makes a "
            f".{extension_of(request.content_type)} file (change contentType in {args.params} or the -o name)"
        )
    report = render_report(request, contract)
    output = Path(args.output or report.filename)
    try:
        output.write_bytes(report.body)
    except OSError as error:
        return _report_failure(f"cannot write {output}: {error.strerror or error}")
    print(f"wrote {output} ({report.row_count} rows, {len(report.body)} bytes)")
    return 0


def _lint(args: argparse.Namespace) -> int:
    """An alias: `insight-contracts lint` is the command."""
    from contracts.document.commands import lint

    return lint(args)


def _spec_build(args: argparse.Namespace) -> int:
    """An alias: `insight-contracts spec build` is the command."""
    from contracts.document.commands import spec_build

    return spec_build(args)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="insight-mock", description="Mock server for the Dintero Insight report API.")
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="start the mock server (it runs until Ctrl-C)",
        description="Serve the Insight contract on HOST:PORT until Ctrl-C; run clients in another terminal.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (default: 8080)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.add_argument(
        "--auth",
        choices=["claims", "verify", "off"],
        help="token checks: claims decodes and enforces claims without a key, verify also checks the signature, "
        "off accepts any request (default: claims, or INSIGHT_MOCK_AUTH)",
    )
    serve.add_argument(
        "--jwt-secret", help="HS256 secret for --auth verify (default: none, or INSIGHT_MOCK_JWT_SECRET)"
    )
    serve.add_argument(
        "--jwt-public-key-file",
        help="RS256 public key (PEM) for --auth verify (default: none, or INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE)",
    )
    serve.add_argument("--access-log", action="store_true", help="log every request (default: off)")
    serve.add_argument("--spec", help="serve another copy of the contract (default: spec/insight.yaml)")
    serve.add_argument(
        "--cors-origin",
        action="append",
        help="allow this browser origin (repeatable; * for any; default: none, so browser pages are refused)",
    )
    serve.add_argument("--latency", help="delay every API answer: 200ms, 0.5s or a range 100-400ms (default: no delay)")
    serve.add_argument(
        "--fail-rate", type=float, help="answer this share of valid requests with a 500, 0..1 (default: 0)"
    )
    serve.add_argument("--seed", type=int, help="seed for --fail-rate and --latency ranges (default: 0)")
    serve.add_argument("--journal-size", type=int, help="requests kept in /_mock/requests (default: 200)")
    serve.set_defaults(run=_serve)

    token = commands.add_parser("token", help="print a bearer token the mock accepts")
    token.add_argument("--scope", action="append", help="a scope to grant (repeatable; default: write:insight)")
    token.add_argument("--aid", help="bind the token to one account id (default: any account)")
    token.add_argument("--ttl", type=int, default=3600, help="seconds until it expires (default: 3600)")
    token.add_argument(
        "--secret", help="HS256 secret (default: INSIGHT_MOCK_JWT_SECRET, else the local development secret)"
    )
    token.add_argument(
        "--private-key-file",
        help="sign with this RS256 private key (PEM) instead, for a mock in verify mode with a public key "
        "(default: none, HS256)",
    )
    token.set_defaults(run=_token)

    report = commands.add_parser("report", help="write a report file offline (the bytes the mock serves)")
    report.add_argument("--aid", required=True, help="account id, e.g. P12345678")
    report.add_argument("--params", required=True, help="a JSON file with the generate-report body")
    report.add_argument(
        "-o", "--output", help="where to write it; its suffix must match contentType (default: the report's file name)"
    )
    report.add_argument(
        "--spec", help="read the vocabulary from another copy of the contract (default: spec/insight.yaml)"
    )
    report.set_defaults(run=_report)

    from mockserver.proxy.cli import register as register_proxy

    register_proxy(commands)

    lint = commands.add_parser("lint", help="report the defects of an upstream OpenAPI document and their repairs")
    lint.add_argument("path", help="the YAML document, or a Markdown page with it in a ```` fence")
    lint.set_defaults(run=_lint)

    spec_command = commands.add_parser("spec", help="generate the served contract from the upstream document")
    spec_actions = spec_command.add_subparsers(dest="action", required=True)
    build = spec_actions.add_parser("build", help="write spec/insight.yaml (or check it with --check)")
    build.add_argument(
        "--upstream", default=str(spec.UPSTREAM_PATH), help="the published document (default: %(default)s)"
    )
    build.add_argument("--output", default=str(spec.SERVED_PATH), help="where to write (default: %(default)s)")
    build.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when the file differs from what would be written (default: off, write it)",
    )
    build.set_defaults(run=_spec_build)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status = int(args.run(args))
        sys.stdout.flush()  # inside the try: a reader that left (`| head`) must not cost a traceback at exit
    except BrokenPipeError:
        # The reader closed the pipe: stop quietly, like `cat` does. Point stdout at /dev/null so that Python's own
        # flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command its reader left
    return status


if __name__ == "__main__":
    sys.exit(main())
