"""The table's stream, locally: moto records it but never delivers it to a function, so after
each API call the local stack reads the new records and hands them, as a DynamoDB stream event,
to the template's stream consumers (WebhookFunction with WEBHOOK_URLS set, ShadowScoringFunction
with SHADOW_MODEL_DIR set) on a background thread (a slow receiver never slows the API). The
spam filter's learning (SpamLearningFunction, always on) is handed each batch at once, before the
API call that wrote it answers: in AWS a lesson lands within a second or so of the decision, and
locally the next comment posted after a moderator's decision is always scored with its lesson,
never by luck of a thread's timing. The same handlers run here as in AWS; each checks the
records it is given, as their filters do."""

from __future__ import annotations

import importlib
import queue
import sys
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moderation_tools.local.template import Template, table_name

WEBHOOK_FUNCTION = "WebhookFunction"
SHADOW_FUNCTION = "ShadowScoringFunction"
SPAM_FUNCTION = "SpamLearningFunction"
DEAD_LETTER_QUEUE = "WebhookDeadLetterQueue"
STREAM_TABLE = "CommentsTable"
ACCOUNT = "123456789012"
REGION = "us-east-1"
READ_LIMIT = 1000

StreamHandler = Callable[[dict[str, Any], Any], Any]


class StreamRelay:
    """Reads moto's stream of the comments table and feeds each consumer's handler, in order."""

    def __init__(
        self,
        template: Template,
        context_factory: Callable[[str], Any],
        functions: tuple[str, ...] = (WEBHOOK_FUNCTION,),
        synchronous: tuple[str, ...] = (),
    ):
        self._template = template
        self._context_factory = context_factory
        self._handlers = {function: import_function(template, function) for function in functions}
        self._synchronous = {function: import_function(template, function) for function in synchronous}
        self._batches: queue.Queue[list[dict[str, Any]]] = queue.Queue()
        self._after: int | None = None
        self._stream_arn = ""
        self._worker = threading.Thread(target=self._deliver, name="stream", daemon=True)

    def start(self) -> None:
        import boto3

        name = table_name(STREAM_TABLE, self._template.tables()[STREAM_TABLE])
        self._stream_arn = boto3.client("dynamodb").describe_table(TableName=name)["Table"]["LatestStreamArn"]
        self._worker.start()

    def collect(self) -> int:
        """Queue the records written since the last call, as one batch; call it after each
        invocation under the stack's lock (moto is not safe to read while a handler writes).
        Returns how many records were queued."""
        # moto's DynamoDB Streams backend: its boto3 client API is not served in this moto.
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        backend = dynamodbstreams_backends[ACCOUNT][REGION]
        shard_id = backend.describe_stream(self._stream_arn)["Shards"][0]["ShardId"]
        # A fresh iterator each time: moto swaps the table object when a transaction rolls back.
        if self._after is None:
            iterator = backend.get_shard_iterator(self._stream_arn, shard_id, "TRIM_HORIZON")
        else:
            # moto types the number as str but adds 1 to it: its HTTP layer passes an int.
            iterator = backend.get_shard_iterator(
                self._stream_arn,
                shard_id,
                "AFTER_SEQUENCE_NUMBER",
                self._after,  # type: ignore[arg-type]
            )
        result = backend.get_records(iterator.arn, READ_LIMIT)
        for used in (iterator.arn, result["NextShardIterator"]):
            backend.shard_iterators.pop(used, None)
        records = result["Records"]
        if records:
            self._after = int(records[-1]["dynamodb"]["SequenceNumber"])
            batch = [_as_lambda_record(record) for record in records]
            for function, handler in self._synchronous.items():
                self._handle(function, handler, batch)
            if self._handlers:
                self._batches.put(batch)
        return len(records)

    def wait(self) -> None:
        """Block until every queued batch was handled."""
        self._batches.join()

    def _deliver(self) -> None:
        while True:
            batch = self._batches.get()
            try:
                for function, handler in self._handlers.items():
                    self._handle(function, handler, batch)
            finally:
                self._batches.task_done()

    def _handle(self, function: str, handler: StreamHandler, batch: list[dict[str, Any]]) -> None:
        try:
            response = handler({"Records": batch}, self._context_factory(function))
        except Exception as error:  # the relay must outlive one bad batch
            sys.stderr.write(f"{function}: a batch of {len(batch)} records failed: {error}\n")
            return
        failures = (response or {}).get("batchItemFailures") if isinstance(response, dict) else None
        if failures:
            # Lambda would retry these; locally they are reported, as a failed batch is.
            sys.stderr.write(f"{function}: {len(failures)} of {len(batch)} records failed\n")


def _as_lambda_record(record: dict[str, Any]) -> dict[str, Any]:
    """moto's record as Lambda sends it: the time in epoch seconds, not a datetime."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": change}


def webhook_environment(template: Template) -> dict[str, str]:
    """The WebhookFunction's variables, with its dead-letter queue created in moto's SQS."""
    import boto3

    queue_url = boto3.client("sqs").create_queue(QueueName=DEAD_LETTER_QUEUE)["QueueUrl"]
    return {**template.environment(WEBHOOK_FUNCTION), "WEBHOOK_DLQ_URL": queue_url}


def import_function(template: Template, function: str) -> StreamHandler:
    properties = template.resources[function]["Properties"]
    module_name, attribute = str(properties["Handler"]).rsplit(".", 1)
    code_dir = str(template.root / properties["CodeUri"])
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    handler: StreamHandler = getattr(importlib.import_module(module_name), attribute)
    return handler
