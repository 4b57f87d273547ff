"""One invocation as Lambda's Python runtime makes it: import the handler, call it once, keep the answer.

Run by a bare python3.12 (`python lambda_bootstrap.py module.function EVENT_FILE RESULT_FILE`)
whose path holds only the function's code, its layers and the runtime's boto3.
"""

import importlib
import json
import os
import sys
import time
import uuid
from pathlib import Path


class LambdaContext:
    """The attributes and method of Lambda's context object that Powertools reads."""

    def __init__(self, function_name: str, memory_mb: int, timeout_seconds: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "$LATEST"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main(handler_name: str, event_file: Path, result_file: Path) -> None:
    module_name, function_name = handler_name.rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), function_name)
    context = LambdaContext(
        os.environ["AWS_LAMBDA_FUNCTION_NAME"],
        int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]),
        int(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"]),
    )
    result = handler(json.loads(event_file.read_text()), context)
    result_file.write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
