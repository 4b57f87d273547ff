"""DynamoDB stream consumer: each change to a comment becomes events, POSTed to the webhooks.

The event source mapping's filter passes only INSERT and MODIFY records of comment items;
`events_from_record` decides which of them are events. A URL that keeps failing gets its copy
dead-lettered inside the sender, so one dead receiver never holds the stream back; a record
fails (and is retried by Lambda, then sent to the on-failure queue) only when even that fails.
"""

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from moderation import observability, runtime
from moderation.events import events_from_record

logger = Logger()
tracer = observability.tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
runtime.webhook_sender()


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    change = record.dynamodb
    if change is None or record.event_name is None:
        return
    epoch = change.approximate_creation_date_time
    events = events_from_record(
        change.old_image or None,
        change.new_image or None,
        record.event_name.name,
        None if epoch is None else datetime.fromtimestamp(epoch, UTC),
    )
    sender = runtime.webhook_sender()
    for event in events:
        delivered = sender.send(event)
        metrics.add_metric(name="WebhooksDelivered", unit=MetricUnit.Count, value=delivered)
        metrics.add_metric(
            name="WebhooksDeadLettered", unit=MetricUnit.Count, value=len(sender.urls) - delivered
        )


@logger.inject_lambda_context
@metrics.log_metrics
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
