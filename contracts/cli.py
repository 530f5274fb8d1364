"""``insight-contracts check BASE_URL --token T``: does a deployment keep the Insight contract?

Two phases, one verdict:

1. **Schemathesis** over the served contract (``spec/insight.yaml``) with every check, positive and negative data,
   ``positive_data_acceptance`` expecting 2xx only, our hooks (valid windows for positive bodies) and our checks
   (Error shape, echo, window rules);
2. **properties**: ``report_params()`` draws must get 2xx and be echoed; each ``invalid_report_params(kind)`` draw must
   get a 400 in the Error shape; requests without a token, with a garbage or an unsigned token must get 401.

Exit code 0 only when everything held and at least one request got a 2xx; 1 when the contract was broken; 2 when the
check could not run (bad arguments, server unreachable).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import httpx

from contracts import checker, spec

CONFIG_PATH = Path(__file__).resolve().parent / "schemathesis.toml"
MAX_CURLS_PER_RULE = 3


def run_schemathesis(args: argparse.Namespace, junit_path: Path | None) -> tuple[int, float]:
    """Run the Schemathesis CLI over the contract; its own output goes straight to the terminal."""
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
    began = time.monotonic()
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contracts.checks"}
    completed = subprocess.run(command, env=environment, check=False)
    return completed.returncode, time.monotonic() - began


def summarize(result: checker.PhaseResult, schemathesis_code: int | None, seed: int) -> tuple[str, bool]:
    """The readable verdict, grouped by rule, and whether the contract held."""
    lines = ["", "== insight-contracts: property phase =="]
    failures_by_rule: dict[str, list[checker.Failure]] = defaultdict(list)
    for failure in result.failures:
        failures_by_rule[failure.rule].append(failure)
    for rule, count in result.sent.items():
        status = "ok" if rule not in failures_by_rule else f"FAILED ({len(failures_by_rule[rule])} problem(s))"
        lines.append(f"  {rule:<28} {count:>4} request(s)  {status}")
    if result.stopped_early:
        lines.append("  (the time budget ran out before every request was sent)")
    held = not result.failures
    for rule, failures in failures_by_rule.items():
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
            "Is the token right (scope write:insight or admin:insight, not expired, for this account)?"
        )
    if schemathesis_code is not None:
        verdict = (
            "passed" if schemathesis_code == 0 else f"FAILED (exit code {schemathesis_code}; see its report above)"
        )
        lines.append(f"\nSchemathesis phase: {verdict}")
        held = held and schemathesis_code == 0
    lines.append(
        f"Property phase: {result.total} request(s), {result.successes} got 2xx, {len(result.failures)} problem(s)"
    )
    lines.append(f"Seed: {seed}  ->  {'CONTRACT KEPT' if held else 'CONTRACT BROKEN'}")
    return "\n".join(lines), held


def write_junit(path: Path, result: checker.PhaseResult, schemathesis_junit: Path | None) -> None:
    """One JUnit XML file: Schemathesis' test suites, then one suite with a test case per property rule."""
    root = ElementTree.Element("testsuites")
    if schemathesis_junit is not None and schemathesis_junit.exists():
        parsed = ElementTree.parse(schemathesis_junit).getroot()
        root.extend(parsed if parsed.tag == "testsuites" else [parsed])
    failures_by_rule: dict[str, list[checker.Failure]] = defaultdict(list)
    for failure in result.failures:
        failures_by_rule[failure.rule].append(failure)
    suite = ElementTree.SubElement(
        root,
        "testsuite",
        name="insight-contracts properties",
        tests=str(len(result.sent)),
        failures=str(len(failures_by_rule)),
    )
    for rule, count in result.sent.items():
        case = ElementTree.SubElement(
            suite, "testcase", classname="insight-contracts", name=f"{rule} ({count} requests)"
        )
        if rule in failures_by_rule:
            first = failures_by_rule[rule][0]
            element = ElementTree.SubElement(case, "failure", message=first.message)
            shown = failures_by_rule[rule][:MAX_CURLS_PER_RULE]
            element.text = "\n".join(f"{failure.message}\n  {failure.curl}" for failure in shown)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def check(args: argparse.Namespace) -> int:
    args.base_url = args.base_url.rstrip("/")
    try:
        httpx.get(args.base_url, timeout=10)
    except httpx.HTTPError as error:
        print(f"insight-contracts: cannot reach {args.base_url}: {error}", file=sys.stderr)
        return 2
    junit = Path(args.junit_xml) if args.junit_xml else None
    schemathesis_junit = junit.with_suffix(".schemathesis.xml") if junit else None
    schemathesis_code = None
    if "schemathesis" in args.phases:
        schemathesis_code, _ = run_schemathesis(args, schemathesis_junit)
    result = checker.PhaseResult()
    if "properties" in args.phases:
        send, close = checker.http_transport(args.base_url)
        try:
            result = checker.run_phase(
                args.base_url,
                checker.probes(args.examples, args.seed, args.token, args.aid),
                send,
                time_budget=args.time_budget,
                user_token=args.token,
            )
        finally:
            close()
    text, held = summarize(result, schemathesis_code, args.seed)
    print(text)
    if junit is not None:
        write_junit(junit, result, schemathesis_junit)
        print(f"JUnit XML: {junit}")
    return 0 if held else 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="insight-contracts", description="Contract checks for the Insight report API.")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("check", help="check a deployment against the contract")
    run.add_argument("base_url", help="the API base, e.g. http://127.0.0.1:8080/v1")
    run.add_argument("--token", required=True, help="a bearer token with write:insight or admin:insight")
    run.add_argument("--aid", default=checker.DEFAULT_AID, help="the account the property phase reports on")
    run.add_argument("--examples", type=int, default=50, help="examples per operation and phase (default 50)")
    run.add_argument("--seed", type=int, default=0, help="seed for every generated request (default 0)")
    run.add_argument("--time-budget", type=float, help="seconds each phase may take at most")
    run.add_argument("--workers", type=int, default=1, help="concurrent Schemathesis workers (default 1)")
    run.add_argument("--junit-xml", help="write a JUnit XML report here")
    run.add_argument(
        "--phases",
        type=lambda text: tuple(text.split(",")),
        default=("schemathesis", "properties"),
        help="comma-separated: schemathesis,properties (default both)",
    )
    run.set_defaults(run=check)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
