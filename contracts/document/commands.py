"""The document commands, ``lint``, ``spec build`` and ``diff``: shared by ``insight-contracts`` and ``insight-mock``.

They read and write contract documents only, so they live with the document layer and import nothing of the checker
or the mock.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from contracts.document import spec


def lint(args: argparse.Namespace) -> int:
    """Report an upstream document's defects and whether each was repaired; exit 1 when one was not."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    served, findings = spec.build_served_contract(Path(args.path).read_text(encoding="utf-8"))
    for finding in findings:
        status = f"fixed: {finding.repair}" if finding.repaired else "NOT REPAIRED"
        print(f"{finding.defect} at {finding.location}\n  {finding.problem}\n  {status}")
    unrepaired = [finding for finding in findings if not finding.repaired]
    try:
        validate(served)
    except OpenAPIValidationError as error:
        print(f"the repaired document is still invalid OpenAPI: {error.message}")
        unrepaired.append(spec.Finding("invalid-after-repair", "#", str(error.message), None))
    print(
        f"{len(findings)} defect(s) found, {len(findings) - len(unrepaired)} repaired, {len(unrepaired)} not repaired"
    )
    return 1 if unrepaired else 0


def spec_build(args: argparse.Namespace) -> int:
    """Write the served contract generated from the upstream document, or check that the file is up to date."""
    generated = spec.served_contract_text(Path(args.upstream))
    target = Path(args.output)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != generated:
            print(f"{target} is out of date; run `insight-contracts spec build`", file=sys.stderr)
            return 1
        print(f"{target} is up to date")
        return 0
    target.write_text(generated, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def _document(path: str) -> dict[str, Any]:
    """An OpenAPI document from a YAML/JSON file or a Markdown page with it in a fence; ValueError says why not."""
    import yaml

    try:
        document = spec.load_yaml(spec.extract_openapi_text(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise ValueError(f"{path} is not an OpenAPI document (no paths)")
    return document


def diff_command(args: argparse.Namespace) -> int:
    from contracts.document import diff

    try:
        old, new = (_document(path) for path in args.paths)
    except ValueError as error:
        print(f"insight-contracts: {error}", file=sys.stderr)
        return 2
    changes = diff.breaking_changes(old, new)
    print(diff.render(changes))
    fail_on = getattr(args, "fail_on", "any")
    failed = diff.failing(changes, fail_on)
    if fail_on != "any":
        print(f"--fail-on {fail_on}: {len(failed)} change(s) break {fail_on}")
    return 1 if failed else 0


def add_document_commands(commands: Any) -> None:
    """``lint`` and ``spec build``: shared with ``insight-mock``, which keeps them as aliases."""
    lint_parser = commands.add_parser(
        "lint", help="report the defects of an upstream OpenAPI document and their repairs"
    )
    lint_parser.add_argument("path", help="the YAML document, or a Markdown page with it in a ```` fence")
    lint_parser.set_defaults(run=lint)

    spec_command = commands.add_parser("spec", help="generate the served contract from the upstream document")
    spec_actions = spec_command.add_subparsers(dest="action", required=True)
    build = spec_actions.add_parser("build", help="write spec/insight.yaml (or check it with --check)")
    build.add_argument("--upstream", default=str(spec.UPSTREAM_PATH))
    build.add_argument("--output", default=str(spec.SERVED_PATH))
    build.add_argument("--check", action="store_true", help="exit 1 when the file differs from what would be written")
    build.set_defaults(run=spec_build)
