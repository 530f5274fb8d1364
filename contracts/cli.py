"""``insight-contracts``: check a deployment, lint and build the contract, and diff two versions of it.

``insight-contracts check BASE_URL --token T [--profile contract|mock]`` runs ``contracts.checker.run.run_check``: two
phases and one verdict, judged by the profile (``contract``, the default: what the published document and its prose
state; ``mock``: our mock's conventions on top):

1. **Schemathesis** over the served contract (``spec/insight.yaml``) with every check, positive and negative data,
   ``positive_data_acceptance`` expecting 2xx only, our hooks (valid windows for positive bodies) and our checks
   (Error shape, echo, window rules);
2. **properties** (``contracts.checker.probes``): every finite case enumerated (each refused value of each variant, each
   kind of broken window for each schedule, each auth failure, each wrong Content-Type), then random draws; each
   refused probe changes one thing of a request the server accepted earlier in the run.

Then the coverage matrix. Exit code 0 only when everything held and some request got a 2xx; 1 when the contract was
broken; 2 when the check could not run (bad arguments, server unreachable, every answer a 401 or a 404).

``lint PATH``, ``spec build`` and ``diff OLD NEW`` work on contract documents, without a server.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from contracts.checker import coverage, properties
from contracts.document import commands as document_commands
from contracts.model.judgements import CONTRACT, PROFILES

MAX_CURLS_PER_RULE = 3


def _by_rule(result: properties.PhaseResult) -> dict[str, list[properties.Failure]]:
    grouped: dict[str, list[properties.Failure]] = defaultdict(list)
    for failure in result.failures:
        grouped[failure.rule].append(failure)
    return grouped


def summarize(
    result: properties.PhaseResult, schemathesis_code: int | None, seed: int, profile: str = CONTRACT
) -> tuple[str, bool]:
    """The readable verdict, grouped by the rule that failed, and whether the contract held."""
    lines = ["", f"== insight-contracts: property phase (profile {profile}) =="]
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
    lines.append(f"Profile: {profile}  Seed: {seed}  ->  {'CONTRACT KEPT' if held else 'CONTRACT BROKEN'}")
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


def check(args: argparse.Namespace) -> int:
    from contracts.checker.run import NOT_RUN, run_check
    from contracts.model.contract import default_contract

    junit = Path(args.junit_xml) if args.junit_xml else None
    schemathesis_junit = junit.with_suffix(".schemathesis.xml") if junit else None
    report = run_check(
        args.base_url,
        args.token,
        profile=args.profile,
        aid=args.aid,
        examples=args.examples,
        seed=args.seed,
        jwt_secret=args.jwt_secret,
        origin=args.origin or None,
        phases=args.phases,
        time_budget=args.time_budget,
        workers=args.workers,
        schemathesis_junit=schemathesis_junit,
    )
    if report.exit_code == NOT_RUN:
        print(f"insight-contracts: {report.setup_problem}", file=sys.stderr)
        return NOT_RUN
    contract = default_contract()
    if "properties" in args.phases and report.matrix is not None:
        print(coverage.render_text(contract, report.matrix))
    text, _ = summarize(report.result, report.schemathesis_exit_code, args.seed, args.profile)
    for why in report.not_planned:
        text += f"\nNot probed: {why}"
    print(text)
    if junit is not None:
        write_junit(junit, report.result, schemathesis_junit)
        print(f"JUnit XML: {junit}")
    if args.report_json:
        Path(args.report_json).write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"JSON report: {args.report_json}")
    if args.report_html and report.matrix is not None:
        page = coverage.render_html(contract, report.matrix, report.summary())
        Path(args.report_html).write_text(page, encoding="utf-8")
        print(f"HTML report: {args.report_html}")
    return report.exit_code


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="insight-contracts", description="Contract checks for the Insight report API.")
    commands = root.add_subparsers(dest="command", required=True)
    run = commands.add_parser("check", help="check a deployment against the contract")
    run.add_argument("base_url", help="the API base, e.g. http://127.0.0.1:8080/v1")
    run.add_argument("--token", required=True, help="a bearer token with write:insight or admin:insight")
    run.add_argument(
        "--profile",
        choices=PROFILES,
        default=CONTRACT,
        help="contract (default): what the published document and its prose state; mock: also our mock's "
        "conventions (errors entries with path and code, refusals naming the field and the right value, 415 and a "
        "refused charset, our error codes, CORS on errors)",
    )
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
