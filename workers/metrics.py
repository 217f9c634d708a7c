"""Every Prometheus metric marsad exports, in one place. Names start with ``marsad_`` and carry units."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Sources (marsad/sources/poller.py): one series per configured source.
SOURCE_ITEMS_DELIVERED = Counter(
    "marsad_source_items_delivered_total", "Records a source handed to the pipeline.", ["source"]
)
SOURCE_POLLS = Counter(
    "marsad_source_polls_total",
    "Polls of a source, by outcome (delivered, not_modified, unchanged, failed).",
    ["source", "outcome"],
)
SOURCE_CONSECUTIVE_FAILURES = Gauge(
    "marsad_source_consecutive_failures", "Failed polls of a source since its last success.", ["source"]
)
SOURCE_LAST_SUCCESS = Gauge(
    "marsad_source_last_success_timestamp_seconds", "When a source was last polled successfully.", ["source"]
)
SOURCE_NEXT_POLL = Gauge(
    "marsad_source_next_poll_timestamp_seconds", "When a source is due to be polled next.", ["source"]
)
SOURCE_POLL_DURATION = Histogram(
    "marsad_source_poll_duration_seconds", "Time to poll a source and deliver its records.", ["source"]
)

# Pipeline (marsad/embedded.py, workers/kafka/agents.py)
ARTICLES = Counter(
    "marsad_articles_total",
    "Records through the pipeline, by outcome (indexed, duplicate, replay, rejected).",
    ["outcome"],
)
REJECTS = Counter("marsad_rejects_total", "Records sent to the dead-letter stream, by stage.", ["stage"])
ALERTS_FIRED = Counter("marsad_alerts_fired_total", "Alerts fired (once per rule and story), by rule.", ["rule"])
ENTITIES = Counter("marsad_entities_tagged_total", "Entity mentions tagged, by type.", ["type"])
BATCH_DURATION = Histogram(
    "marsad_batch_duration_seconds",
    "Time to enrich and write one batch, by phase (prepare, decide, write).",
    ["phase"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DEDUP_INDEX_ENTRIES = Gauge("marsad_dedup_index_entries", "Documents held in the near-duplicate index.")

# Distributed worker (workers/kafka/agents.py, workers/elastic/writer.py)
BULK_FAILURES = Counter(
    "marsad_elasticsearch_bulk_failures_total",
    "Bulk actions not acknowledged by Elasticsearch, by handling (retried, refused, unreachable = whole pass).",
    ["handling"],
)
DECIDER_REBUILDS = Histogram(
    "marsad_decider_rebuild_seconds", "Time to rebuild the decide agent's state from Elasticsearch on assignment."
)
KAFKA_BATCH_SIZE = Histogram(
    "marsad_worker_batch_size", "Records per batch taken from Kafka, by agent.", ["agent"],
    buckets=(1, 5, 10, 50, 100, 250, 500, 1000, 2500),
)
