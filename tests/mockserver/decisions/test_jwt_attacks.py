"""The JWT attack set, over real HTTP, in every auth mode: each attack refused with the right status and Error code.

Four live servers: ``claims`` (the session's ``live_mock``: claims enforced, signatures not verified), ``verify`` with
an HS256 secret, ``verify`` with an RS256 public key file, and ``off``. Every case says what each mode answers:

* a 401 ``UNAUTHORIZED`` carries ``WWW-Authenticate: Bearer ...``, well formed (RFC 6750 section 3: the
  ``error_description`` is a quoted string without ``"``, ``\\`` or non-ASCII characters);
* a 403 is ``INSUFFICIENT_SCOPE`` (with ``WWW-Authenticate: Bearer error="insufficient_scope"``) or
  ``ACCOUNT_MISMATCH``;
* ``off`` accepts everything (200): it has no authentication to attack.

Decisions: the scheme is case-insensitive and may be followed by several spaces (RFC 6750 section 2.1 and RFC 9110
section 11: ``"Bearer" 1*SP b64token``), so ``bearer x`` and ``Bearer  x`` are accepted, and a tab is refused. Scopes
are case-sensitive whole tokens (RFC 6749 section 3.3). Per the README, ``scope`` is a space-separated string and
``scopes`` a list; a list in ``scope`` grants nothing. In ``claims`` mode signatures are not checked by design, so
attacks on the signature alone (key confusion, a wrong key) get a 200 there; every other attack is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from contracts.testing.live import MONTHLY
from tests.conftest import TLS, start_mock, stop

pytestmark = [pytest.mark.live, pytest.mark.timeout(60)]

PATH = "/accounts/P12345678/insight/generate-report"
BODY = MONTHLY
HS_SECRET = "hardening-team-secret-0123456789-abcdef"
TIMEOUT = 5.0
MAX_TOKEN_LENGTH = 8192

CLAIMS, VERIFY_HS256, VERIFY_RS256, OFF = "claims", "verify-hs256", "verify-rs256", "off"
MODES = (CLAIMS, VERIFY_HS256, VERIFY_RS256, OFF)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64(json.dumps(value).encode())


def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class Keys:
    """The server's RSA key pair (its public half is the server's key file) and an attacker's."""

    server: rsa.RSAPrivateKey
    attacker: rsa.RSAPrivateKey

    @property
    def server_public_pem(self) -> bytes:
        return public_pem(self.server)


KEYS = Keys(private_key(), private_key())


@dataclass(frozen=True)
class Signer:
    """Signs claims the way the mode's server accepts: what a legitimate login flow would issue for it."""

    mode: str

    def __call__(self, claims: Mapping[str, Any], header: Mapping[str, Any] | None = None) -> str:
        if self.mode == VERIFY_RS256:
            return jwt.encode(dict(claims), KEYS.server, algorithm="RS256", headers=dict(header or {}))
        secret = HS_SECRET if self.mode == VERIFY_HS256 else "any-secret-a-login-flow-might-use-0123456789"
        return jwt.encode(dict(claims), secret, algorithm="HS256", headers=dict(header or {}))


def claims(**extra: Any) -> dict[str, Any]:
    """A valid token's claims: write:insight, an hour to live; ``extra`` overrides (None removes)."""
    now = int(time.time())
    values: dict[str, Any] = {"sub": "attacker", "scope": "write:insight", "iat": now, "exp": now + 3600}
    values.update(extra)
    return {name: value for name, value in values.items() if value is not None}


def unsigned(header: Mapping[str, Any], payload: Mapping[str, Any], signature: str = "") -> str:
    return f"{segment(header)}.{segment(payload)}.{signature}"


def raw_payload(payload: bytes, header: Mapping[str, Any] | None = None) -> str:
    """A token whose payload segment is these exact bytes (for JSON that json.dumps would not write)."""
    return f"{segment(header or {'alg': 'HS256', 'typ': 'JWT'})}.{b64(payload)}.{b64(b'signature')}"


def hs256_with_key(key: bytes, payload: Mapping[str, Any]) -> str:
    """HS256 computed by hand, with any bytes as the key (PyJWT refuses a PEM as an HMAC secret, an attacker won't)."""
    signing_input = f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{segment(payload)}"
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def padded_to(length: int, sign: Signer) -> str:
    """A legitimately signed token as close to ``length`` characters as base64 allows, never longer."""
    low, high = 0, length  # the longest padding that keeps the token within ``length``, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if len(sign(claims(pad="a" * middle))) <= length:
            low = middle
        else:
            high = middle - 1
    return sign(claims(pad="a" * low))


