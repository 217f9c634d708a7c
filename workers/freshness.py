"""Freshness of the distributed worker's outcomes: how long after an article was published, or appended to
the raw topic, its document is indexed and its alerts are out (``marsad_*_seconds`` histograms)."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence

from marsad.workers import metrics
from marsad.workers.pipeline import Processed


def indexed(processed: Sequence[Processed], appended_at: Mapping[str, float], refused: Collection[str]) -> None:
    """Right after Elasticsearch acknowledged the documents (all but ``refused``)."""
    now = time.time()
    for item in processed:
        document = item.document
        if item.replay or document.id in refused:
            continue
        appended = appended_at.get(document.id)
        if appended is not None:
            metrics.APPEND_TO_INDEXED.observe(max(0.0, now - appended))
        # An article's event time is its published_at when it gives one; a clock ahead of ours is not counted.
        if document.published_at is not None and item.event_time <= now:
            metrics.PUBLISHED_TO_INDEXED.observe(now - item.event_time)


def alerted(
    processed: Sequence[Processed], appended_at: Mapping[str, float], sent: Collection[tuple[str, str]]
) -> None:
    """Right after Kafka acknowledged the alerts topic's messages; ``sent``: the (rule, story) pairs sent."""
    now = time.time()
    for item in processed:
        appended = appended_at.get(item.document.id)
        if appended is None:
            continue
        for alert in item.fired:
            if (alert.rule, alert.story_id) in sent:
                metrics.APPEND_TO_ALERT.observe(max(0.0, now - appended))
