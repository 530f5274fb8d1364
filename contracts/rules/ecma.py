r"""JSON Schema patterns are ECMA-262 regular expressions; Python's ``re`` reads two of their pieces differently.

* ``\d`` is ASCII-only in ECMA and any Unicode digit in Python (Arabic-Indic digits would make an account id);
* ``$`` matches only at the very end in ECMA, and also before a final newline in Python (``"P12345678\n"``).

These helpers rewrite a pattern so both engines agree, scanning it once and leaving character classes intact.
"""

from __future__ import annotations

import re
from functools import cache


def _rewrite(pattern: str, *, anchor_end: bool) -> str:
    out: list[str] = []
    in_class, index = False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pair = pattern[index : index + 2]
            out.append(("0-9" if in_class else "[0-9]") if pair == r"\d" else pair)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(r"\Z" if anchor_end and char == "$" and not in_class else char)
        index += 1
    return "".join(out)


def ascii_digits(pattern: str) -> str:
    r"""The same pattern with ``\d`` written ``[0-9]``: portable text for a published contract."""
    return _rewrite(pattern, anchor_end=False)


@cache
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A Python regex with the ECMA meaning of ``pattern`` (use ``.search``, as JSON Schema does)."""
    return re.compile(_rewrite(pattern, anchor_end=True))
