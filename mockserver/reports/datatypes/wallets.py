"""Wallet transactions: gift and loyalty cards (one entity per *card*) whose balances chain across days.

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

The contract declares no filters for wallets; a contract that does is served too (any text column, by its name).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from mockserver.reports.data.accounts import _PER_NOK, COUNTRY_CURRENCY, AccountProfile, _luhn_check, account_profile
from mockserver.reports.data.calendar import _day_start, _draw_seconds, _hour_cdf, _utc_offset_hours
from mockserver.reports.data.rows import DayPlan, Row, Wanted
from mockserver.reports.data.seeding import _base58ish, _Choice, _digest, _rng, _standard_normal, _unit
from mockserver.reports.datatype import DataType
from mockserver.reports.layout import (
    COUNT,
    CURRENCY,
    Column,
    GroupBy,
    Measure,
    PdfLayout,
    Summary,
    field,
    money,
    totals_per_currency,
    value_then_currency,
)
from mockserver.reports.layout import pdf_text as text


@dataclass(frozen=True, slots=True)
class WalletTransaction(Row):
    """A wallet (gift/loyalty card) transaction; ``amount`` is signed."""

    card_id: str
    operation_type: str
    amount: int
    currency: str
    balance_after: int
    store_id: str


#: In the order the PDF lists them.
OPERATION_TYPES: Final = ("top_up", "purchase", "refund", "expiry")


def wallet_card_ids(aid: str) -> tuple[str, ...]:
    """The account's cards: 16-digit, Luhn-valid numbers with an account prefix."""
    profile = account_profile(aid)
    ids = []
    for index in range(profile.wallet_card_count):
        # 7919 is coprime with 10**7, so the scrambled serials never collide.
        body = f"{profile.wallet_card_prefix}{(index * 7919 + 104_729) % 10**7:07d}"
        ids.append(body + str(_luhn_check(body)))
    return tuple(ids)


_WALLET_BLOCK_DAYS: Final = 16

#: Round top-up amounts in major units, per currency.
_TOP_UPS: Final[dict[str, tuple[int, ...]]] = {
    "NOK": (100, 200, 250, 300, 500, 1000, 1500, 2000),
    "SEK": (100, 200, 250, 300, 500, 1000, 1500, 2000),
    "DKK": (100, 150, 200, 250, 500, 1000, 1500),
    "EUR": (10, 20, 25, 30, 50, 100, 150, 200),
}


@lru_cache(maxsize=8192)
def _card_activity_rate(aid: str, card_id: str) -> float:
    """Chance that the card is used on a given day (most cards are used rarely)."""
    return 0.015 + 0.2 * _unit(_digest("wallet-rate", aid, card_id), 0) ** 2


@lru_cache(maxsize=65536)
def _card_active_days(aid: str, card_id: str, block: int) -> int:
    """Bit mask of the block's days on which the card is used; never empty."""
    digest = _digest("wallet-activity", aid, card_id, str(block))
    threshold = _card_activity_rate(aid, card_id) * 256
    mask = 0
    for offset in range(_WALLET_BLOCK_DAYS):
        if digest[offset] < threshold:
            mask |= 1 << offset
    return mask or 1 << (digest[_WALLET_BLOCK_DAYS] % _WALLET_BLOCK_DAYS)


def _card_balance_checkpoint(aid: str, card_id: str, block: int, offset: int, currency: str) -> int:
    """Balance after active day ``offset`` of ``block`` (offset -1: the block's opening)."""
    digest = _digest("wallet-balance", aid, card_id, str(block), str(offset))
    if _unit(digest, 0) < 0.15:
        return 0  # spent cards are common
    # Log-normal around 380 NOK, capped like gift-card limits (10 000 NOK).
    gaussian = math.sqrt(-2.0 * math.log(1.0 - _unit(digest, 4))) * math.cos(2 * math.pi * _unit(digest, 8))
    major = min(380.0 * math.exp(0.9 * gaussian), 10_000.0) * _PER_NOK[currency]
    return round(major * 100)


