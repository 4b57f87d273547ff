"""DynamoDB stream consumer: the shadow model (SHADOW_MODEL_DIR) scores each new comment.

The event source mapping's filter passes only INSERT records of comment items; the handler checks
again. It reads the comment as it is now, scores it with the shadow model and stores the scores
without changing the decision or the comment's version (moderation.shadow). A failure fails the
record: Lambda retries it, then sets it aside in the failure queue; the comment is never touched.
"""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# Loaded at init, outside the handler; None (nothing to do) without SHADOW_MODEL_DIR.
runtime.shadow_scoring()


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    shadow = runtime.shadow_scoring()
    change = record.dynamodb
    if shadow is None or change is None or record.event_name != DynamoDBRecordEventName.INSERT:
        return
    keys = change.keys or {}
    if keys.get("sk") != "COMMENT" or not str(keys.get("pk", "")).startswith("COMMENT#"):
        return
    if shadow.score(str(keys["pk"]).removeprefix("COMMENT#")):
        metrics.add_metric(name="ShadowScored", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
