"""The installed distribution used as a new user uses it: from a directory that has nothing of the source tree.

Run by `.ci/package` with the Python of a fresh venv into which only the built wheel was installed, with a temporary
directory as the working directory. Every command a user types is run by its console script: `token`, `report`, `lint`,
`spec build --check`, `diff`, `serve` (one 200), `check` (exit 0), `proxy` (one 200 passed through), and the pytest
plugin in a one-file project. Exits non-zero with the failing command's output on the first failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

import contracts
import mockserver
from contracts.document import spec
from contracts.testing.live import MONTHLY, VALID_AID, free_port, wait_until_serving

BIN = Path(sys.executable).parent
REPORT_PATH = f"/accounts/{VALID_AID}/insight/generate-report"
PLUGIN_TEST = """
import httpx


def test_the_plugin_serves_the_installed_contract(insight_mock, insight_auth_headers):
    body = {"dataType": "wallets/transactions", "schedule": "daily", "language": "en",
            "from": "2026-11-03", "to": "2026-11-04"}
    url = insight_mock + "/accounts/P12345678/insight/generate-report"
    assert httpx.post(url, json=body, headers=insight_auth_headers).status_code == 200
"""


def run(*command: str, expect: int = 0) -> str:
    """A console script of the installed distribution, as a user types it; its output, or exit on a surprise."""
    completed = subprocess.run([str(BIN / command[0]), *command[1:]], capture_output=True, text=True, timeout=120)
    shown = " ".join("$TOKEN" if part.startswith("eyJ") else part for part in command)  # a JWT is not printed
    if completed.returncode != expect:
        said = completed.stdout + completed.stderr
        sys.exit(f"smoke: `{shown}` exited {completed.returncode}, not {expect}:\n{said}")
    print(f"smoke: `{shown}`: exit {completed.returncode}")
    return completed.stdout


@contextmanager
def serving(*command: str, ready: str) -> Iterator[subprocess.Popen[bytes]]:
    """A server started by its console script, once ``ready`` answers 200; stopped on leaving, whatever happened."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen([str(BIN / command[0]), *command[1:]], stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(ready, process)
            yield process
        except BaseException:
            output.seek(0)
            print(output.read().decode(errors="replace"), file=sys.stderr)
            raise
        finally:
            process.terminate()
            process.wait(timeout=10)


def assert_installed_apart_from_the_source_tree(source_tree: Path) -> None:
    for module in (contracts, mockserver):
        where = Path(module.__file__ or "").resolve()
        assert source_tree not in where.parents, f"{module.__name__} was imported from the source tree: {where}"
    assert source_tree not in spec.SPEC_DIR.parents, f"the contract was read from the source tree: {spec.SPEC_DIR}"
    for path in (spec.UPSTREAM_PATH, spec.SERVED_PATH, spec.ADMIN_PATH):
        assert path.is_file(), f"the distribution does not carry {path.name}"
    print(f"smoke: the contract ships in {spec.SPEC_DIR}")


def main() -> None:
    source_tree = Path(__file__).resolve().parents[1]
    assert_installed_apart_from_the_source_tree(source_tree)
    token = run("insight-mock", "token", "--scope", "write:insight").strip()
    auth = {"Authorization": f"Bearer {token}"}

    Path("params.json").write_text(json.dumps({**MONTHLY, "contentType": "text/csv"}), encoding="utf-8")
    run("insight-mock", "report", "--aid", VALID_AID, "--params", "params.json", "-o", "report.csv")
    assert Path("report.csv").read_text(encoding="utf-8").count("\n") > 1, "the offline report has no rows"

    run("insight-contracts", "lint", str(spec.UPSTREAM_PATH))
    run("insight-contracts", "spec", "build", "--check")
    run("insight-contracts", "diff", str(spec.UPSTREAM_PATH), str(spec.SERVED_PATH), expect=1)

    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with serving("insight-mock", "serve", "--port", str(port), ready=f"{base}/openapi.json"):
        answer = httpx.post(base + REPORT_PATH, json=MONTHLY, headers=auth)
        assert answer.status_code == 200, answer.text
        print("smoke: `insight-mock serve`: a valid request got a 200")
        run("insight-contracts", "check", base, "--token", token, "--examples", "2")

        proxy_port = free_port()
        proxied = f"http://127.0.0.1:{proxy_port}"
        upstream = f"http://127.0.0.1:{port}"
        proxy = ("insight-mock", "proxy", "--upstream", upstream, "--port", str(proxy_port))
        with serving(*proxy, ready=f"{proxied}/_proxy/requests"):
            answer = httpx.post(proxied + "/v1" + REPORT_PATH, json=MONTHLY, headers=auth)
            assert answer.status_code == 200 and "sl-violations" not in answer.headers, answer.headers
            print("smoke: `insight-mock proxy`: a valid request passed through with a 200 and no violation")

    Path("test_plugin.py").write_text(PLUGIN_TEST, encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    plugin = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_plugin.py"],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    if plugin.returncode != 0:
        sys.exit(f"smoke: the pytest plugin's one-file project failed:\n{plugin.stdout}{plugin.stderr}")
    print("smoke: the pytest plugin served a 200 to a one-file project")
    print("smoke: the installed distribution works from", Path.cwd())


if __name__ == "__main__":
    main()
