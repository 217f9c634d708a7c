"""Elasticsearch set-ups the integration tests share: templates installed under a test's own prefix, and removed
with everything made under it, so that runs against a long-lived node leave nothing behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import Elasticsearch

from marsad.workers.elastic.templates import install_templates

DELETE_CHUNK = 100  # index names per DELETE: the request line stays short


def remove_prefixed(client: Elasticsearch, prefix: str) -> None:
    """Deletes every index and index template whose name starts with ``prefix``, by name: the node refuses
    wildcard deletes (``action.destructive_requires_name``)."""
    indices = sorted(client.indices.get(index=f"{prefix}*", expand_wildcards="all").body)
    for start in range(0, len(indices), DELETE_CHUNK):
        client.indices.delete(index=indices[start : start + DELETE_CHUNK], ignore_unavailable=True)
    found = client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*").body
    templates = [template["name"] for template in found.get("index_templates", [])]
    if templates:
        client.indices.delete_index_template(name=",".join(templates))


@contextmanager
def templates_installed(client: Elasticsearch, prefix: str) -> Iterator[None]:
    """marsad's templates and first indices under ``prefix`` for the block; all of ``prefix`` removed after it."""
    install_templates(client, prefix)
    try:
        yield
    finally:
        remove_prefixed(client, prefix)
