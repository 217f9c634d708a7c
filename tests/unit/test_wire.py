"""The distributed worker's Kafka message bodies (``workers/kafka/wire.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.topics.records import Article, Entity
from marsad.workers.kafka.wire import decode_prepared, encode_prepared
from marsad.workers.pipeline import Prepared
from marsad.workers.stages.alerts import AlertRule, RuleMatch
from marsad.workers.stages.dedup import Fingerprint

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
        appended_at=1_795_000_000.123,
    )
    decoded = decode_prepared(encode_prepared(prepared), {rule.id: rule})
    assert decoded.appended_at == prepared.appended_at
    assert decoded.article == prepared.article
    assert decoded.entities == prepared.entities
    assert decoded.matches == prepared.matches
    assert np.array_equal(decoded.fingerprint.shingles, prepared.fingerprint.shingles)
    assert np.array_equal(decoded.fingerprint.signature, prepared.fingerprint.signature)


def test_a_match_of_a_rule_removed_since_preparing_is_dropped_not_the_article() -> None:
    kept, removed = AlertRule(id="kept", keywords=("طرطوس",)), AlertRule(id="removed", keywords=("قاعدة",))
    prepared = Prepared(
        article=Article(id="a2", body="نص"),
        body="نص",
        fingerprint=Fingerprint("h", np.array([1], dtype=np.uint32), np.arange(2, dtype=np.uint64)),
        entities=(),
        matches=(RuleMatch(kept, ("طرطوس",)), RuleMatch(removed, ("قاعدة",))),
        appended_at=1.0,
    )
    decoded = decode_prepared(encode_prepared(prepared), {kept.id: kept})
    assert decoded.article == prepared.article
    assert [match.rule.id for match in decoded.matches] == ["kept"]
