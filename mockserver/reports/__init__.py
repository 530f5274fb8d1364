"""Synthetic Insight reports: deterministic rows rendered as CSV or PDF.

``render_report(report_request(contract, aid, params), contract)`` is the entry point for the HTTP layer;
``generate_rows`` gives the rows themselves. See ``data`` for how rows are
derived, and ``vocabulary`` for what the loaded contract lets a request say.
"""

from mockserver.reports.csv import parse_csv, render_csv
from mockserver.reports.data import (
    CHECKOUT,
    DATA_TYPES,
    FILTERABLE_COLUMNS,
    ORDERS,
    WALLETS,
    CheckoutTransaction,
    OrderOperation,
    Row,
    WalletTransaction,
    account_profile,
    generate_rows,
    generate_rows_between,
    matches,
)
from mockserver.reports.pdf import TABLE_ROW_LIMIT, render_pdf
from mockserver.reports.render import RenderedReport, ReportRequest, render_report, report_request
from mockserver.reports.vocabulary import Vocabulary, vocabulary_of

__all__ = [
    "CHECKOUT",
    "DATA_TYPES",
    "FILTERABLE_COLUMNS",
    "ORDERS",
    "TABLE_ROW_LIMIT",
    "WALLETS",
    "CheckoutTransaction",
    "OrderOperation",
    "RenderedReport",
    "ReportRequest",
    "Row",
    "Vocabulary",
    "WalletTransaction",
    "account_profile",
    "generate_rows",
    "generate_rows_between",
    "matches",
    "parse_csv",
    "render_csv",
    "render_pdf",
    "render_report",
    "report_request",
    "vocabulary_of",
]
