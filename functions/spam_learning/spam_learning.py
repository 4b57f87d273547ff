"""DynamoDB stream consumer: the spam filter learns from moderators' decisions.

The event source mapping's filter passes only MODIFY records of comment items; the handler checks
again. Each record's new image is the comment as a decision left it; moderation.spam.learning
turns a "spam" decision into a spam lesson, an approve of a comment held for spam into a ham one,
and a change of mind into a reversal, idempotently (a replayed batch counts nothing twice). A
storage failure fails the record: Lambda retries it, then sets it aside in the failure queue.
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
from moderation.store.decisions import Decisions

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
runtime.spam_learning()


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None or record.event_name != DynamoDBRecordEventName.MODIFY:
        return
    comment = Decisions.comment_from_image(change.new_image or {})
    if comment is None:
        return
    if runtime.spam_learning().learn(comment):
        metrics.add_metric(name="SpamLessons", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
