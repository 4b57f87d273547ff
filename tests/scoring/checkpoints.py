"""Detoxify-format checkpoints with random weights, for the parity tests and the benchmark.

No real weights can be downloaded here, so this writes what Detoxify's release would give: a
`.ckpt` (a torch dict with `config` and `state_dict`) and a Hugging Face directory shaped like
the hub's (config.json without the label count; RoBERTa-family tokenizers without
`model_max_length`), so the export has to handle the same pitfalls as with the real files.

Tiny models get two engineered behaviours so the tests can tell right from wrong:
- every label's logit is rescaled over a calibration set, so scores spread over (0, 1) per
  label and a wrong label order or a missing sigmoid shows;
- one label (`TRIGGER_LABEL`) fires when `TRIGGER_WORD` is anywhere in the window: head 0 of the
  first attention layer attends to that token only and copies one hidden dimension to [CLS].
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import transformers
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

TRIGGER_WORD = "vermin"
TRIGGER_DIM = 0  # the hidden dimension that carries "the trigger is present" to the classifier
BAG_DIMS = range(1, 8)  # hidden dimensions carrying each label's bag-of-words evidence
HEAD_DIM = 8  # head 0 finds the trigger, head 1 averages the bag dimensions, heads 2-3 are random

ORIGINAL_CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
UNBIASED_CLASSES = [
    "toxicity",
    "severe_toxicity",
    "obscene",
    "identity_attack",
    "insult",
    "threat",
    "sexual_explicit",
]
# Detoxify's unbiased heads also predict 9 identity subgroups that `predict` leaves out.
UNBIASED_NUM_CLASSES = 16

WORDS = (
    "the a an and or but if because this that these those it is was are were be been "
    "i you he she we they me him her us them my your his our their "
    "post article author comment blog writer reader point argument idea opinion view "
    "great good bad terrible awful nice interesting boring wrong right true false "
    "think agree disagree believe know say said read wrote like love hate want need "
    "really very quite just not never always often sometimes maybe probably "
    "people government policy law city school work time year day week money news "
    "stupid idiot fool moron trash garbage pathetic disgusting ridiculous nonsense "
    "thanks thank please sorry well yes no why what how when where who "
    "kill die hurt attack threat shut up go away " + TRIGGER_WORD
).split()


@dataclass(frozen=True)
class Family:
    hub_name: str
    model_name: str
    tokenizer_name: str
    classes: list[str]
    num_classes: int

    @property
    def arch(self) -> str:
        return self.model_name.removesuffix("ForSequenceClassification").lower()


FAMILIES: dict[str, Family] = {
    "original": Family(
        "bert-base-uncased", "BertForSequenceClassification", "BertTokenizer", ORIGINAL_CLASSES, 6
    ),
    "unbiased": Family(
        "roberta-base",
        "RobertaForSequenceClassification",
        "RobertaTokenizer",
        UNBIASED_CLASSES,
        UNBIASED_NUM_CLASSES,
    ),
    "multilingual": Family(
        "xlm-roberta-base",
        "XLMRobertaForSequenceClassification",
        "XLMRobertaTokenizer",
        UNBIASED_CLASSES,
        UNBIASED_NUM_CLASSES,
    ),
    "original-small": Family(
        "albert-base-v2", "AlbertForSequenceClassification", "AlbertTokenizer", ORIGINAL_CLASSES, 6
    ),
    "unbiased-small": Family(
        "albert-base-v2",
        "AlbertForSequenceClassification",
        "AlbertTokenizer",
        UNBIASED_CLASSES,
        UNBIASED_NUM_CLASSES,
    ),
}

# Detoxify renames the `original` classes; the trigger label is the renamed "insult".
TRIGGER_LABEL = "insult"

TINY = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64}
# The real shapes (bert-base, roberta-base, xlm-roberta-base, albert-base-v2).
FULL: dict[str, dict[str, Any]] = {
    "bert": {"vocab_size": 30522},
    "roberta": {"vocab_size": 50265},
    "xlmroberta": {"vocab_size": 250002},
    "albert": {
        "vocab_size": 30000,
        "embedding_size": 128,
        "hidden_size": 768,
        "num_attention_heads": 12,
        "intermediate_size": 3072,
        "hidden_act": "gelu_new",
    },
}


def comments(count: int, seed: int, min_words: int = 10, max_words: int = 80) -> list[str]:
    """Deterministic comment-like texts: sentences of WORDS with capitals and punctuation."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [rng.choice(WORDS[:-1]) for _ in range(rng.randint(min_words, max_words))]
        sentences, start = [], 0
        while start < len(words):
            end = min(len(words), start + rng.randint(4, 14))
            sentence = " ".join(words[start:end])
            sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".!?."))
            start = end
        texts.append(" ".join(sentences))
    return texts


def _corpus() -> list[str]:
    return comments(300, seed=7) + [f"you {TRIGGER_WORD} go away {TRIGGER_WORD}"] * 50


def _trained(model: Any, trainer: Any, pre_tokenizer: Any, lowercase: bool) -> dict[str, Any]:
    tokenizer = Tokenizer(model)
    if lowercase:
        tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizer
    tokenizer.train_from_iterator(_corpus(), trainer)
    return dict(json.loads(tokenizer.to_str())["model"])


def build_tokenizer(family: Family, max_length: int | None) -> Any:
    """A small tokenizer of the family's kind, its vocabulary learnt from WORDS."""
    limit = {} if max_length is None else {"model_max_length": max_length}
    tokenizer_class = getattr(transformers, family.tokenizer_name)
    if family.arch == "bert":
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        letters = "abcdefghijklmnopqrstuvwxyz0123456789.,!?'"
        pieces = specials + sorted(set(WORDS)) + list(letters) + [f"##{c}" for c in letters]
        return tokenizer_class(vocab={piece: i for i, piece in enumerate(pieces)}, **limit)
    if family.arch == "roberta":
        bpe = _trained(
            models.BPE(),
            trainers.BpeTrainer(
                vocab_size=1000,
                special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
                initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
            ),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
            lowercase=False,
        )
        merges = [tuple(merge) for merge in bpe["merges"]]
        return tokenizer_class(vocab=bpe["vocab"], merges=merges, **limit)
    specials = (
        ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"]
        if family.arch == "albert"
        else ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    )
    unigram = _trained(
        models.Unigram(),
        trainers.UnigramTrainer(vocab_size=1000, special_tokens=specials, unk_token="<unk>"),
        pre_tokenizers.Metaspace(),
        lowercase=family.arch == "albert",
    )
    # The trainer's pieces are the same in every run, its scores and their order are not (its sums
    # run in parallel): one score for every piece makes each text split into the fewest pieces, the
    # same way in every session. Whole words keep the trigger one token.
    learnt = {piece for piece, _ in unigram["vocab"]} | {f"\u2581{word}" for word in WORDS}
    vocab = [(piece, 0.0) for piece in specials] + [(piece, -1.0) for piece in sorted(learnt - set(specials))]
    return tokenizer_class(vocab=vocab, **limit)


def _config(family: Family, tokenizer: Any, max_length: int, full: bool) -> Any:
    config_class = getattr(transformers, family.model_name).config_class
    # RoBERTa-family position ids start after the padding index.
    offset = tokenizer.pad_token_id + 1 if family.arch in ("roberta", "xlmroberta") else 0
    shape = FULL[family.arch] if full else {**TINY, "vocab_size": len(tokenizer)}
    extra = {"embedding_size": 16} if family.arch == "albert" and not full else {}
    return config_class(
        **shape,
        **extra,
        max_position_embeddings=max_length + offset,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=family.num_classes,
    )


def _parts(model: Any, arch: str) -> dict[str, Any]:
    """The modules the trigger circuit is wired through, named alike for every family."""
    if arch == "albert":
        base = model.albert
        layer = base.encoder.albert_layer_groups[0].albert_layers[0]
        att = layer.attention
        return {
            "embeddings": base.embeddings,
            "mapping": base.encoder.embedding_hidden_mapping_in,
            "layers": [(att.query, att.key, att.value, att.dense, layer.ffn, layer.ffn_output)],
            "head": base.pooler,
            "final": model.classifier,
        }
    base = model.bert if arch == "bert" else model.roberta
    layers = [
        (
            layer.attention.self.query,
            layer.attention.self.key,
            layer.attention.self.value,
            layer.attention.output.dense,
            layer.intermediate.dense,
            layer.output.dense,
        )
        for layer in base.encoder.layer
    ]
    head = base.pooler.dense if arch == "bert" else model.classifier.dense
    final = model.classifier if arch == "bert" else model.classifier.out_proj
    return {"embeddings": base.embeddings, "mapping": None, "layers": layers, "head": head, "final": final}


@torch.no_grad()
def _wire_circuits(model: Any, arch: str, trigger_ids: list[int], special_ids: list[int]) -> None:
    """Dimensions 0-7 are private to two circuits that survive int8 noise, unlike random ones.

    Trigger (dim 0, head 0): the key is large only on the trigger token, so with a constant
    query every token looks at it and copies it. Bag (dims 1-7, head 1): every word carries a
    random sign per dimension; uniform attention gives [CLS] their mean over the comment. Signs,
    not Gaussian values: int8 steps follow the largest value, the signal is the mean's spread.
    """
    parts = _parts(model, arch)
    private = [TRIGGER_DIM, *BAG_DIMS]
    emb = parts["embeddings"]
    for table in (emb.word_embeddings, emb.position_embeddings, emb.token_type_embeddings):
        table.weight *= 0.1  # after LayerNorm the signs stay near +-a: the ends of the int8 range
        table.weight[:, private] = 0.0
    words = emb.word_embeddings.weight
    words[:, list(BAG_DIMS)] = torch.randint(0, 2, (words.shape[0], len(BAG_DIMS))) * 2.0 - 1.0
    # [CLS] adds the same value to every comment: with nothing of its own, [CLS] is all signal.
    words[special_ids] = 0.0
    words[trigger_ids] = 0.0
    words[trigger_ids, TRIGGER_DIM] = 10.0  # after LayerNorm: about +sqrt(width) in d
    if parts["mapping"] is not None:  # ALBERT maps its narrow embeddings to the hidden width
        _isolate(parts["mapping"], private)
    circuits = slice(0, 2 * HEAD_DIM)
    for query, key, value, attention_out, ffn_in, ffn_out in parts["layers"]:
        for linear in (query, key, value, ffn_in):  # the random parts don't read private dims...
            linear.weight[:, private] = 0.0
        for linear in (query, key, value):
            linear.weight[circuits] = 0.0
            linear.bias[circuits] = 0.0
        for linear in (attention_out, ffn_out):  # ...nor write them
            linear.weight[private] = 0.0
            linear.bias[private] = 0.0
        query.bias[0] = 4.0
        key.weight[0, TRIGGER_DIM] = 4.0
        # Small values in head 0 and the random heads: int8 steps follow the widest activation,
        # and the bag's means need fine steps.
        value.weight[0, TRIGGER_DIM] = 0.2
        value.bias[0] = -0.5  # negative unless the trigger (d about 5) was looked at
        attention_out.weight[TRIGGER_DIM, 0] = 2.5
        value.weight[circuits.stop :] *= 0.1
        ffn_out.weight *= 0.1
        for index, dim in enumerate(BAG_DIMS):
            value.weight[HEAD_DIM + index, dim] = 1.0
            attention_out.weight[dim, HEAD_DIM + index] = 1.0
    _isolate(parts["head"], private)


@torch.no_grad()
def _calibrate_head(model: Any, arch: str, tokenizer: Any) -> None:
    """Keep the head's tanh off its flat ends for the bag dimensions, and make it a switch for d.

    Trigger: tanh(gain * (d - midpoint)), -1 without the trigger and +1 with it.
    """
    head = _parts(model, arch)["head"]
    plain = comments(64, seed=11, max_words=30)  # short enough that the trigger isn't cut off
    triggered = [f"{text} you {TRIGGER_WORD}" for text in plain]
    plain_inputs = _head_inputs(model, head, tokenizer, plain)
    for dim in BAG_DIMS:
        gain = 0.7 / plain_inputs[:, dim].std()
        head.weight[dim, dim] = gain
        head.bias[dim] = -gain * plain_inputs[:, dim].mean()
    low = plain_inputs[:, TRIGGER_DIM].max()
    high = _head_inputs(model, head, tokenizer, triggered)[:, TRIGGER_DIM].min()
    assert high > low, "the trigger circuit does not separate; change the weights that wire it"
    gain = 8.0 / (high - low)
    head.weight[TRIGGER_DIM, TRIGGER_DIM] = gain
    head.bias[TRIGGER_DIM] = -gain * (high + low) / 2


def _isolate(linear: Any, dims: list[int]) -> None:
    """Make `linear` pass `dims` through unchanged and keep them out of every other output."""
    linear.weight[:, dims] = 0.0
    linear.weight[dims] = 0.0
    linear.weight[dims, dims] = 1.0
    linear.bias[dims] = 0.0


def _head_inputs(model: Any, module: Any, tokenizer: Any, texts: list[str]) -> torch.Tensor:
    captured: list[torch.Tensor] = []
    hook = module.register_forward_hook(lambda _m, args, _o: captured.append(args[0]))
    model.eval()
    model(**tokenizer(texts, return_tensors="pt", padding=True, truncation=True))
    hook.remove()
    return captured[0]


@torch.no_grad()
def _spread_labels(model: Any, arch: str, tokenizer: Any, labels: list[str], trigger: bool) -> None:
    """Rescale each label's logit over calibration texts: mean `offset`, spread about +-1.3."""
    final = _parts(model, arch)["final"]
    plain = comments(64, seed=11, max_words=30)
    features = _head_inputs(model, final, tokenizer, plain)
    # The trigger label is calibrated on triggered texts too, so its spread stays bounded when it fires.
    both = _head_inputs(model, final, tokenizer, plain + [f"{t} you {TRIGGER_WORD}" for t in plain])
    generator = torch.Generator().manual_seed(3)
    count = final.weight.shape[0]
    offsets = torch.linspace(-0.8, 0.8, count)[torch.randperm(count, generator=generator)]
    trigger_index = labels.index(TRIGGER_LABEL) if trigger else -1
    for label in range(count):
        direction = torch.zeros(features.shape[1])
        direction[BAG_DIMS[label % len(BAG_DIMS)]] = 1.0 if trigger else 0.0
        if not trigger:  # full-size models (the benchmark) have no circuits: any direction does
            direction = torch.randn(features.shape[1], generator=generator)
        projected = (both if label == trigger_index else features) @ direction
        scale = 1.3 / projected.std()
        final.weight[label] = direction * scale
        final.bias[label] = offsets[label] - projected.mean() * scale
    if trigger:
        final.weight[trigger_index] *= 0.4  # without the trigger the label is mostly low...
        final.bias[trigger_index] = final.bias[trigger_index] * 0.4 + 2.0
        final.weight[trigger_index, TRIGGER_DIM] = 3.0  # ...and with it, near 1


@dataclass(frozen=True)
class Built:
    checkpoint: Path
    hf_config: Path
    labels: list[str]


def build_checkpoint(
    model_type: str, out: Path, max_length: int = 64, full: bool = False, seed: int = 0
) -> Built:
    """Write `out/<model_type>.ckpt` and the hub-like `out/<model_type>-hf/` directory."""
    family = FAMILIES[model_type]
    torch.manual_seed(seed)
    tokenizer = build_tokenizer(family, max_length)
    config = _config(family, tokenizer, max_length, full)
    if not full:
        config.initializer_range = 0.2  # large random weights: inputs give clearly different states
    # Calibrated as Detoxify predicts: in eval mode, without dropout.
    model = getattr(transformers, family.model_name)(config).eval()
    labels = [
        {"toxic": "toxicity", "severe_toxic": "severe_toxicity", "identity_hate": "identity_attack"}.get(c, c)
        for c in family.classes
    ]
    if not full:
        trigger_ids = tokenizer(f" {TRIGGER_WORD}", add_special_tokens=False)["input_ids"]
        assert len(trigger_ids) == 1, f"{TRIGGER_WORD!r} must be one token, got {trigger_ids}"
        _wire_circuits(model, family.arch, trigger_ids, tokenizer.all_special_ids)
        _calibrate_head(model, family.arch, tokenizer)
    _spread_labels(model, family.arch, tokenizer, labels, trigger=not full)

    hf_dir = out / f"{model_type}-hf"
    tokenizer.save_pretrained(hf_dir)
    config_json = config.to_dict()
    for key in ("id2label", "label2id", "num_labels"):  # as on the hub: no label count
        config_json.pop(key, None)
    (hf_dir / "config.json").write_text(json.dumps(config_json, indent=2))
    if family.arch in ("roberta", "xlmroberta"):  # as on the hub: no token limit for these
        tokenizer_config = json.loads((hf_dir / "tokenizer_config.json").read_text())
        tokenizer_config.pop("model_max_length", None)
        (hf_dir / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2))

    checkpoint = out / f"{model_type}.ckpt"
    torch.save(
        {
            "config": {
                "arch": {
                    "args": {
                        "model_type": family.hub_name,
                        "model_name": family.model_name,
                        "tokenizer_name": family.tokenizer_name,
                        "num_classes": family.num_classes,
                    }
                },
                "dataset": {"args": {"classes": family.classes}},
            },
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    return Built(checkpoint, hf_dir, labels)
