"""Every few minutes: publish how long the oldest pending comment has waited, as an EMF metric.

One Query for one item on the ByStatus index (oldest first), whatever the queue's length; the
metric goes out in the log line (Embedded Metric Format), so no PutMetricData call or permission.
The OldestPendingAlarm in template.yaml watches it.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import runtime
from moderation.queue_age import oldest_pending_age_seconds

logger = Logger()
metrics = Metrics()
METRIC = "OldestPendingAgeSeconds"


@logger.inject_lambda_context
@metrics.log_metrics
def handler(_event: dict[str, Any], _context: LambdaContext) -> dict[str, float]:
    age = oldest_pending_age_seconds(runtime.store(), datetime.now(UTC))
    metrics.add_metric(name=METRIC, unit=MetricUnit.Seconds, value=age)
    return {METRIC: age}
