"""The `moderation` command: serve the local stack, export a model, score comments, evaluate a model."""

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


def _eval(args: argparse.Namespace) -> int:
    import logging

    from moderation.settings import Settings
    from pydantic import ValidationError

    from moderation_tools.eval.dataset import DEFAULT_EVAL_SET, EvalSetError
    from moderation_tools.eval.run import ScorerUnavailable, render_table, run_eval

    # The service logs a failed model load with its traceback for CloudWatch; here the one-line
    # error below says the same, so Python's last-resort handler must not print it.
    logging.getLogger().addHandler(logging.NullHandler())
    try:
        settings = Settings(**({"model_dir": args.model_dir} if args.model_dir else {}))
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
