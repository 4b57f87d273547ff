"""The `moderation` command: serve the local stack, a local AWS for sam local, export a model, score."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from moderation_tools.local.aws import DEFAULT_ENV_FILE, DEFAULT_PORT, DOCKER_DESKTOP_HOST


def _serve(args: argparse.Namespace) -> int:
    from moderation_tools.local.server import serve

    serve(args.port, args.template, os.environ.get("LOCAL_MODERATOR_TOKEN") or None)
    return 0


def _local_aws(args: argparse.Namespace) -> int:
    from moderation_tools.local.aws import LocalAwsError, serve_local_aws

    try:
        serve_local_aws(args.template, args.port, args.host_for_containers, args.bind, args.env_file)
    except LocalAwsError as error:
        print(f"moderation local-aws: {error}", file=sys.stderr)
        return 1
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="moderation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API locally with an in-memory DynamoDB")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    serve.add_argument("--template", type=Path, default=Path("template.yaml"))
    serve.set_defaults(run=_serve)

    local_aws = commands.add_parser(
        "local-aws", help="a local DynamoDB (moto) for `sam local`, and the --env-vars file pointing at it"
    )
    local_aws.add_argument("--port", type=int, default=DEFAULT_PORT)
    local_aws.add_argument(
        "--host-for-containers",
        default=DOCKER_DESKTOP_HOST,
        help="how sam local's containers reach this machine: host.docker.internal (Docker Desktop, "
        "the default) or 172.17.0.1 (Docker Engine on Linux: the default bridge's gateway)",
    )
    local_aws.add_argument(
        "--bind",
        help="address moto listens on; default: --host-for-containers if it is an address, else 127.0.0.1",
    )
    local_aws.add_argument("--template", type=Path, default=Path("template.yaml"))
    local_aws.add_argument("--env-file", type=Path, default=DEFAULT_ENV_FILE)
    local_aws.set_defaults(run=_local_aws)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
