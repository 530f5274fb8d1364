"""The one reading of a ``Content-Type`` header (RFC 9110 section 8.3.1), for the mock, the proxy and the checker."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaType:
    essence: str  # type/subtype, lower case ("" when the header is missing)
    parameters: dict[str, str] = field(default_factory=dict)  # names lower case, values unquoted

    @property
    def charset(self) -> str | None:
        return self.parameters.get("charset")


def parse_media_type(header: str | None) -> MediaType:
    """``application/json; charset="UTF-8"`` -> ``MediaType("application/json", {"charset": "UTF-8"})``."""
    essence, *rest = (header or "").split(";")
    parameters: dict[str, str] = {}
    for parameter in rest:
        name, _, value = parameter.partition("=")
        if name.strip():
            parameters.setdefault(name.strip().lower(), value.strip().strip('"'))
    return MediaType(essence.strip().lower(), parameters)
