"""DynamoDB stream consumer: takes comments that TTL deleted off the status counters.

Every write the application makes keeps the counters in the same transaction; TTL deletions
are the one change it does not make itself. The event source mapping's filter passes only
REMOVE records of comment items made by the DynamoDB service (TTL); the handler checks again,
so a misconfigured filter cannot drift the counts.
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
runtime.expiry_bookkeeping()

TTL_PRINCIPAL = "dynamodb.amazonaws.com"


def is_ttl_removal(record: DynamoDBRecord) -> bool:
    identity = record.user_identity
    return (
        record.event_name == DynamoDBRecordEventName.REMOVE
        and identity.get("type") == "Service"
        and identity.get("principalId") == TTL_PRINCIPAL
    )


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    if not is_ttl_removal(record) or record.dynamodb is None:
        return
    if runtime.expiry_bookkeeping().record_expiry(record.dynamodb.old_image):
        metrics.add_metric(name="CommentsExpired", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # A record that fails is reported alone and retried; the marker item makes retries harmless.
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
