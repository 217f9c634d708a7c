"""The learned gazetteer in Elasticsearch: what the decide agent writes with a batch is what the workers and the
search expander read back."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from elasticsearch import Elasticsearch, helpers

from marsad.workers.elastic.names import ElasticNames
from marsad.workers.stages.discovery import Candidate
from marsad.workers.stages.entities import GazetteerEntry

pytestmark = pytest.mark.integration


def test_candidates_are_stored_and_the_learned_ones_read_back(services: Any) -> None:
    client = Elasticsearch(services.elasticsearch_url, request_timeout=30)
    names = ElasticNames(client, f"names-{uuid.uuid4().hex[:8]}-")
    try:
        assert names.learned() == []  # no index yet
        assert names.candidates() == {}  # creates it
        seen = {
            "a": Candidate("a", "نادي الشعلة", "ORG", ("نادي الشعلة",), ("sana", "enab"), learned=True),
            "b": Candidate("b", "سامر حداد", "PER", ("سامر حداد",), ("sana",)),
        }
        helpers.bulk(client, names.actions(seen.values()), refresh="wait_for")
        assert names.candidates() == seen
        assert names.learned() == [GazetteerEntry(canonical="نادي الشعلة", type="ORG")]
    finally:
        client.indices.delete(index=names.index, ignore_unavailable=True)
        client.close()
