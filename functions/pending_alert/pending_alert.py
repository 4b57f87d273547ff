"""Every 5 minutes, one read of the review queue (one Query for its oldest pending comment) for
two things: the EMF metric OldestPendingAgeSeconds that OldestPendingAlarm watches (0 for an
empty queue), then one SNS digest to moderators when that comment has waited longer than
ALERT_PENDING_MINUTES, never twice for the same oldest comment."""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.queue_age import read_pending_queue

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
AGE_METRIC = "OldestPendingAgeSeconds"
runtime.pending_alerts()


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001  # Lambda's signature
    queue = read_pending_queue(runtime.store(), datetime.now(UTC))
    # The age first: log_metrics flushes it even when the alert below fails (SNS down), so the
    # alarm's heartbeat goes on and the failed run shows in the function's Errors alarm instead.
    metrics.add_metric(name=AGE_METRIC, unit=MetricUnit.Seconds, value=queue.age_seconds)
    alert = runtime.pending_alerts().check(queue.oldest)
    metrics.add_metric(name="ModeratorAlerts", unit=MetricUnit.Count, value=1 if alert else 0)
    return {
        AGE_METRIC: queue.age_seconds,
        "alerted": alert is not None,
        "comment_id": alert.comment_id if alert else None,
    }
