"""The `moderation` command: serve the local stack (and a local AWS for sam local), export a model,
score comments, evaluate a model, import an existing blog's comments, replay the stream batches a
deployed stack set aside."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path

from moderation_tools.errors import ToolError
from moderation_tools.local.aws import DEFAULT_ENV_FILE, DEFAULT_PORT, DOCKER_DESKTOP_HOST
from moderation_tools.model import STARTER_DIR
from moderation_tools.model.download import DEFAULT_MODEL_TYPE, MODEL_TYPES, download

# The project root (the package is installed editable from it).
REPO = Path(__file__).resolve().parents[2]

# What `moderation model export` imports: the `export` extra, never installed in Lambda.
EXPORT_PACKAGES = ("torch", "transformers", "detoxify", "onnx", "onnxscript", "onnxruntime")


def _serve(args: argparse.Namespace) -> int:
    from moderation_tools.local.server import serve

    serve(args.port, args.template, os.environ.get("LOCAL_MODERATOR_TOKEN") or None)
    return 0


def _local_aws(args: argparse.Namespace) -> int:
    from moderation_tools.local.aws import LocalAwsError, serve_local_aws

    try:
        serve_local_aws(args.template, args.port, args.host_for_containers, args.bind, args.env_file)
    except LocalAwsError as error:
        raise ToolError(f"local-aws: {error}") from error
    return 0


def _export(args: argparse.Namespace) -> int:
    _require_export_packages()
    checkpoint, hf_config = _export_inputs(args)
    from moderation_tools.model.export import export_model

    manifest = export_model(
        checkpoint=checkpoint,
        hf_config=hf_config,
        out=args.out,
        quantize=args.quantize,
        model_type=args.model_type,
    )
    print(f"wrote {args.out} ({manifest.model_type}, labels: {', '.join(manifest.labels)})")
    return 0


def _require_export_packages() -> None:
    """Found, not imported: importing them takes seconds, and a download should fail fast."""
    missing = [name for name in EXPORT_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise ToolError(
            f"model export needs the build-time packages ({', '.join(missing)} missing): "
            "pip install -e '.[export]', or run `make model`, which installs them"
        )


def _export_inputs(args: argparse.Namespace) -> tuple[Path, Path]:
    """The checkpoint and config directory given, checked, or else downloaded."""
    if args.checkpoint is None:
        if args.hf_config is not None:
            raise ToolError("--hf-config (HF_CONFIG=) goes with --checkpoint (CHECKPOINT=)", 2)
        return download(args.model_type or DEFAULT_MODEL_TYPE)
    if not args.checkpoint.is_file():
        raise ToolError(f"no checkpoint file at {args.checkpoint}", 2)
    if args.hf_config is None:
        raise ToolError(
            "--checkpoint (CHECKPOINT=) needs --hf-config (HF_CONFIG=): the directory with the "
            "checkpoint's Hugging Face config.json and tokenizer files (docs/scoring/models.md)",
            2,
        )
    if not (args.hf_config / "config.json").is_file():
        raise ToolError(f"no config.json in {args.hf_config} (docs/scoring/models.md lists the files)", 2)
    return args.checkpoint, args.hf_config


def _download(args: argparse.Namespace) -> int:
    checkpoint, hf_config = download(args.model_type)
    print(f"MODEL_TYPE={args.model_type} CHECKPOINT={checkpoint} HF_CONFIG={hf_config}")
    return 0


def _starter(args: argparse.Namespace) -> int:
    try:
        from moderation_tools.model.starter import build_starter

        manifest = build_starter(args.out)
    except ImportError as error:
        raise ToolError(f"{error}; install the `starter` extra: pip install -e '.[starter]'") from error
    except ValueError as error:  # UnsupportedPipeline: a release the run time can't reproduce
        raise ToolError(str(error)) from error
    source = manifest.provenance
    print(f"wrote {args.out} ({source.describe()}, {source.licence}; labels: {', '.join(manifest.labels)})")
    return 0


def _score(args: argparse.Namespace) -> int:
    from moderation.scoring.base import Scorer, load_scorer, scorer_from_dir
    from moderation.scoring.manifest import MANIFEST_NAME, ManifestError
    from moderation.settings import Settings

    from moderation_tools.model.score import score_lines

    settings = Settings()
    scorer: Scorer
    if args.model_dir is not None:
        if not (args.model_dir / MANIFEST_NAME).is_file():
            raise ToolError(
                f"no model in {args.model_dir} (no {MANIFEST_NAME}); export one there with "
                f"`make model MODEL_DIR={args.model_dir}`",
                2,
            )
        try:
            scorer = scorer_from_dir(args.model_dir)
        except ManifestError as error:
            raise ToolError(f"the model in {args.model_dir} can't be used: {error}", 2) from error
    else:
        # As the service does: MODEL_DIR's artifact, else the starter.
        loaded, description = load_scorer(settings)
        print(description, file=sys.stderr)
        if loaded is None:
            raise ToolError("no model could be loaded (see above)", 2)
        scorer = loaded
    return score_lines(scorer, sys.stdin, sys.stdout, settings.review_threshold, settings.reject_threshold)


def _eval(args: argparse.Namespace) -> int:
    import logging

    from moderation.scoring.manifest import MANIFEST_NAME
    from moderation.settings import Settings
    from pydantic import ValidationError

    from moderation_tools.eval.dataset import DEFAULT_EVAL_SET, EvalSetError
    from moderation_tools.eval.run import ScorerUnavailable, render_table, run_eval

    # The service logs a failed model load with its traceback for CloudWatch; here the one-line
    # error below says the same, so Python's last-resort handler must not print it.
    logging.getLogger().addHandler(logging.NullHandler())
    try:
        settings = Settings(**({"model_dir": args.model_dir} if args.model_dir else {}))
        # A directory named on the command line must hold a model: no silent fallback to the starter.
        if (
            args.model_dir
            and not settings.moderation_scorer
            and not (args.model_dir / MANIFEST_NAME).is_file()
        ):
            return _fail(f"no model in {args.model_dir} (no {MANIFEST_NAME}); export one with `make model`")
        evaluation = run_eval(settings, args.eval_set or DEFAULT_EVAL_SET)
    except ValidationError as error:
        return _fail(f"bad settings: {error}")
    except (EvalSetError, ScorerUnavailable) as error:
        return _fail(str(error))
    print(render_table(evaluation))
    if args.json:
        try:
            args.json.write_text(evaluation.model_dump_json(indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            return _fail(f"cannot write {args.json}: {error.strerror or error}")
        print(f"\nwrote {args.json}")
    return 0


def _fail(message: str) -> int:
    print(f"moderation eval: {message}", file=sys.stderr)
    return 1


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


def _insights_backfill(args: argparse.Namespace) -> int:
    from moderation.policy import effective_thresholds

    from moderation_tools.ops.insights_backfill import backfill

    try:
        thresholds = effective_thresholds(args.review_threshold, args.reject_threshold, None)
    except ValueError as error:
        raise ToolError(str(error)) from error
    report = backfill(args.table, thresholds)
    print(report.summary())
    return 0


DEFAULT_API = "http://127.0.0.1:3000"
TOKEN_VARIABLES = ("MODERATION_TOKEN", "LOCAL_MODERATOR_TOKEN")


def _import(args: argparse.Namespace) -> int:
    from moderation_tools.importing.disqus import read_disqus
    from moderation_tools.importing.send import ImportClient, dry_run, send_export
    from moderation_tools.importing.wordpress import read_wordpress

    if args.source == "disqus":
        export = read_disqus(args.file, args.post_id_from)
    else:
        export = read_wordpress(args.file, args.post_id_from, args.include_pings)
    if args.dry_run:
        print("\n".join(dry_run(export)))
        return 0
    token = args.token or next((os.environ[name] for name in TOKEN_VARIABLES if os.environ.get(name)), "")
    if not token:
        raise ToolError(
            "no moderator token: pass --token or set MODERATION_TOKEN (`make run` prints the local one)", 2
        )
    if not args.api.startswith(("http://", "https://")):
        raise ToolError(f"--api must be an http(s) URL, not {args.api!r}", 2)
    client = ImportClient(args.api, token, args.status_policy)
    summary = send_export(export, client.send, args.concurrency, sys.stderr)
    print("\n".join(summary.lines()))
    return 1 if summary.errors else 0


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
    export.add_argument(
        "--model-type",
        choices=MODEL_TYPES,
        help=f"the Detoxify model to download when no checkpoint is given (default {DEFAULT_MODEL_TYPE})",
    )
    export.set_defaults(run=_export)

    fetch = model.add_parser(
        "download", help="download (or find cached) a model's files; prints the arguments for `make model`"
    )
    fetch.add_argument("--model-type", choices=MODEL_TYPES, default=DEFAULT_MODEL_TYPE)
    fetch.set_defaults(run=_download)

    starter = model.add_parser("starter", help="convert alt-profanity-check into the starter artifact")
    starter.add_argument("--out", type=Path, default=REPO / STARTER_DIR)
    starter.set_defaults(run=_starter)

    score = commands.add_parser("score", help="score one comment per line of standard input")
    score.add_argument(
        "--model-dir", type=Path, help="artifact to score with (default: MODEL_DIR's, else the starter)"
    )
    score.set_defaults(run=_score)

    evaluate = commands.add_parser(
        "eval", help="decide the labelled evaluation set as the service would; print the table per class"
    )
    evaluate.add_argument(
        "--model-dir", type=Path, help="model artifact to evaluate (default: MODEL_DIR, as the service)"
    )
    evaluate.add_argument(
        "--eval-set", type=Path, help="labelled JSON lines (default: the set shipped with these tools)"
    )
    evaluate.add_argument("--json", type=Path, help="also write the figures and every decision here")
    evaluate.set_defaults(run=_eval)

    insights = commands.add_parser("insights", help="the insights aggregates").add_subparsers(
        dest="insights_command", required=True
    )
    insights_backfill = insights.add_parser(
        "backfill", help="count the comments stored before insights (one offline Scan; safe to repeat)"
    )
    insights_backfill.add_argument("--table", required=True, help="the stack's comments table")
    insights_backfill.add_argument("--review-threshold", type=float, help="in force back then (default 0.5)")
    insights_backfill.add_argument("--reject-threshold", type=float, help="in force back then (default 0.9)")
    insights_backfill.set_defaults(run=_insights_backfill)

    importing = commands.add_parser(
        "import", help="import an existing blog's comments (Disqus, WordPress) through the bulk route"
    )
    importing.add_argument("source", choices=["disqus", "wordpress"], help="the export's kind")
    importing.add_argument("file", type=Path, help="Disqus's export XML or WordPress's WXR file")
    importing.add_argument("--api", default=DEFAULT_API, help=f"the stack's API URL (default {DEFAULT_API})")
    importing.add_argument(
        "--token", help="a moderator's bearer token (default: $MODERATION_TOKEN, else $LOCAL_MODERATOR_TOKEN)"
    )
    importing.add_argument(
        "--post-id-from",
        choices=["url", "slug"],
        default="url",
        help="url: the last segment of the post's URL path (default); slug: WordPress's post_name, "
        "Disqus's thread identifier",
    )
    importing.add_argument(
        "--status-policy",
        choices=["keep", "rescore"],
        default="keep",
        help="keep each comment's original status (default), or decide it with today's policy",
    )
    importing.add_argument(
        "--include-pings", action="store_true", help="WordPress: import pingbacks and trackbacks"
    )
    importing.add_argument("--concurrency", type=int, default=4, help="batches in flight at once (default 4)")
    importing.add_argument("--dry-run", action="store_true", help="read the export and report; send nothing")
    importing.set_defaults(run=_import)

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
    """Run one command. Expected failures are a message and an exit code; bugs keep their traceback."""
    args = build_parser().parse_args(argv)
    # Outside Lambda the starter is the project's committed copy, not the layer's /opt/starter.
    os.environ.setdefault("STARTER_MODEL_DIR", str(REPO / STARTER_DIR))
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except ToolError as error:
        print(f"moderation: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("moderation: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
