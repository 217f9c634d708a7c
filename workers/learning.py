"""Name discovery in the decide step, the same in both run modes.

The prepare stage tags with the shipped gazetteer and the context rules only, so what discovery observes of a
document does not depend on what was learned before it arrived. The learned names are added here, after each
batch is observed: to the batch's documents, and to the earlier documents the duplicate index still holds (its
window), which the runner rewrites. So a learned name is tagged in every document of the window whatever the
order the documents came in, and a batch boundary changes nothing.

A learned name only fills gaps: where the gazetteer or the context rules found a name, that name stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from marsad.topics.records import EnrichedDocument, Entity
from marsad.workers.pipeline import DeciderState, Processed
from marsad.workers.stages.discovery import Candidate, NameDiscovery, learned_entries
from marsad.workers.stages.entities import GazetteerEntry, GazetteerTagger
from marsad.workers.stages.normalize import NormalizedText
from marsad.workers.stages.variants import with_spellings

# Documents read back from the store per request when a name is learned.
RETAG_CHUNK = 500


class NameSearch(DeciderState, Protocol):
    def naming(self, names: Sequence[str]) -> set[str]:
        """The ids of the stored documents a search for any of ``names`` (each a phrase) finds."""
        ...


@dataclass(frozen=True, slots=True)
class Learning:
    processed: list[Processed]  # the batch, its documents with the learned names added
    changed: list[Candidate]  # to persist
    retagged: list[EnrichedDocument]  # earlier documents that now name a newly learned name: to rewrite


class NameLearner:
    """``candidates``: what discovery has seen so far, as the runner persisted it."""

    def __init__(
        self, discovery: NameDiscovery, candidates: Mapping[str, Candidate], frequencies: dict[str, float]
    ) -> None:
        self._discovery = discovery
        self._frequencies = frequencies
        self.restore(candidates)

    def restore(self, candidates: Mapping[str, Candidate]) -> None:
        """Start again from ``candidates`` (what the runner persisted), as when a worker takes the decide step over."""
        self.candidates = dict(candidates)
        self._tagger = self._tagger_of(learned_entries(self.candidates.values()))
        # The previous batch's documents: the runner may not have stored them yet when the next batch is decided.
        self._unstored: dict[str, EnrichedDocument] = {}

    def learned(self) -> list[GazetteerEntry]:
        return learned_entries(self.candidates.values())

    def _tagger_of(self, entries: Sequence[GazetteerEntry]) -> GazetteerTagger | None:
        return GazetteerTagger(with_spellings(entries, self._frequencies), self._frequencies) if entries else None

    def learn(self, processed: Sequence[Processed], state: NameSearch, window: Iterable[str]) -> Learning:
        """Observe the batch's new documents, then tag the learned names in them and, for the names learned now,
        in the documents of ``window`` (ids) before this batch that a search for them finds."""
        documents = [item.document for item in processed if not item.replay]
        changed = self._discovery.observe(self.candidates, documents)
        newly = [
            candidate.entry()
            for key, candidate in changed.items()
            if candidate.learned and not (key in self.candidates and self.candidates[key].learned)
        ]
        self.candidates.update(changed)
        if newly:
            self._tagger = self._tagger_of(self.learned())
        tagged = [item if item.replay else replace(item, document=self._tag(item.document)) for item in processed]
        batch = {document.id for document in documents}
        earlier = set(window) - batch
        retagged = self._retag(earlier, state, newly) if newly and earlier else []
        self._unstored = {item.document.id: item.document for item in tagged if not item.replay}
        return Learning(tagged, list(changed.values()), retagged)

    def _tag(self, document: EnrichedDocument, tagger: GazetteerTagger | None = None) -> EnrichedDocument:
        tagger = tagger or self._tagger
        if tagger is None:
            return document
        found = tagger.tag(NormalizedText.of(document.body), NormalizedText.of(document.title))
        added = [entity for entity in found if not any(_overlap(entity, other) for other in document.entities)]
        if not added:
            return document
        return replace(document, entities=tuple(sorted((*document.entities, *added), key=_position)))

    def _retag(self, window: set[str], state: NameSearch, newly: Sequence[GazetteerEntry]) -> list[EnrichedDocument]:
        spelled = with_spellings(newly, self._frequencies)
        tagger = GazetteerTagger(spelled, self._frequencies)
        names = sorted({form for entry in spelled for form in (entry.canonical, *entry.aliases, *entry.short)})
        # The previous batch's documents may not be searchable yet: they are in memory, and all looked at.
        ids = sorted((state.naming(names) | set(self._unstored)) & window)
        retagged: list[EnrichedDocument] = []
        for start in range(0, len(ids), RETAG_CHUNK):
            chunk = ids[start : start + RETAG_CHUNK]
            stored = state.known_documents(chunk) | {i: self._unstored[i] for i in chunk if i in self._unstored}
            for doc_id in chunk:
                if doc_id in stored and (changed := self._tag(stored[doc_id], tagger)) is not stored[doc_id]:
                    retagged.append(changed)
        return retagged


def _overlap(one: Entity, other: Entity) -> bool:
    return one.start < other.end and other.start < one.end


def _position(entity: Entity) -> tuple[int, int]:
    return entity.start, entity.end
