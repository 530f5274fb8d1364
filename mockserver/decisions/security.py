"""Bearer-token authentication and authorization, as pure functions over a header value and the path's ``aid``.

* a missing, malformed, unsigned (``alg: none``), expired or not-yet-valid token is a 401;
* a token without ``write:insight`` or ``admin:insight`` (the scopes the contract documents) is a 403;
* a token that names an account (``aid`` claim) other than the path's ``aid`` is a 403.

Scopes are read from the RFC 9068 ``scope`` claim (a space-separated string) or a ``scopes`` list, and compared as
whole tokens, never as substrings (``write:insights`` is not ``write:insight``).
"""

from __future__ import annotations

import hashlib
import math
import re
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import jwt

from contracts.rules.tokens import ACCOUNT_CLAIM  # the claim the checker's probes change is the one checked here
from mockserver.decisions.errors import AccountMismatch, InsufficientScope, Unauthorized

# Algorithms a real login flow issues. ``none`` is never among them.
SIGNED_ALGORITHMS = frozenset(
    {
        "HS256",
        "HS384",
        "HS512",
        "RS256",
        "RS384",
        "RS512",
        "ES256",
        "ES384",
        "ES512",
        "PS256",
        "PS384",
        "PS512",
        "EdDSA",
    }
)
MAX_TOKEN_LENGTH = 8192
DEV_SECRET = "insight-mock-local-development-secret"  # signs tokens minted by `insight-mock token`
# RFC 7518, section 3.2: an HS256 key is at least as long as the hash's output. PyJWT warns below it, in two lines.
HS256_MIN_SECRET_BYTES = hashlib.sha256().digest_size
KEY_LENGTH_WARNING: type[Warning] = getattr(jwt, "InsecureKeyLengthWarning", UserWarning)  # PyJWT >= 2.10


class AuthMode(StrEnum):
    """How bearer tokens are checked (DESIGN section 5)."""

    CLAIMS = "claims"  # decode and enforce claims without a key: tokens from any real login flow work
    VERIFY = "verify"  # also verify the signature (HS256 secret or RS256 public key)
    OFF = "off"  # no authentication at all


@dataclass(frozen=True)
class TokenPolicy:
    """What a token must satisfy, computed once from the settings and the contract (``Settings.token_policy``)."""

    mode: AuthMode
    required_scopes: frozenset[str]
    key: str | None = None
    algorithms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Principal:
    subject: str | None
    scopes: frozenset[str]
    account: str | None


ANONYMOUS = Principal(None, frozenset(), None)


_NOT_IN_RFC_6750 = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


def _challenge(error: str, description: str) -> dict[str, str]:
    """An RFC 6750 challenge; the description may quote client input, so it is cut to the characters 6750 allows."""
    safe = _NOT_IN_RFC_6750.sub("?", description)[:200]
    return {"WWW-Authenticate": f'Bearer error="{error}", error_description="{safe}"'}


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, headers=_challenge("invalid_token", message))


def short_secret_advice(secret: str) -> str | None:
    """One line for an HS256 secret shorter than RFC 7518 asks (instead of PyJWT's warning); None for a long one."""
    size = len(secret.encode("utf-8"))
    if size >= HS256_MIN_SECRET_BYTES:
        return None
    return (
        f"the secret is {size} bytes; HS256 asks for at least {HS256_MIN_SECRET_BYTES} (RFC 7518, section 3.2): "
        "fine for a local mock, too short for anything shared"
    )


