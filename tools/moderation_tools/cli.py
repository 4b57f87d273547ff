"""The `moderation` command: serve the local stack, export a model, score comments, replay the
stream batches a deployed stack set aside."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path


def _serve(args: argparse.Namespace) -> int:
    from moderation_tools.local.server import serve

    serve(args.port, args.template, os.environ.get("LOCAL_MODERATOR_TOKEN") or None)
    return 0


def _export(args: argparse.Namespace) -> int:
    from moderation_tools.model.export import export_model

    manifest = export_model(
        checkpoint=args.checkpoint,
        hf_config=args.hf_config,
        out=args.out,
        quantize=args.quantize,
        model_type=args.model_type,
    )
    print(f"wrote {args.out} ({manifest.model_type}, labels: {', '.join(manifest.labels)})")
    return 0


def _score(args: argparse.Namespace) -> int:
    from moderation.settings import Settings

    from moderation_tools.model.score import score_lines

    settings = Settings()
    return score_lines(
        args.model_dir, sys.stdin, sys.stdout, settings.review_threshold, settings.reject_threshold
    )


def _stream_replay(args: argparse.Namespace) -> int:
    import boto3

    from moderation_tools.ops.stream_replay import lambda_invoker, replay_failures

    report = replay_failures(
        args.queue_url,
        boto3.client("sqs"),
        boto3.client("dynamodbstreams"),
        lambda_invoker(boto3.client("lambda"), args.function),
    )
    print(report.summary())
    # Whatever was not replayed stays in the queue (and its alarm stays on).
    return 0 if not (report.still_failing or report.gone or report.unreadable) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moderation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API locally with an in-memory DynamoDB")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument("--template", type=Path, default=Path("template.yaml"))
    serve.set_defaults(run=_serve)

    model = commands.add_parser("model", help="model tooling").add_subparsers(
        dest="model_command", required=True
    )
    export = model.add_parser("export", help="turn a Detoxify checkpoint into the ONNX scoring artifact")
    export.add_argument("--checkpoint", type=Path, help="Detoxify .ckpt (downloads the default without it)")
    export.add_argument("--hf-config", type=Path, help="directory with the Hugging Face config and tokenizer")
    export.add_argument("--out", type=Path, default=Path(os.environ.get("MODEL_DIR", "model")))
    export.add_argument("--quantize", choices=["int8", "none"], default="int8")
    export.add_argument("--model-type", help="Detoxify model type to download when no checkpoint is given")
    export.set_defaults(run=_export)

    score = commands.add_parser("score", help="score one comment per line of standard input")
    score.add_argument("--model-dir", type=Path, default=Path(os.environ.get("MODEL_DIR", "model")))
    score.set_defaults(run=_score)

    stream = commands.add_parser("stream", help="the table's stream in a deployed stack").add_subparsers(
        dest="stream_command", required=True
    )
    replay = stream.add_parser(
        "replay", help="re-fetch the batches in StreamFailuresQueue and invoke the consumer with them"
    )
    replay.add_argument("--queue-url", required=True, help="the stack's StreamFailuresQueueUrl output")
    replay.add_argument("--function", required=True, help="the deployed CountExpiredFunction's name")
    replay.set_defaults(run=_stream_replay)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
