"""One cold start of the submit function, in a fresh process: import the handler (which loads its
scorer at init, as in Lambda), then answer one POST. Prints the seconds from spawn to response.

Usage: python bench/handler_worker.py STARTED EVENT_FILE
(STARTED is time.time() just before the process was spawned; the environment says which scorer.)
"""

import json
import sys
import time
from pathlib import Path


class Context:
    function_name = "SubmitCommentFunction"
    aws_request_id = "bench"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:SubmitCommentFunction"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


if __name__ == "__main__":
    started, event_file = float(sys.argv[1]), Path(sys.argv[2])
    import submit_comment

    response = submit_comment.handler(json.loads(event_file.read_text()), Context())
    cold = time.time() - started
    print(json.dumps({"cold_start_s": cold, "status": response["statusCode"]}))
