"""openapi-typescript 7 types from the served contract, checked by ``tsc --strict`` (TypeScript 5).

Valid draws of ``report_params()`` must compile; the draws of each invalid kind that types can express must each be
refused. Types cannot express the from/to rules (window kinds): openapi-typescript writes a pattern-constrained
string as ``string``, so those draws compile, and the tests say so.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from contracts.document import spec
from contracts.testing.strategies import INVALID_KINDS, SCHEMA_KINDS, WINDOW_KINDS, invalid_report_params, report_params
from tests.interop.tools import draws, node_tool, run

# Every schema rule is a type: enums are literal unions, the discriminator picks one member, required is required.
EXPRESSED = SCHEMA_KINDS
# The from/to rules live in a pattern and in prose: a TypeScript type of a pattern-constrained string is `string`.
NOT_EXPRESSED = WINDOW_KINDS
VALID_DRAWS = 40
INVALID_DRAWS = 8

HEADER = """import type { components } from "./insight";
type ReportParams = components["schemas"]["InsightReportParams"];
type ErrorBody = components["schemas"]["Error"];
"""
# What a frontend writes with the Error type: the items are typed (their path is a string, not unknown), and optional
# (another server's items may lack it).
ERROR_USE = """declare const answer: ErrorBody;
export const firstPath: string | undefined = answer.error.errors?.[0]?.path;
export const expected: string | undefined = answer.error.errors?.[0]?.expected;
export const pathOf = (item: NonNullable<ErrorBody["error"]["errors"]>[number]): string => item.path ?? "";
"""
TSC_OPTIONS = ("--strict", "--noEmit", "--pretty", "false", "--target", "es2022", "--module", "esnext")
TSC_OPTIONS += ("--moduleResolution", "bundler", "--skipLibCheck")
DIAGNOSTIC = re.compile(r"^(?P<file>[^(\s]+\.ts)\((?P<line>\d+),\d+\): error (?P<code>TS\d+): (?P<message>.*)$")


def request_examples() -> list[dict[str, Any]]:
    """The contract's own request examples: the bodies the README shows, without contentType."""
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    media = document["paths"]["/accounts/{aid}/insight/generate-report"]["post"]["requestBody"]["content"]
    return [example["value"] for example in media["application/json"]["examples"].values()]


def source(bodies: list[Any], extra: str = "") -> str:
    lines = [f"export const draw{index}: ReportParams = {json.dumps(body)};" for index, body in enumerate(bodies)]
    return HEADER + extra + "\n".join(lines) + "\n"


def draw_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(text.splitlines(), 1) if line.startswith("export const draw")}


class Compiled:
    """One ``tsc --strict`` run over every file, with each file's diagnostics by line."""

    def __init__(self, folder: Path, files: dict[str, str], output: str) -> None:
        self.folder = folder
        self.files = files
        self.output = output
        self.by_file: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for line in output.splitlines():
            match = DIAGNOSTIC.match(line.strip())
            if match:
                name = Path(match["file"]).name
                self.by_file[name][int(match["line"])].append(f"{match['code']}: {match['message']}")

    def diagnostics(self, name: str) -> dict[int, list[str]]:
        return self.by_file.get(name, {})


@pytest.fixture(scope="session")
def compiled(generated: Path) -> Compiled:
    folder = generated / "typescript"
    folder.mkdir()
    types = run([node_tool("openapi-typescript"), spec.SERVED_PATH, "-o", folder / "insight.ts"])
    assert types.returncode == 0, types.stdout + types.stderr
    files = {"valid.ts": source(request_examples() + draws(report_params(), VALID_DRAWS), ERROR_USE)}
    for kind in (*EXPRESSED, *NOT_EXPRESSED):
        bodies = [invalid.params for invalid in draws(invalid_report_params(kind), INVALID_DRAWS)]
        files[f"invalid-{kind}.ts"] = source(bodies)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = run([node_tool("tsc"), *TSC_OPTIONS, *sorted(files)], cwd=folder)
    if result.returncode not in (0, 2):  # 2: diagnostics were reported; anything else: tsc itself failed
        pytest.fail(f"tsc failed to run ({result.returncode}): {result.stdout}{result.stderr}")
    return Compiled(folder, files, result.stdout)


def test_every_invalid_kind_is_classified() -> None:
    assert sorted((*EXPRESSED, *NOT_EXPRESSED)) == sorted(INVALID_KINDS)


def test_the_tools_are_the_pinned_ones() -> None:
    assert run([node_tool("tsc"), "--version"]).stdout.startswith("Version 5.")
    assert "7." in run([node_tool("openapi-typescript"), "--version"]).stdout


def test_the_generated_types_leave_content_type_optional_and_type_the_error_items(compiled: Compiled) -> None:
    types = (compiled.folder / "insight.ts").read_text(encoding="utf-8")
    assert 'contentType?: "application/pdf" | "text/csv";' in types
    assert "contentType: " not in types
    assert "path?: string;" in types  # typed, and optional: another server's items may lack it


def test_every_valid_draw_and_the_readme_bodies_compile(compiled: Compiled) -> None:
    problems = compiled.diagnostics("valid.ts")
    assert not problems, "\n".join(
        f"valid.ts:{line}: {message}\n  {compiled.files['valid.ts'].splitlines()[line - 1]}"
        for line, messages in problems.items()
        for message in messages
    )


@pytest.mark.parametrize("kind", EXPRESSED)
def test_each_draw_of_a_kind_types_express_fails_to_compile(compiled: Compiled, kind: str) -> None:
    name = f"invalid-{kind}.ts"
    text = compiled.files[name]
    accepted = draw_lines(text) - set(compiled.diagnostics(name))
    assert draw_lines(text), f"no draws for {kind}"
    assert not accepted, "compiled although invalid:\n" + "\n".join(text.splitlines()[line - 1] for line in accepted)


@pytest.mark.parametrize("kind", NOT_EXPRESSED)
def test_the_window_rules_are_beyond_types(compiled: Compiled, kind: str) -> None:
    """Documents the limit: if this fails, types learned a from/to rule; move the kind to EXPRESSED."""
    assert not compiled.diagnostics(f"invalid-{kind}.ts")
