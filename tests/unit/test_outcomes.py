"""Both run modes count a batch's outcomes the same way (alert log lines are a routed channel: test_alert_routing)."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.topics.records import Alert, DeadLetter, EnrichedDocument, SourcePosition
from marsad.workers.outcomes import account
from marsad.workers.pipeline import Processed
from marsad.workers.stages.dedup import Fingerprint

pytestmark = pytest.mark.unit


def processed(
    doc_id: str, *, duplicate_of: str | None = None, fired: tuple[Alert, ...] = (), replay: bool = False
) -> Processed:
    document = EnrichedDocument(
        id=doc_id,
        source="وكالة",
        url=None,
        title="",
        published_at=None,
        ingested_at="2026-01-01T00:00:00.000Z",
        body="نص",
        content_hash="h",
        duplicate_of=duplicate_of,
        story_id=duplicate_of or doc_id,
    )
    empty = np.zeros(0, dtype=np.uint64)
    fingerprint = Fingerprint("h", np.zeros(0, dtype=np.uint32), empty)
    return Processed(document, fired, fingerprint, replay=replay, remembered=not replay, event_time=0.0)


def test_counts_indexed_duplicates_rejected_and_alerts() -> None:
    alert = Alert("tartus", "a", "a", ("بطرطوس",), "2026-01-01T00:00:00.000Z")
    letter = DeadLetter("validate", "invalid JSON", b"{", SourcePosition("file.jsonl", line=3))
    counts = account(
        [processed("a", fired=(alert,)), processed("b", duplicate_of="a"), processed("c", replay=True)], [letter]
    )
    assert counts.as_dict() == {"read": 4, "indexed": 3, "duplicates": 1, "rejected": 1, "alerts": 1}
