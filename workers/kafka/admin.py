"""Creates marsad's Kafka topics (``topics/definitions.py``) with their partition counts when missing."""

from __future__ import annotations

from contextlib import suppress

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from marsad.topics.definitions import ALL_TOPICS, TopicSpec


def ensure_topics(bootstrap: str, prefix: str, specs: tuple[TopicSpec, ...] = ALL_TOPICS) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="marsad-admin")
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(spec.name(prefix), num_partitions=spec.partitions, replication_factor=1)
            for spec in specs
            if spec.name(prefix) not in existing
        ]
        if missing:
            with suppress(TopicAlreadyExistsError):  # created concurrently by another worker or producer
                admin.create_topics(missing)
    finally:
        admin.close()
