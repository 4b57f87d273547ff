"""The pending-comments alert, locally: what EventBridge Scheduler runs every 5 minutes in AWS,
run every minute on a background thread, the digest printed to the console instead of SNS."""

from __future__ import annotations

import sys
import threading
from contextlib import AbstractContextManager

CHECK_EVERY_SECONDS = 60.0


class ConsolePublisher:
    def publish(self, subject: str, message: str) -> None:
        sys.stderr.write(f"MODERATOR ALERT: {subject}\n{message}\n")


def start_pending_alerts(lock: AbstractContextManager[object], stop: threading.Event) -> threading.Thread:
    """Check the queue every minute, one check at a time, until `stop` is set."""
    from moderation import runtime
    from moderation.alerts import PendingAlerts

    store = runtime.store()
    alerts = PendingAlerts(store, ConsolePublisher(), runtime.settings().alert_pending_minutes)

    def run() -> None:
        while not stop.wait(CHECK_EVERY_SECONDS):
            try:
                with lock:
                    # No CloudWatch locally, so no age metric: the alert is all this read is for.
                    alerts.check(store.oldest("pending"))
            except Exception as error:  # the check must outlive one failure, as a schedule does
                sys.stderr.write(f"pending-comments alert failed: {error}\n")

    thread = threading.Thread(target=run, name="pending-alerts", daemon=True)
    thread.start()
    return thread
