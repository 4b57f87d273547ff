"""The order a reader sees characters in, where bidirectional controls change it.

A right-to-left override (RLO, U+202E) displays what follows it reversed, so `\\u202etoidi` is
read as "idiot" although it is stored as "toidi". This applies the explicit part of the Unicode
Bidirectional Algorithm (UAX #9, rules X1–X10 and L2) to overrides: inside an RLO every character
is laid out right to left; an LRO (U+202D), an embedding (LRE, RLE) or an isolate (LRI, RLI, FSI)
inside it keeps its own letters in their stored order, and is placed as one unit. Latin letters
outside an override keep their order whatever embedding they are in, so nothing else moves a word.
A paragraph break closes everything; levels stop at 125, with UAX #9's overflow counters.

HTML tags are kept whole: a browser never displays a tag, so its `href` stays as stored.
"""

from __future__ import annotations

import re

_LRE, _RLE, _PDF, _LRO, _RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
_LRI, _RLI, _FSI, _PDI = "\u2066", "\u2067", "\u2068", "\u2069"
# Each opener: does it lay its content out reversed, is it an isolate, is its level odd (RTL).
_OPENERS = {
    _LRE: (False, False, False),
    _RLE: (False, False, True),
    _LRO: (False, False, False),
    _RLO: (True, False, True),
    _LRI: (False, True, False),
    _RLI: (False, True, True),
    # Its direction is its content's first strong letter's; taken as LRI, it only sets the level.
    _FSI: (False, True, False),
}
_MAX_DEPTH = 125
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# One unit of layout: a tag, a paragraph break, a control or any other single character.
_UNIT = re.compile(r"<[^<>\n]*+>|[\n\r\x1c-\x1e\x85\u2029]|.", re.DOTALL)
_PARAGRAPH_BREAK = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")


class _Run:
    """An embedding, override or isolate still open, and what is laid out in it so far."""

    __slots__ = ("isolate", "level", "reversed", "units")

    def __init__(self, level: int, reversed_: bool, isolate: bool) -> None:
        self.level = level
        self.reversed = reversed_
        self.isolate = isolate
        self.units: list[str] = []

    def laid_out(self) -> str:
        return "".join(reversed(self.units) if self.reversed else self.units)


class _Layout:
    """The stack of UAX #9's rules X1–X8, with its overflow counters."""

    def __init__(self) -> None:
        self.stack = [_Run(level=0, reversed_=False, isolate=False)]
        self.isolates = 0
        self.overflow_isolates = 0
        self.overflow_embeddings = 0

    def open(self, control: str) -> None:
        reversed_, isolate, odd = _OPENERS[control]
        # The next odd level above this one for a right-to-left opener, the next even one if not.
        level = self.stack[-1].level + 1
        if level % 2 != odd:
            level += 1
        if level <= _MAX_DEPTH and not self.overflow_isolates and not self.overflow_embeddings:
            self.stack.append(_Run(level, reversed_, isolate))
            self.isolates += isolate
        elif isolate:
            self.overflow_isolates += 1
        elif not self.overflow_isolates:
            self.overflow_embeddings += 1

    def close_embedding(self) -> None:
        if self.overflow_isolates:
            return
        if self.overflow_embeddings:
            self.overflow_embeddings -= 1
        elif len(self.stack) > 1 and not self.stack[-1].isolate:
            self._close()

    def close_isolate(self) -> None:
        if self.overflow_isolates:
            self.overflow_isolates -= 1
        elif self.isolates:
            self.overflow_embeddings = 0
            while not self.stack[-1].isolate:
                self._close()
            self._close()

    def end_paragraph(self, unit: str = "") -> None:
        while len(self.stack) > 1:
            self._close()
        self.isolates = self.overflow_isolates = self.overflow_embeddings = 0
        self.stack[0].units.append(unit)

    def _close(self) -> None:
        run = self.stack.pop()
        self.isolates -= run.isolate
        self.stack[-1].units.append(run.laid_out())


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def stored(text: str) -> str:
    """The text in its stored order, without its bidirectional controls."""
    return _CONTROLS.sub("", text)


def displayed(text: str) -> str:
    """The text in the order it is displayed, without its bidirectional controls."""
    if not _CONTROLS.search(text):
        return text
    layout = _Layout()
    for unit in _UNIT.findall(text):
        if unit in _OPENERS:
            layout.open(unit)
        elif unit == _PDF:
            layout.close_embedding()
        elif unit == _PDI:
            layout.close_isolate()
        elif unit in _PARAGRAPH_BREAK:
            layout.end_paragraph(unit)
        else:
            layout.stack[-1].units.append(unit)
    layout.end_paragraph()
    return layout.stack[0].laid_out()
