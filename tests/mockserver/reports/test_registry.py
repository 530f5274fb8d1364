"""The registry: a data type added through the contract and one registry entry, and the start check that refuses a
contract allowing a report no renderer has (in the app, and through the real CLI)."""

from __future__ import annotations

import copy
import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.contract import Contract, contract_from_document
from contracts.testing.live import MONTHLY, free_port
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.reports import (
    CHECKOUT,
    REPORTS,
    DataType,
    ReportsUnavailable,
    Row,
    UnknownDataType,
    account_profile,
    generate_rows,
    missing_renderers,
    parse_csv,
)
from mockserver.reports.data import DayPlan, Wanted
from mockserver.reports.layout import COUNT, Column, GroupBy, Measure, PdfLayout, Summary, field
from mockserver.settings import Settings
from tests.conftest import run_cli, run_main

Json = dict[str, Any]

# -- a fourth data type, for these tests only ---------------------------------------------------------------------

POINTS = "loyalty/points"
AID = "P12345678"
WEEK = {"schedule": "weekly", "from": "2025-11-03", "to": "2025-11-10"}


@dataclass(frozen=True, slots=True)
class PointsEvent(Row):
    """Loyalty points a member earned (positive) or redeemed (negative) in a store."""

    member_id: str
    event: str
    points: int
    store_id: str


def points_plan(data_type: str, aid: str, wanted: Wanted) -> DayPlan:
    stores = account_profile(aid).store_ids

    def rows_of(day: date) -> list[Row]:
        rng = random.Random(f"{data_type}|{aid}|{day.isoformat()}")  # a str seed is hashed with SHA-512: stable
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        rows: list[Row] = []
        for number in range(rng.randint(3, 8)):
            event = rng.choice(("earn", "burn"))
            rows.append(
                PointsEvent(
                    id=f"{aid}.points-{day:%Y%m%d}-{number:02d}",
                    created_at=midnight + timedelta(seconds=rng.randrange(86_400)),
                    member_id=f"M{rng.randrange(12):04d}",
                    event=event,
                    points=rng.randrange(1, 500) * (1 if event == "earn" else -1),
                    store_id=rng.choice(stores),
                )
            )
        return rows

    return DayPlan(rows_of)


POINTS_REPORT = DataType(
    row_type=PointsEvent,
    plan=points_plan,
    csv_columns=("id", "created_at", "member_id", "event", "points", "store_id"),
    words={
        "en": {
            "title": "Loyalty points report",
            "csv.member_id": "Member ID",
            "csv.event": "Event",
            "csv.points": "Points",
            "per_event": "Per event",
            "col.member": "Member",
            "col.event": "Event",
            "col.points": "Points",
            "event.earn": "Earned",
            "event.burn": "Redeemed",
        },
        "no": {
            "title": "Rapport over lojalitetspoeng",
            "csv.member_id": "Medlems-ID",
            "csv.event": "Hendelse",
            "csv.points": "Poeng",
            "per_event": "Fordelt på hendelse",
            "col.member": "Medlem",
            "col.event": "Hendelse",
            "col.points": "Poeng",
            "event.earn": "Opptjent",
            "event.burn": "Innløst",
        },
    },
    pdf=PdfLayout(
        summaries=(
            Summary(
                "per_event",
                by=(GroupBy("event", "col.event", 60, labels="event"),),
                measures=(COUNT, Measure("col.points", field("points"), money=False)),
                order=lambda key, rows: key,
            ),
        ),
        table=(
            Column("col.created", 28, "L", lambda row, book: book.moment(row.created_at)),
            Column("col.transaction_id", 60, "L", lambda row, book: row.id),
            Column("col.member", 30, "L", lambda row, book: row.member_id),
            Column("col.event", 30, "L", lambda row, book: book.label("event", row.event)),
            Column("col.points", 30, "R", lambda row, book: book.count(row.points)),
            Column("col.store", 45, "L", lambda row, book: row.store_id),
        ),
    ),
    filter_fields={"member": "member_id"},  # the contract's key is "member", the rows' field member_id
)


# -- contract copies ---------------------------------------------------------------------------------------------


def served_document() -> Json:
    return spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))


