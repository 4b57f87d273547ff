"""The artifact's manifest: what the exporters wrote and what the scorers need to read it back.

Two kinds of artifact share it: `transformer` (a Detoxify network: token ids in, logits out,
read with `tokenizers`, run with onnxruntime) and `tfidf` (the starter: a bag of words and linear
SVMs, scored in plain Python). `source` says where the weights came from, so a log line or a stored
comment can name the model that scored it.

A checked dataclass rather than a pydantic model: the scoring runtime is onnxruntime and
tokenizers only, and importing pydantic would take a quarter of its cold start (docs/benchmarks.md).
"""

from __future__ import annotations

import json
import types
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

MANIFEST_NAME = "manifest.json"


class ManifestError(ValueError):
    """The manifest is not one this version can read; the message says which field and why."""


class _Checked:
    """Field types checked on construction; `from_dict` reads nested JSON objects."""

    def __post_init__(self) -> None:
        hints = get_type_hints(type(self))
        for spec in fields(self):  # type: ignore[arg-type]
            value = getattr(self, spec.name)
            if not _conforms(value, hints[spec.name]):
                raise ManifestError(f"{spec.name} must be {_describe(hints[spec.name])}, got {value!r}")

    @classmethod
    def from_dict(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ManifestError(f"{cls.__name__} must be a JSON object, got {data!r}")
        hints = get_type_hints(cls)
        known = {spec.name for spec in fields(cls)}  # type: ignore[arg-type]
        if unknown := sorted(set(data) - known):
            raise ManifestError(f"unknown fields {unknown}: written by a newer version?")
        values = {name: _nested(value, hints[name]) for name, value in data.items()}
        try:
            return cls(**values)
        except TypeError as error:  # a required field is missing
            raise ManifestError(str(error).removeprefix(f"{cls.__name__}.__init__() ")) from error


@dataclass(frozen=True, kw_only=True)
class ModelSource(_Checked):
    """Where the weights came from.

    `package`: a released package (name, version, licence); `detoxify-release`: a Detoxify
    checkpoint whose SHA-256 matched its release (name = model type, file = the release file);
    `unverified`: a checkpoint nobody vouched for; `random-weights`: a test or size fixture.
    """

    kind: Literal["package", "detoxify-release", "unverified", "random-weights"]
    name: str
    version: str = ""
    licence: str = ""
    file: str = ""
    sha256: str = ""

    @property
    def is_real_model(self) -> bool:
        return self.kind in ("package", "detoxify-release")

    def describe(self) -> str:
        """One short name for logs and stored comments, e.g. `starter:alt-profanity-check==1.9.1`."""
        digest = f" (sha256 {self.sha256[:8]}…)" if self.sha256 else ""
        if self.kind == "package":
            return f"starter:{self.name}=={self.version}"
        if self.kind == "detoxify-release":
            return f"detoxify:{self.name}{digest}"
        return f"{self.kind}:{self.file or self.name}{digest}"


@dataclass(frozen=True, kw_only=True)
class RecommendedThresholds(_Checked):
    """Thresholds measured for this model; REVIEW_THRESHOLD / REJECT_THRESHOLD override them."""

    review: float
    reject: float

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0.0 <= self.review <= self.reject <= 1.0:
            raise ManifestError(f"thresholds need 0 <= review <= reject <= 1, got {self}")


@dataclass(frozen=True, kw_only=True)
class ModelManifest(_Checked):
    model_type: str
    labels: list[str]
    kind: Literal["transformer", "tfidf"] = "transformer"
    # Transformer artifacts only: the token limit and the padding id of their tokenizer.
    max_tokens: int | None = None
    pad_token_id: int | None = None
    quantization: Literal["int8", "none"] = "none"
    checkpoint_sha256: str = ""
    # None only in manifests written before provenance was recorded: read as unverified.
    source: ModelSource | None = None
    thresholds: RecommendedThresholds | None = None
    versions: dict[str, str] = field(default_factory=dict)
    # The network (transformer only: not written in a tfidf manifest).
    onnx_file: str = "model.onnx"
    # The tokenizer (transformer) or the analyzer, vocabulary and SVMs' constants (tfidf).
    tokenizer_file: str = "tokenizer.json"
    # Per vocabulary column its idf and SVM weights, little-endian float64 (tfidf only: not
    # written in a transformer manifest, which stays readable by versions that predate it).
    weights_file: str = ""
    # 2 for a transformer; 3 for a tfidf artifact, which carries weights_file (format 2's starter
    # ran an ONNX graph instead).
    format_version: Literal[1, 2, 3] = 2

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.labels:
            raise ManifestError("a manifest needs at least one label")
        if self.kind == "transformer" and (
            self.max_tokens is None or self.max_tokens < 1 or self.pad_token_id is None
        ):
            raise ManifestError("a transformer manifest needs a positive max_tokens and a pad_token_id")
        if self.kind == "tfidf" and self.format_version < 3:
            raise ManifestError(
                "a tfidf artifact before format 3 keeps its weights in an ONNX graph this version no "
                "longer reads: regenerate it with `make starter-model`"
            )
        for name in self.files:
            # File names, not paths: the artifact is one self-contained directory.
            if name in ("", ".", "..") or Path(name).name != name:
                raise ManifestError(f"{name!r} is not a file name inside the artifact directory")

    @property
    def files(self) -> tuple[str, str]:
        """The artifact's files besides the manifest."""
        if self.kind == "tfidf":
            return (self.weights_file, self.tokenizer_file)
        return (self.onnx_file, self.tokenizer_file)

    @property
    def provenance(self) -> ModelSource:
        """The recorded source, or an unverified one for a manifest that predates it."""
        if self.source is not None:
            return self.source
        return ModelSource(
            kind="unverified", name=self.model_type, sha256=self.checkpoint_sha256, file=self.model_type
        )

    @classmethod
    def from_json(cls, text: str) -> ModelManifest:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ManifestError(f"not JSON: {error}") from error
        if not isinstance(data, dict):
            raise ManifestError("not a JSON object")
        manifest: ModelManifest = cls.from_dict(data)
        return manifest

    def to_json(self) -> str:
        other_kinds_file = "onnx_file" if self.kind == "tfidf" else "weights_file"
        written = {name: value for name, value in asdict(self).items() if name != other_kinds_file}
        return json.dumps(written, indent=2) + "\n"


def read_manifest(model_dir: Path) -> ModelManifest:
    path = model_dir / MANIFEST_NAME
    try:
        return ModelManifest.from_json(path.read_text(encoding="utf-8"))
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from error


def _nested(value: Any, hint: Any) -> Any:
    """A JSON object where the field is a checked dataclass (or an optional one) becomes one."""
    for option in _options(hint):
        if isinstance(option, type) and issubclass(option, _Checked) and isinstance(value, dict):
            return option.from_dict(value)
    return value


def _options(hint: Any) -> tuple[Any, ...]:
    return get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)


def _conforms(value: Any, hint: Any) -> bool:
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return any(_conforms(value, option) for option in args)
    if hint is type(None):
        return value is None
    if origin is Literal:
        return any(value == arg and type(value) is type(arg) for arg in args)
    if origin is list:
        return isinstance(value, list) and all(_conforms(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _conforms(key, args[0]) and _conforms(item, args[1]) for key, item in value.items()
        )
    if hint is float:
        # JSON writes 1.0 as 1.0 but a person may write 1; never a bool.
        return type(value) in (float, int)
    # `type(...) is`, not isinstance: JSON's true is not a token count.
    return type(value) is hint


def _describe(hint: Any) -> str:
    if get_origin(hint) in (Union, types.UnionType):
        return " or ".join(_describe(option) for option in get_args(hint))
    if hint is type(None):
        return "null"
    if get_origin(hint) is Literal:
        return " or ".join(repr(arg) for arg in get_args(hint))
    return str(hint) if get_origin(hint) else str(hint.__name__)
