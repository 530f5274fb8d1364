"""The served contract: byte-identical upstream, generic repairs, explicit completions, no drift, valid OpenAPI."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from contracts.document import spec
from contracts.model.contract import contract_from_document, load_contract

ROOT = Path(__file__).resolve().parents[3]
# sha256 of the YAML between the fences of the published page (shared/seed/000_4dc869e244d26708.txt).
UPSTREAM_SHA256 = "76fc688a150c9be3cb554ef661f64e307f8addab2de7af9e4c590c9cc7475d5b"
SEED = ROOT.parent / "shared" / "seed" / "000_4dc869e244d26708.txt"


def upstream() -> spec.Json:
    return spec.load_yaml(spec.UPSTREAM_PATH.read_text(encoding="utf-8"))


def test_the_upstream_file_is_the_published_document_byte_for_byte() -> None:
    assert hashlib.sha256(spec.UPSTREAM_PATH.read_bytes()).hexdigest() == UPSTREAM_SHA256


def test_the_upstream_file_is_what_the_markdown_page_fences_when_the_page_is_at_hand() -> None:
    if not SEED.exists():  # the page lives beside the repository on our machines and in CI, not in the repository
        pytest.skip(f"{SEED} is not present on this machine")
    assert spec.extract_openapi_text(SEED.read_text(encoding="utf-8")) == spec.UPSTREAM_PATH.read_text(encoding="utf-8")


def test_the_checked_in_served_contract_is_exactly_what_the_build_generates() -> None:
    assert spec.SERVED_PATH.read_text(encoding="utf-8") == spec.served_contract_text(), (
        "spec/insight.yaml drifted from the upstream document; run `insight-mock spec build`"
    )


def test_the_served_contract_passes_openapi_spec_validator_with_all_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openapi_spec_validator", "--validation-errors", "all", str(spec.SERVED_PATH)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_the_upstream_document_fails_the_same_validator() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openapi_spec_validator", str(spec.UPSTREAM_PATH)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


def test_language_no_stays_the_string_no_in_the_served_yaml() -> None:
    contract = load_contract()
    for variant in contract.variants.values():
        assert "no" in variant.allowed("language")
    assert "- 'no'" in spec.SERVED_PATH.read_text(encoding="utf-8")


def test_the_repair_finds_each_published_defect() -> None:
    _, findings = spec.repair(upstream())
    kinds = [finding.defect for finding in findings]
    assert kinds.count("discriminator-mapping-not-a-string") == 3
    assert kinds.count("inheritance-cycle") == 3
    assert kinds.count("regex-in-format") == 1
    assert all(finding.repaired for finding in findings)


def test_the_repaired_schemas_validate_instances_without_recursing() -> None:
    repaired, _ = spec.repair(upstream())
    schema = {**repaired["components"]["schemas"]["InsightReportParams"], "components": repaired["components"]}
    validator = jsonschema.Draft4Validator(schema)  # its $refs resolve against the components carried beside it
    assert validator.is_valid({"dataType": "checkout/transactions", "schedule": "daily", "language": "en"})
    assert not validator.is_valid({"dataType": "orders/orderoperations", "schedule": "monthly", "language": "en"})


# A document with the same defects under other names: the repairs are generic, not edits tied to Insight's names.
FOREIGN = """
openapi: 3.0.0
info: {title: Pets, version: '1'}
paths:
  /pets/{id}:
    post:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, format: '^[A-Z]\\d{3}$'}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Pet:
      discriminator:
        propertyName: kind
        mapping:
          cat: {$ref: '#/components/schemas/Cat'}
          dog: '#/components/schemas/Dog'
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      properties: {name: {type: string}}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - {type: object, properties: {kind: {type: string, enum: [cat]}}}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - {type: object, properties: {kind: {type: string, enum: [dog]}}}
"""


def test_the_repairs_are_generic_and_fix_another_document_with_the_same_defects() -> None:
    repaired, findings = spec.repair(yaml.safe_load(FOREIGN))
    schemas = repaired["components"]["schemas"]
    assert schemas["Pet"]["discriminator"]["mapping"] == {
        "cat": "#/components/schemas/Cat",
        "dog": "#/components/schemas/Dog",
    }
    # the parent's own constraints are inherited, the back-reference is gone
    assert schemas["Cat"]["allOf"][0] == {"properties": {"name": {"type": "string"}}}
    parameter = repaired["paths"]["/pets/{id}"]["post"]["parameters"][0]["schema"]
    assert parameter == {"type": "string", "pattern": "^[A-Z][0-9]{3}$"}
    assert sorted(finding.defect for finding in findings) == [
        "discriminator-mapping-not-a-string",
        "inheritance-cycle",
        "inheritance-cycle",
        "regex-in-format",
    ]


def test_a_cycle_the_repair_does_not_understand_is_reported_as_not_repaired() -> None:
    document = yaml.safe_load(FOREIGN)
    document["components"]["schemas"]["Loop"] = {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
    _, findings = spec.repair(document)
    unrepaired = [finding for finding in findings if not finding.repaired]
    assert [finding.defect for finding in unrepaired] == ["composition-cycle"]


def test_the_completions_declare_from_to_scopes_defaults_and_error_responses() -> None:
    contract = load_contract()
    assert contract.required_scopes == ("admin:insight", "write:insight")
    assert {404, 405, 413, 415} <= set(contract.declared_statuses)
    for variant in contract.variants.values():
        assert {"from", "to"} <= set(variant.required)
        assert variant.defaults == {"contentType": "text/csv"}


def test_the_contract_model_reads_each_variants_vocabulary_from_the_document() -> None:
    contract = load_contract()
    assert contract.data_types == ("checkout/transactions", "orders/orderoperations", "wallets/transactions")
    orders = contract.variants["orders/orderoperations"]
    assert "twice-a-month" in orders.schedules and "monthly" not in orders.schedules
    assert orders.allowed("contentType") == ("text/csv",)
    assert contract.variants["wallets/transactions"].filter_keys == ()


def test_a_contract_naming_a_schedule_without_a_rule_is_refused() -> None:
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    schedule = document["components"]["schemas"]["InsightCheckoutTransactionsReportParams"]["allOf"][0]["properties"]
    schedule["schedule"]["enum"].append("quarterly")
    with pytest.raises(ValueError, match="quarterly"):
        contract_from_document(document)


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "lint", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_lint_reports_every_upstream_defect_and_succeeds_when_all_are_repaired() -> None:
    result = lint(spec.UPSTREAM_PATH)
    assert result.returncode == 0, result.stdout + result.stderr
    for defect in ("discriminator-mapping-not-a-string", "inheritance-cycle", "regex-in-format", "window-undeclared"):
        assert defect in result.stdout
    assert "0 not repaired" in result.stdout


def test_lint_fails_on_a_defect_it_cannot_repair(tmp_path: Path) -> None:
    document = yaml.safe_load(FOREIGN)
    document["components"]["schemas"]["Loop"] = {"allOf": [{"$ref": "#/components/schemas/Loop"}]}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = lint(path)
    assert result.returncode == 1
    assert "NOT REPAIRED" in result.stdout and "composition-cycle" in result.stdout


def test_spec_build_check_fails_when_the_served_file_drifted(tmp_path: Path) -> None:
    stale = tmp_path / "insight.yaml"
    stale.write_text(spec.served_contract_text() + "# edited by hand\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mockserver.cli", "spec", "build", "--check", "--output", str(stale)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1 and "out of date" in result.stderr
