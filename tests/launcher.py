"""Our commands as processes of their own, forked from one that has already imported their third-party libraries.

Most of a server's start-up is importing Connexion, uvicorn, Starlette, HTTPX, PyJWT and the rest, and the suite
starts about forty. ``launch`` runs a command the way ``python -m MODULE ARGS`` does (``runpy``, ``sys.argv``, the
environment, the working directory, output to a file, an exit status) in a new process forked by a multiprocessing fork
server that imported ``PRELOADED`` once. Our own modules are imported afresh in each child, after its environment is
set, exactly as in a new interpreter; only libraries that read none of our settings are shared. From start to the
first 200 of ``insight-mock serve``, measured here in turn: a new interpreter 0.43-0.53 CPU-s, a fork 0.24-0.31.

What a fork cannot show, a new interpreter still does: the tests of what the command prints before it serves (a
library's import-time warnings) and of its exit, ``pipe=True`` servers, ``run_cli``, the benchmarks and the installed
package's smoke start ``python`` itself.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
from collections.abc import Mapping
from multiprocessing.context import ForkServerContext
from pathlib import Path

# What ``insight-mock serve``, ``proxy`` and the conforming server import from outside this project (``connexion``
# brings Starlette, HTTPX, jsonschema, Jinja2 and Werkzeug). A name missing here is only imported in the child.
PRELOADED = ("connexion", "uvicorn.main", "uvicorn.protocols.http.httptools_impl", "uvloop", "jwt", "yaml", "httpx")

_context: ForkServerContext | None = None
_launched: list[Launched] = []


def _fork_server() -> ForkServerContext:
    """The fork server of this process, started on first use with ``PRELOADED`` imported."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload([__name__, *PRELOADED])
    return _context


def _run_module(module: str, args: list[str], env: dict[str, str], cwd: str, output: str) -> None:
    """In the child: what ``python -m module *args`` does, with ``env``, in ``cwd``, writing to ``output``."""
    sink = os.open(output, os.O_WRONLY | os.O_APPEND)
    os.dup2(sink, 1)
    os.dup2(sink, 2)
    os.close(sink)
    # multiprocessing gave the child a sys.stdin on some other descriptor; a new interpreter's is descriptor 0, which
    # uvicorn's --workers hands on to its worker processes.
    nothing = os.open(os.devnull, os.O_RDONLY)
    if nothing != 0:
        os.dup2(nothing, 0)
        os.close(nothing)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the process's standard input, as Python opens it
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.argv = [module, *args]  # runpy puts the module's file first, as -m does
    runpy.run_module(module, run_name="__main__", alter_sys=True)


class Launched:
    """The part of ``subprocess.Popen`` the tests use, over a process the fork server started."""

    def __init__(self, process: multiprocessing.process.BaseProcess, args: list[str]) -> None:
        self._process = process
        self.args = args
        self.pid = process.pid
        self.stdout = None

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self._process.exitcode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:  # as Popen: a process that has ended gets no signal
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def launch(module: str, args: list[str], *, env: Mapping[str, str], cwd: Path, output: Path) -> Launched:
    """``python -m module *args`` as a forked process; its output (stdout and stderr) is appended to ``output``."""
    process = _fork_server().Process(
        target=_run_module, args=(module, list(args), dict(env), str(cwd), str(output)), daemon=False
    )
    process.start()
    launched = Launched(process, [sys.executable, "-m", module, *args])
    _launched.append(launched)
    return launched


@atexit.register
def _kill_the_left_over() -> None:
    """A server a failed test left running is killed when this process exits (multiprocessing would wait for it)."""
    for launched in _launched:
        launched.kill()
