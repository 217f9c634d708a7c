"""Every Prometheus metric marsad exports, in one place. Names start with ``marsad_`` and carry units.

The metrics are attributes of a ``Metrics`` set built against a registry (faust's ``Monitor`` style), so that a
test can count in a registry of its own (``metrics.use(CollectorRegistry())``) instead of reading deltas off
process-wide series. Callers keep writing ``metrics.ARTICLES``: the module's attributes are the current set's.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

_FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        # Sources (marsad/sources/poller.py): one series per configured source.
        self.SOURCE_ITEMS_DELIVERED = Counter(
            "marsad_source_items_delivered_total",
            "Records a source handed to the pipeline.",
            ["source"],
            registry=registry,
        )
        self.SOURCE_POLLS = Counter(
            "marsad_source_polls_total",
            "Polls of a source, by outcome (delivered, not_modified, unchanged, failed).",
            ["source", "outcome"],
            registry=registry,
        )
        self.SOURCE_CONSECUTIVE_FAILURES = Gauge(
            "marsad_source_consecutive_failures",
            "Failed polls of a source since its last success.",
            ["source"],
            registry=registry,
        )
        self.SOURCE_LAST_SUCCESS = Gauge(
            "marsad_source_last_success_timestamp_seconds",
            "When a source was last polled successfully.",
            ["source"],
            registry=registry,
        )
        self.SOURCE_NEXT_POLL = Gauge(
            "marsad_source_next_poll_timestamp_seconds",
            "When a source is due to be polled next.",
            ["source"],
            registry=registry,
        )
        self.SOURCE_POLL_DURATION = Histogram(
            "marsad_source_poll_duration_seconds",
            "Time to poll a source and deliver its records.",
            ["source"],
            registry=registry,
        )

        # Pipeline (marsad/embedded.py, workers/kafka/agents.py)
        self.ARTICLES = Counter(
            "marsad_articles_total",
            "Records through the pipeline, by outcome (indexed, duplicate, replay, rejected).",
            ["outcome"],
            registry=registry,
        )
        self.REJECTS = Counter(
            "marsad_rejects_total", "Records sent to the dead-letter stream, by stage.", ["stage"], registry=registry
        )
        self.ALERTS_FIRED = Counter(
            "marsad_alerts_fired_total", "Alerts fired (once per rule and story), by rule.", ["rule"], registry=registry
        )
        self.ENTITIES = Counter(
            "marsad_entities_tagged_total", "Entity mentions tagged, by type.", ["type"], registry=registry
        )
        self.BATCH_DURATION = Histogram(
            "marsad_batch_duration_seconds",
            "Time to enrich and write one batch, by phase (prepare, decide, write).",
            ["phase"],
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=registry,
        )
        self.DEDUP_INDEX_ENTRIES = Gauge(
            "marsad_dedup_index_entries", "Documents held in the near-duplicate index.", registry=registry
        )

        # Distributed worker (workers/kafka/agents.py, workers/elastic/writer.py)
        self.BULK_FAILURES = Counter(
            "marsad_elasticsearch_bulk_failures_total",
            "Bulk actions not acknowledged by Elasticsearch, by handling (retried, refused, unreachable = whole pass).",
            ["handling"],
            registry=registry,
        )
        self.DECIDER_REBUILDS = Histogram(
            "marsad_decider_rebuild_seconds",
            "Time to rebuild the decide agent's state from Elasticsearch on assignment.",
            registry=registry,
        )
        self.COMMIT_STEP_DURATION = Histogram(
            "marsad_commit_step_duration_seconds",
            "Time of each step of the decide agent's commit sequence (documents, topics, alerts, state, acks).",
            ["step"],
            buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
            registry=registry,
        )
        self.RETRYING = Gauge(
            "marsad_worker_retrying",
            "1 while an agent waits for a server to come back (consumption paused), by operation.",
            ["operation"],
            registry=registry,
        )
        self.TRANSIENT_FAILURES = Counter(
            "marsad_worker_transient_failures_total",
            "Operations that failed on an unreachable or overloaded server and were retried, by operation.",
            ["operation"],
            registry=registry,
        )
        self.KAFKA_BATCH_SIZE = Histogram(
            "marsad_worker_batch_size",
            "Records per batch taken from Kafka, by agent.",
            ["agent"],
            buckets=(1, 5, 10, 50, 100, 250, 500, 1000, 2500),
            registry=registry,
        )
        # Freshness and lag of the distributed worker (workers/freshness.py, workers/kafka/lag.py)
        self.PUBLISHED_TO_INDEXED = Histogram(
            "marsad_published_to_indexed_seconds",
            "From an article's published_at to its document acknowledged by Elasticsearch (articles that give it).",
            buckets=(10, 60, 300, 900, 3600, 4 * 3600, 86400, 7 * 86400, 30 * 86400),
            registry=registry,
        )
        self.APPEND_TO_INDEXED = Histogram(
            "marsad_append_to_indexed_seconds",
            "From a raw record's append to Kafka to its document acknowledged by Elasticsearch (searchable at the"
            " next refresh).",
            buckets=_FRESHNESS_BUCKETS,
            registry=registry,
        )
        self.APPEND_TO_ALERT = Histogram(
            "marsad_append_to_alert_seconds",
            "From a raw record's append to Kafka to each alert it fired acknowledged on the alerts topic.",
            buckets=_FRESHNESS_BUCKETS,
            registry=registry,
        )
        self.CONSUMER_LAG = Gauge(
            "marsad_consumer_lag_records",
            "Records in a partition after the last one this worker processed, per topic and partition it consumes.",
            ["topic", "partition"],
            registry=registry,
        )

        # Alert delivery (workers/alerting.py, workers/webhook.py)
        self.RULES_RELOADS = Counter(
            "marsad_rules_reloads_total",
            "Reloads of the alert rules file, by outcome (loaded, failed).",
            ["outcome"],
            registry=registry,
        )
        self.RULES_LOADED = Gauge("marsad_rules_loaded", "Alert rules in force.", registry=registry)
        self.ALERT_NOTIFICATIONS = Counter(
            "marsad_alert_notifications_total",
            "Alerts and digests sent to a routed channel (log, kafka, webhook), by rule.",
            ["rule", "channel"],
            registry=registry,
        )
        self.ALERTS_HELD = Counter(
            "marsad_alerts_held_total",
            "Alerts kept from the routed channels by their rule's realert period.",
            ["rule"],
            registry=registry,
        )
        self.WEBHOOK_DELIVERIES = Counter(
            "marsad_webhook_deliveries_total", "Webhook posts acknowledged with a 2xx status.", registry=registry
        )
        self.WEBHOOK_RETRIES = Counter(
            "marsad_webhook_retries_total", "Webhook posts attempted again after a failure.", registry=registry
        )
        self.WEBHOOK_DEAD_LETTERS = Counter(
            "marsad_webhook_dead_letters_total",
            "Webhook posts given up and dead-lettered, by reason (failed, refused, queue_full).",
            ["reason"],
            registry=registry,
        )
        self.WEBHOOK_QUEUE = Gauge("marsad_webhook_queue_depth", "Webhook posts waiting to be sent.", registry=registry)


default = Metrics(REGISTRY)


def use(registry: CollectorRegistry) -> Metrics:
    """From now on ``metrics.X`` counts in ``registry`` (a test's own); returns the new set."""
    global default
    default = Metrics(registry)
    return default


def __getattr__(name: str) -> Any:
    return getattr(default, name)
