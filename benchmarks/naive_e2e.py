"""What a careful user would write instead of the worker, for ``scripts/bench``'s ``naive_e2e_docs_per_s``.

One kafka-python consumer loop over the raw topic: each polled batch goes through marsad's own
``Enricher.prepare`` and ``StoryDecider.decide_batch``, then documents and alerts are written with
``elasticsearch.helpers.bulk``, then the offsets are committed. Configured like the worker (``MARSAD_*``);
runs until SIGTERM.
"""

from __future__ import annotations

import signal
from types import FrameType

from elasticsearch import helpers
from kafka import KafkaConsumer

from benchmarks.bench import MemoryState
from marsad.topics.definitions import RAW
from marsad.topics.records import RawInput
from marsad.workers.build import build_decider, build_enricher
from marsad.workers.elastic.templates import alerts_index, news_alias
from marsad.workers.elastic.writer import elastic_client
from marsad.workers.kafka.wire import kafka_position
from marsad.workers.pipeline import Prepared, utc_now
from marsad.workers.settings import get_settings


def main() -> None:
    settings = get_settings()
    assert settings.kafka_bootstrap is not None
    enricher = build_enricher(settings)
    state = MemoryState()
    decider = build_decider(settings, state)
    client = elastic_client(settings)
    documents, alerts = news_alias(settings.index_prefix), alerts_index(settings.index_prefix)
    consumer = KafkaConsumer(
        RAW.name(settings.topic_prefix),
        bootstrap_servers=settings.kafka_bootstrap.split(","),
        group_id=settings.consumer_group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=settings.bulk_max_docs,
    )
    running = True

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    while running:
        polled = consumer.poll(timeout_ms=200)
        raws = [
            RawInput(record.value, kafka_position(record.topic, record.partition, record.offset))
            for records in polled.values()
            for record in records
        ]
        if not raws:
            continue
        now = utc_now()
        prepared = [outcome for outcome in enricher.prepare(raws, now) if isinstance(outcome, Prepared)]
        processed = decider.decide_batch(prepared, now)
        state.keep(processed)
        actions = [
            {"_index": documents, "_id": item.document.id, "_source": item.document.to_dict()}
            for item in processed
            if not item.replay
        ] + [
            {"_index": alerts, "_id": f"{alert.rule}:{alert.story_id}", "_source": alert.to_dict()}
            for item in processed
            for alert in item.fired
        ]
        helpers.bulk(client, actions, chunk_size=settings.bulk_max_docs, max_chunk_bytes=settings.bulk_max_bytes)
        consumer.commit()
    consumer.close()


if __name__ == "__main__":
    main()
