"""`make run` stops on Ctrl-C and on kill, also when a script started it in the background
(a non-interactive shell starts `command &` with SIGINT ignored)."""

from __future__ import annotations

import signal

import pytest

from tests.support.local_stack import local_stack

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_serve_started_from_a_scripts_background_job_stops_cleanly(signum: signal.Signals) -> None:
    # GIVEN `moderation serve` started as a script's `make run &` starts it: SIGINT ignored
    with local_stack(as_a_background_job=True) as stack:
        # WHEN it is sent Ctrl-C's signal, or kill's
        stack.process.send_signal(signum)
        exit_code = stack.process.wait(timeout=30)

        # THEN it stops, cleanly
        assert exit_code == 0
        assert "stopped" in stack.log.splitlines()
