"""What the tests start dies with them (tests/support/processes.py): when the test's setup fails,
with whatever the server itself started, and when the pytest process is killed outright.

Each server here holds the write end of a pipe the test reads: end of file on the read end means
every process holding it has exited (a zombie holds nothing), which the test awaits with a bound.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

from tests.support import processes
from tests.support.aws import ROOT

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
# A server that starts a helper of its own before it gets to work.
WITH_A_HELPER = [
    sys.executable,
    "-c",
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'],"
    " close_fds=False); print('helper started', flush=True); time.sleep(120)",
]
# A pytest worker starting a server with the test support code, then told its pid.
WORKER = (
    "import sys, time\n"
    "from tests.support import processes\n"
    "fd = int(sys.argv[1])\n"
    "processes.start([sys.executable, '-c', 'import time; time.sleep(120)'], pass_fds=[fd])\n"
    "print('started', flush=True)\n"
    "time.sleep(120)\n"
)


class SetupFailed(Exception):
    pass


def all_writers_gone(read_end: int, within: float = 10) -> bool:
    """True when every holder of the pipe's write end has exited within `within` seconds."""
    deadline = time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_end], [], [], left)
        if ready and os.read(read_end, 1) == b"":
            return True
    return False


def a_setup_that_fails_once_its_server_started_a_helper(write_end: int) -> subprocess.Popen[str]:
    with processes.running(WITH_A_HELPER, pass_fds=[write_end], stdout=subprocess.PIPE, text=True) as server:
        os.close(write_end)
        assert server.stdout is not None
        assert server.stdout.readline() == "helper started\n"
        raise SetupFailed(server)


def test_a_server_whose_setup_fails_is_stopped_with_what_it_started() -> None:
    read_end, write_end = os.pipe()
    # GIVEN a server that started a helper, and a setup that fails while waiting for it
    with pytest.raises(SetupFailed) as failed:
        a_setup_that_fails_once_its_server_started_a_helper(write_end)

    # THEN the server and its helper are gone
    [server] = failed.value.args
    assert server.returncode is not None
    assert all_writers_gone(read_end)


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_a_server_dies_when_the_pytest_process_that_started_it_is_killed() -> None:
    read_end, write_end = os.pipe()
    # GIVEN a pytest worker that started a server
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(write_end)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        pass_fds=[write_end],
        stdout=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "started\n"

        # WHEN the worker is killed, with no chance to run a finaliser
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

        # THEN the server dies too
        assert all_writers_gone(read_end)
    finally:
        worker.kill()
        worker.wait()
