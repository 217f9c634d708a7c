"""Elasticsearch side of the distributed worker: bulk writes with retries, and the decider's persisted state.

Indices (``index_prefix`` in front of each):
- ``news`` (alias, from the index templates): the enriched documents, ``_id`` = article id. Each carries what
  the decide agent needs to rebuild its near-duplicate index after a restart or a rebalance in ``dedup``, an
  object Elasticsearch stores but does not index (``"enabled": false``) and that readers leave out: MinHash
  signature, shingle set, event time, and the id of the decided batch that wrote it;
- ``news-alerts``: fired alerts, ``_id`` = ``rule:story_id`` written with ``create``, so neither a replay
  nor a race can ever store two alerts for one (rule, story);
- ``dedup-commits``: one small document per committed batch, ``_id`` = the batch's id. Created here, not from a
  template: it is the worker's private state.

Every write is idempotent (fixed ``_id``s), so a batch whose acknowledgement was lost is simply written again.
A batch's commit mark is written last in its commit sequence (``workers/kafka/commit.py``): a document counts as
committed when the batch named in its ``dedup`` is marked, so the decider's "already processed" lookup
(``known_documents``) returns only documents whose topics and alerts are done, and a batch redelivered after a
crash completes what was left undone. Batch ids are new for every decision (a redelivered batch may be cut
differently), so a mark never covers a document written by an attempt that did not finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, OrjsonSerializer, helpers

from marsad.topics.records import Alert, EnrichedDocument
from marsad.workers import metrics
from marsad.workers.build import build_expander
from marsad.workers.elastic.templates import alerts_index, create_index_if_missing, news_alias
from marsad.workers.pipeline import Processed, epoch
from marsad.workers.settings import Settings
from marsad.workers.stages.dedup import DedupEntry, ShingleSet, array_text, shingles_from_text, signature_from_text
from marsad.workers.stages.variants import document_variants

log = logging.getLogger(__name__)

COMMITS_MAPPING: dict[str, Any] = {"dynamic": "strict", "properties": {"committed_at": {"type": "date"}}}
DEDUP_FIELD = "dedup"  # the decider's state inside each news document
# Statuses that retrying cannot fix: the document itself is refused (a mapping error, a request too large).
# Everything else (429, 5xx, a blocked index, no connection) is retried with backoff until it is stored.
_PERMANENT_STATUSES = frozenset({400, 413})


def elastic_client(settings: Settings) -> Elasticsearch:
    """The client, over HTTPS when the URL says so (verified against ``MARSAD_ELASTICSEARCH_CA_FILE`` when set,
    else the system's CAs), authenticated by an API key or a user and password when they are set."""
    if settings.elasticsearch_url is None:
        raise ValueError("MARSAD_ELASTICSEARCH_URL is not set")
    options: dict[str, Any] = {"request_timeout": 30, "serializer": OrjsonSerializer()}
    if settings.elasticsearch_ca_file is not None:
        options["ca_certs"] = str(settings.elasticsearch_ca_file)
    if settings.elasticsearch_api_key is not None:
        options["api_key"] = settings.elasticsearch_api_key.get_secret_value()
    elif settings.elasticsearch_username and settings.elasticsearch_password:
        options["basic_auth"] = (settings.elasticsearch_username, settings.elasticsearch_password.get_secret_value())
    return Elasticsearch(settings.elasticsearch_url, **options)


def is_transient(error: Exception) -> bool:
    """Whether retrying can fix ``error``: no connection, a timeout, 429 or 5xx (not a refused request)."""
    if isinstance(error, ApiError):
        return error.status_code not in _PERMANENT_STATUSES
    return isinstance(error, TransportError)


@dataclass(frozen=True, slots=True)
class IndexNames:
    documents: str  # the alias
    alerts: str
    commits: str

    @classmethod
    def for_prefix(cls, prefix: str) -> IndexNames:
        return cls(news_alias(prefix), alerts_index(prefix), f"{prefix}dedup-commits")


@dataclass(frozen=True, slots=True)
class Refused:
    """An action Elasticsearch refused for good: dead-lettered rather than retried forever."""

    index: str
    doc_id: str
    source: dict[str, Any]
    reason: str


# Flat copies of the nested entity fields, for Kibana's aggregations, every spelling of the entities' names and the
# rare words and names to fold over their transliterations (`name_variants`), in the index's default query fields,
# so that Kibana's plain search for «بوتن» finds «بوتين» and «غوارديولا» finds «جوارديولا»; not part of the
# exported document.
SEARCH_COPIES = ("entity_canonicals", "entity_types", "entity_spellings", "name_variants")
# Stored fields that are not part of the exported document: the copies above and the decider's state.
DERIVED_FIELDS = (*SEARCH_COPIES, DEDUP_FIELD)


def new_batch_id() -> str:
    return uuid.uuid4().hex


def search_source(
    document: EnrichedDocument, spellings: Callable[[str], Sequence[str]] = lambda name: (name,)
) -> dict[str, Any]:
    """``spellings``: a canonical name's spellings (``SpellingExpander.spellings``)."""
    canonicals = sorted({entity.canonical for entity in document.entities})
    return document.to_dict() | {
        "entity_canonicals": canonicals,
        "entity_types": sorted({entity.type for entity in document.entities}),
        "entity_spellings": sorted({spelling for name in canonicals for spelling in spellings(name)}),
        "name_variants": document_variants(document),
    }


class ElasticWriter:
    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client = client
        self.names = IndexNames.for_prefix(settings.index_prefix)
        self._chunk_docs = settings.bulk_max_docs
        self._chunk_bytes = settings.bulk_max_bytes
        self._streams = settings.bulk_streams
        self._retry_initial = settings.bulk_retry_initial_seconds
        self._retry_max = settings.bulk_retry_max_seconds
        self._spellings = build_expander(settings).spellings

    def ensure_commits_index(self) -> None:
        if not self.client.indices.exists(index=self.names.commits):
            create_index_if_missing(
                self.client,
                self.names.commits,
                mappings=COMMITS_MAPPING,
                settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            )

    # Reads for the decider -------------------------------------------------------------------------

    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        """Real-time (``mget``) lookup of committed documents: indexed, and their batch marked committed (the
        last step of a batch's commit sequence). A document whose batch is not marked is decided again. The
        marks are looked up only when documents are found (a redelivery or a resent article)."""
        if not ids:
            return {}
        try:
            response = self.client.mget(
                index=self.names.documents,
                ids=list(ids),
                source_excludes=[*SEARCH_COPIES, f"{DEDUP_FIELD}.signature", f"{DEDUP_FIELD}.shingles"],
            )
        except NotFoundError:
            return {}  # nothing indexed yet
        found = [doc["_source"] for doc in response["docs"] if doc.get("found")]
        committed = self._committed({_batch(source) for source in found})
        return {
            source["id"]: EnrichedDocument.from_dict({k: v for k, v in source.items() if k != DEDUP_FIELD})
            for source in found
            if _batch(source) in committed
        }

    def _committed(self, batches: Collection[str]) -> set[str]:
        """Which of ``batches`` are marked committed (real-time)."""
        wanted = sorted(batch for batch in batches if batch)
        if not wanted:
            return set()
        try:
            response = self.client.mget(index=self.names.commits, ids=wanted, source=False)
        except NotFoundError:
            return set()
        return {doc["_id"] for doc in response["docs"] if doc.get("found")}

    def naming(self, names: Sequence[str]) -> set[str]:
        """The ids of the documents a search for any of ``names`` (each a phrase) finds, as the embedded store's
        search finds them: in the title or body, or another spelling of a rare word (`name_variants`)."""
        self.client.indices.refresh(index=self.names.documents)  # what the earlier batches wrote
        should: list[dict[str, Any]] = [
            {"match_phrase": {field: name}} for name in names for field in ("title", "body")
        ]
        should.append({"match": {"name_variants": " ".join(names)}})
        hits = helpers.scan(
            self.client, index=self.names.documents, query={"query": {"bool": {"should": should}}}, _source=False
        )
        return {hit["_id"] for hit in hits}

    def shingles(self, doc_id: str) -> ShingleSet | None:
        try:
            response = self.client.get(
                index=self.names.documents, id=doc_id, source_includes=[f"{DEDUP_FIELD}.shingles"]
            )
        except NotFoundError:
            return None
        state = response["_source"].get(DEDUP_FIELD)
        return None if state is None else shingles_from_text(state["shingles"])

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        """The most recent ``limit`` committed documents decided at or after ``since``, oldest first."""
        if not self.client.indices.exists(index=self.names.documents):
            return []
        self.client.indices.refresh(index=self.names.documents)
        hits = helpers.scan(
            self.client,
            index=self.names.documents,
            query={"query": {"range": {"ingested_at": {"gte": int(since * 1000), "format": "epoch_millis"}}}},
            _source_includes=["story_id", "content_hash", "ingested_at", DEDUP_FIELD],
            _source_excludes=[f"{DEDUP_FIELD}.shingles"],
        )
        sources = {hit["_id"]: hit["_source"] for hit in hits if DEDUP_FIELD in hit["_source"]}
        batches = sorted({_batch(source) for source in sources.values()})
        committed = set().union(*(self._committed(batches[i : i + 10_000]) for i in range(0, len(batches), 10_000)))
        entries = [
            DedupEntry(
                doc_id,
                source["story_id"],
                source["content_hash"],
                signature_from_text(source[DEDUP_FIELD]["signature"]),
                epoch(source["ingested_at"]),
                source[DEDUP_FIELD]["event_time"],
                source[DEDUP_FIELD]["remembered"],
            )
            for doc_id, source in sources.items()
            if _batch(source) in committed
        ]
        entries.sort(key=lambda entry: (entry.seen_at, entry.doc_id))
        return entries[-limit:]

    def alerts(self) -> list[Alert]:
        """Every stored alert."""
        if not self.client.indices.exists(index=self.names.alerts):
            return []
        self.client.indices.refresh(index=self.names.alerts)
        return [
            Alert(source["rule"], source["doc_id"], source["story_id"], tuple(source["matched"]), source["fired_at"])
            for source in (hit["_source"] for hit in helpers.scan(self.client, index=self.names.alerts))
        ]

    # Writes ---------------------------------------------------------------------------------------

    def document_actions(self, processed: Iterable[Processed], batch: str) -> list[dict[str, Any]]:
        """Each new document with its dedup state, written by ``batch`` (replays write nothing). Their ids are
        distinct, so they may be written in any order (``write(..., concurrent=True)``)."""
        actions: list[dict[str, Any]] = []
        for item in processed:
            if item.replay:
                continue
            state = {
                "batch": batch,
                "event_time": item.event_time,
                "remembered": item.remembered,
                "signature": array_text(item.fingerprint.signature),
                "shingles": array_text(item.fingerprint.shingles),
            }
            actions.append(
                {
                    "_op_type": "index",
                    "_index": self.names.documents,
                    "_id": item.document.id,
                    "_source": search_source(item.document, self._spellings) | {DEDUP_FIELD: state},
                }
            )
        return actions

    def correction_actions(self, processed: Iterable[Processed]) -> list[dict[str, Any]]:
        """The stored documents that the batch's decisions moved to another story: written after the batch's
        documents, since a late original may correct a document of its own batch."""
        return [
            _update(self.names.documents, fix.doc_id, {"story_id": fix.story_id, "duplicate_of": fix.duplicate_of})
            for item in processed
            if not item.replay
            for fix in item.corrected
        ]

    def entity_actions(self, documents: Iterable[EnrichedDocument]) -> list[dict[str, Any]]:
        """Stored documents whose entities changed (a name learned after them): their entity fields rewritten,
        after the batch's documents like the corrections."""
        actions = []
        for document in documents:
            source = search_source(document, self._spellings)
            actions.append(_update(self.names.documents, document.id, {k: source[k] for k in _ENTITY_FIELDS}))
        return actions

    def commit_actions(self, processed: Iterable[Processed], batch: str, committed_at: str) -> list[dict[str, Any]]:
        """The mark of ``batch``, if it wrote any document."""
        if all(item.replay for item in processed):
            return []
        return [
            {"_op_type": "index", "_index": self.names.commits, "_id": batch, "_source": {"committed_at": committed_at}}
        ]

    def alert_actions(self, processed: Iterable[Processed]) -> list[dict[str, Any]]:
        """Per document: fired alerts, ``create``d under ``rule:story_id`` (the first one stored wins, later
        ones are no-ops); withdrawn ones deleted; re-credited ones overwritten (``index``)."""
        actions: list[dict[str, Any]] = []
        for item in processed:
            for op_type, alerts in (("create", item.fired), ("index", item.recredited)):
                actions.extend(
                    {
                        "_op_type": op_type,
                        "_index": self.names.alerts,
                        "_id": f"{alert.rule}:{alert.story_id}",
                        "_source": alert.to_dict(),
                    }
                    for alert in alerts
                )
            actions.extend(
                {"_op_type": "delete", "_index": self.names.alerts, "_id": f"{rule}:{story_id}"}
                for rule, story_id in item.withdrawn
            )
        return actions

    async def write(self, actions: list[dict[str, Any]], concurrent: bool = False) -> list[Refused]:
        """Bulk-write until every action is acknowledged, retrying failures with capped exponential backoff.
        ``concurrent``: the actions are independent (distinct ids), so they are split into
        ``MARSAD_BULK_STREAMS`` requests sent at once.

        Returns the actions refused for good (400, 413), at most one per document id; all others are stored
        when this returns. A bulk request refused as a whole is retried one action at a time, so that only
        the action at fault is refused.
        """
        pending, refused, attempt = actions, [], 0
        while pending:
            streams = self._streams if concurrent else 1
            pending, permanent = await asyncio.to_thread(self._bulk_once, pending, streams)
            refused.extend(permanent)
            if pending:
                attempt += 1
                delay = min(self._retry_max, self._retry_initial * 2 ** (attempt - 1))
                log.warning(
                    "bulk write: %d actions failed (attempt %d), retrying in %.1f s", len(pending), attempt, delay
                )
                await asyncio.sleep(delay)
        unique: dict[str, Refused] = {}
        for item in refused:
            unique.setdefault(item.doc_id, item)
        return list(unique.values())

    def _bulk_once(self, actions: list[dict[str, Any]], streams: int = 1) -> tuple[list[dict[str, Any]], list[Refused]]:
        """One pass over ``actions`` in ``streams`` concurrent requests: the ones to retry, and the ones refused
        for good."""
        retry: list[dict[str, Any]] = []
        refused: list[Refused] = []
        whole: list[dict[str, Any]] = []  # in a request refused as a whole: to be tried one by one
        options: dict[str, Any] = {
            "max_chunk_bytes": self._chunk_bytes,
            "raise_on_error": False,
            "raise_on_exception": False,
        }
        if streams > 1 and len(actions) > 1:
            chunk = min(self._chunk_docs, -(-len(actions) // streams))
            results = helpers.parallel_bulk(self.client, actions, thread_count=streams, chunk_size=chunk, **options)
        else:
            results = helpers.streaming_bulk(self.client, actions, chunk_size=self._chunk_docs, **options)
        try:
            # Both helpers yield one result per action, in order.
            for action, (ok, item) in zip(actions, results, strict=False):
                if ok:
                    continue
                op_type, result = next(iter(item.items()))
                status = result.get("status")
                if op_type == "create" and status == 409:
                    continue  # the alert is already stored: this (rule, story) fired before
                if op_type in ("update", "delete") and status == 404:
                    continue  # nothing to correct: never stored (refused), or already withdrawn
                if status in _PERMANENT_STATUSES and "exception" in result and len(actions) > 1:
                    whole.append(action)
                elif status in _PERMANENT_STATUSES:
                    metrics.BULK_FAILURES.labels("refused").inc()
                    reason = json.dumps(result.get("error"), ensure_ascii=False)
                    source = action.get("_source", action.get("doc", {}))
                    refused.append(Refused(action["_index"], action["_id"], source, reason))
                else:
                    metrics.BULK_FAILURES.labels("retried").inc()
                    retry.append(action)
        except TransportError as error:  # connection refused, timeout: retry the whole pass (writes are idempotent)
            metrics.BULK_FAILURES.labels("unreachable").inc()
            log.warning("bulk write: Elasticsearch unreachable: %s", error)
            return actions, []
        for action in whole:
            action_retry, action_refused = self._bulk_once([action])
            retry.extend(action_retry)
            refused.extend(action_refused)
        return retry, refused


_ENTITY_FIELDS = ("entities", "entity_canonicals", "entity_types", "entity_spellings")


def _update(index: str, doc_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"_op_type": "update", "_index": index, "_id": doc_id, "doc": fields}


def _batch(source: dict[str, Any]) -> str:
    """The batch that wrote a stored document ("" for one written before batches were named)."""
    return str(source.get(DEDUP_FIELD, {}).get("batch", ""))
