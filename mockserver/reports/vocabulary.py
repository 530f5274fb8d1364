"""What a report request may say, read from the loaded contract (``--spec``), never from the checked-in file.

The contract decides the words (data types, schedules, languages, content types, filter keys, the account pattern);
the registry (``mockserver.reports.registry``) decides what the mock can produce, and checks at start that every word
of the contract has a renderer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from contracts.model.contract import Contract
from mockserver.reports import i18n

#: What a variant without a ``contentType`` enum gets: the one format every report has.
DEFAULT_CONTENT_TYPE: Final = "text/csv"


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
    """The contract's report vocabulary (whether the mock can render it all is the registry's question)."""
    content_types: dict[str, tuple[str, ...]] = {}
    languages: dict[str, tuple[str, ...]] = {}
    filter_keys: dict[str, tuple[str, ...]] = {}
    for data_type, variant in contract.variants.items():
        content_types[data_type] = tuple(str(value) for value in variant.allowed("contentType")) or (
            DEFAULT_CONTENT_TYPE,
        )
        languages[data_type] = tuple(str(value) for value in variant.allowed("language")) or i18n.LANGUAGES
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