def with_points(document: Json) -> None:
    """A fourth variant, added the way the contract adds the others: a schema, a oneOf member, a mapping entry."""
    schemas = document["components"]["schemas"]
    points = copy.deepcopy(schemas["InsightWalletsTransactionsReportParams"])
    points["x-discriminator-value"] = POINTS
    points["title"] = "Insight Loyalty Points Report Params"
    properties = points["allOf"][0]["properties"]
    properties["dataType"]["enum"] = [POINTS]
    keys = {"type": "string", "enum": ["store_id", "member"]}
    properties["reportFilters"] = {
        "type": "array",
        "items": {"type": "object", "properties": {"filter": keys, "value": {"type": "string"}}},
    }
    schemas["InsightLoyaltyPointsReportParams"] = points
    polymorphic = schemas["InsightReportParams"]
    polymorphic["discriminator"]["mapping"][POINTS] = "#/components/schemas/InsightLoyaltyPointsReportParams"
    polymorphic["oneOf"].append({"$ref": "#/components/schemas/InsightLoyaltyPointsReportParams"})


def variant_properties(document: Json, schema: str) -> Json:
    properties: Json = document["components"]["schemas"][schema]["allOf"][0]["properties"]
    return properties


def with_excel(document: Json) -> None:
    variant_properties(document, "InsightCheckoutTransactionsReportParams")["contentType"]["enum"].append(
        "application/vnd.ms-excel"
    )


def with_orders_pdf(document: Json) -> None:
    variant_properties(document, "InsightOrdersOrderOperationsReportParams")["contentType"]["enum"].append(
        "application/pdf"
    )


def with_swedish(document: Json) -> None:
    variant_properties(document, "InsightWalletsTransactionsReportParams")["language"]["enum"].append("sv")


def contract_with(*changes: Callable[[Json], None]) -> Contract:
    document = served_document()
    for change in changes:
        change(document)
    return contract_from_document(document)


def contract_file(folder: Path, *changes: Callable[[Json], None]) -> Path:
    document = served_document()
    for change in changes:
        change(document)
    path = folder / "insight.yaml"
    path.write_text(spec.dump_yaml(document), encoding="utf-8")
    return path


# -- the registry ------------------------------------------------------------------------------------------------


def test_the_served_contract_has_a_renderer_for_everything_it_allows(contract: Contract) -> None:
    assert missing_renderers(contract, REPORTS) == []
    assert set(REPORTS.names) == set(contract.data_types)


def test_an_unknown_data_type_is_refused_never_served_by_another(contract: Contract) -> None:
    with pytest.raises(UnknownDataType, match="'loyalty/points'"):
        REPORTS[POINTS]
    with pytest.raises(UnknownDataType):
        generate_rows(AID, POINTS, date(2025, 11, 3), date(2025, 11, 4))


def test_adding_a_data_type_makes_a_new_registry_and_leaves_the_default_alone() -> None:
    extended = REPORTS.with_data_type(POINTS, POINTS_REPORT)
    assert extended[POINTS] is POINTS_REPORT and extended[CHECKOUT] is REPORTS[CHECKOUT]
    assert POINTS not in REPORTS


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (with_points, "the contract allows dataType 'loyalty/points', which no report renderer has"),
        (
            with_excel,
            "the contract allows contentType 'application/vnd.ms-excel' for dataType 'checkout/transactions', "
            "which no report renderer has",
        ),
        (
            with_orders_pdf,
            "the contract allows contentType 'application/pdf' for dataType 'orders/orderoperations', "
            "whose report has no PDF layout",
        ),
        (with_swedish, "the contract allows language 'sv', in which the reports have no words"),
    ],
)
def test_what_the_contract_allows_and_no_renderer_has_is_named(change: Callable[[Json], None], problem: str) -> None:
    assert missing_renderers(contract_with(change), REPORTS) == [problem]


def test_a_data_type_without_the_words_a_format_needs_is_named() -> None:
    english_only = DataType(
        row_type=PointsEvent,
        plan=points_plan,
        csv_columns=POINTS_REPORT.csv_columns,
        words={"en": POINTS_REPORT.words["en"]},
        pdf=POINTS_REPORT.pdf,
        filter_fields=POINTS_REPORT.filter_fields,
    )
    (problem,) = missing_renderers(contract_with(with_points), REPORTS.with_data_type(POINTS, english_only))
    assert problem.startswith("the contract allows language 'no' for dataType 'loyalty/points', whose report has no")
    assert "csv.member_id" in problem and "col.member" in problem and "title" in problem


def test_a_declaration_naming_fields_its_rows_lack_fails_at_import() -> None:
    with pytest.raises(ValueError, match="no CSV-writable field 'loyalty'"):
        DataType(row_type=PointsEvent, plan=points_plan, csv_columns=("id", "loyalty"), words={})
    with pytest.raises(ValueError, match="no text field"):
        DataType(row_type=PointsEvent, plan=points_plan, csv_columns=(), words={}, filter_fields={"p": "points"})


# -- a fourth data type, end to end ------------------------------------------------------------------------------