# --- what each mode answers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    code: str | None = None  # None for a 200


OK = Outcome(200)
UNAUTHORIZED = Outcome(401, "UNAUTHORIZED")
INSUFFICIENT_SCOPE = Outcome(403, "INSUFFICIENT_SCOPE")
ACCOUNT_MISMATCH = Outcome(403, "ACCOUNT_MISMATCH")


def refused(outcome: Outcome) -> dict[str, Outcome]:
    """Refused in every mode that authenticates; ``off`` lets it through."""
    return {CLAIMS: outcome, VERIFY_HS256: outcome, VERIFY_RS256: outcome, OFF: OK}


def signature_only(outcome: Outcome) -> dict[str, Outcome]:
    """An attack on the signature alone: only the verifying modes can see it."""
    return {CLAIMS: OK, VERIFY_HS256: outcome, VERIFY_RS256: outcome, OFF: OK}


ACCEPTED_EVERYWHERE = {mode: OK for mode in MODES}


@dataclass(frozen=True)
class Attack:
    id: str
    authorization: Callable[[Signer], str | None]  # the Authorization header value (None: no header)
    expected: Mapping[str, Outcome]
    query: str = ""


def bearer(token: Callable[[Signer], str]) -> Callable[[Signer], str]:
    return lambda sign: f"Bearer {token(sign)}"


