"""Synthetic Insight reports: deterministic rows rendered as CSV or PDF.

``render_report(ReportRequest(...))`` is the entry point for the HTTP layer;
``generate_rows`` gives the rows themselves. See ``data`` for how rows are
derived and how filters widen an account's universe of stores/destinations.
"""

from mockserver.reports.csv import parse_csv, render_csv
from mockserver.reports.data import (
    CHECKOUT,
    DATA_TYPES,
    FILTER_KEYS,
    ORDERS,
    WALLETS,
    CheckoutTransaction,
    OrderOperation,
    Row,
    WalletTransaction,
    account_profile,
    generate_rows,
    generate_universe_rows,
    matches,
)
from mockserver.reports.pdf import TABLE_ROW_LIMIT, render_pdf
from mockserver.reports.render import (
    CONTENT_TYPES,
    RenderedReport,
    ReportRequest,
    render_report,
)

__all__ = [
    "CHECKOUT",
    "CONTENT_TYPES",
    "DATA_TYPES",
    "FILTER_KEYS",
    "ORDERS",
    "TABLE_ROW_LIMIT",
    "WALLETS",
    "CheckoutTransaction",
    "OrderOperation",
    "RenderedReport",
    "ReportRequest",
    "Row",
    "WalletTransaction",
    "account_profile",
    "generate_rows",
    "generate_universe_rows",
    "matches",
    "parse_csv",
    "render_csv",
    "render_pdf",
    "render_report",
]
