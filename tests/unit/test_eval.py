"""`moderation eval`: every labelled comment decided as the service would, counted per class."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from moderation.models.comments import NewComment
from moderation.policy import thresholds_for
from moderation.service import CommentService
from moderation.settings import Settings
from moderation_tools.cli import main
from moderation_tools.eval.decide import ServiceRules
from moderation_tools.eval.run import ScorerUnavailable, render_table, run_eval

from tests.support.fakes import SEED_FILTER, Clock, InMemoryStore
from tests.support.scorers import ScriptedScorer

REPO = Path(__file__).resolve().parents[2]
SCRIPTED = "tests.support.scorers:make"

# (text, class, expected) with scores the ScriptedScorer reads from the markers.
LABELLED = [
    ("fair point [[toxicity=0.1]]", "civil_disagreement", "published"),  # published, agrees
    ("sharp but fair [[insult=0.6]]", "civil_disagreement", "published"),  # held: a false hold
    ("as a gay man [[identity_attack=0.95]]", "identity_civil", "published"),  # a false rejection
    ("black voters in my district [[identity_attack=0.7]]", "identity_civil", "published"),  # false hold
    ("our muslim neighbours", "identity_civil", "published"),  # published, agrees
    ("I know where you live", "threat", "rejected"),  # scores 0.01: published, a miss
    ("you will regret this [[threat=0.92]]", "threat", "rejected"),  # rejected, agrees
    ("did you even read it [[insult=0.5]]", "insult_author", "pending"),  # held at the threshold, agrees
    ("see https://a.example.com and https://b.example.com", "spam", "rejected"),  # held for links
    ("f*** you [[fail]]", "masked_abuse", "rejected"),  # the scorer fails: held
]


def write_set(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    lines = [json.dumps({"text": text, "class": cls, "expected": expected}) for text, cls, expected in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def eval_set(tmp_path: Path) -> Path:
    return write_set(tmp_path / "set.jsonl", LABELLED)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MODERATION_SCORER", "MODEL_DIR", "REVIEW_THRESHOLD", "REJECT_THRESHOLD", "MAX_LINKS"):
        monkeypatch.delenv(name, raising=False)


def test_the_figures_count_each_decision_against_the_moderators(eval_set: Path) -> None:
    evaluation = run_eval(Settings(moderation_scorer=SCRIPTED), eval_set)

    by_class = {c.name: c.tally for c in evaluation.classes}
    assert [c.name for c in evaluation.classes] == [
        "civil_disagreement", "identity_civil", "insult_author", "threat", "masked_abuse", "spam",
    ]  # fmt: skip
    identity = by_class["identity_civil"]
    assert (identity.total, identity.published, identity.pending, identity.rejected) == (3, 1, 1, 1)
    assert identity.agreed == 1
    assert (by_class["threat"].published, by_class["threat"].rejected, by_class["threat"].agreed) == (1, 1, 1)
    assert (by_class["spam"].pending, by_class["spam"].agreed) == (1, 0)
    assert (by_class["masked_abuse"].pending, by_class["insult_author"].agreed) == (1, 1)
    # Abusive: two threats, one insult, one masked: all but the unworded threat are kept back.
    assert (evaluation.abusive.total, evaluation.abusive.published) == (4, 1)
    assert evaluation.abusive_recall == 0.75
    assert (evaluation.identity_civil.pending, evaluation.identity_civil.rejected) == (1, 1)
    assert (evaluation.civil.total, evaluation.civil.pending, evaluation.civil.rejected) == (5, 2, 1)
    assert (evaluation.overall.total, evaluation.overall.agreed) == (10, 4)
    assert evaluation.scoring_failures == 1


def test_the_table_prints_the_same_figures_with_thresholds_and_model(eval_set: Path) -> None:
    table = render_table(run_eval(Settings(moderation_scorer=SCRIPTED), eval_set))

    lines = table.splitlines()
    assert lines[0].startswith("model: ScriptedScorer")
    assert "held at score >= 0.50, rejected at >= 0.90" in lines[1]
    row = next(line for line in lines if line.startswith("identity_civil"))
    assert row.split() == ["identity_civil", "3", "33.3%", "33.3%", "33.3%", "33.3%"]
    assert next(line for line in lines if line.startswith("threat *")).split()[3:] == [
        "50.0%", "0.0%", "50.0%", "50.0%",
    ]  # fmt: skip
    assert next(line for line in lines if line.startswith("all ")).split() == [
        "all", "10", "30.0%", "50.0%", "20.0%", "40.0%",
    ]  # fmt: skip
    figures = {line[:48].strip(): line[48:].split() for line in lines if " / " in line}
    assert figures["abusive comments not published (recall)"] == ["3", "/", "4", "75.0%"]
    assert figures["civil identity mentions held (false holds)"] == ["1", "/", "3", "33.3%"]
    assert figures["civil identity mentions rejected"] == ["1", "/", "3", "33.3%"]
    assert figures["comments to publish that were held"] == ["2", "/", "5", "40.0%"]
    assert figures["comments to publish that were rejected"] == ["1", "/", "5", "20.0%"]
    assert figures["overall agreement with the moderator"] == ["4", "/", "10", "40.0%"]
    assert "the scorer failed on 1 comments" in table


def test_the_configured_thresholds_and_word_lists_decide(tmp_path: Path) -> None:
    rows = [
        ("sharp [[insult=0.6]]", "civil_disagreement", "published"),
        ("a word we ban: grift", "civil_disagreement", "published"),
    ]
    settings = Settings(moderation_scorer=SCRIPTED, review_threshold=0.7, banned_words=("grift",))

    evaluation = run_eval(settings, write_set(tmp_path / "set.jsonl", rows))

    assert [o.status for o in evaluation.outcomes] == ["published", "rejected"]
    assert evaluation.outcomes[1].reasons == ["banned_word"]
    assert evaluation.review_threshold == 0.7
    assert "word lists: 1 banned, 0 suspect" in render_table(evaluation)


@pytest.mark.parametrize(
    "text",
    [
        "thanks for the article",
        "borderline [[insult=0.5]]",
        "abuse [[threat=0.9]] and [[insult=0.95]]",
        "two links: https://a.example.com www.b.example.org",
        "one link https://a.example.com [[toxicity=0.6]]",
        "you i d i o t",
        "a maybe word: sketchy",
        "the scorer breaks [[fail]] with https://a.example.com and https://b.example.com",
    ],
)
def test_eval_decides_exactly_as_the_service_does_for_a_new_comment(text: str) -> None:
    # GIVEN the service and the evaluation with the same settings and scorer
    settings = Settings(
        moderation_scorer=SCRIPTED,
        banned_words=("idiot",),
        suspect_words=("sketchy",),
        rate_limit_per_minute=0,
    )
    store = InMemoryStore()
    service = CommentService(store, ScriptedScorer(), settings, b"secret", clock=Clock(), spam=SEED_FILTER)
    rules = ServiceRules(ScriptedScorer(), settings, thresholds_for(settings), SEED_FILTER)

    # WHEN both decide the same comment
    service.submit("p1", NewComment(author_name="Ada", body=text), None)
    [stored] = store.comments.values()
    scores, decision = rules.decide(text, author_name="Ada")

    # THEN they agree on status, reasons and scores
    assert (decision.status, decision.reasons, scores) == (stored.status, stored.reasons, stored.scores)


class NamedScorer(ScriptedScorer):
    name = "starter-2026"


def make_named() -> NamedScorer:
    return NamedScorer()


def test_a_scorer_that_names_itself_is_shown_by_that_name(eval_set: Path) -> None:
    evaluation = run_eval(Settings(moderation_scorer=f"{__name__}:make_named"), eval_set)
    assert evaluation.model == "starter-2026"


def test_without_a_model_the_starter_is_evaluated_and_named(tmp_path: Path, eval_set: Path) -> None:
    # GIVEN no artifact in MODEL_DIR, but the starter model the project ships
    settings = Settings(
        model_dir=tmp_path / "missing", starter_model_dir=REPO / "layers" / "scoring" / "starter"
    )

    evaluation = run_eval(settings, eval_set)

    # THEN the service's fallback is what gets evaluated, and the table says so
    assert evaluation.model.startswith("starter:alt-profanity-check")


def test_no_model_at_all_is_an_error_with_the_fix(tmp_path: Path, eval_set: Path) -> None:
    with pytest.raises(ScorerUnavailable, match="make model"):
        run_eval(Settings(model_dir=tmp_path / "missing", starter_model_dir=tmp_path / "none"), eval_set)


def test_cli_prints_the_table_and_writes_the_json(
    eval_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MODERATION_SCORER", SCRIPTED)
    monkeypatch.setenv("REJECT_THRESHOLD", "0.95")
    out = tmp_path / "figures.json"

    code = main(["eval", "--model-dir", str(tmp_path), "--eval-set", str(eval_set), "--json", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    assert "rejected at >= 0.95" in printed
    figures = json.loads(out.read_text())
    assert figures["model"] == "ScriptedScorer"
    assert figures["reject_threshold"] == 0.95
    assert figures["abusive_recall"] == 0.75
    statuses = {outcome["text"]: outcome["status"] for outcome in figures["outcomes"]}
    assert statuses["you will regret this [[threat=0.92]]"] == "pending"  # below the new reject threshold
    assert len(statuses) == len(LABELLED)


def test_cli_with_a_missing_model_dir_says_so_without_a_traceback(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "layers" / "common"), str(REPO / "tools")]),
    }
    env.pop("MODERATION_SCORER", None)

    result = subprocess.run(
        [sys.executable, "-m", "moderation_tools", "eval", "--model-dir", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 1
    assert "moderation eval: no model in" in result.stderr
    assert str(tmp_path / "nowhere") in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_cli_with_a_broken_model_says_so_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "manifest.json").write_text('{"model_type": 3}', encoding="utf-8")

    code = main(["eval", "--model-dir", str(tmp_path)])

    captured = capsys.readouterr()
    assert code == 1
    assert "could not be loaded" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_cli_with_a_malformed_eval_set_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MODERATION_SCORER", SCRIPTED)
    bad = tmp_path / "bad.jsonl"
    good = {"text": "ok", "class": "praise", "expected": "published"}
    bad.write_text(f"{json.dumps(good)}\n{json.dumps({**good, 'class': 'rant'})}\n", encoding="utf-8")

    code = main(["eval", "--eval-set", str(bad)])

    assert code == 1
    assert f"{bad}:2" in capsys.readouterr().err


def test_cli_with_an_unimportable_scorer_factory_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MODERATION_SCORER", "no_such_module:make")

    assert main(["eval"]) == 1
    assert "MODERATION_SCORER='no_such_module:make' could not be loaded" in capsys.readouterr().err
