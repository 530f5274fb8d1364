"""Deterministic synthetic rows for the Insight report data types.

Every row is a pure function of ``(account id, data type, UTC calendar day,
entity)``: each entity-day draws from its own ``random.Random`` seeded with a
SHA-256 digest of those values (never the salted built-in ``hash()``, never
the clock). Consequences the tests rely on:

* a period's rows are exactly the concatenation of its days' rows, so a
  monthly report equals its daily reports and two twice-a-month halves equal
  the month;
Days are **UTC** calendar days: a row of day ``d`` has ``created_at`` in
``[d 00:00Z, d+1 00:00Z)``; timestamps are emitted in UTC. A period written
with an offset (``[from, to)`` as instants, ``generate_rows_between``) takes
the rows of the UTC days it touches whose ``created_at`` lies inside it. The daily traffic
curve is shaped for Nordic local time (UTC+1, +2 in summer; Finland one hour
more), so peaks land around local lunch and evening.

Entities per data type
----------------------
``checkout/transactions``
    One entity per *store*; each store pays out to exactly one payout
    destination (a VAT-number-like id of the legal entity that owns it).
    Filter keys: ``store_id``, ``payout_destination_id``.
``orders/orderoperations``
    One entity per *payout destination*; its rows come from the stores paying
    out to it. Filter key: ``operation_payout_destination``.
``wallets/transactions``
    One entity per *card*. The contract declares no filters for wallets.

Filters
-------
A filter names a text column of the rows and the values it may hold. Same key
repeated = OR, different keys = AND. ``generate_rows(..., filters=F)`` equals
``[r for r in generate_rows(...) if matches(r, F)]``: a value the account does
not have (a made-up store or destination) matches no row, so the report is
empty, as the real API's would be. Any string, including ``""`` and very long
ones, is a valid value. Which keys a request may use comes from the contract
(``mockserver.reports.vocabulary``); this layer accepts any text column.

Wallet balances
---------------
``amount`` is **signed** minor units: credits (``top_up``, ``refund``) are
positive, debits (``purchase``, ``expiry``) negative, and
``balance_after`` = previous balance + ``amount`` for every row of a card,
across days. To make that a pure function of the day, time is cut into
aligned blocks of 16 days (``date.toordinal() // 16``). A card is active on a
digest-chosen, never empty, subset of each block's days. Its balance at the
start of a block is a digest-derived "level"; after each active day the
balance equals a digest-derived checkpoint, and after the block's last active
day it equals the next block's level. A day's transactions (an optional
expiry, refund and top-up first, then purchases) are planned to move the
balance from the day's opening value to its closing checkpoint without ever
going negative. So a card's opening balance on any day is computable in O(1)
without generating earlier days.

Modules: ``rows`` (row types, columns), ``seeding``, ``calendar``, ``accounts``, ``filters``,
``amounts``, ``checkout``, ``orders``, ``wallets``, ``generate`` (the entry points).
"""

from mockserver.reports.data.accounts import (
    COUNTRY_CURRENCY,
    AccountProfile,
    Segment,
    Store,
    account_profile,
    check_aid,
)
from mockserver.reports.data.filters import (
    FILTERABLE_COLUMNS,
    checkout_universe,
    group_filters,
    matches,
    orders_universe,
)
from mockserver.reports.data.generate import (
    MAX_PERIOD_DAYS,
    check_period,
    check_span,
    generate_rows,
    generate_rows_between,
    utc_midnight,
)
from mockserver.reports.data.rows import (
    CHECKOUT,
    CHECKOUT_STATUSES,
    COLUMNS,
    DATA_TYPES,
    ORDER_OPERATION_TYPES,
    ORDERS,
    ROW_TYPES,
    WALLET_OPERATION_TYPES,
    WALLETS,
    CheckoutTransaction,
    Filters,
    OrderOperation,
    Row,
    WalletTransaction,
    check_data_type,
)
from mockserver.reports.data.wallets import card_day_balances, wallet_card_ids

__all__ = [
    "CHECKOUT",
    "CHECKOUT_STATUSES",
    "COLUMNS",
    "COUNTRY_CURRENCY",
    "DATA_TYPES",
    "FILTERABLE_COLUMNS",
    "MAX_PERIOD_DAYS",
    "ORDERS",
    "ORDER_OPERATION_TYPES",
    "ROW_TYPES",
    "WALLETS",
    "WALLET_OPERATION_TYPES",
    "AccountProfile",
    "CheckoutTransaction",
    "Filters",
    "OrderOperation",
    "Row",
    "Segment",
    "Store",
    "WalletTransaction",
    "account_profile",
    "card_day_balances",
    "check_aid",
    "check_data_type",
    "check_period",
    "check_span",
    "checkout_universe",
    "generate_rows",
    "generate_rows_between",
    "group_filters",
    "matches",
    "orders_universe",
    "utc_midnight",
    "wallet_card_ids",
]
