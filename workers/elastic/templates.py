"""Install the versioned index templates from ``config/elasticsearch/`` (docs/interfaces.md §6).

The JSON files are the exact bodies of ``PUT _index_template/<name>`` with unprefixed index patterns;
``prefix`` is put in front of every template name, index pattern, index and alias, so tests (and
several deployments on one cluster) stay apart. A prefix must not itself start with ``news``: its
patterns would then overlap the unprefixed ones at the same priority, which Elasticsearch refuses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from marsad.workers.settings import SHIPPED_CONFIG_DIR

TEMPLATE_DIR = SHIPPED_CONFIG_DIR / "elasticsearch"
NEWS = "news"
NEWS_ALERTS = "news-alerts"
TEMPLATE_FILES: dict[str, Path] = {
    NEWS: TEMPLATE_DIR / "news-template.json",
    NEWS_ALERTS: TEMPLATE_DIR / "news-alerts-template.json",
}


def news_alias(prefix: str = "") -> str:
    """The write alias documents are indexed through."""
    return f"{prefix}{NEWS}"


def alerts_index(prefix: str = "") -> str:
    return f"{prefix}{NEWS_ALERTS}"


def first_news_index(prefix: str = "") -> str:
    return f"{prefix}{NEWS}-000001"


def load_template(name: str, prefix: str = "") -> dict[str, Any]:
    """The body of template ``name`` with ``prefix`` applied to its index patterns."""
    body: dict[str, Any] = json.loads(TEMPLATE_FILES[name].read_text(encoding="utf-8"))
    body["index_patterns"] = [f"{prefix}{pattern}" for pattern in body["index_patterns"]]
    return body


def install_templates(client: Elasticsearch, prefix: str = "") -> None:
    """PUT both templates, then create the first news index (behind its write alias) and the alerts
    index unless they exist. Safe to call again, also from several processes at once."""
    for name in TEMPLATE_FILES:
        client.indices.put_index_template(name=f"{prefix}{name}", body=load_template(name, prefix))
    if not client.indices.exists_alias(name=news_alias(prefix)):
        create_index_if_missing(
            client, first_news_index(prefix), aliases={news_alias(prefix): {"is_write_index": True}}
        )
    if not client.indices.exists(index=alerts_index(prefix)):
        create_index_if_missing(client, alerts_index(prefix))


def create_index_if_missing(client: Elasticsearch, index: str, **body: Any) -> bool:
    """Creates ``index`` with ``body`` (aliases, mappings, settings); False when it already existed, which
    another worker starting at the same moment makes a normal outcome."""
    try:
        client.indices.create(index=index, **body)
    except BadRequestError as error:
        if error.error != "resource_already_exists_exception":
            raise
        return False
    return True
