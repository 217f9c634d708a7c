"""Arabic-aware multi-term matching, shared by the entity gazetteer and the alert keywords.

Terms and text are normalized alike (diacritics, tatweel, letter variants: see ``normalize``), all terms are
found in one Aho-Corasick pass (pyahocorasick) as whole words, optionally preceded by proclitics glued to
the word: و ف (conjunctions), ب ك ل (prepositions) and their
combinations (وب، ول، فب …). A term starting with the article ال also matches after ل, which swallows the
article's alef («للأسد» = ل + الأسد), and its lam too before a word that starts with ل («للجنة» = ل + اللجنة).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar

import ahocorasick

from marsad.workers.stages.normalize import DIACRITICS, TATWEEL, NormalizedText, normalize

Payload = TypeVar("Payload")

PROCLITICS = frozenset({"", "و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل"})
# Before a term whose article lost its alef to a preceding ل: the ل itself, optionally after و / ف.
LAM_PROCLITICS = frozenset({"ل", "ول", "فل"})
ARTICLE = "ال"
# The article with the proclitics before it, for terms written without it («قاعدة» → «بالقاعدة», «للقاعدة»).
ARTICLE_PROCLITICS = frozenset({"ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "لل", "ولل", "فلل"})
_TRAILING_MARKS = frozenset(DIACRITICS + TATWEEL)
# A proclitic and a one-word term that make a word at least this frequent (Zipf: 3 is once per million words)
# are that word, when it is more frequent than the term (``_glued_word``).
GLUED_WORD_ZIPF = 3.0


class TermHit(NamedTuple, Generic[Payload]):
    """A tuple, not a dataclass: an article yields dozens of hits and a frozen dataclass is slow to build."""

    start: int  # offsets into the normalized text, proclitics excluded
    end: int
    payload: Payload


@dataclass(frozen=True, slots=True)
class _Entry(Generic[Payload]):
    payload: Payload
    # Where the term starts, counted back from the key's last character (its trailing space) in the padded
    # text: the key is space, proclitics, term, space.
    start_back: int


def _keys(term: str, add_article: bool, frequencies: Mapping[str, float] | None) -> Iterator[tuple[str, int]]:
    """The automaton keys for a normalized term: the term as a whole word after every proclitic, but a proclitic
    that makes a more frequent word of a one-word term (``_glued_word``).

    Keys are delimited by spaces and matched in text whose non-word characters are all spaces, so the
    automaton reports whole words only and no hit needs checking in Python.
    """
    one_word = " " not in term  # the words after the first tell a name from a word («بود مدني», in Wad Madani)
    for prefix in PROCLITICS:
        if not (prefix and one_word and frequencies is not None and _glued_word(prefix[-1] + term, term, frequencies)):
            yield f" {prefix}{term} ", len(prefix)
    if term.startswith(ARTICLE) and len(term) > len(ARTICLE) + 1:
        # ل + الأسد = للأسد; before a word that starts with ل the article's lam goes too: ل + اللجنة = للجنة.
        rest = term[2:] if term[2] == "ل" else term[1:]
        for prefix in LAM_PROCLITICS:
            yield f" {prefix}{rest} ", len(prefix)
    elif add_article:
        for prefix in ARTICLE_PROCLITICS:
            yield f" {prefix}{term} ", len(prefix)


def _glued_word(glued: str, word: str, frequencies: Mapping[str, float]) -> bool:
    """Whether ``glued`` (a one-letter proclitic and ``word``) is a word of its own, more used than ``word``: «وزير»
    (minister) is no و + «زير», «وفدا» (a delegation) no و + «فدا» (a town)."""
    zipf = frequencies.get(glued, 0.0)
    return zipf >= GLUED_WORD_ZIPF and zipf > frequencies.get(word, 0.0)


class TermMatcher(Generic[Payload]):
    """Finds every occurrence of the given terms; each term maps to a payload returned with its hits."""

    def __init__(
        self,
        terms: Iterable[tuple[str, Payload]],
        add_article: bool = False,
        frequencies: Mapping[str, float] | None = None,
    ) -> None:
        """With ``add_article``, a term written without the article also matches with it: right for alert
        keywords («قاعدة» finds «القاعدة»), wrong for names («سورية» is Syria, «السورية» means Syrian). With
        ``frequencies`` (Zipf, of normalized words), a one-word term does not match where a proclitic and the term
        are a more frequent word (``_glued_word``)."""
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, list[_Entry[Payload]]] = {}
        for term, payload in terms:
            normalized = " ".join(NormalizedText.of(normalize(term)).words.split())
            if not normalized:
                continue
            for key, prefix_length in _keys(normalized, add_article, frequencies):
                keys.setdefault(key, []).append(_Entry(payload, len(key) - 1 - prefix_length))
        for key, entries in keys.items():
            self._automaton.add_word(key, tuple(entries))
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    def find(self, text: NormalizedText) -> list[TermHit[Payload]]:
        """All whole-word hits, in order of start, overlapping ones included.

        Hit offsets are into the normalized text; ``surfaces`` maps chosen hits back to the original.
        """
        if self._empty:
            return []
        # Padded with a space on each side: index i of the padded text is index i - 1 of the normalized one,
        # so a key ending at padded index `last` (its trailing space) ends the term at normalized `last - 1`.
        make = TermHit._make  # tuple.__new__: builds a hit without a Python-level call
        hits: list[TermHit[Payload]] = [
            make((last - entry.start_back, last - 1, entry.payload))
            for last, entries in self._automaton.iter(f" {text.words} ")
            for entry in entries
        ]
        _sort_leftmost_longest(hits)
        return hits


def _sort_leftmost_longest(hits: list[TermHit[Any]]) -> None:
    """Sorts by start, then longest first, in place; two stable sorts on C-level keys."""
    hits.sort(key=_END, reverse=True)
    hits.sort(key=_START)


_START = itemgetter(0)
_END = itemgetter(1)


def surfaces(text: NormalizedText, hits: Sequence[TermHit[Payload]]) -> list[tuple[int, int, str]]:
    """Where hits stand in the original text: start, end and the surface string there, for each."""
    original = text.original
    mapped = text.offsets.originals([p for hit in hits for p in (hit.start, hit.end - 1)])
    spans = []
    for start, last in zip(mapped[::2], mapped[1::2], strict=True):
        end = last + 1
        # Diacritics on the last letter belong to the word: keep them inside the span.
        while end < len(original) and original[end] in _TRAILING_MARKS:
            end += 1
        spans.append((start, end, original[start:end]))
    return spans


def longest_non_overlapping(hits: Iterable[TermHit[Payload]]) -> list[TermHit[Payload]]:
    """Leftmost-longest selection: the usual way to resolve overlapping dictionary matches."""
    ordered = list(hits)
    _sort_leftmost_longest(ordered)
    chosen: list[TermHit[Payload]] = []
    for hit in ordered:
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen
