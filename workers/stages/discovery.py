"""Name discovery, as Europe Media Monitor does it: a name found from its context (no gazetteer lists it) that
at least ``min_sources`` distinct sources mention joins a learned gazetteer, with its spellings and one canonical
form (the first spelling seen). Spellings of one name meet under one key (``spelling_key``: «إنزاغي» and
«إنزاجي» are one name).

Pure: what was seen so far is passed in and the changed names are returned; ``workers/learning.py`` tags the
learned names in the decide step and the runners persist the candidates (the embedded store, an Elasticsearch
index).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from marsad.topics.records import EnrichedDocument, EntityType
from marsad.workers.stages.entities import GazetteerEntry
from marsad.workers.stages.normalize import normalize

MIN_NAME_LETTERS = 3


def _word_key(word: str) -> str:
    word = word.replace("غ", "ج")
    if word.startswith("او"):
        word = word[1:]
    if len(word) > 2 and word[-1] == "ه":
        word = word[:-1] + "ا"
    # Long vowels written or dropped: only the first letter keeps its و / ي.
    return word[0] + "".join(letter for letter in word[1:-1] if letter not in "يو") + word[-1] if word else word


def spelling_key(name: str) -> str:
    """One key for the spellings of a name that ``variants`` generates for each other."""
    return " ".join(_word_key(word) for word in normalize(name).split())


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name found from its context, and where it was seen."""

    key: str
    canonical: str
    type: EntityType
    forms: tuple[str, ...]  # every spelling seen, the canonical first
    sources: tuple[str, ...]  # the distinct sources that mentioned it, sorted
    learned: bool = False

    def entry(self) -> GazetteerEntry:
        return GazetteerEntry(canonical=self.canonical, type=self.type, aliases=self.forms[1:])

    def to_json(self) -> str:
        return json.dumps(
            {
                "canonical": self.canonical,
                "type": self.type,
                "forms": self.forms,
                "sources": self.sources,
                "learned": self.learned,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, key: str, payload: str) -> Candidate:
        data = json.loads(payload)
        return cls(key, data["canonical"], data["type"], tuple(data["forms"]), tuple(data["sources"]), data["learned"])


class NameDiscovery:
    """``known``: the gazetteer's names (any form), which are not discovered again."""

    def __init__(self, known: Iterable[str], min_sources: int) -> None:
        self._known = frozenset(spelling_key(name) for name in known)
        self.min_sources = min_sources

    def observe(self, seen: Mapping[str, Candidate], documents: Sequence[EnrichedDocument]) -> dict[str, Candidate]:
        """The candidates ``documents`` add to or change in ``seen`` (by key); ``learned`` is set on those that now
        have ``min_sources`` sources."""
        changed: dict[str, Candidate] = {}
        for document in documents:
            if not document.source:
                continue  # sources are what is counted
            for entity in document.entities:
                name = " ".join(entity.canonical.split())
                key = spelling_key(name)
                if len(key.replace(" ", "")) < MIN_NAME_LETTERS or key in self._known:
                    continue
                previous = changed.get(key) or seen.get(key)
                if previous is None:
                    candidate = Candidate(key, name, entity.type, (name,), (document.source,))
                elif document.source in previous.sources and name in previous.forms:
                    continue
                else:
                    candidate = replace(
                        previous,
                        forms=tuple(dict.fromkeys((*previous.forms, name))),
                        sources=tuple(sorted({*previous.sources, document.source})),
                    )
                changed[key] = replace(candidate, learned=len(candidate.sources) >= self.min_sources)
        return changed


def learned_entries(candidates: Iterable[Candidate]) -> list[GazetteerEntry]:
    """The learned gazetteer: the candidates that have enough sources."""
    return [candidate.entry() for candidate in candidates if candidate.learned]
