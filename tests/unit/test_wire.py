"""The distributed worker's Kafka message bodies (``workers/wire.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from topics.records import Article, Entity
from workers.pipeline import Prepared
from workers.stages.alerts import AlertRule, RuleMatch
from workers.stages.dedup import Fingerprint
from workers.wire import decode_prepared, encode_prepared

pytestmark = pytest.mark.unit

ENTITIES = (
    Entity("بطرطوس", "LOC", "طرطوس", 10, 16),
    Entity("لافروف", "PER", "سيرغي لافروف", 20, 26),
)


def test_prepared_round_trip() -> None:
    rule = AlertRule(id="tartus", keywords=("طرطوس",))
    prepared = Prepared(
        article=Article(id="a1", body="نص الخبر", title="عنوان", source="sana"),
        body="نص الخبر",
        fingerprint=Fingerprint("h", np.array([3, 1, 2], dtype=np.uint32), np.arange(4, dtype=np.uint64)),
        entities=ENTITIES,
        matches=(RuleMatch(rule, ("بطرطوس",)),),
    )
    decoded = decode_prepared(encode_prepared(prepared), {rule.id: rule})
    assert decoded.article == prepared.article
    assert decoded.entities == prepared.entities
    assert decoded.matches == prepared.matches
    assert np.array_equal(decoded.fingerprint.shingles, prepared.fingerprint.shingles)
    assert np.array_equal(decoded.fingerprint.signature, prepared.fingerprint.signature)