HOUR = 3600
ATTACKS: list[Attack] = [
    # -- the baseline: a legitimate token
    Attack("a legitimate token", bearer(lambda sign: sign(claims())), ACCEPTED_EVERYWHERE),
    # -- unsigned tokens
    Attack(
        "alg none without a signature",
        bearer(lambda _: unsigned({"alg": "none", "typ": "JWT"}, claims())),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "alg none with a trailing signature",
        bearer(lambda sign: unsigned({"alg": "none"}, claims(), sign(claims()).rsplit(".", 1)[1])),
        refused(UNAUTHORIZED),
    ),
    Attack("alg None capitalised", bearer(lambda _: unsigned({"alg": "None"}, claims())), refused(UNAUTHORIZED)),
    Attack("alg NONE uppercase", bearer(lambda _: unsigned({"alg": "NONE"}, claims(), "c2ln")), refused(UNAUTHORIZED)),
    Attack("no alg at all", bearer(lambda _: unsigned({"typ": "JWT"}, claims(), "c2ln")), refused(UNAUTHORIZED)),
    Attack("alg as a list", bearer(lambda _: unsigned({"alg": ["HS256"]}, claims(), "c2ln")), refused(UNAUTHORIZED)),
    # -- forged signatures
    Attack(
        "HS256 signed with the RS256 public key PEM as the secret (key confusion)",
        bearer(lambda _: hs256_with_key(KEYS.server_public_pem, claims())),
        signature_only(UNAUTHORIZED),
    ),
    Attack(
        "HS256 signed with another secret",
        bearer(lambda _: jwt.encode(claims(), "not-the-servers-secret-0123456789abcdef", algorithm="HS256")),
        signature_only(UNAUTHORIZED),
    ),
    Attack(
        "RS256 signed with an attacker's key",
        bearer(lambda _: jwt.encode(claims(), KEYS.attacker, algorithm="RS256")),
        signature_only(UNAUTHORIZED),
    ),
    Attack(
        "RS256 signed with an attacker's key that it embeds as a jwk header",
        bearer(
            lambda _: jwt.encode(
                claims(),
                KEYS.attacker,
                algorithm="RS256",
                headers={"jwk": json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEYS.attacker.public_key()))},
            )
        ),
        signature_only(UNAUTHORIZED),
    ),
    Attack(
        "PS256 signed with the server's own private key (an algorithm the server does not verify)",
        bearer(lambda _: jwt.encode(claims(), KEYS.server, algorithm="PS256")),
        signature_only(UNAUTHORIZED),
    ),
    Attack(
        "a legitimate token with its payload swapped for more scope",
        bearer(
            lambda sign: (lambda parts: f"{parts[0]}.{segment(claims(scope='admin:insight'))}.{parts[2]}")(
                sign(claims(scope="read:insight")).split(".")
            )
        ),
        {CLAIMS: OK, VERIFY_HS256: UNAUTHORIZED, VERIFY_RS256: UNAUTHORIZED, OFF: OK},
    ),
    # -- lifetime
    Attack("expired a minute ago", bearer(lambda sign: sign(claims(exp=int(time.time()) - 60))), refused(UNAUTHORIZED)),
    Attack(
        "expired a second ago (no leeway)",
        bearer(lambda sign: sign(claims(exp=int(time.time()) - 1))),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "not valid for another five minutes (nbf)",
        bearer(lambda sign: sign(claims(nbf=int(time.time()) + 300))),
        refused(UNAUTHORIZED),
    ),
    Attack("exp as a string", bearer(lambda sign: sign(claims(exp="tomorrow"))), refused(UNAUTHORIZED)),
    Attack("exp as true", bearer(lambda sign: sign(claims(exp=True))), refused(UNAUTHORIZED)),
    Attack(
        "exp NaN (never expires if compared naively)",
        bearer(lambda _: raw_payload(b'{"scope":"write:insight","exp":NaN}')),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "exp 1e999, an infinite lifetime",
        bearer(lambda _: raw_payload(b'{"scope":"write:insight","exp":1e999}')),
        refused(UNAUTHORIZED),
    ),
    Attack("nbf NaN", bearer(lambda _: raw_payload(b'{"scope":"write:insight","nbf":NaN}')), refused(UNAUTHORIZED)),
    # -- malformed tokens
    Attack(
        "a header segment that is not base64",
        bearer(lambda sign: "!!!." + sign(claims()).split(".", 1)[1]),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "a payload segment that is not base64",
        bearer(lambda sign: (lambda parts: f"{parts[0]}.%%%.{parts[2]}")(sign(claims()).split("."))),
        refused(UNAUTHORIZED),
    ),
    Attack("a payload that is not JSON", bearer(lambda _: raw_payload(b"scope=write:insight")), refused(UNAUTHORIZED)),
    Attack(
        "a payload that is a JSON array", bearer(lambda _: raw_payload(b'["write:insight"]')), refused(UNAUTHORIZED)
    ),
    Attack(
        "a payload that is not UTF-8",
        bearer(lambda _: raw_payload(b'{"scope":"write:insight","x":"\xff"}')),
        refused(UNAUTHORIZED),
    ),
    Attack("two segments", bearer(lambda sign: sign(claims()).rsplit(".", 1)[0]), refused(UNAUTHORIZED)),
    Attack("four segments", bearer(lambda sign: sign(claims()) + ".c2ln"), refused(UNAUTHORIZED)),
    Attack("one segment", bearer(lambda _: "c2VjcmV0"), refused(UNAUTHORIZED)),
    Attack(
        "an unknown critical header",
        bearer(lambda sign: sign(claims(), {"crit": ["x-unknown"], "x-unknown": 1})),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "an alg with a quote and a backslash",
        bearer(lambda _: unsigned({"alg": 'a"b\\c'}, claims(), "c2ln")),
        refused(UNAUTHORIZED),
    ),
    Attack(
        "an alg outside Latin-1 (a snowman)",
        bearer(lambda _: unsigned({"alg": "\u2603"}, claims(), "c2ln")),
        refused(UNAUTHORIZED),
    ),
    # -- size
    Attack(
        "a legitimately signed token of at most 8 KiB",
        bearer(lambda sign: padded_to(MAX_TOKEN_LENGTH, sign)),
        ACCEPTED_EVERYWHERE,
    ),
    Attack(
        "a legitimately signed token over 8 KiB",
        bearer(lambda sign: sign(claims(pad="a" * MAX_TOKEN_LENGTH))),
        refused(UNAUTHORIZED),
    ),
    # Longer than the 8192 characters a token may have, shorter than the 16 KiB all headers may have (a 431).
    Attack("a 12 KiB token", bearer(lambda sign: sign(claims(pad="a" * 9 * 1024))), refused(UNAUTHORIZED)),
    # -- scope
    Attack(
        "scope as a space-separated string with other scopes",
        bearer(lambda sign: sign(claims(scope="openid read:insight write:insight"))),
        ACCEPTED_EVERYWHERE,
    ),
    Attack(
        "scopes as a list",
        bearer(lambda sign: sign(claims(scope=None, scopes=["read", "write:insight"]))),
        ACCEPTED_EVERYWHERE,
    ),
    Attack("admin:insight", bearer(lambda sign: sign(claims(scope="admin:insight"))), ACCEPTED_EVERYWHERE),
    Attack(
        "scope as a list (README: scope is a string)",
        bearer(lambda sign: sign(claims(scope=["write:insight"]))),
        refused(INSUFFICIENT_SCOPE),
    ),
    Attack(
        "scopes as a string (README: scopes is a list)",
        bearer(lambda sign: sign(claims(scope=None, scopes="write:insight"))),
        refused(INSUFFICIENT_SCOPE),
    ),
    Attack("no scope at all", bearer(lambda sign: sign(claims(scope=None))), refused(INSUFFICIENT_SCOPE)),
    Attack("read:insight only", bearer(lambda sign: sign(claims(scope="read:insight"))), refused(INSUFFICIENT_SCOPE)),
    Attack("write:insights", bearer(lambda sign: sign(claims(scope="write:insights"))), refused(INSUFFICIENT_SCOPE)),
    Attack("write:insight:x", bearer(lambda sign: sign(claims(scope="write:insight:x"))), refused(INSUFFICIENT_SCOPE)),
    Attack("xwrite:insight", bearer(lambda sign: sign(claims(scope="xwrite:insight"))), refused(INSUFFICIENT_SCOPE)),
    Attack("WRITE:INSIGHT", bearer(lambda sign: sign(claims(scope="WRITE:INSIGHT"))), refused(INSUFFICIENT_SCOPE)),
    Attack(
        "comma-joined scopes",
        bearer(lambda sign: sign(claims(scope="read,write:insight"))),
        refused(INSUFFICIENT_SCOPE),
    ),
    Attack(
        "a scope list holding one space-joined string",
        bearer(lambda sign: sign(claims(scope=None, scopes=["read write:insight"]))),
        refused(INSUFFICIENT_SCOPE),
    ),
    Attack(
        "a duplicated scope claim counts its last value (RFC 7519 section 4)",
        bearer(lambda _: raw_payload(b'{"scope":"write:insight","scope":"read"}')),
        {CLAIMS: INSUFFICIENT_SCOPE, VERIFY_HS256: UNAUTHORIZED, VERIFY_RS256: UNAUTHORIZED, OFF: OK},
    ),
    # -- account
    Attack("an aid claim for this account", bearer(lambda sign: sign(claims(aid="P12345678"))), ACCEPTED_EVERYWHERE),
    Attack(
        "an aid claim for another account",
        bearer(lambda sign: sign(claims(aid="P87654321"))),
        refused(ACCOUNT_MISMATCH),
    ),
    Attack("an aid claim in lowercase", bearer(lambda sign: sign(claims(aid="p12345678"))), refused(ACCOUNT_MISMATCH)),
    Attack("an aid claim as a number", bearer(lambda sign: sign(claims(aid=12345678))), refused(ACCOUNT_MISMATCH)),
    Attack(
        "an aid claim as a list holding this account",
        bearer(lambda sign: sign(claims(aid=["P12345678"]))),
        refused(ACCOUNT_MISMATCH),
    ),
    # -- where and how the token is sent
    Attack(
        "the token in ?access_token= instead of the header",
        lambda _: None,
        refused(UNAUTHORIZED),
        query="access_token={token}",
    ),
    Attack(
        "a good token in the query does not rescue a bad header",
        lambda _: "Bearer garbage",
        refused(UNAUTHORIZED),
        query="access_token={token}",
    ),
    Attack("no Authorization header", lambda _: None, refused(UNAUTHORIZED)),
    Attack("lowercase bearer", lambda sign: f"bearer {sign(claims())}", ACCEPTED_EVERYWHERE),
    Attack("uppercase BEARER", lambda sign: f"BEARER {sign(claims())}", ACCEPTED_EVERYWHERE),
    Attack("two spaces after Bearer", lambda sign: f"Bearer  {sign(claims())}", ACCEPTED_EVERYWHERE),
    Attack("a tab after Bearer", lambda sign: f"Bearer\t{sign(claims())}", refused(UNAUTHORIZED)),
    Attack("Bearer without a token", lambda _: "Bearer", refused(UNAUTHORIZED)),
    Attack("two tokens after Bearer", lambda sign: f"Bearer {sign(claims())} {sign(claims())}", refused(UNAUTHORIZED)),
    Attack("a quoted token", lambda sign: f'Bearer "{sign(claims())}"', refused(UNAUTHORIZED)),
    Attack(
        "Basic credentials", lambda _: "Basic " + base64.b64encode(b"user:password").decode(), refused(UNAUTHORIZED)
    ),
    Attack("the token without a scheme", lambda sign: sign(claims()), refused(UNAUTHORIZED)),
    Attack("another scheme with the token", lambda sign: f"Token {sign(claims())}", refused(UNAUTHORIZED)),
]

