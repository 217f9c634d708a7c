"""What both run modes do with a batch's outcomes: count them in the metrics.

The one place that turns outcomes into metrics, so the embedded runner and the worker report the same things
under the same names. Alert notifications (log lines among them) are routed per rule: ``workers/alerting.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from marsad.topics.records import DeadLetter
from marsad.workers import metrics
from marsad.workers.pipeline import Processed


@dataclass
class OutcomeCounts:
    """Per-batch counts; ``read`` = ``indexed`` + ``rejected`` (CONTRACTS §5's ingest summary)."""

    read: int = 0
    indexed: int = 0
    duplicates: int = 0
    rejected: int = 0
    alerts: int = 0

    def add(self, other: OutcomeCounts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def account(processed: Sequence[Processed], rejected: Sequence[DeadLetter]) -> OutcomeCounts:
    """Counts a stored batch into the metrics; ``rejected`` are its dead letters from any stage (validation,
    cleaning, indexing)."""
    counts = OutcomeCounts(read=len(processed) + len(rejected), indexed=len(processed), rejected=len(rejected))
    for letter in rejected:
        metrics.REJECTS.labels(letter.stage).inc()
        metrics.ARTICLES.labels("rejected").inc()
    for item in processed:
        if item.replay:
            metrics.ARTICLES.labels("replay").inc()
            continue
        duplicate = item.document.duplicate_of is not None
        counts.duplicates += duplicate
        metrics.ARTICLES.labels("duplicate" if duplicate else "indexed").inc()
        for entity in item.document.entities:
            metrics.ENTITIES.labels(entity.type).inc()
        for alert in item.fired:
            counts.alerts += 1
            metrics.ALERTS_FIRED.labels(alert.rule).inc()
    return counts
