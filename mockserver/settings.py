"""The mock's configuration, computed once at start-up so the per-request path only reads it."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.document import spec
from mockserver.decisions.controls import Latency
from mockserver.decisions.security import AuthMode, TokenPolicy

SETTINGS_VARIABLE = "INSIGHT_MOCK_SETTINGS"  # how `serve` hands its settings to each worker process


def check_public_key(pem: str, what: str) -> None:
    """Refuse at start-up a key that every request would fail on later."""
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        load_pem_public_key(pem.encode("utf-8"))
    except (ValueError, TypeError) as error:
        raise ValueError(f"{what} is not a PEM public key ({error})") from None


def read_public_key(path: Path) -> str:
    try:
        pem = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read the JWT public key file {path}: {error}") from None
    check_public_key(pem, f"the JWT public key file {path}")
    return pem


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    auth: AuthMode = AuthMode.CLAIMS
    jwt_secret: str | None = None  # verify mode, HS256
    jwt_public_key: str | None = None  # verify mode, RS256 (PEM text)
    max_body_bytes: int = 64 * 1024
    max_json_depth: int = 32
    spec_path: Path = field(default=spec.SERVED_PATH)
    cors_origins: tuple[str, ...] = ()
    latency: Latency = field(default_factory=Latency)
    fail_rate: float = 0.0
    seed: int = 0  # seeds --fail-rate and --latency ranges, so a run can be reproduced
    journal_size: int = 200
    # The journal's SQLite file, shared by the workers of one `serve` (None: in memory, for one process).
    journal_path: Path | None = None
    # Signs report URLs. Every worker and every machine behind a load balancer must share it to serve any URL.
    report_key: str = "insight-mock-report-url-signing-key-v1"

    def __post_init__(self) -> None:
        if self.auth is AuthMode.VERIFY and not (self.jwt_secret or self.jwt_public_key):
            raise ValueError("auth mode 'verify' needs a JWT secret (HS256) or a public key (RS256)")
        if self.max_body_bytes < 1 or self.max_json_depth < 1:
            raise ValueError("body size and JSON depth limits must be positive")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError(f"--fail-rate must be between 0 and 1, not {self.fail_rate}")
        if not 1 <= self.journal_size <= 100_000:
            raise ValueError("--journal-size must be between 1 and 100000")
        if not self.spec_path.is_file():
            raise ValueError(f"cannot read the contract at {self.spec_path}")
        if self.jwt_public_key is not None:
            check_public_key(self.jwt_public_key, "the JWT public key")

    def token_policy(self, required_scopes: tuple[str, ...]) -> TokenPolicy:
        """What a token must satisfy under these settings, for an operation requiring ``required_scopes``."""
        scopes = frozenset(required_scopes)
        if self.jwt_public_key:
            return TokenPolicy(self.auth, scopes, self.jwt_public_key, ("RS256",))
        if self.jwt_secret:
            return TokenPolicy(self.auth, scopes, self.jwt_secret, ("HS256",))
        return TokenPolicy(self.auth, scopes)

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Settings from ``INSIGHT_MOCK_*`` variables, then explicit overrides (what the CLI passes)."""
        env = os.environ
        values: dict[str, Any] = json.loads(env.get(SETTINGS_VARIABLE, "{}"))
        if "INSIGHT_MOCK_AUTH" in env:
            values["auth"] = env["INSIGHT_MOCK_AUTH"]
        if "INSIGHT_MOCK_JWT_SECRET" in env:
            values["jwt_secret"] = env["INSIGHT_MOCK_JWT_SECRET"]
        if "INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE" in env:
            values["jwt_public_key"] = read_public_key(Path(env["INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE"]))
        if "INSIGHT_MOCK_REPORT_KEY" in env:
            values["report_key"] = env["INSIGHT_MOCK_REPORT_KEY"]
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls.from_dict(values)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        converted = dict(values)
        if "auth" in converted:
            converted["auth"] = AuthMode(converted["auth"])
        if "spec_path" in converted:
            converted["spec_path"] = Path(converted["spec_path"])
        if converted.get("journal_path") is not None:
            converted["journal_path"] = Path(converted["journal_path"])
        if "cors_origins" in converted:
            converted["cors_origins"] = tuple(converted["cors_origins"])
        if isinstance(converted.get("latency"), dict):
            converted["latency"] = Latency(**converted["latency"])
        return cls(**converted)

    def to_env(self) -> str:
        """This configuration as JSON, for the worker processes (``from_env`` reads it back)."""
        values = dataclasses.asdict(self)
        values["spec_path"] = str(self.spec_path)
        values["journal_path"] = str(self.journal_path) if self.journal_path else None
        return json.dumps(values)


@dataclass(frozen=True)
class SettingLine:
    """One setting as the banner and the page show it: a label, its value in words, and whether it was changed."""

    label: str
    value: str
    changed: bool  # differs from the default: the banner prints only these


def _latency_words(latency: Latency) -> str:
    if latency.high_ms <= 0:
        return "none"
    spread = f"{latency.low_ms:g}-{latency.high_ms:g}" if latency.high_ms > latency.low_ms else f"{latency.low_ms:g}"
    return f"{spread} ms added to every API answer"


def setting_lines(settings: Settings, contract_version: str | None = None) -> tuple[SettingLine, ...]:
    """What is switched on, in words and in one order: the start-up banner prints the changed lines, the page all."""
    default = Settings()
    auth = settings.auth.value
    if settings.auth is AuthMode.VERIFY:  # the kind of key, never the key
        auth += f", signatures checked with {'an RS256 public key' if settings.jwt_public_key else 'an HS256 secret'}"
    if not settings.cors_origins:
        origins = "none (browser pages on other origins are refused)"
    else:
        origins = ", ".join("* (any origin, echoed)" if origin == "*" else origin for origin in settings.cors_origins)
    failing = f"{settings.fail_rate:g}"
    if settings.fail_rate:
        failing += f" ({settings.fail_rate:.0%} of valid requests get a 500)"
    version = f" (version {contract_version})" if contract_version else ""
    same_contract = settings.spec_path.resolve() == default.spec_path.resolve()
    return (
        SettingLine("Auth", auth, settings.auth != default.auth),
        SettingLine("CORS", origins, settings.cors_origins != default.cors_origins),
        SettingLine("Latency", _latency_words(settings.latency), settings.latency != default.latency),
        SettingLine("Fail rate", failing, settings.fail_rate != default.fail_rate),
        SettingLine("Seed", str(settings.seed), settings.seed != default.seed),
        SettingLine("Workers", str(settings.workers), settings.workers != default.workers),
        SettingLine(
            "Journal", f"the last {settings.journal_size} requests", settings.journal_size != default.journal_size
        ),
        SettingLine("Contract", f"{settings.spec_path}{version}", not same_contract),
    )