QUOTED = r'"[\x20\x21\x23-\x5b\x5d-\x7e]*"'  # RFC 6750 section 3: no '"', no '\\', printable ASCII only
RFC6750_CHALLENGE = re.compile(rf"Bearer(?: [a-z_]+={QUOTED}(?:, [a-z_]+={QUOTED})*)?")


# --- servers ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(live_mock: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    key_file = tmp_path_factory.mktemp("keys") / "server.pub.pem"
    key_file.write_bytes(KEYS.server_public_pem)
    started = [
        (VERIFY_HS256, start_mock("--auth", "verify", "--jwt-secret", HS_SECRET)),
        (VERIFY_RS256, start_mock("--auth", "verify", "--jwt-public-key-file", str(key_file))),
        (OFF, start_mock("--auth", "off")),
    ]
    yield {CLAIMS: live_mock, **{mode: base for mode, (_, base) in started}}
    for _, (process, _) in started:
        stop(process)


def call(base: str, authorization: str | None, query: str = "") -> httpx.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    url = base + PATH + (f"?{query}" if query else "")
    return httpx.post(url, json=BODY, headers=headers, timeout=TIMEOUT, verify=TLS)


def assert_outcome(response: httpx.Response, expected: Outcome) -> None:
    assert response.status_code == expected.status, f"expected {expected.status}, got {response.text[:400]}"
    assert response.headers["content-type"] == "application/json"
    if expected.code is None:
        assert response.json() == {**BODY, "contentType": "text/csv"}
        return
    error = response.json()["error"]
    assert error["code"] == expected.code, error
    assert isinstance(error["message"], str) and error["message"].strip()
    challenge = response.headers.get("www-authenticate")
    if expected.status == 401:
        assert challenge is not None, "a 401 must say how to authenticate"
        assert RFC6750_CHALLENGE.fullmatch(challenge), f"a malformed challenge: {challenge!r}"
    if expected.code == "INSUFFICIENT_SCOPE":
        assert challenge is not None and 'error="insufficient_scope"' in challenge, challenge


