"""The tokens the checker's auth probes send, derived from the user's own token.

A probe for "expired" or "token for another account" must differ from a token the server accepts in exactly one claim,
so the checker copies the user's claims (decoded WITHOUT verification: it has no key) and changes that one claim.
Changing a claim breaks the signature, so those tokens are re-signed with HS256 and a key:

* ``--jwt-secret`` given: that secret, so a server that verifies HS256 signatures accepts the signature and judges
  the claim, which is the point of the probe;
* otherwise a throwaway key. A server that does not verify signatures (the mock's default ``claims`` mode) judges the
  claims; a server that verifies them would refuse every re-signed token as badly signed, whatever its claim checks.
  The checker therefore first sends a *control*: the user's claims unchanged, re-signed the same way. Only when the
  control is accepted are the claim probes meaningful; otherwise they are reported as not reached, with the reason.

Pure functions: no I/O, the clock is a parameter.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt

ACCOUNT_CLAIM = "aid"
SCOPE_CLAIMS = ("scope", "scopes", "scp")
LIFETIME = 600  # seconds an expired token has been dead, or a not-yet-valid token has to wait


@dataclass(frozen=True)
class AuthCase:
    """One way a token can be wrong: its name, the token to send (``None``: no header) and the status it must get."""

    name: str
    token: str | None
    status: int
    resigned: bool  # the token was re-signed: meaningful only when the server accepts the control
    why: str


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a JWT, read without checking its signature; ``None`` when the token is not a JWT."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    return claims if isinstance(claims, dict) else None


def look_alike_scopes(required: tuple[str, ...]) -> tuple[str, ...]:
    """Scopes a careless comparison mistakes for a required one: plural, cut short, upper case, read instead of write.

    Each catches one bug: a prefix or substring match (plural, cut short), a case-insensitive one (upper case), a match
    on the resource only (another action).
    """
    found: list[str] = []
    for scope in required:
        _action, _, resource = scope.partition(":")
        candidates = [scope + "s", scope[:-1], scope.upper()]
        if resource:
            candidates.append(f"read:{resource}")
        found += [candidate for candidate in candidates if candidate not in required and candidate not in found]
    return tuple(found)


def other_account(aid: str) -> str:
    """A well-formed account id that is not ``aid`` (the last digit changed)."""
    last = aid[-1:]
    replacement = "1" if last != "1" else "2"
    return aid[:-1] + replacement


def _unsigned(claims: Mapping[str, Any]) -> str:
    return jwt.encode(dict(claims), key=None, algorithm="none")  # type: ignore[arg-type]  # alg none has no key


def auth_cases(
    user_token: str,
    aid: str,
    required_scopes: tuple[str, ...],
    *,
    now: float,
    secret: str | None = None,
) -> tuple[AuthCase | None, list[AuthCase], str | None]:
    """The control, the auth cases, and why the claim cases are missing (when the token is not a JWT)."""
    cases = [
        AuthCase("no-token", None, 401, False, "no Authorization header"),
        AuthCase("garbage-token", "not-a-jwt", 401, False, "a token that is not a JWT"),
    ]
    claims = unverified_claims(user_token)
    if claims is None:
        cases.append(
            AuthCase(
                "unsigned-token",
                _unsigned({"scope": " ".join(required_scopes)}),
                401,
                False,
                "an unsigned token (alg none)",
            )
        )
        return None, cases, "the --token is not a JWT, so no probe can change one of its claims"
    cases.append(AuthCase("unsigned-token", _unsigned(claims), 401, False, "the token's claims, unsigned (alg none)"))
    key = secret or secrets.token_urlsafe(32)

    def signed(changed: Mapping[str, Any], drop: tuple[str, ...] = ()) -> str:
        payload = {name: value for name, value in claims.items() if name not in drop}
        payload.update(changed)
        return jwt.encode(payload, key, algorithm="HS256")

    issued = int(now)
    control = AuthCase("resigned-control", signed({}), 200, True, "the user's claims re-signed: must be accepted")
    cases += [
        AuthCase(
            "expired",
            signed({"iat": issued - 2 * LIFETIME, "exp": issued - LIFETIME}),
            401,
            True,
            "the token expired (exp in the past)",
        ),
        AuthCase(
            "not-yet-valid",
            signed({"nbf": issued + LIFETIME}),
            401,
            True,
            "the token is not valid yet (nbf in the future)",
        ),
        AuthCase("no-scope", signed({}, drop=SCOPE_CLAIMS), 403, True, "the token has no scope claim"),
    ]
    cases += [
        AuthCase(
            f"scope {scope}",
            signed({"scope": scope}, drop=SCOPE_CLAIMS),
            403,
            True,
            f"the token's only scope is {scope!r}, which only looks like a required one",
        )
        for scope in look_alike_scopes(required_scopes)
    ]
    cases.append(
        AuthCase(
            "other-account",
            signed({ACCOUNT_CLAIM: other_account(aid)}),
            403,
            True,
            f"the token's aid claim names another account ({other_account(aid)})",
        )
    )
    return control, cases, None