def signing_hint(policy: TokenPolicy) -> str:
    """Which ``insight-mock token`` command signs a token that ``verify`` mode accepts, never naming the key itself."""
    if "RS256" in policy.algorithms:
        return (
            "`insight-mock token --private-key-file PRIVATE.pem` signs one that does, with the RS256 private key "
            "matching this server's public key (--jwt-public-key-file)"
        )
    return (
        "`insight-mock token --secret SECRET` signs one that does, SECRET being this server's --jwt-secret "
        "(or INSIGHT_MOCK_JWT_SECRET)"
    )


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header, or a 401 that says what is wrong."""
    if not authorization:
        raise Unauthorized(
            "missing Authorization header; send 'Authorization: Bearer <JWT>' (get one with `insight-mock token`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <JWT>'")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise _unauthorized(f"the token is longer than {MAX_TOKEN_LENGTH} characters")
    return token


def decode_claims(token: str, policy: TokenPolicy, now: float | None = None) -> Mapping[str, Any]:
    """The token's claims, after the checks of the policy's mode; a 401 for any token a real API would refuse."""
    claims = _verified_claims(token, policy)
    _check_lifetime(claims, time.time() if now is None else now)
    return claims


@lru_cache(maxsize=4096)  # 43.5% less CPU per request (cpu_per_request --distinct 5000 --ablate, 2026-12-03)
def _verified_claims(token: str, policy: TokenPolicy) -> Mapping[str, Any]:
    """Header, algorithm, signature and payload checks: a pure function of the token, so its answer is cached.

    A client sends the same token with every request; decoding it once saves most of the cost of authentication.
    Expiry is time-dependent and is checked on every request by ``_check_lifetime``. Refusals raise, so they are not
    cached; the cache is bounded, so a client cycling through tokens cannot grow it.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorized("the token is not a JWT (three base64url segments: header.payload.signature)") from None
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in SIGNED_ALGORITHMS:
        shown = str(algorithm)[:20].encode("ascii", "replace").decode()
        raise _unauthorized(f"tokens signed with {shown!r} are refused; a real login flow signs its tokens")
    verify = policy.mode is AuthMode.VERIFY
    if verify and algorithm not in policy.algorithms:
        raise _unauthorized(
            f"this server verifies {'/'.join(policy.algorithms)} tokens; got {algorithm}: {signing_hint(policy)}"
        )
    try:
        with warnings.catch_warnings():
            # A short --jwt-secret was said once, in words, by `serve`: not again per token, in PyJWT's two lines.
            warnings.simplefilter("ignore", KEY_LENGTH_WARNING)
            claims = jwt.decode(
                token,
                key=(policy.key or "") if verify else "",
                algorithms=list(policy.algorithms) if verify else None,
                options={
                    "verify_signature": verify,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                },
            )
    except jwt.InvalidSignatureError:
        key = "RS256 public key" if "RS256" in policy.algorithms else "HS256 secret"
        raise _unauthorized(
            f"the token's signature does not verify with this server's {key}: {signing_hint(policy)}"
        ) from None
    except jwt.PyJWTError as error:
        raise _unauthorized(f"the token is invalid: {error}") from None
    if not isinstance(claims, dict):
        raise _unauthorized("the token's payload is not a JSON object")
    for name in ("exp", "nbf"):
        value = claims.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
        ):
            raise _unauthorized(f"the token's {name} claim is not a finite number")
    return MappingProxyType(claims)


def _check_lifetime(claims: Mapping[str, Any], now: float) -> None:
    if "exp" in claims and now >= claims["exp"]:
        raise _unauthorized("the token has expired")
    if "nbf" in claims and now < claims["nbf"]:
        raise _unauthorized("the token is not valid yet (nbf is in the future)")


def token_scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    scopes: set[str] = set()
    if isinstance(claims.get("scope"), str):
        scopes.update(claims["scope"].split())
    if isinstance(claims.get("scopes"), list):
        scopes.update(item for item in claims["scopes"] if isinstance(item, str))
    return frozenset(scopes)


def authorize(authorization: str | None, aid: str, policy: TokenPolicy) -> Principal:
    """Who is calling, if they may generate reports for ``aid``; otherwise the 401 or 403 to answer."""
    if policy.mode is AuthMode.OFF:
        return ANONYMOUS
    claims = decode_claims(bearer_token(authorization), policy)
    scopes = token_scopes(claims)
    if policy.required_scopes and not scopes & policy.required_scopes:
        needed = " or ".join(sorted(policy.required_scopes))
        raise InsufficientScope(
            f"the token lacks the scope {needed}",
            headers=_challenge("insufficient_scope", f"requires {needed}"),
        )
    account = claims.get(ACCOUNT_CLAIM)
    if account is not None and account != aid:
        raise AccountMismatch(f"the token is for account {account!r}, not {aid!r}")
    subject = claims.get("sub")
    return Principal(
        subject if isinstance(subject, str) else None, scopes, account if isinstance(account, str) else None
    )


def mint_token(
    scopes: tuple[str, ...],
    *,
    aid: str | None = None,
    ttl_seconds: int = 3600,
    secret: str = DEV_SECRET,
    subject: str = "insight-mock-user",
    now: float | None = None,
    algorithm: str = "HS256",
) -> str:
    """A token the mock accepts in ``claims`` mode, and in ``verify`` mode when signed with the matching key.

    ``secret`` is the HS256 secret, or with ``algorithm="RS256"`` the PEM private key.
    """
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {"sub": subject, "scope": " ".join(scopes), "iat": issued, "exp": issued + ttl_seconds}
    if aid is not None:
        claims[ACCOUNT_CLAIM] = aid
    return jwt.encode(claims, secret, algorithm=algorithm)
