"""Elasticsearch side of the distributed worker: bulk writes with retries, and the decider's persisted state.

Indices (``index_prefix`` in front of each):
- ``news`` (alias, from the index templates): the enriched documents, ``_id`` = article id;
- ``news-alerts``: fired alerts, ``_id`` = ``rule:story_id`` written with ``create``, so neither a replay
  nor a race can ever store two alerts for one (rule, story);
- ``dedup-state``: what the decide agent needs to rebuild its near-duplicate index after a restart or a
  rebalance: per document its story, content hash, MinHash signature and shingle set (binary fields, not
  indexed). Created here, not from a template: it is the worker's private state, not searchable content.

Every write is idempotent (fixed ``_id``s), so a batch whose acknowledgement was lost is simply written again.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from marsad.topics.records import EnrichedDocument
from marsad.workers import metrics
from marsad.workers.elastic.templates import alerts_index, news_alias
from marsad.workers.pipeline import Processed
from marsad.workers.settings import Settings
from marsad.workers.stages.dedup import DedupEntry, ShingleSet

log = logging.getLogger(__name__)

STATE_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "story_id": {"type": "keyword"},
        "content_hash": {"type": "keyword"},
        "seen_at": {"type": "double"},
        "remembered": {"type": "boolean"},
        "signature": {"type": "binary"},
        "shingles": {"type": "binary"},
    },
}
# Item statuses that retrying cannot fix: the document itself is refused (e.g. a mapping error).
_PERMANENT_STATUSES = frozenset({400})


def elastic_client(settings: Settings) -> Elasticsearch:
    if settings.elasticsearch_url is None:
        raise ValueError("MARSAD_ELASTICSEARCH_URL is not set")
    auth = None
    if settings.elasticsearch_username and settings.elasticsearch_password:
        auth = (settings.elasticsearch_username, settings.elasticsearch_password.get_secret_value())
    return Elasticsearch(settings.elasticsearch_url, basic_auth=auth, request_timeout=30)


@dataclass(frozen=True, slots=True)
class IndexNames:
    documents: str  # the alias
    alerts: str
    state: str

    @classmethod
    def for_prefix(cls, prefix: str) -> IndexNames:
        return cls(news_alias(prefix), alerts_index(prefix), f"{prefix}dedup-state")


@dataclass(frozen=True, slots=True)
class Refused:
    """An action Elasticsearch refused for good: dead-lettered rather than retried forever."""

    index: str
    doc_id: str
    source: dict[str, Any]
    reason: str


# Flat copies of the nested entity fields, for Kibana's aggregations; not part of the exported document.
DERIVED_FIELDS = ("entity_canonicals", "entity_types")


def search_source(document: EnrichedDocument) -> dict[str, Any]:
    return document.to_dict() | {
        "entity_canonicals": sorted({entity.canonical for entity in document.entities}),
        "entity_types": sorted({entity.type for entity in document.entities}),
    }


def _b64(array: np.ndarray[Any, Any]) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


class ElasticWriter:
    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client = client
        self.names = IndexNames.for_prefix(settings.index_prefix)
        self._chunk_docs = settings.bulk_max_docs
        self._chunk_bytes = settings.bulk_max_bytes
        self._retry_initial = settings.bulk_retry_initial_seconds
        self._retry_max = settings.bulk_retry_max_seconds

    def ensure_state_index(self) -> None:
        if not self.client.indices.exists(index=self.names.state):
            try:
                self.client.indices.create(
                    index=self.names.state,
                    mappings=STATE_MAPPING,
                    settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                )
            except ApiError as error:
                if error.error != "resource_already_exists_exception":
                    raise

    # Reads for the decider -------------------------------------------------------------------------

    def documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        """Real-time (``mget``) lookup of already indexed documents."""
        if not ids:
            return {}
        try:
            response = self.client.mget(index=self.names.documents, ids=list(ids), source_excludes=list(DERIVED_FIELDS))
        except NotFoundError:
            return {}  # nothing indexed yet
        return {doc["_id"]: EnrichedDocument.from_dict(doc["_source"]) for doc in response["docs"] if doc.get("found")}

    def shingles(self, doc_id: str) -> ShingleSet | None:
        try:
            response = self.client.get(index=self.names.state, id=doc_id, source_includes=["shingles"])
        except NotFoundError:
            return None
        return np.frombuffer(base64.b64decode(response["_source"]["shingles"]), dtype=np.uint32).copy()

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        """The most recent ``limit`` remembered documents seen at or after ``since``, oldest first."""
        self.client.indices.refresh(index=self.names.state)
        hits = helpers.scan(
            self.client,
            index=self.names.state,
            query={
                "query": {
                    "bool": {
                        "filter": [
                            {"term": {"remembered": True}},
                            {"range": {"seen_at": {"gte": since}}},
                        ]
                    }
                }
            },
            _source_includes=["story_id", "content_hash", "signature", "seen_at"],
        )
        entries = [
            DedupEntry(
                hit["_id"],
                hit["_source"]["story_id"],
                hit["_source"]["content_hash"],
                np.frombuffer(base64.b64decode(hit["_source"]["signature"]), dtype=np.uint64).copy(),
                hit["_source"]["seen_at"],
            )
            for hit in hits
        ]
        entries.sort(key=lambda entry: (entry.seen_at, entry.doc_id))
        return entries[-limit:]

    def fired_pairs(self) -> set[tuple[str, str]]:
        if not self.client.indices.exists(index=self.names.alerts):
            return set()
        self.client.indices.refresh(index=self.names.alerts)
        hits = helpers.scan(self.client, index=self.names.alerts, _source_includes=["rule", "story_id"])
        return {(hit["_source"]["rule"], hit["_source"]["story_id"]) for hit in hits}

    # Writes ---------------------------------------------------------------------------------------

    def document_actions(self, processed: Iterable[Processed]) -> list[dict[str, Any]]:
        """Each new document and its dedup state (replays write nothing)."""
        actions: list[dict[str, Any]] = []
        for item in processed:
            if item.replay:
                continue
            document = item.document
            actions.append(
                {
                    "_op_type": "index",
                    "_index": self.names.documents,
                    "_id": document.id,
                    "_source": search_source(document),
                }
            )
            actions.append(
                {
                    "_op_type": "index",
                    "_index": self.names.state,
                    "_id": document.id,
                    "_source": {
                        "story_id": document.story_id,
                        "content_hash": document.content_hash,
                        "seen_at": _epoch(document.ingested_at),
                        "remembered": item.remembered,
                        "signature": _b64(item.fingerprint.signature),
                        "shingles": _b64(item.fingerprint.shingles),
                    },
                }
            )
        return actions

    def alert_actions(self, processed: Iterable[Processed]) -> list[dict[str, Any]]:
        """Fired alerts, ``create``d under ``rule:story_id``: the first one stored wins, later ones are no-ops."""
        return [
            {
                "_op_type": "create",
                "_index": self.names.alerts,
                "_id": f"{alert.rule}:{alert.story_id}",
                "_source": alert.to_dict(),
            }
            for item in processed
            for alert in item.fired
        ]

    async def write(self, actions: list[dict[str, Any]]) -> list[Refused]:
        """Bulk-write until every action is acknowledged, retrying failures with capped exponential backoff.

        Returns the actions refused for good (status 400); all others are stored when this returns.
        """
        pending, refused, attempt = actions, [], 0
        while pending:
            pending, permanent = await asyncio.to_thread(self._bulk_once, pending)
            refused.extend(permanent)
            if pending:
                attempt += 1
                delay = min(self._retry_max, self._retry_initial * 2 ** (attempt - 1))
                log.warning(
                    "bulk write: %d actions failed (attempt %d), retrying in %.1f s", len(pending), attempt, delay
                )
                await asyncio.sleep(delay)
        return refused

    def _bulk_once(self, actions: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Refused]]:
        """One pass over ``actions``: the ones to retry, and the ones refused for good."""
        retry: list[dict[str, Any]] = []
        refused: list[Refused] = []
        results = helpers.streaming_bulk(
            self.client,
            actions,
            chunk_size=self._chunk_docs,
            max_chunk_bytes=self._chunk_bytes,
            raise_on_error=False,
            raise_on_exception=False,
        )
        try:
            # streaming_bulk yields one result per action, in order.
            for action, (ok, item) in zip(actions, results, strict=False):
                if ok:
                    continue
                op_type, result = next(iter(item.items()))
                status = result.get("status")
                if op_type == "create" and status == 409:
                    continue  # the alert is already stored: this (rule, story) fired before
                if status in _PERMANENT_STATUSES:
                    metrics.BULK_FAILURES.labels("refused").inc()
                    reason = json.dumps(result.get("error"), ensure_ascii=False)
                    refused.append(Refused(action["_index"], action["_id"], action["_source"], reason))
                else:
                    metrics.BULK_FAILURES.labels("retried").inc()
                    retry.append(action)
        except TransportError as error:  # connection refused, timeout: retry the whole pass (writes are idempotent)
            metrics.BULK_FAILURES.labels("unreachable").inc()
            log.warning("bulk write: Elasticsearch unreachable: %s", error)
            return actions, []
        return retry, refused


def _epoch(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()
