"""The order a reader sees characters in, where bidirectional controls change it.

A right-to-left override (RLO, U+202E) displays what follows it reversed, so `\\u202etoidi` is
read as "idiot" although it is stored as "toidi". This applies the explicit part of the Unicode
Bidirectional Algorithm (UAX #9, rules X1–X10 and L2) to overrides: inside an RLO every character
is laid out right to left; an LRO (U+202D), an embedding (LRE, RLE) or an isolate (LRI, RLI, FSI)
inside it keeps its own letters in their stored order, and is placed as one unit. Latin letters
outside an override keep their order whatever embedding they are in, so nothing else moves a word.
A paragraph break closes everything; the depth is capped at 125 as in UAX #9.

HTML tags are kept whole: a browser never displays a tag, so its `href` stays as stored.
"""

from __future__ import annotations

import re

_LRE, _RLE, _PDF, _LRO, _RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
_LRI, _RLI, _FSI, _PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_OPENERS = {_LRE: False, _RLE: False, _LRO: False, _RLO: True, _LRI: False, _RLI: False, _FSI: False}
_ISOLATES = frozenset((_LRI, _RLI, _FSI))
_MAX_DEPTH = 125
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# One unit of layout: a tag, a paragraph break, a control or any other single character.
_UNIT = re.compile(r"<[^<>\n]*+>|[\n\r\x1c-\x1e\x85\u2029]|.", re.DOTALL)
_PARAGRAPH_BREAK = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


class _Run:
    """An embedding, override or isolate still open, and what is laid out in it so far."""

    __slots__ = ("isolate", "reversed", "units")

    def __init__(self, reversed_: bool, isolate: bool) -> None:
        self.reversed = reversed_
        self.isolate = isolate
        self.units: list[str] = []

    def laid_out(self) -> str:
        return "".join(reversed(self.units) if self.reversed else self.units)


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def stored(text: str) -> str:
    """The text in its stored order, without its bidirectional controls."""
    return _CONTROLS.sub("", text)


def displayed(text: str) -> str:
    """The text in the order it is displayed, without its bidirectional controls."""
    if not _CONTROLS.search(text):
        return text
    stack = [_Run(reversed_=False, isolate=False)]
    overflow = 0
    for unit in _UNIT.findall(text):
        if unit in _OPENERS:
            if len(stack) > _MAX_DEPTH:
                overflow += 1
            else:
                stack.append(_Run(reversed_=_OPENERS[unit], isolate=unit in _ISOLATES))
        elif unit == _PDF:
            if overflow:
                overflow -= 1
            elif len(stack) > 1 and not stack[-1].isolate:
                _close(stack)
        elif unit == _PDI:
            overflow = 0
            if any(run.isolate for run in stack):
                while not stack[-1].isolate:
                    _close(stack)
                _close(stack)
        elif unit in _PARAGRAPH_BREAK:
            overflow = 0
            while len(stack) > 1:
                _close(stack)
            stack[0].units.append(unit)
        else:
            stack[-1].units.append(unit)
    while len(stack) > 1:
        _close(stack)
    return stack[0].laid_out()


def _close(stack: list[_Run]) -> None:
    run = stack.pop()
    stack[-1].units.append(run.laid_out())
