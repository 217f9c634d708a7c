"""The learned gazetteer in Elasticsearch (distributed mode): name discovery's candidates, one document each under
its spelling key in the small ``learned-names`` index (``marsad.workers.stages.discovery``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from marsad.workers.elastic.templates import create_index_if_missing
from marsad.workers.stages.discovery import Candidate, learned_entries
from marsad.workers.stages.entities import GazetteerEntry

MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "learned": {"type": "boolean"},
        "candidate": {"type": "keyword", "index": False, "doc_values": False},
    },
}


def learned_names_index(prefix: str = "") -> str:
    return f"{prefix}learned-names"


class ElasticNames:
    """Name discovery's state in the ``learned-names`` index: read when the decide agent (re)builds its state,
    written with each batch's documents."""

    def __init__(self, client: Elasticsearch, prefix: str) -> None:
        self.client = client
        self.index = learned_names_index(prefix)

    def candidates(self) -> dict[str, Candidate]:
        """Every candidate stored, by key; creates the index when it is missing."""
        if not self.client.indices.exists(index=self.index):
            create_index_if_missing(
                self.client,
                self.index,
                mappings=MAPPING,
                settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            )
            return {}
        hits = helpers.scan(self.client, index=self.index, query={"query": {"match_all": {}}})
        return {hit["_id"]: Candidate.from_json(hit["_id"], hit["_source"]["candidate"]) for hit in hits}

    def learned(self) -> list[GazetteerEntry]:
        """The learned gazetteer, for the taggers and the search expander."""
        try:
            hits = helpers.scan(self.client, index=self.index, query={"query": {"term": {"learned": True}}})
            return learned_entries(Candidate.from_json(hit["_id"], hit["_source"]["candidate"]) for hit in hits)
        except NotFoundError:
            return []

    def actions(self, changed: Iterable[Candidate]) -> list[dict[str, Any]]:
        """Bulk actions that store ``changed`` (idempotent: indexed under their keys)."""
        return [
            {
                "_op_type": "index",
                "_index": self.index,
                "_id": candidate.key,
                "_source": {"learned": candidate.learned, "candidate": candidate.to_json()},
            }
            for candidate in changed
        ]
