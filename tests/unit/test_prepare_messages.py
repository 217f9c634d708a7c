"""``prepare_messages`` (``workers/kafka/prepare.py``): a batch larger than one Enricher call keeps its order, and
a record that fails is dead-lettered alone, wherever it falls."""

from __future__ import annotations

import json

import pytest

from marsad.topics.records import RawInput, SourcePosition
from marsad.workers.build import build_enricher
from marsad.workers.kafka.prepare import CHUNK_RECORDS, prepare_messages
from marsad.workers.settings import Settings

pytestmark = pytest.mark.unit


def test_a_batch_of_several_chunks_keeps_its_order_and_dead_letters_one_record() -> None:
    count = 2 * CHUNK_RECORDS + 7
    bad = CHUNK_RECORDS + 3  # in the second chunk
    raws = [
        RawInput(
            b"{not json"
            if i == bad
            else json.dumps({"id": f"a{i}", "title": "خبر", "body": f"نص رقم {i} عن الميناء"}).encode(),
            SourcePosition("test", "raw", 0, i),
        )
        for i in range(count)
    ]
    batch = prepare_messages(build_enricher(Settings()), raws, 1_000_000)
    assert [key.decode() for key, _ in batch.messages] == [f"a{i}" for i in range(count) if i != bad]
    assert [letter.position.offset for letter in batch.letters] == [bad]
