"""Replay the stream batches the consumer (CountExpiredFunction) gave up on.

Lambda's on-failure destination for a DynamoDB stream receives no records, only where they are:
the stream, the shard and the first and last sequence numbers of the failed batch. A stream keeps
records for 24 hours; within that time this fetches the batch again (GetShardIterator at its first
sequence number, GetRecords up to its last), invokes the consumer with the event Lambda would have
sent, and deletes the message once the function reports no failure. The consumer ignores records
that are not TTL deletions and marks each expiry it counts, so a replay is safe to repeat.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

Invoke = Callable[[dict[str, Any]], dict[str, Any]]
# The stream no longer holds the batch (older than 24 hours, or the stream was replaced).
GONE = {"TrimmedDataAccessException", "ExpiredIteratorException", "ResourceNotFoundException"}
VISIBILITY_SECONDS = 120


class BatchInfo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    stream_arn: str = Field(alias="streamArn")
    shard_id: str = Field(alias="shardId")
    start_sequence_number: str = Field(alias="startSequenceNumber")
    end_sequence_number: str = Field(alias="endSequenceNumber")


class FailureMessage(BaseModel):
    """The body Lambda sends to the on-failure destination of a DynamoDB stream mapping."""

    batch: BatchInfo = Field(alias="DDBStreamBatchInfo")


@dataclass
class ReplayReport:
    replayed: list[str] = field(default_factory=list)
    still_failing: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    records: int = 0

    def summary(self) -> str:
        return (
            f"replayed {len(self.replayed)} batch(es), {self.records} record(s); "
            f"still failing {len(self.still_failing)}; no longer in the stream {len(self.gone)}; "
            f"unreadable {len(self.unreadable)}"
        )


class BatchGone(Exception):
    """The stream no longer holds the batch's records."""


def fetch_batch(streams: Any, batch: BatchInfo) -> list[dict[str, Any]]:
    """The batch's records, first to last sequence number, as Lambda's event shapes them."""
    last = int(batch.end_sequence_number)
    records: list[dict[str, Any]] = []
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=batch.stream_arn,
            ShardId=batch.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=batch.start_sequence_number,
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in page["Records"]:
                if int(record["dynamodb"]["SequenceNumber"]) > last:
                    return records
                records.append(as_event_record(record, batch.stream_arn))
            if not page["Records"]:
                return records
            iterator = page.get("NextShardIterator")
    except ClientError as error:
        if error.response["Error"]["Code"] in GONE:
            raise BatchGone(str(error)) from error
        raise
    return records


def as_event_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """GetRecords' record as a Lambda event record: its source ARN added, times as epoch seconds."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change, "eventSourceARN": stream_arn}


def lambda_invoker(client: Any, function_name: str) -> Invoke:
    """Invoke the deployed consumer synchronously; a crash counts as every record failing."""

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        response = client.invoke(FunctionName=function_name, Payload=json.dumps(event).encode())
        payload = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            return {"batchItemFailures": [{"itemIdentifier": "*"}], "error": payload}
        return payload if isinstance(payload, dict) else {}

    return invoke


def failure_messages(sqs: Any, queue_url: str) -> Iterator[dict[str, Any]]:
    """Every message once: stops when the queue is empty or hands back one already seen."""
    seen: set[str] = set()
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=VISIBILITY_SECONDS
        ).get("Messages", [])
        fresh = [message for message in messages if message["MessageId"] not in seen]
        if not fresh:
            return
        for message in fresh:
            seen.add(message["MessageId"])
            yield message


def replay_failures(queue_url: str, sqs: Any, streams: Any, invoke: Invoke) -> ReplayReport:
    report = ReplayReport()
    for message in failure_messages(sqs, queue_url):
        message_id = message["MessageId"]
        try:
            batch = FailureMessage.model_validate_json(message["Body"]).batch
        except ValidationError:
            report.unreadable.append(message_id)
            continue
        try:
            records = fetch_batch(streams, batch)
        except BatchGone:
            report.gone.append(message_id)
            continue
        result = invoke({"Records": records})
        if result.get("batchItemFailures"):
            report.still_failing.append(message_id)
            continue
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        report.replayed.append(message_id)
        report.records += len(records)
    return report
