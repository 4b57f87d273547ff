"""The `moderation` command: serve the local stack, export a model, score comments."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from moderation_tools.model import STARTER_DIR

# The project root (the package is installed editable from it).
REPO = Path(__file__).resolve().parents[2]


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


def _starter(args: argparse.Namespace) -> int:
    try:
        from moderation_tools.model.starter import build_starter

        manifest = build_starter(args.out)
    except ImportError as error:
        hint = "install the `starter` extra: pip install -e '.[starter]'"
        print(f"moderation model starter: {error}; {hint}", file=sys.stderr)
        return 1
    except ValueError as error:  # UnsupportedPipeline: a release the run time can't reproduce
        print(f"moderation model starter: {error}", file=sys.stderr)
        return 1
    source = manifest.provenance
    print(f"wrote {args.out} ({source.describe()}, {source.licence}; labels: {', '.join(manifest.labels)})")
    return 0


def _score(args: argparse.Namespace) -> int:
    from moderation.scoring.base import load_scorer, scorer_from_dir
    from moderation.settings import Settings

    from moderation_tools.model.score import score_lines

    settings = Settings()
    if args.model_dir is not None:
        scorer = scorer_from_dir(args.model_dir)
    else:
        # As the service does: MODEL_DIR's artifact, else the starter.
        loaded, description = load_scorer(settings)
        print(description, file=sys.stderr)
        if loaded is None:
            return 1
        scorer = loaded
    return score_lines(scorer, sys.stdin, sys.stdout, settings.review_threshold, settings.reject_threshold)


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

    starter = model.add_parser("starter", help="convert alt-profanity-check into the starter artifact")
    starter.add_argument("--out", type=Path, default=REPO / STARTER_DIR)
    starter.set_defaults(run=_starter)

    score = commands.add_parser("score", help="score one comment per line of standard input")
    score.add_argument(
        "--model-dir", type=Path, help="artifact to score with (default: MODEL_DIR's, else the starter)"
    )
    score.set_defaults(run=_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Outside Lambda the starter is the project's committed copy, not the layer's /opt/starter.
    os.environ.setdefault("STARTER_MODEL_DIR", str(REPO / STARTER_DIR))
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
