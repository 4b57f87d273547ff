"""The floor under the submit function's cold start: a fresh process that imports what the function
imports from its libraries and creates its DynamoDB client, with none of our code, no model and no
request. Prints the seconds from spawn to that point.

Usage: python bench/libraries_worker.py STARTED [EVENT_FILE]  (the event is not read: no request)
"""

import json
import sys
import time

if __name__ == "__main__":
    started = float(sys.argv[1])
    import botocore.session
    import pydantic
    import pydantic_settings
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.openapi.params import Header, Path

    botocore.session.get_session().create_client("dynamodb")
    loaded = (pydantic, pydantic_settings, Logger, Metrics, APIGatewayHttpResolver, Header, Path)
    print(json.dumps({"cold_start_s": time.time() - started, "status": None, "loaded": len(loaded)}))
