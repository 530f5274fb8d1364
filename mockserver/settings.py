"""The mock's configuration, computed once at start-up so the per-request path only reads it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from contracts import spec


class AuthMode(StrEnum):
    """How bearer tokens are checked (DESIGN section 5)."""

    CLAIMS = "claims"  # decode and enforce claims without a key: tokens from any real login flow work
    VERIFY = "verify"  # also verify the signature (HS256 secret or RS256 public key)
    OFF = "off"  # no authentication at all


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

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``INSIGHT_MOCK_*`` variables, then explicit overrides (what the CLI passes)."""
        env = os.environ
        values: dict[str, object] = {}
        if "INSIGHT_MOCK_AUTH" in env:
            values["auth"] = AuthMode(env["INSIGHT_MOCK_AUTH"])
        if "INSIGHT_MOCK_JWT_SECRET" in env:
            values["jwt_secret"] = env["INSIGHT_MOCK_JWT_SECRET"]
        if "INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE" in env:
            values["jwt_public_key"] = Path(env["INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE"]).read_text(encoding="utf-8")
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.auth is AuthMode.VERIFY and not (self.jwt_secret or self.jwt_public_key):
            raise ValueError("auth mode 'verify' needs a JWT secret (HS256) or a public key (RS256)")
        if self.max_body_bytes < 1 or self.max_json_depth < 1:
            raise ValueError("body size and JSON depth limits must be positive")
