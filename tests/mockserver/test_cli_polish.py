"""`insight-mock` as a new user meets it: the verify-mode banner, help with defaults, `| head`, an honest forced 400."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from contracts.testing.live import MONTHLY, free_port
from mockserver.cli import parser
from tests.conftest import ROOT, output_of, rsa_key_files, run_cli, run_main, start_mock, stop

PATH = "/accounts/P12345678/insight/generate-report"
SECRET = "team-secret-0123456789-0123456789"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A command's output and exit status, from its ``main()`` in this process (``tests.conftest.run_main``)."""
    return run_main(*args, env=env)


def banner_token_command(output: str) -> list[str]:
    """The command the banner's ``Token:`` line prints (without its trailing advice in parentheses)."""
    line = next(line for line in output.splitlines() if line.strip().startswith("Token:"))
    command = line.split("Token:", 1)[1].split("   (")[0].strip()
    words = shlex.split(command)
    assert words[0] == "insight-mock", line
    return words[1:]


def post(base: str, token: str) -> httpx.Response:
    return httpx.post(base + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {token}"}, timeout=10)


# --- verify mode: the banner's token works; a missing key names the flags -------------------------------------------


@pytest.mark.live
def test_in_verify_mode_with_a_secret_the_banner_prints_a_token_command_that_gets_a_200() -> None:
    process, base = start_mock("--auth", "verify", "--jwt-secret", SECRET)
    try:
        command = banner_token_command(output_of(process))
        assert "--secret" in command
        assert post(base, cli(*command).stdout.strip()).status_code == 200
        assert post(base, cli("token").stdout.strip()).status_code == 401  # what the old banner suggested
    finally:
        stop(process)


@pytest.mark.live
def test_a_secret_from_the_environment_is_referred_to_by_its_variable_never_printed() -> None:
    process, base = start_mock("--auth", "verify", env={"INSIGHT_MOCK_JWT_SECRET": SECRET})
    try:
        output = output_of(process)
        line = next(line for line in output.splitlines() if line.strip().startswith("Token:"))
        command = line.split("Token:", 1)[1].split("   (")[0].strip()
        assert SECRET not in output and command.endswith('--secret "$INSIGHT_MOCK_JWT_SECRET"'), line
        minted = subprocess.run(  # the line as a user pastes it into a shell with the variable set
            command.replace("insight-mock", f"{shlex.quote(sys.executable)} -m mockserver.cli", 1),
            shell=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "INSIGHT_MOCK_JWT_SECRET": SECRET},
            check=True,
        )
        assert post(base, minted.stdout.strip()).status_code == 200
    finally:
        stop(process)


@pytest.mark.live
def test_in_verify_mode_with_a_public_key_the_banner_names_the_private_key_option_and_it_works(tmp_path: Path) -> None:
    private_file, public_file = rsa_key_files(tmp_path)
    process, base = start_mock("--auth", "verify", "--jwt-public-key-file", str(public_file))
    try:
        output = output_of(process)
        command = banner_token_command(output)
        assert "--private-key-file" in command and "cannot mint" in output and str(public_file) in output
        command[command.index("--private-key-file") + 1] = str(private_file)
        assert post(base, cli(*command).stdout.strip()).status_code == 200
        assert post(base, cli("token").stdout.strip()).status_code == 401
    finally:
        stop(process)


def test_verify_mode_without_a_key_names_the_flags_in_one_line() -> None:
    result = run_cli("serve", "--auth", "verify", "--port", str(free_port()))  # a process: a bug here would serve
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for flag in (
        "--jwt-secret",
        "--jwt-public-key-file",
        "INSIGHT_MOCK_JWT_SECRET",
        "INSIGHT_MOCK_JWT_PUBLIC_KEY_FILE",
    ):
        assert flag in lines[0]


def test_a_private_key_that_is_not_one_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    result = cli("token", "--private-key-file", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr and str(bad) in result.stderr


# --- help: every option says what it does and its default -----------------------------------------------------------


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every sub-command (``spec build`` included) by its words."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: list[str], current: argparse.ArgumentParser) -> None:
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found[" ".join([*prefix, name])] = child
                    walk([*prefix, name], child)

    walk([], parser())
    return found


@pytest.mark.parametrize("command", sorted(commands()))
def test_every_option_of_every_command_has_help_with_its_default(command: str) -> None:
    result = cli(*command.split(), "--help")
    assert result.returncode == 0, result.stderr
    for action in commands()[command]._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        assert action.option_strings[-1] in result.stdout
        described = (action.help or "") % {"default": action.default}
        assert "default" in described or action.required, f"{command} {action.option_strings[-1]}: {action.help!r}"


def test_serve_help_says_it_keeps_running_until_ctrl_c() -> None:
    assert "Ctrl-C" in cli("serve", "--help").stdout


# --- `| head`: a reader that leaves early is no error -------------------------------------------------------------


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run a command whose stdout is a pipe nobody reads: the first write fails with EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "mockserver.cli", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=60,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "args", [["token"], ["lint", "spec/insight.upstream.yaml"], ["--help"]], ids=["token", "lint", "help"]
)
def test_a_reader_that_leaves_early_costs_no_traceback(args: list[str]) -> None:
    result = run_into_closed_pipe(*args)
    assert result.stderr == b"", result.stderr.decode()


@pytest.mark.parametrize(
    "pipeline", ["token | head -c1", "lint spec/insight.upstream.yaml | head -1"], ids=["token", "lint"]
)
def test_piping_into_head_ends_quietly(pipeline: str) -> None:
    command, _, reader = pipeline.partition(" | ")
    result = subprocess.run(
        f"{shlex.quote(sys.executable)} -m mockserver.cli {command} | {reader}",
        shell=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout and result.stderr == b""


# --- a forced 400 does not blame a field that is right --------------------------------------------------------------


@pytest.mark.live
@pytest.mark.parametrize("prefer", ["code=400", "code=400, validation=skip"])
def test_a_forced_400_blames_no_field_of_a_valid_request(live_mock: str, prefer: str) -> None:
    token = cli("token").stdout.strip()
    response = httpx.post(
        live_mock + PATH, json=MONTHLY, headers={"Authorization": f"Bearer {token}", "Prefer": prefer}, timeout=10
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_BODY" and "forced by Prefer" in error["message"]
    assert [problem["path"] for problem in error["errors"]] == [""]
    assert MONTHLY["to"] not in response.text and "needs" not in response.text


# --- the README's set-up: two commands, the first one keeps serving -------------------------------------------------


def test_the_readme_starts_with_two_commands_and_says_the_first_keeps_serving() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2 and commands[0].endswith("insight-mock serve") and commands[1] == "bash .ci/run"
    assert "terminal 1" in block and "terminal 2" in block
    assert "second terminal" in readme.split("```", 3)[2] and "Ctrl-C" in readme.split("```", 3)[2]


@pytest.mark.live
def test_serve_keeps_running_until_interrupted() -> None:
    """What the README says of its first command: it does not return; it serves."""
    process, base = start_mock()
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=2)
        assert post(base, cli("token").stdout.strip()).status_code == 200
    finally:
        stop(process)