# --- tests --------------------------------------------------------------------------------------------------------


def test_the_attack_set_names_an_outcome_for_every_mode() -> None:
    assert len({attack.id for attack in ATTACKS}) == len(ATTACKS)
    assert all(set(attack.expected) == set(MODES) for attack in ATTACKS)
    assert all(attack.expected[OFF] == OK for attack in ATTACKS), "off mode has no authentication to refuse with"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("attack", ATTACKS, ids=[attack.id for attack in ATTACKS])
def test_each_attack_gets_the_right_answer_in_each_auth_mode(
    servers: dict[str, str], mode: str, attack: Attack
) -> None:
    sign = Signer(mode)
    query = attack.query.format(token=sign(claims()))
    assert_outcome(call(servers[mode], attack.authorization(sign), query), attack.expected[mode])


def test_a_token_in_the_query_is_redacted_in_the_journal(live_mock: str) -> None:
    token = Signer(CLAIMS)(claims())
    call(live_mock, None, f"access_token={token}&x=1")
    listed = httpx.get(live_mock.removesuffix("/v1") + "/_mock/requests", timeout=TIMEOUT).text
    assert token not in listed and token.split(".")[1] not in listed
    assert "access_token=(redacted)&x=1" in listed


def test_an_rs256_server_accepts_its_own_tokens_and_refuses_the_dev_secret(servers: dict[str, str]) -> None:
    from mockserver.decisions.security import mint_token

    assert call(servers[VERIFY_RS256], f"Bearer {Signer(VERIFY_RS256)(claims())}").status_code == 200
    assert_outcome(call(servers[VERIFY_RS256], f"Bearer {mint_token(('write:insight',))}"), UNAUTHORIZED)
    assert_outcome(call(servers[VERIFY_HS256], f"Bearer {mint_token(('write:insight',))}"), UNAUTHORIZED)
