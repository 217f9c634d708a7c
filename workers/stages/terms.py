"""Arabic-aware multi-term matching, shared by the entity gazetteer and the alert keywords.

Terms and text are normalized alike (diacritics, tatweel, letter variants: see ``normalize``), all terms are
found in one Aho-Corasick pass (pyahocorasick), and a hit counts only on word boundaries, where the left
boundary may be preceded by proclitics glued to the word: و ف (conjunctions), ب ك ل (prepositions) and their
combinations (وب، ول، فب …). A term starting with the article ال also matches after ل, which swallows the
article's alef («للأسد» = ل + الأسد). Hits carry offsets into the original text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from workers.stages.normalize import DIACRITICS, TATWEEL, normalize, normalize_with_offsets

Payload = TypeVar("Payload")

PROCLITICS = frozenset({"", "و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل"})
# Before a term whose article lost its alef to a preceding ل: the ل itself, optionally after و / ف.
LAM_PROCLITICS = frozenset({"ل", "ول", "فل"})
ARTICLE = "ال"
_TRAILING_MARKS = frozenset(DIACRITICS + TATWEEL)


@dataclass(frozen=True, slots=True)
class TermHit(Generic[Payload]):
    start: int  # offsets into the original text; text[start:end] is the surface form without proclitics
    end: int
    surface: str
    payload: Payload


@dataclass(frozen=True, slots=True)
class _Entry(Generic[Payload]):
    length: int
    payload: Payload
    after_lam: bool  # the key is a term with its article's alef dropped, valid only after ل


def _is_word_char(char: str) -> bool:
    return char.isalnum()


class TermMatcher(Generic[Payload]):
    """Finds every occurrence of the given terms; each term maps to a payload returned with its hits."""

    def __init__(self, terms: Iterable[tuple[str, Payload]]) -> None:
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Entry[Payload]]] = {}
        for term, payload in terms:
            key = normalize(term).lower()
            if not key:
                continue
            keys.setdefault(key, []).append(_Entry(len(key), payload, after_lam=False))
            if key.startswith(ARTICLE) and len(key) > len(ARTICLE) + 1:
                dropped = key[1:]
                keys.setdefault(dropped, []).append(_Entry(len(dropped), payload, after_lam=True))
        for key, entries in keys.items():
            self._automaton.add_word(key, tuple(entries))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[TermHit[Payload]]:
        """All hits on word boundaries, in order of start, overlapping ones included."""
        if self._empty:
            return []
        normalized, offsets = normalize_with_offsets(text)
        lowered = normalized.lower()
        if len(lowered) == len(normalized):
            normalized = lowered
        hits: list[TermHit[Payload]] = []
        length = len(normalized)
        for last, entries in self._automaton.iter(normalized):
            end = last + 1
            if end < length and _is_word_char(normalized[end]):
                continue
            for entry in entries:
                start = end - entry.length
                word_start = start
                while word_start > 0 and _is_word_char(normalized[word_start - 1]):
                    word_start -= 1
                prefix = normalized[word_start:start]
                if (prefix in LAM_PROCLITICS) if entry.after_lam else (prefix in PROCLITICS):
                    hits.append(self._hit(text, offsets.original(start), offsets.original(last) + 1, entry.payload))
        hits.sort(key=lambda hit: (hit.start, -hit.end))
        return hits

    @staticmethod
    def _hit(text: str, start: int, end: int, payload: Payload) -> TermHit[Payload]:
        # Diacritics on the last letter belong to the word: keep them inside the span.
        while end < len(text) and text[end] in _TRAILING_MARKS:
            end += 1
        return TermHit(start, end, text[start:end], payload)


def longest_non_overlapping(hits: Iterable[TermHit[Payload]]) -> list[TermHit[Payload]]:
    """Leftmost-longest selection: the usual way to resolve overlapping dictionary matches."""
    chosen: list[TermHit[Payload]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen
