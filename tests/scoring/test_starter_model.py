"""The starter model: scikit-learn's alt-profanity-check, scored without scikit-learn.

Parity is checked against `profanity_check.predict_prob` itself on generated text that stresses
the tokenisation (scripts, combining marks, case mappings that change length, emoji, digits,
underscores, apostrophes), not only on easy English.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from moderation.policy import decide, effective_thresholds
from moderation.scoring.base import scorer_from_dir
from moderation.scoring.tfidf_scorer import TfidfScorer
from moderation_tools.model.starter import LICENCE_FILE, build_starter

from tests.scoring import starter_examples
from tests.support.aws import ROOT

STARTER = ROOT / "layers" / "scoring" / "starter"
TOLERANCE = 1e-9

# Characters chosen where regular expressions and case mappings disagree between implementations.
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    " \t\n\r\u00a0\u2003\u3000",
    ".,;:!?\"'’‘`´-–—()[]{}<>/\\|@#$%^&*+=~_",
    "éèêëàâäôöûüùçñßÿæœøåÉÀÇÑ",  # Latin-1 and friends
    "İıŞşĞğ",  # Turkish: 'İ'.lower() is two code points
    "ẞǅǈǋﬁﬂﬀ",  # capital sharp s, title-case digraphs, ligatures
    "αβγδεζηθικλμνξοπρστυφχψωΣςΑΒΓ",  # Greek, final sigma
    "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙ",  # Cyrillic
    "مرحبابالعالمكيفحالك",  # Arabic
    "שלוםעולם",  # Hebrew
    "नमस्तेदुनियाकिमी",  # Devanagari with combining vowel signs
    "สวัสดีชาวโลก",  # Thai, combining marks
    "你好世界中文字符测试",  # CJK
    "안녕하세요세계",  # Hangul
    "こんにちはカタカナ",  # kana
    "\u0301\u0308\u0327\u0300\u20dd\u200d\u200b\ufe0f",  # combining marks, ZWJ, ZWSP, VS16
    "²³¹½ⅫⅣ①٣٤٥७८९０１２",  # superscripts, fractions, Roman numerals, other digits, fullwidth
    "ＡＢＣｄｅｆ",  # fullwidth letters
    "😀😡🤬💩🖕🏽👍🏿👨‍👩‍👧🇬🇧",  # emoji, skin tones, ZWJ sequences, flags
]


def _vocabulary_words() -> list[str]:
    import json

    terms: list[str] = json.loads((STARTER / "vocabulary.json").read_text(encoding="utf-8"))["terms"]
    return terms


def generated_texts(count: int, seed: int = 20261127) -> list[str]:
    """Texts mixing real vocabulary (profane and clean) with characters from every alphabet above."""
    rng = random.Random(seed)
    words = _vocabulary_words()
    profane = ["fuck", "fucking", "shit", "idiot", "bitch", "asshole", "moron", "stupid", "damn", "hell"]
    stop_words = ["the", "and", "of", "you", "are", "is", "it", "we", "they", "be"]
    texts = [
        "",
        " ",
        "the and of to",
        "a b c d e f",
        "!!! ??? ...",
        "you are a fucking idiot",
        "fuck_you fuck123 123fuck _idiot_ idiot's don't can’t",
        "İDİOT FUCK İdiot",
        "Ｆｕｃｋ ｙｏｕ",
        "ﬁdiot ﬂuck",
        "fuck\u0301 idio\u0308t",
        "x" * 5000,
        "fuck " * 1000,
        ("clean words only " * 300).strip(),
    ]
    while len(texts) < count:
        pieces: list[str] = []
        for _ in range(rng.choice([1, 2, 3, 5, 8, 13, 40, 200])):
            roll = rng.random()
            if roll < 0.35:
                pieces.append(rng.choice(words))
            elif roll < 0.5:
                pieces.append(rng.choice(profane))
            elif roll < 0.6:
                pieces.append(rng.choice(stop_words))
            elif roll < 0.75:
                # A word glued to foreign characters: where word boundaries are decided.
                alphabet = rng.choice(ALPHABETS)
                glue = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
                word = rng.choice(profane + words[:200])
                pieces.append(rng.choice([glue + word, word + glue, word.upper() + glue]))
            else:
                alphabet = rng.choice(ALPHABETS)
                pieces.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
        separator = rng.choice([" ", " ", "", "_", "'", "\n", "’", "-"])
        text = separator.join(pieces)
        texts.append(text.upper() if rng.random() < 0.1 else text)
    return texts


@pytest.fixture(scope="module")
def starter() -> TfidfScorer:
    scorer = scorer_from_dir(STARTER)
    assert isinstance(scorer, TfidfScorer)
    return scorer


def test_scores_equal_profanity_checks_own_within_1e_9_on_hard_text(starter: TfidfScorer) -> None:
    from profanity_check import predict_prob

    texts = generated_texts(3000)

    ours = np.asarray(starter.predict(texts)["toxicity"])
    theirs = np.asarray(predict_prob(texts))

    differences = np.abs(ours - theirs)
    worst = int(differences.argmax())
    assert differences[worst] <= TOLERANCE, (texts[worst][:200], ours[worst], theirs[worst])
    # Not a trivial agreement: the generated texts span the whole range of scores.
    assert (theirs < 0.1).mean() > 0.1
    assert (theirs > 0.9).mean() > 0.1


def test_the_tokens_are_scikit_learns_on_every_alphabet(starter: TfidfScorer) -> None:
    from profanity_check import profanity_check

    analyzer = profanity_check.vectorizer.build_analyzer()
    bag = starter._words

    for text in generated_texts(1000, seed=7):
        assert bag.tokens(text) == analyzer(text)


def test_one_text_gives_one_float_per_label(starter: TfidfScorer) -> None:
    single = starter.predict("hello there, nice post")
    batch = starter.predict(["hello there, nice post", "you are a fucking idiot"])

    assert list(single) == ["toxicity"]
    assert isinstance(single["toxicity"], float)
    assert batch["toxicity"][0] == single["toxicity"]
    assert starter.predict([]) == {"toxicity": []}


def test_regenerating_the_starter_gives_the_committed_artifact(tmp_path: Path) -> None:
    manifest = build_starter(tmp_path)

    committed = sorted(path.name for path in STARTER.iterdir())
    assert sorted(path.name for path in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (STARTER / name).read_bytes(), f"{name} drifted"
    assert manifest.provenance.describe() == "starter:alt-profanity-check==1.9.1"
    assert "MIT License" in (STARTER / LICENCE_FILE).read_text(encoding="utf-8")


def test_the_recommended_thresholds_on_labelled_comments(starter: TfidfScorer) -> None:
    """The figures in docs/scoring/starter.md: what the starter does with its own recommended thresholds."""
    thresholds = effective_thresholds(None, None, starter.recommended_thresholds)

    def statuses(texts: list[str]) -> list[str]:
        scores = starter.predict(texts)["toxicity"]
        return [decide({"toxicity": score}, [], thresholds).status for score in scores]

    civil = statuses(starter_examples.CIVIL)
    abusive = statuses(starter_examples.ABUSIVE)
    friendly = statuses(starter_examples.PROFANE_FRIENDLY)

    assert (civil.count("published"), len(civil)) == (21, 25)
    assert (abusive.count("published"), len(abusive)) == (4, 18)
    assert (friendly.count("pending"), len(friendly)) == (3, 5)
    assert "rejected" not in civil + abusive + friendly


@pytest.mark.parametrize(
    "setting", [{"ngram_range": (1, 2)}, {"strip_accents": "unicode"}, {"sublinear_tf": True}, {"norm": "l1"}]
)
def test_a_vectorizer_setting_the_run_time_does_not_reproduce_is_refused(
    tmp_path: Path, setting: dict[str, object]
) -> None:
    from moderation.scoring.manifest import ModelSource
    from moderation_tools.model.starter import UnsupportedPipeline, convert
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(**setting).fit(["a first text", "another text"])

    with pytest.raises(UnsupportedPipeline, match=next(iter(setting))):
        convert(vectorizer, None, tmp_path, ModelSource(kind="package", name="x", version="1"))
    assert not (tmp_path / "manifest.json").exists()


def test_a_weights_file_that_does_not_fit_the_vocabulary_is_refused(tmp_path: Path) -> None:
    import shutil

    from moderation.scoring.manifest import ManifestError

    shutil.copytree(STARTER, tmp_path / "starter")
    weights = tmp_path / "starter" / "weights.f64"
    weights.write_bytes(weights.read_bytes()[:-8])

    with pytest.raises(ManifestError, match=r"expected 15442 terms × 6"):
        scorer_from_dir(tmp_path / "starter")


def test_a_starter_built_by_an_older_version_holds_comments_and_names_the_fix(tmp_path: Path) -> None:
    import json
    import shutil

    from moderation.scoring.base import load_scorer
    from moderation.settings import Settings

    shutil.copytree(STARTER, tmp_path / "starter")
    manifest = tmp_path / "starter" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format_version": 2}))

    scorer, description = load_scorer(
        Settings(model_dir=tmp_path / "none", starter_model_dir=tmp_path / "starter")
    )

    assert scorer is None
    assert "HELD FOR REVIEW" in description
    assert "make starter-model" in description
