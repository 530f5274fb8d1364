"""The settings in words: one list for the start-up banner (the changed ones) and the page (all of them)."""

from __future__ import annotations

from pathlib import Path

from contracts.document import spec
from mockserver.decisions.controls import parse_latency
from mockserver.decisions.security import AuthMode
from mockserver.settings import Settings, setting_lines


def changed(settings: Settings, version: str | None = None) -> dict[str, str]:
    return {line.label: line.value for line in setting_lines(settings, version) if line.changed}


def test_the_defaults_change_nothing_and_every_setting_is_still_listed_for_the_page() -> None:
    lines = setting_lines(Settings(), "2025.9.16")
    assert [line.label for line in lines] == [
        "Auth",
        "CORS",
        "Latency",
        "Fail rate",
        "Seed",
        "Workers",
        "Journal",
        "Contract",
    ]
    assert not any(line.changed for line in lines)
    assert lines[-1].value == f"{spec.SERVED_PATH} (version 2025.9.16)"


def test_each_setting_away_from_its_default_is_listed_in_words() -> None:
    settings = Settings(
        auth=AuthMode.VERIFY,
        jwt_secret="x" * 32,
        cors_origins=("http://localhost:5173", "*"),
        latency=parse_latency("100-400ms"),
        fail_rate=0.2,
        seed=7,
        workers=2,
        journal_size=500,
    )
    assert changed(settings) == {
        "Auth": "verify, signatures checked with an HS256 secret",
        "CORS": "http://localhost:5173, * (any origin, echoed)",
        "Latency": "100-400 ms added to every API answer",
        "Fail rate": "0.2 (20% of valid requests get a 500)",
        "Seed": "7",
        "Workers": "2",
        "Journal": "the last 500 requests",
    }


def test_a_secret_is_never_shown_only_the_kind_of_key() -> None:
    assert "s3cret-value" not in str(setting_lines(Settings(auth=AuthMode.VERIFY, jwt_secret="s3cret-value")))


def test_a_fixed_latency_and_an_off_mode_read_as_such() -> None:
    assert changed(Settings(latency=parse_latency("200ms"), auth=AuthMode.OFF)) == {
        "Auth": "off",
        "Latency": "200 ms added to every API answer",
    }


def test_another_contract_is_a_change_the_same_one_by_another_path_is_not(tmp_path: Path) -> None:
    copy = tmp_path / "insight.yaml"
    copy.write_bytes(spec.SERVED_PATH.read_bytes())
    assert changed(Settings(spec_path=copy), "2025.9.16") == {"Contract": f"{copy} (version 2025.9.16)"}
    assert changed(Settings(spec_path=spec.SERVED_PATH.parent / ".." / "spec" / "insight.yaml")) == {}
