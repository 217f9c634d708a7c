"""Spelling variants of one name, generated as rules for the gazetteer's names.

Arabic transliterates a foreign name in more than one way: g as ج or غ («سيرغي/سيرجي»), long vowels written
or dropped («بوتين/بوتن», «زيلينسكي/زيلنسكي»), the final a as ة or ا («سورية/سوريا»), an initial o as «أو» or «و».
Letter variants the normalizer unifies anyway (أ/إ/آ/ا، ى/ي، ة/ه) need no rule. A generated word is dropped
when it is a clearly more frequent word of its own («محمود» does not become «محمد»), and a generated
form that another entity owns is dropped too: variants never take a name away from the gazetteer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from marsad.workers.stages.entities import GazetteerEntry
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.terms import TermMatcher, longest_non_overlapping

MAX_SPELLINGS = 16  # per name
_LONG_VOWELS = "يو"
_DISTINCT_WORD_MARGIN = 0.5  # a variant this much more frequent than the original is another word
COMMON_VARIANT_ZIPF = 4.0  # a generated variant this frequent is a word of its own


def _word_spellings(word: str, frequencies: dict[str, float]) -> list[str]:
    found = [word]
    if "ج" in word:
        found.append(word.replace("ج", "غ"))
    if "غ" in word:
        found.append(word.replace("غ", "ج"))
    shorter = []
    if len(word) >= 5:
        for index in range(1, len(word) - 1):
            if word[index] in _LONG_VOWELS and word[index - 1] not in _LONG_VOWELS + "ا":
                shorter.append(word[:index] + word[index + 1 :])
    if len(word) >= 4 and word[-1] in "ها":
        found.append(word[:-1] + ("ا" if word[-1] == "ه" else "ه"))
    if word.startswith("او") and len(word) >= 4:
        found.append(word[1:])
    elif word.startswith("و") and len(word) >= 4:
        found.append("ا" + word)
    # A variant that is a known word is kept only for a known word that is not clearly rarer («زوارة» is not «زارة»),
    # and never when it is a common word («سورة», a chapter, is no spelling of «سورية», nor «تركية», Turkish, of
    # «تركيا»): a common spelling of a name is listed as an alias instead.
    ceiling = min(frequencies[word] + _DISTINCT_WORD_MARGIN, COMMON_VARIANT_ZIPF) if word in frequencies else 0.0
    found += shorter
    return list(dict.fromkeys(v for v in found if v == word or v not in frequencies or frequencies[v] < ceiling))


def spellings(name: str, frequencies: dict[str, float]) -> list[str]:
    """The name's normalized spellings, itself first: one word spelled otherwise at a time («سيرجي لافروف»,
    «سيرغي لافرف»), not every combination, which would multiply the matcher's keys for spellings no one writes."""
    words = normalize(name).split()
    found = [" ".join(words)]
    for index, word in enumerate(words):
        found += (
            " ".join((*words[:index], other, *words[index + 1 :])) for other in _word_spellings(word, frequencies)[1:]
        )
    return list(dict.fromkeys(found))[:MAX_SPELLINGS]


def _false_friend(spelling: str, frequencies: dict[str, float]) -> bool:
    """A proclitic letter before the spelling makes a known word («زارة» in «وزارة»): the matcher would find it."""
    first = spelling.split()[0]
    return any(letter + first in frequencies for letter in "وفبكل")


def with_spellings(entries: Sequence[GazetteerEntry], frequencies: dict[str, float]) -> list[GazetteerEntry]:
    """Each entry with its names' generated spellings added (full forms to aliases, short forms to short)."""
    owner: dict[str, int] = {}
    for number, entry in enumerate(entries):
        for form in (entry.canonical, *entry.aliases, *entry.short):
            owner[normalize(form)] = number
    generated: dict[str, set[int]] = {}
    for number, entry in enumerate(entries):
        for form in (entry.canonical, *entry.aliases, *entry.short):
            for spelling in spellings(form, frequencies)[1:]:
                generated.setdefault(spelling, set()).add(number)

    def fresh(number: int, forms: Iterable[str]) -> tuple[str, ...]:
        return tuple(
            spelling
            for form in forms
            for spelling in spellings(form, frequencies)[1:]
            if spelling not in owner and generated[spelling] == {number} and not _false_friend(spelling, frequencies)
        )

    return [
        entry.model_copy(
            update={
                "aliases": tuple(dict.fromkeys((*entry.aliases, *fresh(number, (entry.canonical, *entry.aliases))))),
                "short": tuple(dict.fromkeys((*entry.short, *fresh(number, entry.short)))),
            }
        )
        for number, entry in enumerate(entries)
    ]


class SpellingExpander:
    """The other spellings of the names in a search query, so that a search for either spelling finds both
    («بوتن» also looks for «بوتين»): the forms of the name's entity, listed or generated, with as many words
    (a one-word query is not widened to «الجمهورية العربية السورية»); for a word of a name asked for alone, its
    own spellings."""

    def __init__(self, entries: Sequence[GazetteerEntry], frequencies: dict[str, float]) -> None:
        self._frequencies = frequencies
        self._by_canonical: dict[str, tuple[str, ...]] = {}
        forms: list[tuple[str, tuple[str, ...]]] = []
        for entry in with_spellings(entries, frequencies):
            every: list[str] = []
            for group in ((entry.canonical, *entry.aliases), entry.short):
                normalized = list(dict.fromkeys(normalize(form) for form in group))
                forms += [
                    (form, tuple(o for o in normalized if len(o.split()) == len(form.split()))) for form in normalized
                ]
                every += normalized
            self._by_canonical[normalize(entry.canonical)] = tuple(dict.fromkeys(every))
        self._forms = forms
        # A word of a name, asked for alone («سيرغي»): its own spellings, unless it is a common word («عبد»).
        self._word_spellings = {
            word: tuple(_word_spellings(word, frequencies)[1:])
            for entry in entries
            for form in (entry.canonical, *entry.aliases, *entry.short)
            for word in normalize(form).split()
            if frequencies.get(word, 0.0) < COMMON_VARIANT_ZIPF
        }

    @cached_property
    def _matcher(self) -> TermMatcher[tuple[str, ...]]:
        """Built on the first query: the worker, which only asks for ``spellings``, never pays its memory."""
        return TermMatcher(self._forms)

    def expand(self, query: str) -> str:
        """``query`` with the other spellings of the names in it appended (free terms: any one of them matches)."""
        text = NormalizedText.of(query)
        hits = longest_non_overlapping(self._matcher.find(text))
        found = {text.words[hit.start : hit.end] for hit in hits}
        extra = [spelling for hit in hits for spelling in hit.payload if spelling not in found]
        inside = {word for name in found for word in name.split()}
        extra += (s for word in text.words.split() if word not in inside for s in self._word_spellings.get(word, ()))
        return " ".join((query, *dict.fromkeys(extra))) if extra else query

    def spellings(self, canonical: str) -> tuple[str, ...]:
        """A canonical name's spellings: its entity's forms, or for a name no gazetteer lists, its generated ones."""
        name = normalize(canonical)
        return self._by_canonical.get(name) or tuple(spellings(name, self._frequencies))
