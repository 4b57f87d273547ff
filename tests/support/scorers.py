"""Scorers for tests: deterministic, so a test can ask for any score it needs.

`ScriptedScorer` reads markers from the text: `[[insult=0.73]]` gives that label that score,
`[[fail]]` makes it raise, `[[sleep=2.5]]` makes it take that many seconds (a slow or stuck
model). Every other label scores 0.01.
"""

from __future__ import annotations

import re
import time

LABELS = ("toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack")
_MARKER = re.compile(r"\[\[(\w+)=([0-9.]+)\]\]")
_SLEEP = re.compile(r"\[\[sleep=([0-9.]+)\]\]")


class ScriptedScorer:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def predict(self, text: list[str]) -> dict[str, list[float]]:
        self.calls.append(list(text))
        results: dict[str, list[float]] = {label: [] for label in LABELS}
        for item in text:
            if "[[fail]]" in item:
                raise RuntimeError("scorer exploded")
            for seconds in _SLEEP.findall(item):
                time.sleep(float(seconds))
            wanted = {label: float(value) for label, value in _MARKER.findall(item)}
            for label in LABELS:
                results[label].append(wanted.get(label, 0.01))
        return results


def make() -> ScriptedScorer:
    """The MODERATION_SCORER factory: `tests.support.scorers:make`."""
    return ScriptedScorer()


_SHADOW_MARKER = re.compile(r"\[\[shadow_(\w+)=([0-9.]+)\]\]")


class ShadowScorer:
    """A second model for shadow tests: `[[shadow_insult=0.73]]` gives it that score (the scripted
    scorer ignores the marker), `[[shadow_fail]]` makes it raise; every other label scores 0.01."""

    name = "test-shadow"

    def predict(self, text: list[str]) -> dict[str, list[float]]:
        results: dict[str, list[float]] = {label: [] for label in LABELS}
        for item in text:
            if "[[shadow_fail]]" in item:
                raise RuntimeError("shadow scorer exploded")
            wanted = {label: float(value) for label, value in _SHADOW_MARKER.findall(item)}
            for label in LABELS:
                results[label].append(wanted.get(label, 0.01))
        return results
