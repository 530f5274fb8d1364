"""How long a default ``insight-contracts check`` takes, next to a plain Schemathesis run in the same run.

    .venv/bin/python benchmarks/check_time.py [--rounds 3] [--examples 50]

Against one mock process (``insight-mock serve``, one worker), in turn, ``--rounds`` times:

* the default check as a user runs it: ``insight-contracts check URL --token T`` (both phases, the contract profile);
* the reference: ``schemathesis run spec/insight.yaml --checks all --mode all --max-examples N`` with no hooks of ours,
  the tool users compare the checker with, over the same contract and server.

Each command's wall time and CPU time (its own and its children's) are printed, with medians and the ratio of the
medians: the machine is shared, so a ratio measured in one run says more than a figure alone. The budget the issue
sets: a default check under 15 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.testing.live import free_port, wait_until_serving  # noqa: E402
from mockserver.decisions.security import mint_token  # noqa: E402

BUDGET_SECONDS = 15.0


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], folder: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the command and its children) and exit code of one command run in ``folder``."""
    cpu, began = children_cpu(), time.perf_counter()
    code = subprocess.run(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - began, children_cpu() - cpu, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--examples", type=int, default=50)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    token = mint_token(("write:insight",))
    commands = {
        "insight-contracts check (default)": [
            sys.executable, "-m", "contracts.cli", "check", base, "--token", token, "--examples", str(args.examples),
        ],
        "schemathesis run (reference)": [
            sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "spec" / "insight.yaml"), "--url", base,
            "--header", f"Authorization: Bearer {token}", "--checks", "all", "--mode", "all",
            "--max-examples", str(args.examples), "--seed", "0", "--no-color",
        ],
    }  # fmt: skip
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    # Plain Schemathesis keeps a crash cache (.schemathesis/) in its working directory: a scratch one, not the project.
    scratch = Path(tempfile.mkdtemp(prefix="check-time-"))
    try:
        wait_until_serving(f"{base}/openapi.json", server)
        for _ in range(args.rounds):
            for name, command in commands.items():  # interleaved: the machine's noise hits both alike
                wall, cpu, code = timed(command, ROOT if name.startswith("insight") else scratch)
                if name.startswith("insight") and code != 0:
                    raise SystemExit(f"the default check failed the mock (exit {code}): run it by hand to see why")
                samples[name].append((wall, cpu))
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, {args.rounds} rounds, {args.examples} examples"
    )
    medians = {}
    for name, runs in samples.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        medians[name] = statistics.median(walls)
        shown = ", ".join(f"{wall:.1f}" for wall in walls)
        print(f"  {name:<36} wall {medians[name]:5.1f} s (runs: {shown})  CPU {statistics.median(cpus):5.1f} s")
    check, reference = medians.values()
    print(f"  check / schemathesis alone: {check / reference:.2f}x; budget {BUDGET_SECONDS:.0f} s: "
          f"{'within' if check < BUDGET_SECONDS else 'OVER'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
