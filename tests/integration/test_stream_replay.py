"""`moderation stream replay`: the batches the stream consumer gave up on, fetched again from the
stream and handed to the consumer (moto's DynamoDB streams and SQS)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moderation_tools.ops.stream_replay import lambda_invoker, replay_failures

from tests.integration.conftest import LambdaContext


@dataclass
class Stack:
    table: Any
    streams: Any
    sqs: Any
    queue_url: str
    stream_arn: str
    shard_id: str


@pytest.fixture
def stack(aws: Any) -> Stack:
    """A table with a stream and the failure queue, in the moto of the `aws` fixture."""
    dynamodb = boto3.resource("dynamodb")
    table = dynamodb.create_table(
        TableName="Comments",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"},
    )
    # botocore now routes calls that name a stream to <account>.streams-ddb.<region>, which
    # moto does not serve yet; the classic endpoint reaches the same moto backend.
    streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
    stream_arn = table.latest_stream_arn
    shard_id = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName="StreamFailures")["QueueUrl"]
    return Stack(table, streams, sqs, queue_url, stream_arn, shard_id)


def stream_records(stack: Stack) -> list[dict[str, Any]]:
    iterator = stack.streams.get_shard_iterator(
        StreamArn=stack.stream_arn, ShardId=stack.shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = stack.streams.get_records(ShardIterator=iterator)["Records"]
    return records


def set_aside(stack: Stack, first: dict[str, Any], last: dict[str, Any]) -> str:
    """What Lambda's on-failure destination receives for a failed batch: where it is, not what."""
    body = {
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
        "version": "1.0",
        "DDBStreamBatchInfo": {
            "shardId": stack.shard_id,
            "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
            "batchSize": 2,
            "streamArn": stack.stream_arn,
        },
    }
    message_id: str = stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody=json.dumps(body))[
        "MessageId"
    ]
    return message_id


def messages_left(stack: Stack) -> int:
    attributes = stack.sqs.get_queue_attributes(
        QueueUrl=stack.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


class Consumer:
    """Stands in for the deployed consumer: records every event, answers as told."""

    def __init__(self, failures: list[dict[str, str]] | None = None):
        self.events: list[dict[str, Any]] = []
        self.failures = failures or []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(json.loads(json.dumps(event)))  # what would go over the wire
        return {"batchItemFailures": self.failures}


def write_and_expire(stack: Stack) -> list[dict[str, Any]]:
    for key in ("a", "b", "c"):
        stack.table.put_item(Item={"pk": key, "body": f"comment {key}"})
    stack.table.delete_item(Key={"pk": "b"})
    return stream_records(stack)


def test_a_set_aside_batch_is_fetched_again_and_handed_to_the_consumer(stack: Stack) -> None:
    records = write_and_expire(stack)
    message_id = set_aside(stack, records[1], records[3])
    consumer = Consumer()

    report = replay_failures(stack.queue_url, stack.sqs, stack.streams, consumer)

    (event,) = consumer.events
    replayed = event["Records"]
    assert [r["dynamodb"]["SequenceNumber"] for r in replayed] == [
        r["dynamodb"]["SequenceNumber"] for r in records[1:4]
    ]
    assert [r["eventName"] for r in replayed] == ["INSERT", "INSERT", "REMOVE"]
    assert replayed[2]["dynamodb"]["OldImage"]["pk"] == {"S": "b"}
    assert all(r["eventSourceARN"] == stack.stream_arn for r in replayed)
    assert report.replayed == [message_id]
    assert report.records == 3
    assert messages_left(stack) == 0


def test_a_batch_the_consumer_still_fails_stays_in_the_queue(stack: Stack) -> None:
    records = write_and_expire(stack)
    message_id = set_aside(stack, records[3], records[3])
    consumer = Consumer(failures=[{"itemIdentifier": records[3]["dynamodb"]["SequenceNumber"]}])

    report = replay_failures(stack.queue_url, stack.sqs, stack.streams, consumer)

    assert len(consumer.events) == 1
    assert report.still_failing == [message_id]
    assert report.replayed == []
    assert messages_left(stack) == 1


def test_the_real_consumer_accepts_the_replayed_event(stack: Stack) -> None:
    import count_expired

    records = write_and_expire(stack)
    set_aside(stack, records[0], records[3])
    answers: list[dict[str, Any]] = []

    def consumer(event: dict[str, Any]) -> dict[str, Any]:
        answer = dict(count_expired.handler(json.loads(json.dumps(event)), LambdaContext()))
        answers.append(answer)
        return answer

    report = replay_failures(stack.queue_url, stack.sqs, stack.streams, consumer)

    # None of these is a TTL deletion, so the consumer counts nothing, and fails on nothing.
    assert answers == [{"batchItemFailures": []}]
    assert report.records == 4
    assert messages_left(stack) == 0


class TrimmedStream:
    """A stream past its 24 hours: the batch's records are gone."""

    def get_shard_iterator(self, **_: Any) -> dict[str, Any]:
        raise ClientError(
            {"Error": {"Code": "TrimmedDataAccessException", "Message": "trimmed"}}, "GetShardIterator"
        )


def test_a_batch_no_longer_in_the_stream_is_reported_and_kept(stack: Stack) -> None:
    records = write_and_expire(stack)
    message_id = set_aside(stack, records[0], records[0])
    consumer = Consumer()

    report = replay_failures(stack.queue_url, stack.sqs, TrimmedStream(), consumer)

    assert consumer.events == []
    assert report.gone == [message_id]
    assert messages_left(stack) == 1


def test_a_message_that_is_not_a_stream_failure_is_left_alone(stack: Stack) -> None:
    message_id = stack.sqs.send_message(QueueUrl=stack.queue_url, MessageBody='{"hello": 1}')["MessageId"]

    report = replay_failures(stack.queue_url, stack.sqs, stack.streams, Consumer())

    assert report.unreadable == [message_id]
    assert messages_left(stack) == 1


class LambdaClient:
    def __init__(self, payload: Any, function_error: str | None = None):
        self.payload = payload
        self.function_error = function_error
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        response: dict[str, Any] = {"Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.function_error:
            response["FunctionError"] = self.function_error
        return response


def test_the_deployed_function_is_invoked_synchronously_with_the_event() -> None:
    client = LambdaClient({"batchItemFailures": []})

    result = lambda_invoker(client, "stack-CountExpiredFunction-abc")({"Records": []})

    assert result == {"batchItemFailures": []}
    (call,) = client.calls
    assert call["FunctionName"] == "stack-CountExpiredFunction-abc"
    assert json.loads(call["Payload"]) == {"Records": []}
    assert "InvocationType" not in call  # RequestResponse: the answer says what failed


def test_a_crashed_invocation_counts_as_a_failure() -> None:
    client = LambdaClient({"errorMessage": "boom", "errorType": "RuntimeError"}, function_error="Unhandled")

    result = lambda_invoker(client, "consumer")({"Records": []})

    assert result["batchItemFailures"]
