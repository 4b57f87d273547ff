"""Servers the tests start die with the test: when it ends, when its setup fails, and when the
pytest process itself is killed.

Each runs in a process group of its own, so stopping it stops whatever it started too; on Linux
the kernel also kills it when the pytest process dies (a parent-death signal), which no
finaliser can promise after a SIGKILL. SIGINT is set back to its default in the child: a shell
that runs `make test &` hands its background jobs SIGINT ignored, and a server started from
there would otherwise never hear a Ctrl-C the test sends it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

PR_SET_PDEATHSIG = 1
# Loaded before any fork: the child between fork and exec may call only what is already there.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None

# `python -c BACKGROUND_JOB args...` runs `python args...` with SIGINT ignored, as a shell script's
# `command &` starts it: what a server must still stop on.
BACKGROUND_JOB = (
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
)


def _in_the_child(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)


def start(command: list[str], **options: Any) -> subprocess.Popen[Any]:
    """Popen in a group of its own, killed by the kernel if this process dies first (Linux ties
    that to the thread that starts it: start servers from the test's thread, not a pool's)."""
    parent = os.getpid()
    return subprocess.Popen(
        command,
        process_group=0,
        preexec_fn=lambda: _in_the_child(parent),
        **options,
    )


def stop(process: subprocess.Popen[Any], *, grace: float = 10) -> None:
    """SIGTERM to the whole group, then SIGKILL to what is left of it after `grace` seconds."""
    _signal_group(process, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    # Also reaps what the server itself started, whether or not the server waited for it.
    _signal_group(process, signal.SIGKILL)
    process.wait()


def _signal_group(process: subprocess.Popen[Any], signum: int) -> None:
    with suppress(ProcessLookupError):  # the group is gone: every process in it has exited
        os.killpg(process.pid, signum)


@contextmanager
def running(command: list[str], **options: Any) -> Iterator[subprocess.Popen[Any]]:
    """`start`, and `stop` on the way out, whatever happens between (a failed wait included)."""
    process = start(command, **options)
    try:
        yield process
    finally:
        stop(process)
