"""The enrichment pipeline: the stages composed, with no I/O.

Two halves, so that every transport can run them its own way:
- ``Enricher.prepare`` is stateless and batch-friendly: validate, clean, normalize, fingerprint, tag
  entities, match rules. Any number of workers can run it in parallel.
- ``StoryDecider.decide_batch`` is stateful and sequential: duplicate detection against what came before, story
  assignment in event time, firing alerts once per (rule, story). Its state is in memory; the runner persists
  what it returns and rebuilds the decider from a ``DeciderState`` at start (``workers/build.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from marsad.topics.records import Alert, Article, DeadLetter, EnrichedDocument, Entity, RawInput
from marsad.workers.stages.alerts import RuleMatch, RuleSet, SpikeWindows
from marsad.workers.stages.clean import BoilerplateRemover
from marsad.workers.stages.dedup import (
    DedupEntry,
    DuplicateIndex,
    Fingerprint,
    Fingerprinter,
    ShingleSet,
    Stories,
)
from marsad.workers.stages.normalize import NormalizedText
from marsad.workers.stages.validate import validate

# Tags a body (offsets into it), given its title as context.
Tagger = Callable[[NormalizedText, NormalizedText], list[Entity]]
# For each (body, the entities tagged in it), more entities: a batch at a time (``names_model.NamesModel.tag``).
NameFinder = Callable[[Sequence[tuple[NormalizedText, Sequence[Entity]]]], list[list[Entity]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch(iso_time: str) -> float:
    """Seconds since the epoch of an ISO-8601 time as ``iso`` writes it."""
    return datetime.fromisoformat(iso_time).timestamp()


def event_time(article: Article, appended_at: float) -> float:
    """When the article happened, in epoch seconds: its ``published_at`` (UTC when it names no zone), else
    when it was appended to its input (``Prepared.appended_at``); a value that does not parse counts as absent."""
    if article.published_at:
        try:
            published = datetime.fromisoformat(article.published_at)
        except ValueError:
            return appended_at
        return (published if published.tzinfo else published.replace(tzinfo=UTC)).timestamp()
    return appended_at


@dataclass(frozen=True, slots=True)
class Prepared:
    article: Article
    body: str  # boilerplate removed, original spelling
    fingerprint: Fingerprint
    entities: tuple[Entity, ...]
    matches: tuple[RuleMatch, ...]
    appended_at: float  # epoch seconds: the Kafka record timestamp, else when the runner read it


AlertKey = tuple[str, str]  # (rule, story_id): one stored alert each


@dataclass(frozen=True, slots=True)
class Correction:
    """A stored document whose story changed (a late original took over, or two stories merged)."""

    doc_id: str
    story_id: str
    duplicate_of: str | None


@dataclass(frozen=True, slots=True)
class Processed:
    document: EnrichedDocument
    fired: tuple[Alert, ...]  # new (rule, story) pairs: store and notify
    fingerprint: Fingerprint
    replay: bool  # the same id and content were processed before: nothing new to write
    remembered: bool  # entered the LSH index (exact duplicates are not: their twin stands in)
    event_time: float
    corrected: tuple[Correction, ...] = ()  # earlier documents to rewrite in place (same ids)
    recredited: tuple[Alert, ...] = ()  # stored alerts to overwrite (new original, more matched words): no notice
    withdrawn: tuple[AlertKey, ...] = ()  # stored alerts to delete: their story merged into another


class DeciderState(Protocol):
    """What the decider reads back of what the runner persisted: the SQLite store and Elasticsearch."""

    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        """The stored documents among ``ids``."""
        ...

    def shingles(self, doc_id: str) -> ShingleSet | None: ...

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        """The most recent ``limit`` documents decided at or after ``since``, oldest first."""
        ...

    def alerts(self) -> list[Alert]:
        """Every stored alert."""
        ...


class Enricher:
    def __init__(
        self,
        clean: BoilerplateRemover,
        tag: Tagger,
        rules: RuleSet,
        fingerprint: Fingerprinter,
        max_payload_bytes: int,
        find_names: NameFinder | None = None,
    ) -> None:
        """``find_names``: what finds the names ``tag`` missed, over a batch of its results."""
        self._clean = clean
        self._tag = tag
        self._find_names = find_names
        self.rules = rules
        self._fingerprint = fingerprint
        self._max_payload_bytes = max_payload_bytes

    def prepare(self, raws: Sequence[RawInput], now: datetime) -> list[Prepared | DeadLetter]:
        """One outcome per raw input, in order: an exception on one record dead-letters that record only."""
        outcomes: list[Prepared | DeadLetter | None] = []
        cleaned: list[tuple[int, RawInput, Article, NormalizedText]] = []
        read_at, stamp = now.timestamp(), iso(now)
        for raw in raws:
            item = validate(raw, self._max_payload_bytes, stamp)
            if isinstance(item, DeadLetter):
                outcomes.append(item)
                continue
            try:
                body = self._clean(NormalizedText.of(item.body))
            except Exception as error:  # one record's failure must not cost the batch
                outcomes.append(_failed("clean", error, raw, now))
                continue
            if body.original.strip():
                cleaned.append((len(outcomes), raw, item, body))
                outcomes.append(None)  # filled in below, once the batch is fingerprinted
            else:
                outcomes.append(DeadLetter("clean", "missing body: only boilerplate", raw.payload, raw.position, stamp))
        fingerprints: list[Fingerprint] | list[Fingerprint | DeadLetter]
        try:
            fingerprints = self._fingerprint([body.normalized for _, _, _, body in cleaned])
        except Exception:  # find the record at fault: fingerprint one at a time
            fingerprints = [self._fingerprint_one(body, raw, now) for _, raw, _, body in cleaned]
        tagged: list[tuple[int, RawInput, Article, NormalizedText, Fingerprint, NormalizedText, list[Entity]]] = []
        for (position, raw, article, body), fingerprint in zip(cleaned, fingerprints, strict=True):
            if isinstance(fingerprint, DeadLetter):
                outcomes[position] = fingerprint
                continue
            try:
                title = NormalizedText.of(article.title)
                tagged.append((position, raw, article, body, fingerprint, title, self._tag(body, title)))
            except Exception as error:
                outcomes[position] = _failed("enrich", error, raw, now)
        found = self._found_names([(body, entities) for _, _, _, body, _, _, entities in tagged])
        for (position, raw, article, body, fingerprint, title, entities), more in zip(tagged, found, strict=True):
            if isinstance(more, Exception):
                outcomes[position] = _failed("enrich", more, raw, now)
                continue
            try:
                everything = tuple(sorted((*entities, *more), key=lambda entity: (entity.start, entity.end)))
                matches = self.rules.evaluate(title, body, everything, article.source)
            except Exception as error:
                outcomes[position] = _failed("enrich", error, raw, now)
                continue
            appended_at = raw.appended_at if raw.appended_at is not None else read_at
            outcomes[position] = Prepared(article, body.original, fingerprint, everything, tuple(matches), appended_at)
        return [outcome for outcome in outcomes if outcome is not None]

    def _found_names(self, texts: list[tuple[NormalizedText, Sequence[Entity]]]) -> Sequence[list[Entity] | Exception]:
        """``find_names`` over the batch; if it fails, over each text alone, so only the text at fault fails."""
        if self._find_names is None or not texts:
            return [[] for _ in texts]
        try:
            return self._find_names(texts)
        except Exception:
            found: list[list[Entity] | Exception] = []
            for text in texts:
                try:
                    found.append(self._find_names([text])[0])
                except Exception as error:  # one record's failure must not cost the batch
                    found.append(error)
            return found

    def _fingerprint_one(self, body: NormalizedText, raw: RawInput, now: datetime) -> Fingerprint | DeadLetter:
        try:
            return self._fingerprint([body.normalized])[0]
        except Exception as error:
            return _failed("fingerprint", error, raw, now)


def _failed(stage: str, error: Exception, raw: RawInput, now: datetime) -> DeadLetter:
    return DeadLetter(stage, f"unexpected {type(error).__name__}: {error}", raw.payload, raw.position, iso(now))


class StoryDecider:
    """Sequential decisions over prepared articles: duplicates, stories, alerts to fire.

    The original of a story is its earliest member by event time (``published_at``, else append time), ties
    broken by the smaller id, and the story's id is the original's id; an alert is stored once per (rule,
    story), credited to the story's original, its ``matched`` the union over the story's members. So the
    decisions do not depend on arrival order: an article that arrives after a later one of its story takes
    over as original, and the decider says which stored documents and alerts to rewrite.
    """

    def __init__(
        self,
        state: DeciderState,
        *,
        threshold: float,
        num_perm: int,
        window_seconds: float,
        max_entries: int,
        settle_seconds: float,
        recent_shingles: int = 20_000,
    ) -> None:
        """Shingle sets of recent documents are kept in memory, and the last batch's documents too, so a
        batch can be decided before the runner has written the one before."""
        self._state = state
        self._alerts: dict[str, dict[str, Alert]] = {}  # story -> rule -> stored alert
        self._unstored: dict[str, EnrichedDocument] = {}
        self._recent: OrderedDict[str, ShingleSet] = OrderedDict()
        self._recent_limit = recent_shingles
        self.stories = Stories(settle_seconds)
        self.spikes = SpikeWindows()
        self.index = DuplicateIndex(
            self._shingles,
            threshold=threshold,
            num_perm=num_perm,
            window_seconds=window_seconds,
            max_entries=max_entries,
        )

    def load(self, entries: Iterable[DedupEntry], alerts: Iterable[Alert]) -> None:
        """Rebuild from persisted state: dedup entries oldest first, and every stored alert."""
        for entry in entries:
            self._forget(self.index.add(entry))
            self.stories.restore(entry)
        for alert in alerts:
            self._alerts.setdefault(alert.story_id, {})[alert.rule] = alert

    def _shingles(self, doc_id: str) -> ShingleSet | None:
        recent = self._recent.get(doc_id)
        return recent if recent is not None else self._state.shingles(doc_id)

    def decide_batch(self, batch: Sequence[Prepared], now: datetime) -> list[Processed]:
        ids = [prepared.article.id for prepared in batch]
        known = self._state.known_documents(ids) | {i: self._unstored[i] for i in ids if i in self._unstored}
        processed = []
        stamp = iso(now)
        for prepared in batch:
            item = self._decide(prepared, known.get(prepared.article.id), now, stamp)
            if not item.replay:
                known[item.document.id] = item.document  # a repeat later in this batch is a replay
            processed.append(item)
        self._unstored = {item.document.id: item.document for item in processed if not item.replay}
        return processed

    def _decide(self, prepared: Prepared, known: EnrichedDocument | None, now: datetime, stamp: str) -> Processed:
        """``stamp``: ``now`` as ``iso`` writes it."""
        article, fingerprint = prepared.article, prepared.fingerprint
        when = event_time(article, prepared.appended_at)
        if known is not None and known.content_hash == fingerprint.content_hash:
            return Processed(known, (), fingerprint, replay=True, remembered=False, event_time=when)
        # New content under a known id: it leaves its old story, which keeps its id, and is decided afresh.
        self.index.remove(article.id)
        self.stories.forget(article.id)
        neighbours = self.index.neighbours(article.id, fingerprint)
        touched = {story for story in map(self.stories.story_of, neighbours.ids) if story is not None}
        joined = self.stories.join((when, article.id), touched, now.timestamp())
        story_id = joined.story_id
        corrected = tuple(
            Correction(member, story_id, None if member == story_id else story_id) for member in joined.moved
        )
        recredited: dict[AlertKey, Alert] = {}
        withdrawn: list[AlertKey] = []
        for old_story in joined.absorbed:
            for rule, alert in sorted(self._alerts.pop(old_story, {}).items()):
                withdrawn.append((rule, old_story))
                self._credit(rule, story_id, alert.matched, alert.fired_at, recredited)
        fired: list[Alert] = []
        for match in prepared.matches:
            spike = match.rule.spike
            if spike is not None and not self.spikes.observe(match.rule.id, spike, when):
                continue  # a mention, not a spike
            if match.rule.id in self._alerts.get(story_id, {}):
                self._credit(match.rule.id, story_id, match.matched, stamp, recredited)
            else:
                alert = Alert(match.rule.id, story_id, story_id, tuple(sorted(set(match.matched))), stamp)
                self._alerts.setdefault(story_id, {})[alert.rule] = alert
                fired.append(alert)
        document = EnrichedDocument(
            id=article.id,
            source=article.source,
            url=article.url,
            title=article.title,
            published_at=article.published_at,
            ingested_at=stamp,
            body=prepared.body,
            content_hash=fingerprint.content_hash,
            duplicate_of=None if story_id == article.id else story_id,
            story_id=story_id,
            entities=prepared.entities,
            alerts=tuple(match.rule.id for match in prepared.matches),
        )
        remembered = not neighbours.exact
        entry = DedupEntry(
            article.id, story_id, fingerprint.content_hash, fingerprint.signature, now.timestamp(), when, remembered
        )
        self._forget(self.index.add(entry))
        if remembered:
            self._remember(document.id, fingerprint.shingles)
        return Processed(
            document,
            tuple(fired),
            fingerprint,
            replay=False,
            remembered=remembered,
            event_time=when,
            corrected=corrected,
            recredited=tuple(recredited.values()),
            withdrawn=tuple(withdrawn),
        )

    def _credit(
        self, rule: str, story_id: str, matched: Sequence[str], fired_at: str, changed: dict[AlertKey, Alert]
    ) -> None:
        """Credit the (rule, story) alert, stored or not, to the story's original with ``matched`` added;
        the earliest ``fired_at`` stays."""
        stored = self._alerts.setdefault(story_id, {}).get(rule)
        if stored is not None:
            matched = (*stored.matched, *matched)
            fired_at = min(fired_at, stored.fired_at)
        alert = Alert(rule, story_id, story_id, tuple(sorted(set(matched))), fired_at)
        if alert != stored:
            self._alerts[story_id][rule] = alert
            changed[(rule, story_id)] = alert

    def _forget(self, evicted: Iterable[str]) -> None:
        for doc_id in evicted:
            self.stories.forget(doc_id)

    def _remember(self, doc_id: str, shingles: ShingleSet) -> None:
        self._recent[doc_id] = shingles
        self._recent.move_to_end(doc_id)
        while len(self._recent) > self._recent_limit:
            self._recent.popitem(last=False)
