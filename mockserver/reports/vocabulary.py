"""What a report request may say, read from the loaded contract (``--spec``), never from the checked-in file.

The contract decides the words (data types, schedules, languages, content types, filter keys, the account pattern);
the report code decides what it can produce (a row generator per data type, a CSV for each, a PDF layout for some,
translations, filterable columns). Building the vocabulary checks that the two fit, once, when a contract is first
used for a report, so a contract asking for something the mock cannot render fails with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from contracts.model.contract import Contract
from mockserver.reports import i18n
from mockserver.reports.data import CHECKOUT, ROW_TYPES, WALLETS

CSV: Final = "text/csv"
PDF: Final = "application/pdf"
#: Data types with a PDF layout (mockserver.reports.pdf); every data type has a CSV.
PDF_LAYOUTS: Final = (CHECKOUT, WALLETS)


@dataclass(frozen=True)
class Vocabulary:
    """The report words of one contract, per ``dataType``."""

    account_pattern: re.Pattern[str]
    content_types: Mapping[str, tuple[str, ...]]
    languages: Mapping[str, tuple[str, ...]]
    schedules: Mapping[str, tuple[str, ...]]
    filter_keys: Mapping[str, tuple[str, ...]]  # empty: the contract declares no reportFilters for that data type

    @property
    def data_types(self) -> tuple[str, ...]:
        return tuple(self.content_types)


def vocabulary_from(contract: Contract) -> Vocabulary:
    """The contract's report vocabulary; ``ValueError`` when it asks for a report the mock cannot produce."""
    content_types: dict[str, tuple[str, ...]] = {}
    languages: dict[str, tuple[str, ...]] = {}
    filter_keys: dict[str, tuple[str, ...]] = {}
    for data_type, variant in contract.variants.items():
        if data_type not in ROW_TYPES:
            raise ValueError(f"the contract names dataType {data_type!r}, for which the mock has no report data")
        content_types[data_type] = tuple(str(value) for value in variant.allowed("contentType")) or (CSV,)
        for content_type in content_types[data_type]:
            if content_type != CSV and not (content_type == PDF and data_type in PDF_LAYOUTS):
                raise ValueError(f"the mock cannot render {data_type} reports as {content_type!r}")
        languages[data_type] = tuple(str(value) for value in variant.allowed("language")) or i18n.LANGUAGES
        untranslated = set(languages[data_type]) - set(i18n.LANGUAGES)
        if untranslated:
            raise ValueError(f"the contract names report languages the mock has no words for: {sorted(untranslated)}")
        # A declared key the rows have no column for is honoured too: no row has that value, so it matches none.
        filter_keys[data_type] = variant.filter_keys if "reportFilters" in variant.properties else ()
    return Vocabulary(
        account_pattern=contract.account_pattern,
        content_types=content_types,
        languages=languages,
        schedules={data_type: variant.schedules for data_type, variant in contract.variants.items()},
        filter_keys=filter_keys,
    )


# A contract is loaded once per app and lives as long as it; its vocabulary is computed on first use.
_VOCABULARIES: dict[int, tuple[Contract, Vocabulary]] = {}


def vocabulary_of(contract: Contract) -> Vocabulary:
    cached = _VOCABULARIES.get(id(contract))
    if cached is None or cached[0] is not contract:
        cached = (contract, vocabulary_from(contract))
        _VOCABULARIES[id(contract)] = cached
    return cached[1]
