"""Scoring with a deadline, so a slow or stuck model cannot hold a request past the function's timeout.

Each comment is scored in its own daemon thread; the request waits at most the deadline. A
scoring that overruns is abandoned — the comment is held for review — but a thread cannot be
killed, so it runs on. While it does, later comments are held at once rather than queued
behind it or each given a thread to get stuck in: a stuck model costs one thread per container,
and no request waits for another's scoring. Daemon threads never keep a process from exiting.
"""

from __future__ import annotations

import threading

from moderation.scoring.base import Scorer, ScoringError, score_text


class _Scoring:
    """One comment's scoring, run in its own thread."""

    def __init__(self, scorer: Scorer, text: str):
        self.done = threading.Event()
        self.scores: dict[str, float] = {}
        self.error: ScoringError | None = None
        threading.Thread(target=self._run, args=(scorer, text), name="scoring", daemon=True).start()

    def _run(self, scorer: Scorer, text: str) -> None:
        try:
            self.scores = score_text(scorer, text)
        except ScoringError as error:
            self.error = error
        finally:
            self.done.set()


class DeadlineScorer:
    def __init__(self, scorer: Scorer, deadline_seconds: float):
        self._scorer = scorer
        self._deadline = deadline_seconds
        self._lock = threading.Lock()
        self._abandoned: _Scoring | None = None

    def score(self, text: str) -> dict[str, float]:
        """The scores, or ScoringError when the scorer failed, overran or is still overrunning."""
        with self._lock:
            if self._abandoned is not None and not self._abandoned.done.is_set():
                raise ScoringError("the scorer is still busy with a comment past its deadline")
        scoring = _Scoring(self._scorer, text)
        if not scoring.done.wait(self._deadline):
            with self._lock:
                self._abandoned = scoring
            raise ScoringError(f"scoring took longer than {self._deadline:g} s; abandoned")
        if scoring.error is not None:
            raise scoring.error
        return scoring.scores
