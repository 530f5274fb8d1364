"""Report bytes pinned across versions: sha256 digests of a handful of rendered reports.

A digest changes only when a report's bytes change. When that is intended (new data rules, a layout change), update
the digest here and say in the commit message which ones changed and why; otherwise a changed digest is a regression.
All windows lie in the past, so no digest depends on the clock.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from contracts.model import validation
from contracts.model.contract import Contract
from mockserver.reports import render_report, report_request

CHECKOUT = {"dataType": "checkout/transactions"}
ORDERS = {"dataType": "orders/orderoperations"}
WALLETS = {"dataType": "wallets/transactions"}
MONTH = {"schedule": "monthly", "from": "2025-11-01", "to": "2025-12-01"}
DECEMBER = {"schedule": "monthly", "from": "2025-12-01", "to": "2026-01-01"}
WEEK = {"schedule": "weekly", "from": "2025-11-03", "to": "2025-11-10"}
PDF = {"contentType": "application/pdf"}

#: name -> (account, generate-report body, sha256 of the report's bytes)
GOLDEN: dict[str, tuple[str, dict[str, Any], str]] = {
    "checkout-monthly-csv-en": (
        "P12345678",
        {**CHECKOUT, **MONTH, "language": "en", "contentType": "text/csv"},
        "97905d0834884e344d408fed9c0ebd3f64f10b4ca7b22098b6c5cbf94d38e78b",
    ),
    "checkout-monthly-pdf-no": (
        "P12345678",
        {**CHECKOUT, **MONTH, **PDF, "language": "no"},
        "1e5dd6a6c24bdbca166743e8ca98b94767c9d56938af23abf2a9dd37ef3214f0",
    ),
    "checkout-weekly-csv-no-filtered": (
        "P12345678",
        {
            **CHECKOUT,
            **WEEK,
            "language": "no",
            "reportFilters": [
                {"filter": "store_id", "value": "nettbutikk"},
                {"filter": "store_id", "value": "oslo-grunerlokka-01"},
                {"filter": "payout_destination_id", "value": "NO987295546MVA"},
            ],
        },
        "3a8046ca8e4c055693ba7e12483640fe86fce72b60f1cb42f4b9c50d74a538fe",
    ),
    "checkout-weekly-pdf-en-filtered": (
        "T12345678",
        {**CHECKOUT, **WEEK, **PDF, "language": "en", "reportFilters": [{"filter": "store_id", "value": "nettbutikk"}]},
        "650901e26e63e2af730301d90414ab87fbd2eef788e6ffb67810ec4e551cb141",
    ),
    "orders-weekly-csv-en-filtered": (
        "P12345678",
        {
            **ORDERS,
            "schedule": "weekly",
            "from": "2025-10-27",
            "to": "2025-11-03",
            "language": "en",
            "reportFilters": [{"filter": "operation_payout_destination", "value": "NO987295546MVA"}],
        },
        "de6b1ea97df8b9bf40989b3989433aee3a3d960ce2add500a6e94ab6a6356871",
    ),
    "orders-twice-a-month-csv-no": (
        "P12345678",
        {**ORDERS, "schedule": "twice-a-month", "from": "2025-11-16", "to": "2025-12-01", "language": "no"},
        "f7ddf0e74ac28989e30b188c823a98be0cd2abb0099c603c57fb225073562593",
    ),
    "wallets-monthly-pdf-en": (
        "P12345678",
        {**WALLETS, **MONTH, **PDF, "language": "en"},
        "fabae2a30ca9afc6aaa6b67364ffc2e582c95e1847a095ebdd1140777699499e",
    ),
    "wallets-daily-csv-no": (
        "P12345678",
        {**WALLETS, "schedule": "daily", "from": "2025-12-24", "to": "2025-12-25", "language": "no"},
        "b568445b46a6cbb4b3b1104fe8f147fc397fe7f257a37092dc0172b3cfa7d70f",
    ),
    "large-checkout-monthly-csv-en": (
        "P79049437",
        {**CHECKOUT, **DECEMBER, "language": "en"},
        "6ca6815b21d3b34c39d5a00db6deb5bcdccf52833fd7c2144240d9817d627b5e",
    ),
    "large-checkout-monthly-pdf-no": (
        "P79049437",
        {**CHECKOUT, **DECEMBER, **PDF, "language": "no"},
        "d877c932e68a0533558142bc0728b475374c70c9b9b25826e7b3b283f5484ce4",
    ),
    "checkout-daily-csv-en-offset": (
        "P12345678",
        {
            **CHECKOUT,
            "schedule": "daily",
            "from": "2025-11-01T00:00:00+01:00",
            "to": "2025-11-02T00:00:00+01:00",
            "language": "en",
        },
        "2d18dce4e27da632f4de66489f800a3fb7d92e6979b48cf38f165bb526f0c468",
    ),
    "checkout-daily-csv-en-unknown-store": (
        "P12345678",
        {
            **CHECKOUT,
            "schedule": "daily",
            "from": "2025-11-01",
            "to": "2025-11-02",
            "language": "en",
            "reportFilters": [{"filter": "store_id", "value": "no-such-store"}],
        },
        "e2036a5f4b639a1d008a385b70e62c3bdef77d0d49ea02051b1fbc691a14e424",
    ),
}


def rendered(contract: Contract, aid: str, body: dict[str, Any]) -> bytes:
    assert validation.validate_body(contract, body) == []
    request = report_request(contract, aid, validation.accepted_params(contract, body))
    return render_report(request, contract).body


@pytest.mark.parametrize("name", GOLDEN)
def test_a_pinned_report_renders_to_the_same_bytes(contract: Contract, name: str) -> None:
    aid, body, digest = GOLDEN[name]
    assert hashlib.sha256(rendered(contract, aid, body)).hexdigest() == digest
