"""Arabic-aware multi-term matching, shared by the entity gazetteer and the alert keywords.

Terms and text are normalized alike (diacritics, tatweel, letter variants: see ``normalize``), all terms are
found in one Aho-Corasick pass (pyahocorasick) as whole words, optionally preceded by proclitics glued to
the word: و ف (conjunctions), ب ك ل (prepositions) and their
combinations (وب، ول، فب …). A term starting with the article ال also matches after ل, which swallows the
article's alef («للأسد» = ل + الأسد). Hits carry offsets into the original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick
import numpy as np

from workers.stages.normalize import DIACRITICS, TATWEEL, NormalizedText, normalize, word_characters

Payload = TypeVar("Payload")

PROCLITICS = frozenset({"", "و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل"})
# Before a term whose article lost its alef to a preceding ل: the ل itself, optionally after و / ف.
LAM_PROCLITICS = frozenset({"ل", "ول", "فل"})
ARTICLE = "ال"
# The article with the proclitics before it, for terms written without it («قاعدة» → «بالقاعدة», «للقاعدة»).
ARTICLE_PROCLITICS = frozenset({"ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "لل", "ولل", "فلل"})
_TRAILING_MARKS = frozenset(DIACRITICS + TATWEEL)


@dataclass(frozen=True, slots=True)
class TermHit(Generic[Payload]):
    start: int  # offsets into the original text; text[start:end] is the surface form without proclitics
    end: int
    surface: str
    payload: Payload


@dataclass(frozen=True, slots=True)
class _Entry(Generic[Payload]):
    payload: Payload
    prefix_length: int  # proclitic letters before the term inside the key
    key_length: int  # the whole key: space, proclitics, term, space


def _words_only(text: str) -> str:
    """``text`` with every character that is not a letter or digit replaced by a space (same length)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    kept = np.where(word_characters()[codes], codes, np.uint32(32)).astype(np.uint32)
    return kept.tobytes().decode("utf-32-le")


def _keys(term: str, add_article: bool) -> Iterator[tuple[str, int]]:
    """The automaton keys for a normalized term: the term as a whole word after every proclitic.

    Keys are delimited by spaces and matched in text whose non-word characters are all spaces, so the
    automaton reports whole words only and no hit needs checking in Python.
    """
    for prefix in PROCLITICS:
        yield f" {prefix}{term} ", len(prefix)
    if term.startswith(ARTICLE) and len(term) > len(ARTICLE) + 1:
        for prefix in LAM_PROCLITICS:
            yield f" {prefix}{term[1:]} ", len(prefix)
    elif add_article:
        for prefix in ARTICLE_PROCLITICS:
            yield f" {prefix}{term} ", len(prefix)


class TermMatcher(Generic[Payload]):
    """Finds every occurrence of the given terms; each term maps to a payload returned with its hits."""

    def __init__(self, terms: Iterable[tuple[str, Payload]], add_article: bool = False) -> None:
        """With ``add_article``, a term written without the article also matches with it: right for alert
        keywords («قاعدة» finds «القاعدة»), wrong for names («سورية» is Syria, «السورية» means Syrian)."""
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Entry[Payload]]] = {}
        for term, payload in terms:
            normalized = " ".join(_words_only(normalize(term).lower()).split())
            if not normalized:
                continue
            for key, prefix_length in _keys(normalized, add_article):
                keys.setdefault(key, []).append(_Entry(payload, prefix_length, len(key)))
        for key, entries in keys.items():
            self._automaton.add_word(key, tuple(entries))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def find(self, text: NormalizedText) -> list[TermHit[Payload]]:
        """All whole-word hits, in order of start, overlapping ones included."""
        if self._empty:
            return []
        searchable = _words_only(text.normalized)
        lowered = searchable.lower()
        if len(lowered) == len(searchable):
            searchable = lowered
        hits: list[TermHit[Payload]] = []
        # Padded with a space on each side: index i of the padded text is index i - 1 of the normalized one.
        for last, entries in self._automaton.iter(f" {searchable} "):
            for entry in entries:
                start = last - entry.key_length + 1 + entry.prefix_length
                end = last - 1
                hits.append(self._hit(text, start, end, entry.payload))
        hits.sort(key=lambda hit: (hit.start, -hit.end))
        return hits

    @staticmethod
    def _hit(text: NormalizedText, start: int, end: int, payload: Payload) -> TermHit[Payload]:
        original = text.original
        first, stop = text.offsets.original(start), text.offsets.original(end - 1) + 1
        # Diacritics on the last letter belong to the word: keep them inside the span.
        while stop < len(original) and original[stop] in _TRAILING_MARKS:
            stop += 1
        return TermHit(first, stop, original[first:stop], payload)


def longest_non_overlapping(hits: Iterable[TermHit[Payload]]) -> list[TermHit[Payload]]:
    """Leftmost-longest selection: the usual way to resolve overlapping dictionary matches."""
    chosen: list[TermHit[Payload]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen
