"""A journalled request as a ``curl`` command and as a ``fetch()`` call that send it again.

The journal never keeps a credential, so neither does a replay: a bearer token becomes ``$TOKEN`` (curl) or
``${token}`` (fetch), and any other redacted value stays ``(redacted)``, said in a comment. A body the journal cut
or redacted is said the same way: the replay sends what was kept, never something made up.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.state.journal import REDACTED

# Set by the client's HTTP stack from the connection and the body, not chosen by whoever wrote the request.
_TRANSPORT = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade", "accept-encoding"}
)
# Headers a browser sets itself and a page's fetch() may not (the Fetch standard's forbidden request headers).
_BROWSER_ONLY = frozenset({"origin", "referer", "user-agent", "cookie", "dnt", "priority"})


def _replayed(headers: Sequence[Sequence[str]], *, browser: bool) -> list[tuple[str, str]]:
    kept = []
    for name, value in headers:
        if name in _TRANSPORT:
            continue
        if browser and (name in _BROWSER_ONLY or name.startswith(("sec-", "proxy-"))):
            continue
        kept.append((name, value))
    return kept


def _display_name(name: str) -> str:
    """``content-type`` as people write it: ``Content-Type`` (HTTP names are case-insensitive)."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def request_url(entry: Mapping[str, Any], fallback_origin: str) -> str:
    """Where the request went: the origin it named in ``Host`` (else ``fallback_origin``), its path and query."""
    host = next((value for name, value in entry["headers"] if name == "host"), None)
    origin = f"http://{host}" if host else fallback_origin
    return f"{origin}{entry['path']}" + (f"?{entry['query']}" if entry["query"] else "")


def _caveats(entry: Mapping[str, Any], comment: str) -> list[str]:
    lines = []
    body = entry["body"] or ""
    if entry["body_bytes"] > len(body.encode("utf-8")):
        lines.append(
            f"{comment} The journal kept the first {len(body)} characters of a {entry['body_bytes']}-byte body:"
        )
        lines.append(f"{comment} this sends only those.")
    if REDACTED in body or any(value == REDACTED for name, value in entry["headers"] if name != "authorization"):
        lines.append(f"{comment} Secrets were not kept: put the real values where it says {REDACTED}.")
    return lines


def _bearer(value: str) -> bool:
    return value.lower().startswith("bearer ") and value.endswith(REDACTED)


def curl_command(entry: Mapping[str, Any], fallback_origin: str) -> str:
    """A shell command that sends the request again (``TOKEN`` holds a bearer token when it had one)."""
    lines = _caveats(entry, "#")
    method, body = entry["method"], entry["body"]
    command = ["curl -i"]
    if not (method == "GET" and body is None) and not (method == "POST" and body is not None):
        command.append(f"-X {shlex.quote(method)}")
    command.append(shlex.quote(request_url(entry, fallback_origin)))
    parts = [" ".join(command)]
    for name, value in _replayed(entry["headers"], browser=False):
        if name == "authorization" and _bearer(value):
            parts.append('-H "Authorization: Bearer $TOKEN"')
        else:
            parts.append(f"-H {shlex.quote(f'{_display_name(name)}: {value}')}")
    if body is not None:
        parts.append(f"--data-raw {shlex.quote(body)}")
    if any(name == "authorization" and _bearer(value) for name, value in entry["headers"]):
        lines.append("# TOKEN=$(insight-mock token)   # or the token your app uses")
    lines.append(" \\\n  ".join(parts))
    return "\n".join(lines)


_SAFE_INTEGER = 2**53 - 1


def _not_for_javascript(_text: str) -> Any:
    raise ValueError("JavaScript would write this number differently")


def _integer(text: str) -> int:
    if abs(int(text)) > _SAFE_INTEGER:
        raise ValueError("JavaScript would round this integer")
    return int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if any(key.isdigit() for key, _ in pairs):
        raise ValueError("JavaScript puts integer-like keys first")
    return dict(pairs)


def _js_body(body: str) -> str:
    """The body as a JavaScript expression that makes exactly those characters: readable JSON when it round-trips.

    ``JSON.stringify`` of the parsed value writes what Python's compact ``json.dumps`` writes, unless a number is a
    fraction or beyond 2**53 or an object has integer-like keys: those bodies (and any that is not compact JSON, such
    as one with spaces or repeated keys) are given as the string they were.
    """
    literal = json.dumps(body, ensure_ascii=False)
    try:
        parsed = json.loads(
            body,
            parse_float=_not_for_javascript,
            parse_constant=_not_for_javascript,
            parse_int=_integer,
            object_pairs_hook=_object,
        )
    except ValueError:
        return literal
    if json.dumps(parsed, ensure_ascii=False, separators=(",", ":")) != body:
        return literal
    return "JSON.stringify(" + json.dumps(parsed, ensure_ascii=False, indent=2).replace("\n", "\n  ") + ")"


def fetch_call(entry: Mapping[str, Any], fallback_origin: str) -> str:
    """JavaScript for a page (or Node 18+) that sends the request again; ``token`` holds a bearer token if needed."""
    lines = _caveats(entry, "//")
    headers = _replayed(entry["headers"], browser=True)
    if any(name == "authorization" and _bearer(value) for name, value in headers):
        lines.append("// token: a bearer token (`insight-mock token` prints one)")
    lines.append(f"const response = await fetch({json.dumps(request_url(entry, fallback_origin))}, {{")
    lines.append(f"  method: {json.dumps(entry['method'])},")
    if headers:
        lines.append("  headers: {")
        for name, value in headers:
            shown = "`Bearer ${token}`" if name == "authorization" and _bearer(value) else json.dumps(value)
            lines.append(f"    {json.dumps(_display_name(name))}: {shown},")
        lines.append("  },")
    if entry["body"] is not None:
        lines.append(f"  body: {_js_body(entry['body'])},")
    lines.append("});")
    lines.append("console.log(response.status, await response.text());")
    return "\n".join(lines)