def card_day_balances(aid: str, card_id: str, day: date) -> tuple[int, int] | None:
    """(opening, closing) balance of a card on ``day``, or None when it is not used.

    Pure function of (aid, card, day); see the module docstring.
    """
    block, offset = divmod(day.toordinal(), _WALLET_BLOCK_DAYS)
    mask = _card_active_days(aid, card_id, block)
    if not mask >> offset & 1:
        return None
    currency = COUNTRY_CURRENCY[account_profile(aid).home_country]
    earlier = mask & ((1 << offset) - 1)
    if earlier:
        opening = _card_balance_checkpoint(aid, card_id, block, earlier.bit_length() - 1, currency)
    else:
        opening = _card_balance_checkpoint(aid, card_id, block, -1, currency)
    if mask >> (offset + 1):
        closing = _card_balance_checkpoint(aid, card_id, block, offset, currency)
    else:
        closing = _card_balance_checkpoint(aid, card_id, block + 1, -1, currency)
    return opening, closing


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` positive integers (parts <= total)."""
    parts = max(1, min(parts, total))
    weights = [0.3 + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    amounts = [max(1, int(w * scale)) for w in weights[:-1]]
    while sum(amounts) > total - 1:  # keep the last part positive
        amounts[amounts.index(max(amounts))] -= 1
    amounts.append(total - sum(amounts))
    return amounts


def _top_up_at_least(rng: random.Random, needed: int, currency: str) -> int:
    """The smallest round top-up (minor units) covering ``needed``, sometimes one step more."""
    steps = [step * 100 for step in _TOP_UPS[currency]]
    candidates = [step for step in steps if step >= needed]
    if not candidates:
        big = steps[-1] // 4
        return -(-needed // big) * big
    index = 1 if len(candidates) > 1 and rng.random() < 0.3 else 0
    return candidates[index]


def _wallet_plan(rng: random.Random, opening: int, closing: int, currency: str) -> list[tuple[str, int]]:
    """Signed operations moving the balance from ``opening`` to ``closing``, in order.

    Credits come before debits, so the balance rises then falls and never
    goes below min(opening, closing) >= 0.
    """
    plan: list[tuple[str, int]] = []
    balance = opening
    if balance > 0 and rng.random() < 0.02:
        expired = max(1, round(balance * (0.1 + 0.4 * rng.random())))
        plan.append(("expiry", -expired))
        balance -= expired
    if rng.random() < 0.05:
        refund = round(150.0 * _PER_NOK[currency] * math.exp(0.6 * _standard_normal(rng))) * 100
        plan.append(("refund", refund))
        balance += refund
    if closing > balance:
        top_up = _top_up_at_least(rng, closing - balance, currency)
    elif rng.random() < 0.2 or (closing == balance and not plan):
        top_up = rng.choice(_TOP_UPS[currency]) * 100
    else:
        top_up = 0
    if top_up:
        plan.append(("top_up", top_up))
        balance += top_up
    spent = balance - closing
    if spent > 0:
        purchases = 1 + (rng.random() < 0.35) + (rng.random() < 0.1)
        plan.extend(("purchase", -amount) for amount in _split(rng, spent, purchases))
    return plan


def _strictly_increasing(seconds: list[int]) -> list[int]:
    """Nudge equal seconds apart (within the day) so a card's order is unambiguous."""
    result = list(seconds)
    for i in range(1, len(result)):
        result[i] = max(result[i], result[i - 1] + 1)
    for i in range(len(result) - 1, -1, -1):
        limit = 86_399 if i == len(result) - 1 else result[i + 1] - 1
        result[i] = min(result[i], limit)
    return result


@lru_cache(maxsize=1024)
def _wallet_store_choice(aid: str) -> _Choice:
    """Where cards are used: the account's stores in the card currency's country."""
    profile = account_profile(aid)
    home_stores = [s for s in profile.stores if s.country == profile.home_country]
    return _Choice([(s.store_id, s.share) for s in home_stores])


@lru_cache(maxsize=65536)
def _card_home_store(aid: str, card_id: str) -> str:
    """Where the card is usually used (bought or topped up)."""
    return _wallet_store_choice(aid).pick_at(_unit(_digest("wallet-home", aid, card_id), 0))


def _card_day(data_type: str, profile: AccountProfile, card_id: str, day: date) -> list[Row]:
    balances = card_day_balances(profile.aid, card_id, day)
    if balances is None:
        return []
    opening, closing = balances
    aid = profile.aid
    currency = COUNTRY_CURRENCY[profile.home_country]
    rng = _rng(data_type, aid, day.isoformat(), card_id)
    plan = _wallet_plan(rng, opening, closing, currency)
    if not plan:
        return []
    stores = _wallet_store_choice(aid)
    home_store = _card_home_store(aid, card_id)
    offset = _utc_offset_hours(day, profile.home_country)
    cdf = _hour_cdf("physical", offset)
    seconds = _draw_seconds(rng, len(plan), cdf)
    if plan[0][0] == "expiry":
        # Expiry is a nightly batch job (00:00-00:15 UTC, 01-02 local time).
        seconds[0] = int(rng.random() * 900)
        seconds.sort()
    # Operations take the sorted times in plan order, so a card's rows read
    # chronologically and its balance chain follows (created_at, id) order.
    seconds = _strictly_increasing(seconds)
    day_start = _day_start(day)
    rows: list[Row] = []
    balance = opening
    for (operation, amount), second in zip(plan, seconds, strict=True):
        balance += amount
        # Expiry happens at no store; most use is at the card's home store.
        store_id = "" if operation == "expiry" else home_store if rng.random() < 0.8 else stores.pick(rng)
        rows.append(
            WalletTransaction(
                id=f"{aid}.{_base58ish(rng)}",
                created_at=day_start + timedelta(seconds=second),
                card_id=card_id,
                operation_type=operation,
                amount=amount,
                currency=currency,
                balance_after=balance,
                store_id=store_id,
            )
        )
    return rows


def plan(data_type: str, aid: str, wanted: Wanted) -> DayPlan:
    """Every card of the account; filters are tested row by row."""
    profile = account_profile(aid)
    cards = wallet_card_ids(aid)

    def rows_of(day: date) -> list[Row]:
        rows: list[Row] = []
        block, offset = divmod(day.toordinal(), _WALLET_BLOCK_DAYS)
        for card_id in cards:
            # Most cards are idle on most days: skip them before any work.
            if _card_active_days(aid, card_id, block) >> offset & 1:
                rows.extend(_card_day(data_type, profile, card_id, day))
        return rows

    return DayPlan(rows_of)


PDF: Final = PdfLayout(
    summaries=(
        totals_per_currency(
            Measure("col.credits", lambda row: row.amount if row.amount >= 0 else 0),
            Measure("col.debits", lambda row: row.amount if row.amount < 0 else 0),
            Measure("col.net_change", field("amount")),
        ),
        Summary(
            "per_operation_type",
            by=(GroupBy("operation_type", "col.operation_type", 60, labels="operation_type"), CURRENCY),
            measures=(COUNT, Measure("col.amount", field("amount"))),
            order=value_then_currency(OPERATION_TYPES),
        ),
    ),
    table=(
        Column("col.created", 28, "L", lambda row, book: book.moment(row.created_at)),
        Column("col.transaction_id", 52, "L", lambda row, book: row.id),
        Column("col.card", 30, "L", lambda row, book: row.card_id),
        Column("col.operation_type", 26, "L", lambda row, book: book.label("operation_type", row.operation_type)),
        Column("col.store", 45, "L", lambda row, book: text(row.store_id)),
        Column("col.currency", 14, "L", lambda row, book: row.currency),
        Column("col.amount", 36, "R", money("amount")),
        Column("col.balance_after", 36, "R", money("balance_after")),
    ),
)

WORDS: Final = {
    "en": {
        "title": "Wallets transactions report",
        "csv.card_id": "Card ID",
        "csv.amount": "Amount (minor units, signed)",
        "csv.balance_after": "Balance after (minor units)",
        "per_operation_type": "Per operation type",
        "col.credits": "Credits",
        "col.debits": "Debits",
        "col.net_change": "Net change",
        "col.operation_type": "Operation type",
        "col.card": "Card",
        "col.balance_after": "Balance after",
        "operation_type.top_up": "Top-up",
        "operation_type.purchase": "Purchase",
        "operation_type.refund": "Refund",
        "operation_type.expiry": "Expiry",
    },
    "no": {
        "title": "Rapport over lommeboktransaksjoner",
        "csv.card_id": "Kort-ID",
        "csv.amount": "Beløp (minste valutaenhet, med fortegn)",
        "csv.balance_after": "Saldo etter (minste valutaenhet)",
        "per_operation_type": "Fordelt på transaksjonstype",
        "col.credits": "Innskudd",
        "col.debits": "Uttak",
        "col.net_change": "Nettoendring",
        "col.operation_type": "Transaksjonstype",
        "col.card": "Kort",
        "col.balance_after": "Saldo etter",
        "operation_type.top_up": "Påfylling",
        "operation_type.purchase": "Kjøp",
        "operation_type.refund": "Refusjon",
        "operation_type.expiry": "Utløp",
    },
}

REPORT: Final = DataType(
    row_type=WalletTransaction,
    plan=plan,
    csv_columns=("id", "created_at", "card_id", "operation_type", "amount", "currency", "balance_after", "store_id"),
    words=WORDS,
    pdf=PDF,
)