def download(client: TestClient, body: Json) -> httpx.Response:
    headers = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
    answer = client.post(f"/v1/accounts/{AID}/insight/generate-report", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    report = client.get(answer.headers["x-mock-report-url"])
    assert report.status_code == 200, report.text
    return report


def test_a_fourth_data_type_from_a_contract_copy_and_a_registry_entry_downloads_as_csv_and_pdf(tmp_path: Path) -> None:
    reports = REPORTS.with_data_type(POINTS, POINTS_REPORT)
    week = (date(2025, 11, 3), date(2025, 11, 10))
    everything = generate_rows(AID, POINTS, *week, reports=reports)
    member = everything[0].member_id if isinstance(everything[0], PointsEvent) else ""
    body = {**WEEK, "dataType": POINTS, "language": "no", "reportFilters": [{"filter": "member", "value": member}]}
    app = create_app(Settings(spec_path=contract_file(tmp_path, with_points)), reports=reports)
    with TestClient(app, raise_server_exceptions=False) as client:
        table = download(client, {**body, "contentType": "text/csv"})
        document = download(client, {**body, "contentType": "application/pdf", "language": "en"})

    assert table.headers["content-type"] == "text/csv; charset=utf-8"
    assert f'filename="{AID}_loyalty-points_2025-11-03_2025-11-10.csv"' in table.headers["content-disposition"]
    header = next(csv.reader(io.StringIO(table.content.decode(), newline="")))
    assert header == ["Transaksjons-ID", "Opprettet (UTC)", "Medlems-ID", "Hendelse", "Poeng", "Butikk-ID"]
    rows = parse_csv(table.content, POINTS_REPORT)
    # The contract's key "member" selected the rows' member_id: the unfiltered week with the other members removed.
    assert rows == [row for row in everything if isinstance(row, PointsEvent) and row.member_id == member]
    assert 0 < len(rows) < len(everything)

    assert document.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages)
    for words in ("Loyalty points report", f"member = {member}", "Per event", "Points", "Page 1 of"):
        assert words in text
    assert all(isinstance(row, PointsEvent) and row.id in text for row in rows)
    events = {row.event for row in rows if isinstance(row, PointsEvent)}
    assert ("Earned" in text, "Redeemed" in text) == ("earn" in events, "burn" in events)


def test_the_same_contract_without_the_registry_entry_does_not_start(tmp_path: Path) -> None:
    with pytest.raises(ReportsUnavailable, match="'loyalty/points', which no report renderer has"):
        create_app(Settings(spec_path=contract_file(tmp_path, with_points)))


def test_a_harness_may_build_it_anyway_when_it_never_downloads_a_report(tmp_path: Path) -> None:
    app = create_app(Settings(spec_path=contract_file(tmp_path, with_points)), check_reports=False)
    headers = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
    with TestClient(app) as client:
        answer = client.post(f"/v1/accounts/{AID}/insight/generate-report", json={**WEEK, "dataType": POINTS,
                             "language": "en"}, headers=headers)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["dataType"] == POINTS


# -- the real CLI ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "workers", "line"),
    [
        (with_points, "1", "the contract allows dataType 'loyalty/points', which no report renderer has"),
        (with_points, "2", "the contract allows dataType 'loyalty/points', which no report renderer has"),
        (
            with_excel,
            "1",
            "the contract allows contentType 'application/vnd.ms-excel' for dataType 'checkout/transactions', "
            "which no report renderer has",
        ),
    ],
)
def test_serve_refuses_a_contract_allowing_an_unrendered_report_in_one_line(
    tmp_path: Path, change: Callable[[Json], None], workers: str, line: str
) -> None:
    served = contract_file(tmp_path, change)
    result = run_cli("serve", "--spec", str(served), "--port", str(free_port()), "--workers", workers)
    assert result.returncode == 2
    assert result.stderr == f"insight-mock: cannot start: {line}\n"
    assert "Insight mock on" not in result.stdout


def test_the_offline_report_refuses_it_too(tmp_path: Path) -> None:
    served = contract_file(tmp_path, with_excel)
    params = tmp_path / "params.json"
    params.write_text('{"dataType": "checkout/transactions", "schedule": "monthly", "language": "en", '
                      f'"from": "{MONTHLY["from"]}", "to": "{MONTHLY["to"]}"}}')  # fmt: skip
    result = run_main("report", "--aid", AID, "--params", str(params), "--spec", str(served), "-o", str(tmp_path / "r"))
    assert result.returncode == 2
    assert result.stderr == (
        "insight-mock report: the contract allows contentType 'application/vnd.ms-excel' for dataType "
        "'checkout/transactions', which no report renderer has\n"
    )
    assert not (tmp_path / "r").exists()
