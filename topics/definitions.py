"""The Kafka topics, declared once (docs/interfaces.md §6). Nothing else spells a topic name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TopicSpec:
    base_name: str
    partitions: int
    description: str

    def name(self, prefix: str = "") -> str:
        return f"{prefix}{self.base_name}"


RAW = TopicSpec("articles.raw", 4, "raw articles as producers pushed them (JSON bytes, keyed by id)")
ENRICHED = TopicSpec("articles.enriched", 4, "enriched documents (docs/interfaces.md §2), keyed by id")
ALERTS = TopicSpec("alerts", 1, "fired alerts (docs/interfaces.md §3), keyed by doc id")
DLQ = TopicSpec("articles.dlq", 1, "dead letters: stage, reason, payload, topic/partition/offset")
# Internal to the distributed worker: prepared articles (stateless half done) on their way to the one
# sequential decide agent. A single partition, so that one worker at a time owns the dedup/story state.
PREPARED = TopicSpec("articles.prepared", 1, "internal: prepared articles for the single decide agent")

ALL_TOPICS: tuple[TopicSpec, ...] = (RAW, ENRICHED, ALERTS, DLQ, PREPARED)
