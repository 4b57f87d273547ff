"""On a schedule: alert moderators (one SNS digest) when the oldest pending comment has waited
longer than ALERT_PENDING_MINUTES; never twice for the same oldest comment."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
runtime.pending_alerts()


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001  # Lambda's signature
    alert = runtime.pending_alerts().check()
    metrics.add_metric(name="ModeratorAlerts", unit=MetricUnit.Count, value=1 if alert else 0)
    return {"alerted": alert is not None, "comment_id": alert.comment_id if alert else None}
