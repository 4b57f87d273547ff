"""The same or nearly the same text again: MinHash over character shingles, in LSH bands.

A campaign posts one text, lightly varied, under many names and on many posts. Each comment's
text becomes its set of 5-character shingles, and 48 minimum hashes sketch that set: two
texts' minima agree about as often as their sets overlap (their Jaccard similarity s). The 48
are 12 bands of 4, each band hashed to a short digest; two texts share a band's digest with
probability about s⁴, so copies (s ≈ 1) share nearly all bands, a paraphrase (s ≈ 0.4) now and
then one (a campaign, posting again and again, soon shares one), and unrelated comments
(s < 0.1) almost never. The store keeps each digest for a week and says whether a recent
comment by someone else, or on another post, had it.

The minima are one-permutation hashing (Li, Owen and Zhang, 2012): each shingle's one 64-bit
BLAKE2b hash picks one of the 48 bins by its remainder and competes there with its quotient,
so the sketch costs one hash per shingle (well under a millisecond for a long comment, in pure
Python: NumPy stays out of the starter model's cold start, and datasketch would bring SciPy).
A band with an empty bin is left out rather than compared, as empty matches empty. BLAKE2b is
the same in every process, so digests one function stores another reads.
"""

from __future__ import annotations

import hashlib
import re

from moderation.content_rules.text import normalised_for_comparison

SHINGLE = 5
# 12 bands: with the filter's own keys (at most 81) and the submission's (6), the read stays one
# BatchGetItem of at most 100 keys.
HASHES = 48
BANDS = 12
ROWS = HASHES // BANDS
# Shorter texts ("Great post!", "Thanks") are written alike by many people.
MIN_CHARACTERS = 40
# How long a text's bands are remembered: a campaign runs for days, not months.
REMEMBERED_SECONDS = 7 * 24 * 3600
_NOT_WORD = re.compile(r"[\W_]+")


def band_digests(text: str) -> tuple[str, ...]:
    """One digest per band that has all its bins (band number included); none for a text too
    short to tell."""
    flat = _NOT_WORD.sub(" ", normalised_for_comparison(text)).strip()
    if len(flat) < MIN_CHARACTERS:
        return ()
    lowest: list[int | None] = [None] * HASHES
    for shingle in {flat[start : start + SHINGLE] for start in range(len(flat) - SHINGLE + 1)}:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        rest, bin_ = divmod(value, HASHES)
        low = lowest[bin_]
        if low is None or rest < low:
            lowest[bin_] = rest
    digests = []
    for band in range(BANDS):
        rows = lowest[band * ROWS : (band + 1) * ROWS]
        if None not in rows:
            digest = hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()
            digests.append(f"{band}:{digest}")
    return tuple(digests)
