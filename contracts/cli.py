"""``insight-contracts``: check a deployment, lint and build the contract, and diff two versions of it.

``insight-contracts check BASE_URL --token T`` runs two phases and gives one verdict:

1. **Schemathesis** over the served contract (``spec/insight.yaml``) with every check, positive and negative data,
   ``positive_data_acceptance`` expecting 2xx only, our hooks (valid windows for positive bodies) and our checks
   (Error shape, echo, window rules);
2. **properties** (``contracts.checker.probes``): every finite case enumerated (each refused value of each variant, each
   kind
   of broken window for each schedule, each auth failure, each wrong Content-Type), then random draws; every refusal
   must give the reason the probe broke.

Then the coverage matrix. Exit code 0 only when everything held and some request got a 2xx; 1 when the contract was
broken; 2 when the check could not run (bad arguments, server unreachable, every answer a 401 or a 404).

``lint PATH``, ``spec build`` and ``diff OLD NEW`` work on contract documents, without a server.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from contracts.checker import coverage, properties
from contracts.document import commands as document_commands
from contracts.document import spec

CONFIG_PATH = Path(__file__).resolve().parent / "testing" / "schemathesis.toml"
MAX_CURLS_PER_RULE = 3


def start_schemathesis(args: argparse.Namespace, junit_path: Path | None) -> subprocess.Popen[bytes]:
    """Start the Schemathesis CLI over the contract; its own output goes straight to the terminal.

    It runs while the property phase sends its probes (the server answers both), and is waited for before the verdict.
    """
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(CONFIG_PATH),
        "run",
        str(spec.SERVED_PATH),
        "--url",
        args.base_url,
        "--header",
        f"Authorization: Bearer {args.token}",
        "--checks",
        "all",
        "--mode",
        "all",
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.examples),
        "--workers",
        str(args.workers),
        "--no-color",
    ]
    if args.time_budget:
        command += ["--max-time", str(max(1, int(args.time_budget)))]
    if junit_path is not None:
        command += ["--report", "junit", "--report-junit-path", str(junit_path)]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contracts.testing.checks"}
    return subprocess.Popen(command, env=environment)


def _by_rule(result: properties.PhaseResult) -> dict[str, list[properties.Failure]]:
    grouped: dict[str, list[properties.Failure]] = defaultdict(list)
    for failure in result.failures:
        grouped[failure.rule].append(failure)
    return grouped


def summarize(result: properties.PhaseResult, schemathesis_code: int | None, seed: int) -> tuple[str, bool]:
    """The readable verdict, grouped by the rule that failed, and whether the contract held."""
    lines = ["", "== insight-contracts: property phase =="]
    failed_cases = {failure.case for failure in result.failures}
    for case, count in result.sent.items():
        status = "ok" if case not in failed_cases else "FAILED"
        lines.append(f"  {case:<44} {count:>4} request(s)  {status}")
    if result.skipped:
        reasons = sorted({why for _, why in result.skipped})
        lines.append(f"  ({len(result.skipped)} planned request(s) not sent: {'; '.join(reasons)})")
    held = not result.failures
    for rule, failures in _by_rule(result).items():
        lines.append(f"\n-- {rule}: {len(failures)} problem(s)")
        shown: set[str] = set()
        for failure in failures:
            if failure.message in shown or len(shown) >= MAX_CURLS_PER_RULE:
                continue
            shown.add(failure.message)
            lines += [f"   {failure.message}", f"     {failure.curl}"]
    if result.successes == 0 and result.total:
        held = False
        lines.append(
            "\n!! No request got a 2xx answer, so nothing proves the server accepts valid reports. "
            "Is the --token right (scope write:insight or admin:insight, not expired, for the --aid account)?"
        )
    if schemathesis_code is not None:
        verdict = (
            "passed" if schemathesis_code == 0 else f"FAILED (exit code {schemathesis_code}; see its report above)"
        )
        lines.append(f"\nSchemathesis phase: {verdict}")
        held = held and schemathesis_code == 0
    lines.append(
        f"Property phase: {result.total} request(s), {result.successes} got 2xx, {len(result.failures)} problem(s)"
        f" in {len(_by_rule(result))} rule(s)"
    )
    lines.append(f"Seed: {seed}  ->  {'CONTRACT KEPT' if held else 'CONTRACT BROKEN'}")
    return "\n".join(lines), held


def write_junit(path: Path, result: properties.PhaseResult, schemathesis_junit: Path | None) -> None:
    """One JUnit XML file: Schemathesis' test suites, then one suite with a test case per probed case."""
    root = ElementTree.Element("testsuites")
    if schemathesis_junit is not None and schemathesis_junit.exists():
        parsed = ElementTree.parse(schemathesis_junit).getroot()
        root.extend(parsed if parsed.tag == "testsuites" else [parsed])
    by_case: dict[str, list[properties.Failure]] = defaultdict(list)
    for failure in result.failures:
        by_case[failure.case].append(failure)
    cases = dict(result.sent)
    cases.update({case: 0 for case in by_case if case not in cases})
    suite = ElementTree.SubElement(
        root,
        "testsuite",
        name="insight-contracts properties",
        tests=str(len(cases)),
        failures=str(len(by_case)),
    )
    for case, count in cases.items():
        element = ElementTree.SubElement(
            suite, "testcase", classname="insight-contracts", name=f"{case} ({count} requests)"
        )
        if case in by_case:
            first = by_case[case][0]
            failed = ElementTree.SubElement(element, "failure", message=first.rule + ": " + first.message)
            shown = by_case[case][:MAX_CURLS_PER_RULE]
            failed.text = "\n".join(f"{item.rule}: {item.message}\n  {item.curl}" for item in shown)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def report_summary(
    args: argparse.Namespace, result: properties.PhaseResult, schemathesis_code: int | None, exit_code: int
) -> dict[str, Any]:
    return {
        "base_url": args.base_url,
        "seed": args.seed,
        "exit_code": exit_code,
        "verdict": "CONTRACT KEPT" if exit_code == 0 else "CONTRACT BROKEN",
        "requests": result.total,
        "successes": result.successes,
        "schemathesis_exit_code": schemathesis_code,
        "failed_rules": sorted({failure.rule for failure in result.failures}),
        "failures": [
            {
                "rule": failure.rule,
                "case": failure.case,
                "judgement": failure.judgement,
                "message": failure.message,
                "curl": failure.curl,
            }
            for failure in result.failures
        ],
        "sent": result.sent,
    }


