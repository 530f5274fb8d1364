"""The one reading of a ``Content-Type`` header (RFC 9110 section 8.3.1), for the mock, the proxy and the checker."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaType:
    essence: str  # type/subtype, lower case ("" when the header is missing)
    parameters: tuple[tuple[str, str], ...] = ()  # in order, repeats kept; names lower case, values unquoted

    def values(self, name: str) -> tuple[str, ...]:
        """Every value of a parameter: a header may repeat one (``charset=utf-8; charset=latin1``)."""
        return tuple(value for key, value in self.parameters if key == name)


def parse_media_type(header: str | None) -> MediaType:
    """``application/json; charset="UTF-8"`` -> ``MediaType("application/json", (("charset", "UTF-8"),))``."""
    essence, *rest = (header or "").split(";")
    parameters = []
    for parameter in rest:
        name, _, value = parameter.partition("=")
        if name.strip():
            parameters.append((name.strip().lower(), value.strip().strip('"')))
    return MediaType(essence.strip().lower(), tuple(parameters))
