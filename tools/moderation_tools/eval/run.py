"""Load the scorer as the service does, decide every comment of the set, and print the table."""

from __future__ import annotations

from pathlib import Path

from moderation.policy import thresholds_for
from moderation.scoring.base import Scorer, load_scorer
from moderation.settings import Settings
from moderation.spam.bayes import SpamFilter
from moderation.spam.seed import load_seed

from moderation_tools.eval.dataset import load_eval_set
from moderation_tools.eval.decide import ServiceRules
from moderation_tools.eval.figures import Evaluation, Tally, evaluate, outcome_for


class ScorerUnavailable(RuntimeError):
    """No scorer could be loaded; the message is load_scorer's, with the fix."""


def scorer_name(scorer: Scorer) -> str:
    name = getattr(scorer, "name", None)
    return name if isinstance(name, str) and name else type(scorer).__name__


def run_eval(settings: Settings, eval_set: Path) -> Evaluation:
    comments = load_eval_set(eval_set)
    try:
        scorer, source = load_scorer(settings)
    except Exception as error:
        # A MODERATION_SCORER naming no importable factory, or a factory that raises.
        raise ScorerUnavailable(
            f"cannot load the scorer MODERATION_SCORER={settings.moderation_scorer}: {error!r}"
        ) from error
    if scorer is None:
        raise ScorerUnavailable(f"no scorer to evaluate. {source}")
    thresholds = thresholds_for(settings, scorer)
    rules = ServiceRules(scorer, settings, thresholds, SpamFilter(load_seed()))
    outcomes = []
    for comment in comments:
        _, decision = rules.decide(comment.text)
        outcomes.append(outcome_for(comment, decision.status, decision.score, decision.reasons))
    return evaluate(
        outcomes,
        model=scorer_name(scorer),
        scorer_source=source,
        review=thresholds.review,
        reject=thresholds.reject,
        spam_review=settings.spam_review_threshold,
        spam_reject=settings.spam_reject_threshold,
        max_links=settings.max_links,
        word_lists=f"{len(settings.banned_words)} banned, {len(settings.suspect_words)} suspect",
        eval_set=str(eval_set),
    )


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _row(name: str, tally: Tally) -> str:
    shares = [tally.published, tally.pending, tally.rejected, tally.agreed]
    cells = "".join(f"{_percent(count / tally.total if tally.total else 0.0):>11}" for count in shares)
    return f"{name:<24}{tally.total:>9}{cells}"


def _ratio(label: str, part: int, whole: int) -> str:
    value = part / whole if whole else 0.0
    return f"{label:<48}{part:>5} / {whole:<5}{_percent(value):>7}"


def render_table(evaluation: Evaluation) -> str:
    e = evaluation
    abusive, identity, spam = e.abusive, e.identity_civil, e.spam_filter
    lines = [
        f"model: {e.model} ({e.scorer_source})",
        f"thresholds: held at score >= {e.review_threshold:.2f}, rejected at >= {e.reject_threshold:.2f}; "
        f"held at {e.max_links} links or more; word lists: {e.word_lists}; "
        f"spam held at >= {e.spam_review_threshold:.2f}, rejected at >= {e.spam_reject_threshold:.2f}",
        f"evaluation set: {e.overall.total} comments from {e.eval_set}",
        "",
        f"{'class':<24}{'comments':>9}{'published':>11}{'held':>11}{'rejected':>11}{'agreement':>11}",
    ]
    lines += [_row(f"{c.name} *" if c.abusive else c.name, c.tally) for c in e.classes]
    lines += [
        _row("all", e.overall),
        "* abusive: insults, threats, identity attacks",
        "agreement: the service's decision is the one the moderator expects",
        "",
        _ratio("abusive comments not published (recall)", abusive.total - abusive.published, abusive.total),
        _ratio("civil identity mentions held (false holds)", identity.pending, identity.total),
        _ratio("civil identity mentions rejected", identity.rejected, identity.total),
        _ratio("comments to publish that were held", e.civil.pending, e.civil.total),
        _ratio("comments to publish that were rejected", e.civil.rejected, e.civil.total),
        _ratio("overall agreement with the moderator", e.overall.agreed, e.overall.total),
        "",
        _ratio("spam held or rejected as spam (spam recall)", spam.caught, spam.spam),
        _ratio("held as spam that is spam (spam precision)", spam.caught, spam.flagged),
        _ratio("comments to publish held as spam", spam.civil_flagged, e.civil.total),
    ]
    if e.scoring_failures:
        lines.append(f"the scorer failed on {e.scoring_failures} comments: held, as the service holds them")
    return "\n".join(lines)