def _preflight(args: argparse.Namespace, plan: Any, send: properties.Transport) -> str | None:
    """Set-up mistakes first: one valid request per variant; all 401 or all 404 is not a contract verdict."""
    firsts: dict[str, Any] = {}
    for probe in plan.probes:
        if probe.case == "valid" and probe.variant not in firsts:
            firsts[probe.variant] = probe
    try:
        answers = [send(probe) for probe in firsts.values()]
    except httpx.HTTPError as error:
        return f"cannot reach {args.base_url}: {error}"
    return properties.setup_problem(args.base_url, answers, args.aid)


def check(args: argparse.Namespace) -> int:
    from contracts.checker import probes
    from contracts.model.contract import default_contract

    args.base_url = args.base_url.rstrip("/")
    try:
        httpx.get(args.base_url, timeout=10)
    except httpx.HTTPError as error:
        print(f"insight-contracts: cannot reach {args.base_url}: {error}", file=sys.stderr)
        return 2
    contract = default_contract()
    plan = probes.plan(
        contract,
        args.token,
        args.aid,
        seed=args.seed,
        examples=args.examples,
        now=time.time(),
        jwt_secret=args.jwt_secret,
    )
    send, close = properties.http_transport(args.base_url, origin=args.origin or None)
    try:
        problem = _preflight(args, plan, send)
        if problem:
            print(f"insight-contracts: {problem}", file=sys.stderr)
            return 2
        junit = Path(args.junit_xml) if args.junit_xml else None
        schemathesis_junit = junit.with_suffix(".schemathesis.xml") if junit else None
        schemathesis_code = None
        schemathesis = start_schemathesis(args, schemathesis_junit) if "schemathesis" in args.phases else None
        result = properties.PhaseResult()
        try:
            if "properties" in args.phases:
                result = properties.run_phase(
                    args.base_url,
                    plan,
                    send,
                    time_budget=args.time_budget,
                    user_token=args.token,
                    contract=contract,
                    origin=args.origin or None,
                )
        finally:
            if schemathesis is not None:
                schemathesis_code = schemathesis.wait()
    finally:
        close()
    matrix = coverage.build(
        contract, [(exchange.probe, exchange.status) for exchange in result.exchanges], result.skipped
    )
    if "properties" in args.phases:
        print(coverage.render_text(contract, matrix))
    text, held = summarize(result, schemathesis_code, args.seed)
    for why in plan.not_planned:
        text += f"\nNot probed: {why}"
    print(text)
    exit_code = 0 if held else 1
    if junit is not None:
        write_junit(junit, result, schemathesis_junit)
        print(f"JUnit XML: {junit}")
    summary = report_summary(args, result, schemathesis_code, exit_code)
    if args.report_json:
        Path(args.report_json).write_text(
            json.dumps({**summary, "coverage": coverage.as_json(matrix)}, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
        print(f"JSON report: {args.report_json}")
    if args.report_html:
        Path(args.report_html).write_text(coverage.render_html(contract, matrix, summary), encoding="utf-8")
        print(f"HTML report: {args.report_html}")
    return exit_code


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="insight-contracts", description="Contract checks for the Insight report API.")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("check", help="check a deployment against the contract")
    run.add_argument("base_url", help="the API base, e.g. http://127.0.0.1:8080/v1")
    run.add_argument("--token", required=True, help="a bearer token with write:insight or admin:insight")
    run.add_argument("--aid", default=properties.DEFAULT_AID, help="the account the property phase reports on")
    run.add_argument("--examples", type=int, default=50, help="random examples per phase (default 50)")
    run.add_argument("--seed", type=int, default=0, help="seed for every generated request (default 0)")
    run.add_argument("--time-budget", type=float, help="seconds each phase may take at most")
    run.add_argument("--workers", type=int, default=1, help="concurrent Schemathesis workers (default 1)")
    run.add_argument(
        "--jwt-secret",
        help="the server's HS256 secret: lets the expired/scope/account probes pass a server that verifies signatures",
    )
    run.add_argument(
        "--origin",
        default=properties.DEFAULT_ORIGIN,
        help=f"the Origin header every probe sends (default {properties.DEFAULT_ORIGIN}; '' for none)",
    )
    run.add_argument("--junit-xml", help="write a JUnit XML report here")
    run.add_argument("--report-json", help="write the verdict, failures and coverage matrix as JSON here")
    run.add_argument("--report-html", help="write them as one self-contained HTML page here")
    run.add_argument(
        "--phases",
        type=lambda text: tuple(text.split(",")),
        default=("schemathesis", "properties"),
        help="comma-separated: schemathesis,properties (default both)",
    )
    run.set_defaults(run=check)
    document_commands.add_document_commands(commands)
    compare = commands.add_parser(
        "diff", help="the changes between two contract versions that break clients or servers"
    )
    compare.add_argument("paths", nargs=2, metavar="PATH", help="the OLD and the NEW upstream document")
    compare.add_argument(
        "--fail-on",
        choices=["any", "clients", "servers"],
        default="any",
        help="exit 1 for any breaking change (default), or only for those that break clients, or servers",
    )
    compare.set_defaults(run=document_commands.diff_command)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
