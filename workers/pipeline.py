"""The enrichment pipeline: the stages composed, with no I/O.

Two halves, so that every transport can run them its own way:
- ``Enricher.prepare`` is stateless and batch-friendly: validate, clean, normalize, fingerprint, tag
  entities, match rules. Any number of workers can run it in parallel.
- ``StoryDecider.decide`` is stateful and sequential: duplicate detection against what came before, story
  assignment, firing alerts once per (rule, story). Its state is in memory; the runner persists what it
  returns and rebuilds the decider from the store at start.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from marsad.topics.records import Alert, Article, DeadLetter, EnrichedDocument, Entity, RawInput
from marsad.workers.stages.alerts import RuleMatch, RuleSet
from marsad.workers.stages.clean import BoilerplateRemover
from marsad.workers.stages.dedup import DedupEntry, DuplicateIndex, Fingerprint, Fingerprinter, ShingleSet
from marsad.workers.stages.normalize import NormalizedText
from marsad.workers.stages.validate import validate

# Tags a body (offsets into it), given its title as context.
Tagger = Callable[[NormalizedText, NormalizedText], list[Entity]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Prepared:
    article: Article
    body: str  # boilerplate removed, original spelling
    fingerprint: Fingerprint
    entities: tuple[Entity, ...]
    matches: tuple[RuleMatch, ...]


@dataclass(frozen=True, slots=True)
class Processed:
    document: EnrichedDocument
    fired: tuple[Alert, ...]
    fingerprint: Fingerprint
    replay: bool  # the same id and content were processed before: nothing new to write
    remembered: bool  # entered the duplicate index (exact duplicates are not: their original stands in)


class Enricher:
    def __init__(
        self,
        clean: BoilerplateRemover,
        tag: Tagger,
        rules: RuleSet,
        fingerprint: Fingerprinter,
        max_payload_bytes: int,
    ) -> None:
        self._clean = clean
        self._tag = tag
        self.rules = rules
        self._fingerprint = fingerprint
        self._max_payload_bytes = max_payload_bytes

    def prepare(self, raws: Sequence[RawInput], now: datetime) -> list[Prepared | DeadLetter]:
        outcomes: list[Prepared | DeadLetter | None] = []
        cleaned: list[tuple[int, Article, NormalizedText]] = []
        for raw in raws:
            item = validate(raw, self._max_payload_bytes, iso(now))
            if isinstance(item, DeadLetter):
                outcomes.append(item)
                continue
            body = self._clean(NormalizedText.of(item.body))
            if body.original.strip():
                cleaned.append((len(outcomes), item, body))
                outcomes.append(None)  # filled in below, once the batch is fingerprinted
            else:
                outcomes.append(
                    DeadLetter("clean", "missing body: only boilerplate", raw.payload, raw.position, iso(now))
                )
        fingerprints = self._fingerprint([body.normalized for _, _, body in cleaned])
        for (position, article, body), fingerprint in zip(cleaned, fingerprints, strict=True):
            title = NormalizedText.of(article.title)
            entities = tuple(self._tag(body, title))
            matches = self.rules.evaluate(title, body, entities, article.source)
            outcomes[position] = Prepared(article, body.original, fingerprint, entities, tuple(matches))
        return [outcome for outcome in outcomes if outcome is not None]


class StoryDecider:
    """Sequential decisions over prepared articles: duplicates, stories, alerts to fire."""

    def __init__(
        self,
        *,
        known: Callable[[str], EnrichedDocument | None],
        stored_shingles: Callable[[str], ShingleSet | None],
        fired: set[tuple[str, str]],
        threshold: float,
        num_perm: int,
        window_seconds: float,
        max_entries: int,
        recent_shingles: int = 20_000,
    ) -> None:
        """``known`` and ``stored_shingles`` read what the runner persisted; ``fired`` is every (rule, story)
        pair that already fired. Shingle sets of recent documents are kept in memory, so a batch can be
        decided before the runner has written it."""
        self._known = known
        self._stored_shingles = stored_shingles
        self._fired = fired
        self._recent: OrderedDict[str, ShingleSet] = OrderedDict()
        self._recent_limit = recent_shingles
        self.index = DuplicateIndex(
            self._shingles,
            threshold=threshold,
            num_perm=num_perm,
            window_seconds=window_seconds,
            max_entries=max_entries,
        )

    def _shingles(self, doc_id: str) -> ShingleSet | None:
        recent = self._recent.get(doc_id)
        return recent if recent is not None else self._stored_shingles(doc_id)

    def decide(self, prepared: Prepared, now: datetime) -> Processed:
        article, fingerprint = prepared.article, prepared.fingerprint
        known = self._known(article.id)
        if known is not None and known.content_hash == fingerprint.content_hash:
            return Processed(known, (), fingerprint, replay=True, remembered=False)
        result = self.index.check(article.id, fingerprint)
        document = EnrichedDocument(
            id=article.id,
            source=article.source,
            url=article.url,
            title=article.title,
            published_at=article.published_at,
            ingested_at=iso(now),
            body=prepared.body,
            content_hash=fingerprint.content_hash,
            duplicate_of=result.duplicate_of,
            story_id=result.story_id,
            entities=prepared.entities,
            alerts=tuple(match.rule.id for match in prepared.matches),
        )
        fired: list[Alert] = []
        for match in prepared.matches:
            key = (match.rule.id, document.story_id)
            if key not in self._fired:
                self._fired.add(key)
                fired.append(Alert(match.rule.id, document.id, document.story_id, match.matched, iso(now)))
        if not result.exact:
            self.index.add(
                DedupEntry(
                    document.id, document.story_id, fingerprint.content_hash, fingerprint.signature, now.timestamp()
                )
            )
            self._remember(document.id, fingerprint.shingles)
        return Processed(document, tuple(fired), fingerprint, replay=False, remembered=not result.exact)

    def _remember(self, doc_id: str, shingles: ShingleSet) -> None:
        self._recent[doc_id] = shingles
        self._recent.move_to_end(doc_id)
        while len(self._recent) > self._recent_limit:
            self._recent.popitem(last=False)
