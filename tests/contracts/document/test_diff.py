"""`insight-contracts diff` finds each kind of breaking change in an edited copy of the upstream document, says whom it
breaks and where, and stays quiet about changes that break nobody."""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from contracts.document import diff, spec
from tests.conftest import run_main

Json = dict[str, Any]
UPSTREAM: Json = spec.load_yaml(spec.extract_openapi_text(spec.UPSTREAM_PATH.read_text(encoding="utf-8")))
OPERATION_PATH = "/accounts/{aid}/insight/generate-report"


def schemas(document: Json) -> Json:
    return document["components"]["schemas"]  # type: ignore[no-any-return]


def variant_properties(document: Json, name: str) -> Json:
    return schemas(document)[name]["allOf"][1]["properties"]  # type: ignore[no-any-return]


def operation(document: Json) -> Json:
    return document["paths"][OPERATION_PATH]["post"]  # type: ignore[no-any-return]


def aid_schema(document: Json) -> Json:
    return document["components"]["parameters"]["accountId"]["schema"]  # type: ignore[no-any-return]


ORDERS = "InsightOrdersOrderOperationsReportParams"
CHECKOUT = "InsightCheckoutTransactionsReportParams"


def _remove(values: list[Any], value: Any) -> None:
    values.remove(value)


def _drop_variant(document: Json) -> None:
    parent = schemas(document)["InsightReportParams"]
    del parent["discriminator"]["mapping"]["wallets/transactions"]
    parent["oneOf"] = [ref for ref in parent["oneOf"] if "Wallets" not in ref["$ref"]]


def _error_code_enum(values: list[str]) -> Callable[[Json], None]:
    def edit(document: Json) -> None:
        schemas(document)["Error"]["properties"]["error"]["properties"]["code"]["enum"] = list(values)

    return edit


def _rename_request_media(document: Json) -> None:
    content = operation(document)["requestBody"]["content"]
    content["application/xml"] = content.pop("application/json")


BREAKING: dict[str, tuple[Callable[[Json], None], str, str, str]] = {
    # name: (edit, kind, where the location ends, whom it breaks)
    "schedule removed": (
        lambda d: _remove(variant_properties(d, ORDERS)["schedule"]["enum"], "twice-a-month"),
        "removed-enum-value",
        f"{ORDERS}/allOf/1/properties/schedule/enum",
        "clients",
    ),
    "language removed": (
        lambda d: _remove(variant_properties(d, CHECKOUT)["language"]["enum"], "no"),
        "removed-enum-value",
        f"{CHECKOUT}/allOf/1/properties/language/enum",
        "clients",
    ),
    "filter key removed": (
        lambda d: _remove(schemas(d)["InsightTransactionReportFilter"]["properties"]["filter"]["enum"], "store_id"),
        "removed-enum-value",
        "InsightTransactionReportFilter/properties/filter/enum",
        "clients",
    ),
    "variant removed": (_drop_variant, "removed-variant", "mapping/wallets~1transactions", "clients"),
    "new required field": (
        lambda d: schemas(d)[ORDERS]["allOf"][1]["required"].append("contentType"),
        "new-required-field",
        f"{ORDERS}/allOf/1/required",
        "clients",
    ),
    "pattern added": (
        lambda d: aid_schema(d).update(pattern="^P[0-9]{8}$"),
        "pattern-changed",
        "accountId/schema/pattern",
        "clients",
    ),
    "maxLength narrowed": (
        lambda d: aid_schema(d).update(maxLength=8),
        "maxLength-narrowed",
        "accountId/schema/maxLength",
        "clients",
    ),
    "type changed": (
        lambda d: variant_properties(d, CHECKOUT)["language"].update(type="integer"),
        "type-changed",
        f"{CHECKOUT}/allOf/1/properties/language/type",
        "clients and servers",
    ),
    "response removed": (
        lambda d: operation(d)["responses"].pop("403"),
        "removed-response",
        "post/responses/403",
        "clients and servers",
    ),
    "operation removed": (
        lambda d: d["paths"].pop(OPERATION_PATH),
        "removed-operation",
        "generate-report/post",
        "clients",
    ),
    "parameter removed": (
        lambda d: operation(d).pop("parameters"),
        "removed-parameter",
        "components/parameters/accountId",
        "clients",
    ),
    "request media type removed": (
        _rename_request_media,
        "removed-media-type",
        "requestBody/content/application~1json",
        "clients",
    ),
    "response field removed": (
        lambda d: schemas(d)["Error"]["properties"]["error"]["properties"].pop("code"),
        "removed-field",
        "Error/properties/error/properties/code",
        "clients",
    ),
    "scope removed": (
        lambda d: operation(d).update(description=operation(d)["description"].replace("- write:insight", "")),
        "removed-scope",
        "post/description",
        "clients",
    ),
}


def edited(edit: Callable[[Json], None], base: Json = UPSTREAM) -> Json:
    document = copy.deepcopy(base)
    edit(document)
    return document


@pytest.mark.parametrize("name", list(BREAKING))
def test_each_kind_of_breaking_change_is_found_with_its_location_and_whom_it_breaks(name: str) -> None:
    edit, kind, location_end, breaks = BREAKING[name]
    changes = diff.breaking_changes(UPSTREAM, edited(edit))
    matching = [change for change in changes if change.kind == kind]
    assert matching, diff.render(changes)
    assert any(change.location.endswith(location_end) for change in matching), diff.render(changes)
    assert all(change.breaks == breaks for change in matching)


NOT_BREAKING: dict[str, Callable[[Json], None]] = {
    "optional request field added": lambda d: variant_properties(d, ORDERS).update(timezone={"type": "string"}),
    "request enum value added": lambda d: variant_properties(d, ORDERS)["schedule"]["enum"].append("monthly"),
    "request field no longer required": lambda d: schemas(d)[ORDERS]["allOf"][1]["required"].remove("language"),
    "maxLength widened": lambda d: aid_schema(d).update(maxLength=12),
    "response status added": lambda d: operation(d)["responses"].update({"404": {"description": "Not found"}}),
    "description edited": lambda d: operation(d).update(summary="Generate a report now"),
    "scope added": lambda d: operation(d).update(description=operation(d)["description"] + "\n- read:insight\n"),
}


@pytest.mark.parametrize("name", list(NOT_BREAKING))
def test_changes_that_break_nobody_are_not_reported(name: str) -> None:
    assert diff.breaking_changes(UPSTREAM, edited(NOT_BREAKING[name])) == []


def test_a_new_enum_value_breaks_clients_in_a_response_but_a_removed_one_does_not() -> None:
    old = edited(_error_code_enum(["INVALID_BODY", "UNAUTHORIZED"]))
    widened = edited(_error_code_enum(["INVALID_BODY", "UNAUTHORIZED", "RATE_LIMITED"]))
    narrowed = edited(_error_code_enum(["INVALID_BODY"]))
    (change,) = {change for change in diff.breaking_changes(old, widened)}
    assert change.kind == "new-enum-value" and change.breaks == "clients" and "'RATE_LIMITED'" in change.message
    assert diff.breaking_changes(old, narrowed) == []


def test_identical_documents_have_no_breaking_change() -> None:
    assert diff.breaking_changes(UPSTREAM, copy.deepcopy(UPSTREAM)) == []
    assert diff.render([]) == "no breaking changes"


def run_diff(old: Path, new: Path) -> subprocess.CompletedProcess[str]:
    return run_main("diff", str(old), str(new), module="contracts.cli")


def test_the_command_exits_1_and_lists_each_break_and_0_when_nothing_breaks(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(spec.dump_yaml(edited(BREAKING["schedule removed"][0])), encoding="utf-8")
    broken = run_diff(spec.UPSTREAM_PATH, new)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "removed-enum-value" in broken.stdout and "'twice-a-month' was removed" in broken.stdout
    same = run_diff(spec.UPSTREAM_PATH, spec.UPSTREAM_PATH)
    assert same.returncode == 0 and "no breaking changes" in same.stdout


def test_fail_on_servers_fails_only_on_what_breaks_servers(tmp_path: Path) -> None:
    clients_only = tmp_path / "clients.yaml"
    clients_only.write_text(spec.dump_yaml(edited(BREAKING["schedule removed"][0])), encoding="utf-8")
    result = run_main(
        "diff", str(spec.UPSTREAM_PATH), str(clients_only), "--fail-on", "servers", module="contracts.cli"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "removed-enum-value" in result.stdout and "--fail-on servers: 0 change(s) break servers" in result.stdout
    both = diff.Change("#", "clients and servers", "removed-response", "")
    servers = diff.Change("#", "servers", "new-required-field", "")
    clients = diff.Change("#", "clients", "new-enum", "")
    assert diff.failing([both, servers, clients], "servers") == [both, servers]
    assert diff.failing([both, servers, clients], "clients") == [both, clients]
    assert diff.failing([both, servers, clients]) == [both, servers, clients]


def test_the_served_contract_fails_no_server_gate() -> None:
    result = run_main(
        "diff", str(spec.UPSTREAM_PATH), str(spec.SERVED_PATH), "--fail-on", "servers", module="contracts.cli"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 break servers" in result.stdout


@pytest.mark.parametrize("name", list(BREAKING))
def test_each_break_comes_with_advice_a_spec_owner_can_act_on(name: str) -> None:
    for change in diff.breaking_changes(UPSTREAM, edited(BREAKING[name][0])):
        assert diff.advice(change) != diff.advice(diff.Change("#", "clients", "unheard-of", ""))
        assert f"to ship it without breaking them: {diff.advice(change)}" in diff.render([change])


def test_a_file_that_is_not_a_contract_is_a_usage_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("paths: [unclosed", encoding="utf-8")
    not_openapi = tmp_path / "list.yaml"
    not_openapi.write_text("- a\n- b\n", encoding="utf-8")
    for path in (broken, not_openapi, tmp_path / "missing.yaml"):
        result = run_diff(spec.UPSTREAM_PATH, path)
        assert result.returncode == 2 and str(path) in result.stderr and "Traceback" not in result.stderr
