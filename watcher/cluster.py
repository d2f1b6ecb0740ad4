"""Pure: is a new headline the same story as one already alerted?

Wire copies differ by "UPDATE 1-" prefixes, quote styles, case, punctuation and small edits;
`normalize.story_key` removes the first four, and a token-set similarity absorbs the last.
"""
from __future__ import annotations

import re

from .lexicon import HAN_CHAR

_DIGITS = re.compile(r"\d")
_UNIT_SUFFIX = re.compile(r"(?<=\d)[a-z]+$")
SIMILAR = 0.8  # share of shared tokens (Jaccard) that makes two keys one story
MIN_TOKENS = 4  # shorter headlines must match exactly


def tokens(key: str) -> frozenset[str]:
    """Words for Latin text, character bigrams for CJK runs."""
    out: set[str] = set()
    for word in key.split():
        if HAN_CHAR.search(word):
            chars = [c for c in word]
            out.update(a + b for a, b in zip(chars, chars[1:], strict=False))
            if len(chars) == 1:
                out.add(word)
        else:
            out.add(word)
    return frozenset(out)


def _numbers(toks: frozenset[str]) -> set[str]:
    """Tokens that hold figures, with unit suffixes dropped ("8bn" -> "8"); "a0" stays "a0"."""
    return {_UNIT_SUFFIX.sub("", t) for t in toks if _DIGITS.search(t)}


def similarity(a: str, b: str) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def same_story(a: str, b: str) -> bool:
    """True when two story keys (see normalize.story_key) name one story."""
    if not a or not b:
        return False
    if a == b:
        return True
    ta, tb = tokens(a), tokens(b)
    if min(len(ta), len(tb)) < MIN_TOKENS:
        return False
    if _numbers(ta) != _numbers(tb):
        return False  # "$100 million" and "$200 million" are two stories
    return similarity(a, b) >= SIMILAR


def find_story(key: str, companies: set[str], candidates: list[tuple[int, str, set[str]]]) -> int | None:
    """The id of the first candidate (id, story_key, companies) that is the same story about at
    least one of the same companies; None when the item starts a new story."""
    for cid, ckey, ccompanies in candidates:
        if (not companies or not ccompanies or companies & ccompanies) and same_story(key, ckey):
            return cid
    return None
