"""Synthetic Insight reports: deterministic rows rendered as CSV or PDF, one module per data type.

``render_report(report_request(contract, aid, params), contract)`` is the entry point for the HTTP layer;
``generate_rows`` gives the rows themselves. ``registry`` names the data types and formats the mock renders and
checks a contract against them at start; ``datatypes`` holds one module per data type; ``data`` the generic row
machinery; ``csv`` and ``pdf`` the writers; ``vocabulary`` what the loaded contract lets a request say.

Importing this package does not import fpdf (slow): ``mockserver.reports.pdf`` is loaded on the first PDF.
"""

from mockserver.reports.csv import csv_headers, parse_csv, render_csv
from mockserver.reports.data import Filters, Row, account_profile, matches
from mockserver.reports.datatype import DataType
from mockserver.reports.datatypes.checkout import CheckoutTransaction
from mockserver.reports.datatypes.orders import OrderOperation
from mockserver.reports.datatypes.wallets import WalletTransaction
from mockserver.reports.registry import (
    CHECKOUT,
    ORDERS,
    REPORTS,
    WALLETS,
    Registry,
    ReportsUnavailable,
    UnknownDataType,
    generate_rows,
    generate_rows_between,
    missing_renderers,
    require_renderers,
)
from mockserver.reports.render import RenderedReport, render_report
from mockserver.reports.request import ReportRequest, report_request
from mockserver.reports.vocabulary import Vocabulary, vocabulary_of

__all__ = [
    "CHECKOUT",
    "ORDERS",
    "REPORTS",
    "WALLETS",
    "CheckoutTransaction",
    "DataType",
    "Filters",
    "OrderOperation",
    "Registry",
    "RenderedReport",
    "ReportRequest",
    "ReportsUnavailable",
    "Row",
    "UnknownDataType",
    "Vocabulary",
    "WalletTransaction",
    "account_profile",
    "csv_headers",
    "generate_rows",
    "generate_rows_between",
    "matches",
    "missing_renderers",
    "parse_csv",
    "render_csv",
    "render_report",
    "report_request",
    "require_renderers",
    "vocabulary_of",
]
