"""Benchmark report generation and rendering.

Run from the repository root:

    .venv/bin/python benchmarks/bench_reports.py

Measures, for the busiest account among the first few thousand account ids,
its December checkout report (the busiest month): generation + CSV rendering
against a bare ``csv.writer`` writing the same precomputed records to an
``io.StringIO`` in the same run, and the PDF rendering. Then prints row counts
per schedule for a small and a large account.
"""

from __future__ import annotations

import csv
import io
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contracts.model.contract import default_contract
from mockserver.reports import (
    CHECKOUT,
    ORDERS,
    REPORTS,
    WALLETS,
    ReportRequest,
    account_profile,
    generate_rows,
    render_csv,
    render_report,
)
from mockserver.reports.csv import record_of

REPEATS = 7
SCAN = 3000  # account ids scanned for the busiest / a small account
MONTH = (date(2026, 12, 1), date(2027, 1, 1))


def after_the_month() -> datetime:
    """The clock for rendering: after MONTH, so the whole month is rendered whatever today is."""
    return datetime(MONTH[1].year, MONTH[1].month, MONTH[1].day, tzinfo=UTC)


def scanned_aids() -> list[str]:
    # Spread the ids over the whole 8-digit range deterministically.
    return [f"P{(i * 2_654_435_761) % 10**8:08d}" for i in range(SCAN)]


def busiest_aid() -> str:
    return max(scanned_aids(), key=lambda aid: account_profile(aid).checkout_daily_mean)


def small_aid() -> str:
    micros = [aid for aid in scanned_aids() if account_profile(aid).tier == "micro"]
    return sorted(micros, key=lambda aid: account_profile(aid).checkout_daily_mean)[len(micros) // 2]


def timings(action: Callable[[], object]) -> tuple[float, float]:
    """(best, median) wall time in seconds over REPEATS runs."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return min(samples), statistics.median(samples)


def schedule_periods(month_start: date) -> dict[str, tuple[date, date]]:
    """One period per schedule inside the month of ``month_start``."""
    next_month = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    monday = month_start + timedelta(days=(7 - month_start.weekday()) % 7)
    return {
        "daily": (month_start, month_start + timedelta(days=1)),
        "weekly": (monday, monday + timedelta(days=7)),
        "twice-a-month": (month_start, month_start.replace(day=16)),
        "monthly": (month_start, next_month),
    }


def main() -> None:
    aid = busiest_aid()
    profile = account_profile(aid)
    start, end = MONTH
    print(
        f"busiest account {aid}: {profile.tier}, {len(profile.stores)} stores, "
        f"{len(profile.destinations)} payout destinations, "
        f"mean {profile.checkout_daily_mean:.0f} checkout transactions/day"
    )

    rows = generate_rows(aid, CHECKOUT, start, end)
    days = (end - start).days
    print(f"checkout {start}..{end} (exclusive): {len(rows):,} rows, {len(rows) / days:,.0f}/day")

    checkout = REPORTS[CHECKOUT]
    records = [record_of(checkout)(row) for row in rows]

    def bare_csv_writer() -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows(records)
        return buffer.getvalue()

    def generate_and_csv() -> bytes:
        return render_csv(generate_rows(aid, CHECKOUT, start, end), checkout, "no")

    def render_csv_only() -> bytes:
        return render_csv(rows, checkout, "no")

    def pdf(language: str) -> Callable[[], object]:
        request = ReportRequest(aid, CHECKOUT, start, end, language, "application/pdf", schedule="monthly")
        contract = default_contract()
        return lambda: render_report(request, contract, now=after_the_month)

    bare_best, bare_median = timings(bare_csv_writer)
    gen_best, gen_median = timings(generate_and_csv)
    csv_best, csv_median = timings(render_csv_only)
    print(
        f"  bare csv.writer, precomputed records : best {bare_best * 1e3:7.1f} ms  median {bare_median * 1e3:7.1f} ms"
    )
    print(
        f"  render_csv of generated rows         : best {csv_best * 1e3:7.1f} ms  "
        f"median {csv_median * 1e3:7.1f} ms  ({csv_best / bare_best:.2f}x bare)"
    )
    print(
        f"  generate_rows + render_csv           : best {gen_best * 1e3:7.1f} ms  "
        f"median {gen_median * 1e3:7.1f} ms  ({gen_best / bare_best:.2f}x bare)"
    )
    for language in ("no", "en"):
        pdf_best, pdf_median = timings(pdf(language))
        report = pdf(language)()
        assert hasattr(report, "body")
        print(
            f"  render_report PDF ({language}), incl. rows  : best {pdf_best * 1e3:7.1f} ms  "
            f"median {pdf_median * 1e3:7.1f} ms  ({len(report.body) / 1024:.0f} KiB)"
        )

    print()
    print("row counts per schedule (periods inside November 2026)")
    periods = schedule_periods(date(2026, 11, 1))
    for label, account in (("small", small_aid()), ("large", aid)):
        p = account_profile(account)
        stores = f"{len(p.stores)} store" + ("s" if len(p.stores) != 1 else "")
        print(f"  {label} account {account} ({p.tier}, {stores}, {p.wallet_card_count} wallet cards)")
        for schedule, (first, after) in periods.items():
            counts = {dt: len(generate_rows(account, dt, first, after)) for dt in (CHECKOUT, ORDERS, WALLETS)}
            print(f"    {schedule:14s} {first}..{after}: " + ", ".join(f"{dt} {n:,}" for dt, n in counts.items()))


if __name__ == "__main__":
    main()
