"""Bearer tokens in each auth mode: what is accepted, what is a 401, what is a 403."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mockserver.decisions.errors import AccountMismatch, InsufficientScope, Unauthorized
from mockserver.decisions.security import (
    DEV_SECRET,
    AuthMode,
    TokenPolicy,
    authorize,
    mint_token,
    short_secret_advice,
    token_scopes,
)
from mockserver.settings import Settings

AID = "P12345678"
SCOPES = ("admin:insight", "write:insight")
PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    PRIVATE_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def policy(mode: AuthMode = AuthMode.CLAIMS, **settings: str) -> TokenPolicy:
    return Settings(auth=mode, **settings).token_policy(SCOPES)  # type: ignore[arg-type]


CLAIMS = policy()
VERIFY_HS = policy(AuthMode.VERIFY, jwt_secret="s3cret")
VERIFY_RS = policy(AuthMode.VERIFY, jwt_public_key=PUBLIC_PEM)


def bearer(token: str) -> str:
    return f"Bearer {token}"


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(claims: dict[str, object]) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def claims(**extra: object) -> dict[str, object]:
    return {"sub": "u", "scope": "write:insight", "exp": int(time.time()) + 60, **extra}


def test_a_minted_token_is_accepted_in_claims_mode() -> None:
    principal = authorize(bearer(mint_token(("write:insight",))), AID, CLAIMS)
    assert "write:insight" in principal.scopes


def test_claims_mode_accepts_a_token_signed_by_any_real_issuer() -> None:
    token = jwt.encode(claims(), PRIVATE_KEY, algorithm="RS256")
    assert authorize(bearer(token), AID, CLAIMS).subject == "u"


@pytest.mark.parametrize("mode_policy", [CLAIMS, VERIFY_HS, VERIFY_RS], ids=["claims", "verify-hs256", "verify-rs256"])
@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing Authorization"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <JWT>'"),
        ("Bearer", "must be 'Bearer <JWT>'"),
        ("Bearer not.a.jwt", "not a JWT"),
        ("Bearer abc", "not a JWT"),
        ("Bearer a.b.c.d", "not a JWT"),
        ("Bearer !!!.@@@.###", "not a JWT"),
        (bearer(unsigned(claims())), "'none'"),
        (bearer("x" * 9000), "longer than"),
    ],
)
def test_malformed_and_unsigned_tokens_are_401_in_every_mode(
    mode_policy: TokenPolicy, header: str | None, reason: str
) -> None:
    with pytest.raises(Unauthorized, match=reason):
        authorize(header, AID, mode_policy)


@pytest.mark.parametrize("mode_policy", [CLAIMS, VERIFY_HS], ids=["claims", "verify-hs256"])
def test_expired_and_not_yet_valid_tokens_are_401(mode_policy: TokenPolicy) -> None:
    secret = "s3cret"
    expired = jwt.encode(claims(exp=int(time.time()) - 5), secret, algorithm="HS256")
    future = jwt.encode(claims(nbf=int(time.time()) + 3600), secret, algorithm="HS256")
    with pytest.raises(Unauthorized, match="expired"):
        authorize(bearer(expired), AID, mode_policy)
    with pytest.raises(Unauthorized, match="not valid yet"):
        authorize(bearer(future), AID, mode_policy)


def test_verify_mode_refuses_a_token_signed_with_another_secret() -> None:
    with pytest.raises(Unauthorized, match="signature"):
        authorize(bearer(jwt.encode(claims(), "other", algorithm="HS256")), AID, VERIFY_HS)
    assert authorize(bearer(jwt.encode(claims(), "s3cret", algorithm="HS256")), AID, VERIFY_HS)


@pytest.mark.parametrize(
    ("verify", "signed_with", "command"),
    [
        (VERIFY_HS, lambda: jwt.encode(claims(), "o" * 32, algorithm="HS256"), "`insight-mock token --secret SECRET`"),
        (VERIFY_RS, lambda: mint_token(SCOPES), "`insight-mock token --private-key-file PRIVATE.pem`"),
        (VERIFY_HS, lambda: jwt.encode(claims(), PRIVATE_KEY, algorithm="RS256"), "`insight-mock token --secret"),
    ],
    ids=["HS256, another secret", "RS256, an HS256 token", "HS256, an RS256 token"],
)
def test_in_verify_mode_a_token_the_key_refuses_gets_the_command_that_signs_one_it_accepts(
    verify: TokenPolicy, signed_with: Callable[[], str], command: str
) -> None:
    with pytest.raises(Unauthorized) as refused:
        authorize(bearer(signed_with()), AID, verify)
    assert command in refused.value.message
    assert "s3cret" not in refused.value.message and "BEGIN" not in refused.value.message  # never the key itself


def test_a_short_hs256_secret_gets_one_line_of_advice_and_a_long_one_none() -> None:
    advice = short_secret_advice("s3")
    assert advice is not None and "2 bytes" in advice and "32" in advice and "\n" not in advice
    assert short_secret_advice("x" * 32) is None
    assert short_secret_advice("é" * 16) is None  # bytes, not characters: 32 bytes of UTF-8


def test_verify_rs256_accepts_the_matching_private_key_and_refuses_key_confusion() -> None:
    assert authorize(bearer(jwt.encode(claims(), PRIVATE_KEY, algorithm="RS256")), AID, VERIFY_RS)
    # HS256 signed with the public key as the secret: the classic algorithm-confusion attack.
    forged_header = b64({"alg": "HS256", "typ": "JWT"})
    import hashlib
    import hmac

    payload = b64(claims())
    signature = hmac.new(PUBLIC_PEM.encode(), f"{forged_header}.{payload}".encode(), hashlib.sha256).digest()
    forged = f"{forged_header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    with pytest.raises(Unauthorized, match="verifies RS256"):
        authorize(bearer(forged), AID, VERIFY_RS)


@pytest.mark.parametrize(
    ("extra", "accepted"),
    [
        ({"scope": "write:insight"}, True),
        ({"scope": "openid admin:insight profile"}, True),
        ({"scope": None, "scopes": ["write:insight"]}, True),
        ({"scope": "read:insight"}, False),
        ({"scope": "write:insights"}, False),
        ({"scope": "write:insight:x"}, False),
        ({"scope": "Write:Insight"}, False),
        ({"scope": "write:insight,admin:insight"}, False),
        ({"scope": None}, False),
        ({"scope": ["write:insight"]}, False),  # a list in `scope` is not RFC 9068's space-separated string
        ({"scope": None, "scopes": "write:insight"}, False),  # a string in `scopes` is not a list
    ],
)
def test_scopes_are_whole_tokens_from_scope_or_scopes(extra: dict[str, object], accepted: bool) -> None:
    token_claims = {key: value for key, value in claims(**extra).items() if value is not None}
    token = jwt.encode(token_claims, DEV_SECRET, algorithm="HS256")
    if accepted:
        assert authorize(bearer(token), AID, CLAIMS)
    else:
        with pytest.raises(InsufficientScope):
            authorize(bearer(token), AID, CLAIMS)


def test_a_token_for_another_account_is_403_and_for_this_account_is_accepted() -> None:
    with pytest.raises(AccountMismatch, match="P87654321"):
        authorize(bearer(mint_token(("write:insight",), aid="P87654321")), AID, CLAIMS)
    assert authorize(bearer(mint_token(("write:insight",), aid=AID)), AID, CLAIMS).account == AID


def test_off_mode_lets_everything_through() -> None:
    assert authorize(None, AID, policy(AuthMode.OFF)).subject is None


def test_verify_mode_without_a_key_refuses_to_start() -> None:
    with pytest.raises(ValueError, match="needs a JWT secret"):
        Settings(auth=AuthMode.VERIFY)


def test_token_scopes_reads_both_claims() -> None:
    assert token_scopes({"scope": "a b", "scopes": ["c", 1]}) == {"a", "b", "c"}
