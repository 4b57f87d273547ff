"""Build time: a Detoxify checkpoint in, the fast scoring artifact out (ONNX, tokenizer, manifest).

Needs torch, transformers and detoxify, which the deployed functions never import. The
checkpoint is loaded by Detoxify itself, so the artifact scores what Detoxify would.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import torch
from moderation.scoring.manifest import MANIFEST_NAME, ModelManifest

from moderation_tools.errors import ToolError
from moderation_tools.model.download import DEFAULT_MODEL_TYPE, download, sha256
from moderation_tools.model.provenance import checkpoint_source

# RoBERTa-family position ids start after the padding index, so fewer tokens fit than positions.
_OFFSET_POSITIONS = {"roberta", "xlm-roberta"}
_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


class ExportError(ToolError):
    """The inputs can't be exported; the message names the file and the reason."""


def export_model(
    checkpoint: Path | None,
    hf_config: Path | None,
    out: Path,
    quantize: Literal["int8", "none"] = "int8",
    model_type: str | None = None,
    random_weights: bool = False,
) -> ModelManifest:
    """Write `out/{model.onnx, tokenizer.json, manifest.json}` and return the manifest.

    With `checkpoint` and `hf_config` this runs offline. Without them it downloads the default
    Detoxify checkpoint (or `model_type`'s) and its Hugging Face config and tokenizer, once.
    `random_weights` marks a test or size fixture, so no one takes its scores for a model's.
    """
    out = out.resolve()  # quantization runs in a temporary working directory
    if checkpoint is None:
        model_type = model_type or DEFAULT_MODEL_TYPE
        checkpoint, hf_config = download(model_type)
    if hf_config is None:
        raise ValueError("a checkpoint needs its Hugging Face config directory (hf_config) too")
    # Detoxify asks the hub about the model even when given local files; offline, it doesn't wait.
    os.environ["HF_HUB_OFFLINE"] = "1"
    with tempfile.TemporaryDirectory(prefix="moderation-export-") as work_dir:
        work = Path(work_dir)
        detoxify = load_detoxify(checkpoint, hf_config, work)
        model_type = model_type or _model_type_of(detoxify.model, len(detoxify.class_names))
        names = _export_onnx(detoxify, work / "model.onnx")
        out.mkdir(parents=True, exist_ok=True)
        (out / MANIFEST_NAME).unlink(missing_ok=True)  # the manifest marks a complete artifact: last
        if quantize == "int8":
            _quantize(work / "model.onnx", work / "model.int8.onnx", work)
        _optimize(work / ("model.int8.onnx" if quantize == "int8" else "model.onnx"), out / "model.onnx")
    _save_tokenizer(detoxify.tokenizer, out / "tokenizer.json")
    digest = sha256(checkpoint)
    manifest = ModelManifest(
        model_type=model_type,
        labels=list(detoxify.class_names),
        max_tokens=int(detoxify.tokenizer.model_max_length),
        pad_token_id=int(detoxify.tokenizer.pad_token_id),
        quantization=quantize,
        checkpoint_sha256=digest,
        source=checkpoint_source(checkpoint, digest, model_type, random_weights),
        versions={
            package: version(package)
            for package in ("detoxify", "torch", "transformers", "onnx", "onnxruntime", "tokenizers")
        },
    )
    if not set(names) <= set(_INPUT_NAMES):
        raise ValueError(f"the tokenizer gives inputs the scorer can't feed: {names}")
    (out / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def load_detoxify(checkpoint: Path, hf_config: Path, work: Path) -> Any:
    """Detoxify on local files, with its offline pitfalls fixed in copies under `work`."""
    from detoxify import Detoxify

    try:
        loaded = torch.load(checkpoint, map_location="cpu", weights_only=False)  # a trusted Detoxify file
        args = loaded["config"]["arch"]["args"]
    except (pickle.UnpicklingError, RuntimeError, EOFError, KeyError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"{checkpoint} is not a Detoxify checkpoint ({reason})") from error
    config_dir = _prepared_config(hf_config, work / "hf", num_labels=int(args["num_classes"]))
    # Detoxify reads the config from `model_type` too: point it at the local copy, not the hub.
    args["model_type"] = str(config_dir)
    local_checkpoint = work / "checkpoint.ckpt"
    torch.save(loaded, local_checkpoint)
    del loaded
    return Detoxify(checkpoint=str(local_checkpoint), huggingface_config_path=str(config_dir))


def _prepared_config(source: Path, target: Path, num_labels: int) -> Path:
    shutil.copytree(source, target)
    config_path = target / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    # The hub configs don't say how many labels Detoxify's heads have; without it loading fails.
    config.pop("id2label", None)
    config.pop("label2id", None)
    config["num_labels"] = num_labels
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")

    tokenizer_path = target / "tokenizer_config.json"
    tokenizer_config = (
        json.loads(tokenizer_path.read_text(encoding="utf-8")) if tokenizer_path.exists() else {}
    )
    # Without a token limit the tokenizer doesn't truncate and long comments overflow the model.
    if int(tokenizer_config.get("model_max_length", 0)) not in range(1, 100_000):
        offset = config.get("pad_token_id", 1) + 1 if config.get("model_type") in _OFFSET_POSITIONS else 0
        tokenizer_config["model_max_length"] = int(config["max_position_embeddings"]) - offset
        tokenizer_path.write_text(json.dumps(tokenizer_config, indent=2), encoding="utf-8")
    return target


def _model_type_of(model: torch.nn.Module, label_count: int) -> str:
    family = {
        "BertForSequenceClassification": "original",
        "RobertaForSequenceClassification": "unbiased",
        "XLMRobertaForSequenceClassification": "multilingual",
        "AlbertForSequenceClassification": "original-small" if label_count == 6 else "unbiased-small",
    }
    return family.get(type(model).__name__, type(model).__name__)


class _Logits(torch.nn.Module):
    """The network with an explicit signature, returning only the logits Detoxify reports."""

    def __init__(self, model: torch.nn.Module, label_count: int) -> None:
        super().__init__()
        self.model = model
        self.label_count = label_count

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        output = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        # Detoxify's unbiased heads have 16 outputs; `predict` reports the first len(labels).
        logits: torch.Tensor = output.logits
        return logits[:, : self.label_count]


def _export_onnx(detoxify: Any, path: Path) -> list[str]:
    """Export with dynamic batch and sequence axes; returns the graph's input names."""
    model = detoxify.model.eval()
    example = detoxify.tokenizer(
        ["an example comment", "a longer example comment, to give the sequence axis a size"],
        return_tensors="pt",
        padding=True,
    )
    names = [name for name in _INPUT_NAMES if name in example]
    dynamic = {name: {0: torch.export.Dim.DYNAMIC, 1: torch.export.Dim.DYNAMIC} for name in names}
    with torch.no_grad():
        torch.onnx.export(
            _Logits(model, len(detoxify.class_names)).eval(),
            tuple(example[name] for name in names),
            str(path),
            input_names=names,
            output_names=["logits"],
            dynamic_shapes=dynamic,
            external_data=False,
            dynamo=True,
        )
    return names


def _quantize(source: Path, target: Path, work: Path) -> None:
    """Dynamic int8 weights; shape inference first, or ALBERT's shared layers stay fp32."""
    from onnxruntime.quantization import quant_pre_process

    prepared = work / "model.prepared.onnx"
    # Symbolic shape inference can't follow the dynamo export's shapes (and isn't what ALBERT
    # needs: the optimisation pass is). The tools drop temporary files in the working directory.
    with contextlib.chdir(work):
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        _quantize_dynamic(prepared, target)


def _quantize_dynamic(prepared: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(prepared),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        # 7-bit weights: CPUs without VNNI (AVX2 only) saturate int8 products and drift past 0.02.
        reduce_range=True,
        # Attention's activation-by-activation products stay fp32: quantizing them costs accuracy.
        extra_options={"MatMulConstBOnly": True},
    )


def _optimize(source: Path, target: Path) -> None:
    """Save the graph as ONNX Runtime optimises it, so no cold start has to do that work again.

    Extended, not all: those fusions are the CPU provider's on any CPU; the hardware-specific
    layout pass is left to the machine that runs the model.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(target)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def _save_tokenizer(tokenizer: Any, path: Path) -> None:
    from tokenizers import Tokenizer

    # A copy, without the padding and truncation state the last call left on the backend.
    backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    backend.no_padding()
    backend.no_truncation()
    backend.save(str(path))
