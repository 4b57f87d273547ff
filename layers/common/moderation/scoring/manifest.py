"""The artifact's manifest: what `export_model` wrote and what the scorer needs to read it back.

A checked dataclass rather than a pydantic model: the scoring runtime is onnxruntime and
tokenizers only, and importing pydantic would take a quarter of its cold start (see README).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

MANIFEST_NAME = "manifest.json"


class ManifestError(ValueError):
    """The manifest is not one this version can read; the message says which field and why."""


@dataclass(frozen=True, kw_only=True)
class ModelManifest:
    model_type: str
    labels: list[str]
    max_tokens: int
    pad_token_id: int
    quantization: Literal["int8", "none"]
    checkpoint_sha256: str
    versions: dict[str, str] = field(default_factory=dict)
    onnx_file: str = "model.onnx"
    tokenizer_file: str = "tokenizer.json"
    format_version: Literal[1] = 1

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if not _conforms(value, _HINTS[spec.name]):
                raise ManifestError(f"{spec.name} must be {_describe(_HINTS[spec.name])}, got {value!r}")
        if not self.labels or self.max_tokens < 1:
            raise ManifestError("a manifest needs at least one label and a positive max_tokens")
        for name in (self.onnx_file, self.tokenizer_file):
            # File names, not paths: the artifact is one self-contained directory.
            if name in ("", ".", "..") or Path(name).name != name:
                raise ManifestError(f"{name!r} is not a file name inside the artifact directory")

    @classmethod
    def from_json(cls, text: str) -> ModelManifest:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ManifestError(f"not JSON: {error}") from error
        if not isinstance(data, dict):
            raise ManifestError("not a JSON object")
        known = {spec.name for spec in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise ManifestError(f"unknown fields {unknown}: written by a newer version?")
        try:
            return cls(**data)
        except TypeError as error:  # a required field is missing
            raise ManifestError(str(error).removeprefix(f"{cls.__name__}.__init__() ")) from error

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def read_manifest(model_dir: Path) -> ModelManifest:
    path = model_dir / MANIFEST_NAME
    try:
        return ModelManifest.from_json(path.read_text(encoding="utf-8"))
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from error


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = get_origin(hint), get_args(hint)
    if origin is Literal:
        return any(value == arg and type(value) is type(arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(_conforms(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _conforms(key, args[0]) and _conforms(item, args[1]) for key, item in value.items()
        )
    # `type(...) is`, not isinstance: JSON's true is not a token count.
    return type(value) is hint


def _describe(hint: Any) -> str:
    if get_origin(hint) is Literal:
        return " or ".join(repr(arg) for arg in get_args(hint))
    return str(hint) if get_origin(hint) else str(hint.__name__)


_HINTS = get_type_hints(ModelManifest)
