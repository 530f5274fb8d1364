"""Frontend controls as pure functions: the ``Prefer`` header (RFC 7240, Prism's conventions) and server latency.

``Prefer: code=401`` forces a declared status, ``Prefer: delay=300`` delays the answer (milliseconds, at most 30 s),
``Prefer: validation=skip`` (ours) returns the forced status without looking at the request. Several preferences may
share one header or come in several headers; unknown preferences are ignored, as RFC 7240 asks.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from mockserver.decisions.errors import BadRequest

MAX_DELAY_MS = 30_000
_PREFERENCE = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?')


_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}", re.ASCII)  # str.isdigit() also says yes to '²' and '٣'


def _whole_number(value: str) -> int | None:
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else None


@dataclass(frozen=True)
class Preferences:
    code: int | None = None
    delay_ms: int = 0
    skip_validation: bool = False


NONE = Preferences()


def _preference_pairs(header: str) -> dict[str, str]:
    """``name=value`` pairs of a Prefer header; parameters after ``;`` are read as preferences too (Prism does)."""
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;]", header):
        match = _PREFERENCE.fullmatch(part) if part.strip() else None
        if match:
            name, value = match.group(1).lower(), (match.group(2) or "").strip('"')
            pairs.setdefault(name, value)  # RFC 7240: the first occurrence wins
    return pairs


def parse_prefer(header: str | None, declared: tuple[int, ...]) -> Preferences:
    """The preferences the mock honours; a 400 for a ``code`` the operation does not declare or a bad ``delay``."""
    if not header:
        return NONE
    pairs = _preference_pairs(header)
    code = None
    if "code" in pairs:
        code = _whole_number(pairs["code"])
        if code not in declared:
            codes = ", ".join(str(status) for status in declared)
            shown = pairs["code"][:20].encode("ascii", "replace").decode()
            raise BadRequest(f"Prefer: code={shown} is not declared for this operation; declared: {codes}")
    delay = 0
    if "delay" in pairs:
        requested = _whole_number(pairs["delay"])
        if requested is None or requested > MAX_DELAY_MS:
            raise BadRequest(f"Prefer: delay must be a whole number of milliseconds from 0 to {MAX_DELAY_MS}")
        delay = requested
    return Preferences(code, delay, pairs.get("validation") == "skip")


@dataclass(frozen=True)
class Latency:
    """Added to every API answer: fixed (``200ms``) or uniform in a range (``100-400ms``)."""

    low_ms: float = 0.0
    high_ms: float = 0.0

    def sample_seconds(self, rng: random.Random) -> float:
        if self.high_ms <= self.low_ms:
            return self.low_ms / 1000
        return rng.uniform(self.low_ms, self.high_ms) / 1000


_LATENCY = re.compile(r"(?P<low>\d+(?:\.\d+)?)(?:\s*-\s*(?P<high>\d+(?:\.\d+)?))?\s*(?P<unit>ms|s)?")


def parse_latency(text: str) -> Latency:
    """``200ms``, ``0.2s``, ``100-400ms`` or a bare number of milliseconds."""
    match = _LATENCY.fullmatch(text.strip())
    if not match:
        raise ValueError(f"latency {text!r} is not like '200ms', '0.5s' or '100-400ms'")
    scale = 1000.0 if match["unit"] == "s" else 1.0
    low = float(match["low"]) * scale
    high = float(match["high"]) * scale if match["high"] else low
    if high < low or high > MAX_DELAY_MS:
        raise ValueError(f"latency {text!r} must be an increasing range of at most {MAX_DELAY_MS} ms")
    return Latency(low, high)
