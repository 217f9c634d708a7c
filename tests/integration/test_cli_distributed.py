"""docs/interfaces.md §5: with Kafka and Elasticsearch configured, ``marsad search --json``, ``marsad alerts --json``
and ``marsad export`` read Elasticsearch and print the same JSON as the embedded store.

The same input — the five seeds and our own article that says «بطرطوس» (never the bare «طرطوس») — goes
through both modes once for the module: ``marsad ingest --store DIR`` (embedded) and ``produce`` + a real
worker process (distributed). The CLI then runs as real ``marsad`` processes: once per mode, and the
outputs are compared field by field. Only what legitimately differs between two runs is left out:
``ingested_at`` and ``fired_at`` (times of the run) and search scores (SQLite BM25 vs Lucene BM25).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from distributed_support import (
    REPO,
    SEED_IDS,
    SEEDS,
    es_alerts,
    es_documents,
    group_caught_up,
    jsonl,
    own_deployment,
    wait_until,
    workers,
)

from marsad.producer import produce
from marsad.topics.definitions import PREPARED, RAW

pytestmark = pytest.mark.integration

OWN = {
    "id": "cli-port-works",
    "title": "أعمال صيانة في الميناء",
    "source": "marsad-tests",
    "url": "https://example.test/cli-port-works",
    "published_at": "2026-11-21T09:30:00Z",
    "body": (
        "بدأت المديرية العامة للموانئ أعمال صيانة الأرصفة القديمة بطرطوس بعد تضررها خلال العاصفة الأخيرة. "
        "وقال مدير المشروع إن الأعمال ستستمر ثلاثة أشهر وتشمل تدعيم الجدران البحرية وتجديد شبكة الإنارة. "
        "وأضاف أن حركة السفن التجارية لن تتوقف خلال فترة الصيانة، وأن التنسيق جارٍ مع شركات الشحن في اللاذقية."
    ),
}
ARTICLE_IDS = {*SEED_IDS, OWN["id"]}
HIT_KEYS = {"id", "title", "score", "snippet", "story_id", "duplicate_of", "source", "url", "published_at"}
ALERT_KEYS = {"rule", "doc_id", "story_id", "matched", "fired_at"}
RUN_TIMES = {"ingested_at"}  # when each mode ran: the only document field that may differ


@dataclass(frozen=True, slots=True)
class Modes:
    """The environments in which ``marsad`` reads the embedded store, or Elasticsearch."""

    embedded_env: dict[str, str]
    embedded_store: Path
    distributed_env: dict[str, str]

    def embedded(self, *args: str) -> str:
        return marsad(self.embedded_env, *args)

    def distributed(self, *args: str) -> str:
        return marsad(self.distributed_env, *args)


def marsad(env: dict[str, str], *args: str) -> str:
    """Run the ``marsad`` command line as a process; returns its stdout (a failure fails the test)."""
    result = subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"marsad {' '.join(args)} exited {result.returncode}:\n{result.stderr[-4000:]}"
    return result.stdout


def without_marsad_vars() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("MARSAD_")}


@pytest.fixture(scope="module")
def modes(services: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Modes]:
    tmp_path = tmp_path_factory.mktemp("cli-distributed")
    own = tmp_path / "own.jsonl"
    own.write_bytes(jsonl(OWN))
    inputs = [str(SEEDS), str(own)]

    # Embedded: no Kafka or Elasticsearch in the environment at all.
    embedded_store = tmp_path / "embedded-store"
    embedded_env = without_marsad_vars() | {"MARSAD_STORE": str(embedded_store)}
    summary = json.loads(
        marsad(embedded_env, "ingest", "--store", str(embedded_store), "--json", *inputs).splitlines()[-1]
    )
    assert summary["indexed"] == len(ARTICLE_IDS) and summary["rejected"] == 0, summary

    # Distributed: produce + one real worker process, on a prefix of our own.
    with own_deployment(services.kafka_bootstrap, services.elasticsearch_url, "cli") as deployment:
        settings = deployment.settings()
        assert produce(settings, inputs, follow=False) == 0
        with workers(deployment, tmp_path):
            wait_until(lambda: set(es_documents(deployment)) == ARTICLE_IDS, "every article to be indexed")
            wait_until(lambda: group_caught_up(deployment, settings.consumer_group, (RAW, PREPARED)), "offset commits")
        es_alerts(deployment)  # refreshes the alerts index (es_documents refreshed the documents)

        # The store MARSAD_STORE names does not exist: output can only come from Elasticsearch.
        distributed_env = without_marsad_vars() | deployment.env | {"MARSAD_STORE": str(tmp_path / "no-store-here")}
        yield Modes(embedded_env, embedded_store, distributed_env)


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    keyed = {record["id"]: record for record in records}
    assert len(keyed) == len(records), "an id is listed twice"
    return keyed


def test_export_prints_the_same_documents(modes: Modes) -> None:
    embedded = json_lines(modes.embedded("export"))
    distributed = json_lines(modes.distributed("export"))
    assert set(by_id(embedded)) == ARTICLE_IDS
    assert set(by_id(distributed)) == ARTICLE_IDS
    keys = set(embedded[0])
    assert keys >= {"id", "body", "entities", "story_id", "duplicate_of", "content_hash", "alerts", "ingested_at"}
    for record in (*embedded, *distributed):
        assert set(record) == keys, f"{record['id']}: keys {sorted(set(record) ^ keys)} differ"
    for mode in (embedded, distributed):  # each in its own ingest order
        times = [record["ingested_at"] for record in mode]
        assert times == sorted(times)
    distributed_by_id = by_id(distributed)
    for record in embedded:
        other = distributed_by_id[record["id"]]
        differing = sorted(name for name in keys - RUN_TIMES if record[name] != other[name])
        assert differing == [], f"{record['id']}: {differing} differ between the embedded store and Elasticsearch"
    own = by_id(embedded)[OWN["id"]]
    assert own["body"] == OWN["body"] and own["entities"] and own["alerts"] == ["tartus"]


def test_alerts_print_the_same_alerts(modes: Modes) -> None:
    embedded = json.loads(modes.embedded("alerts", "--json"))
    distributed = json.loads(modes.distributed("alerts", "--json"))
    assert embedded, "no alert fired"
    for alert in (*embedded, *distributed):
        assert set(alert) == ALERT_KEYS
    for mode in (embedded, distributed):
        assert [alert["fired_at"] for alert in mode] == sorted(alert["fired_at"] for alert in mode)  # oldest first

    def fired(alerts: list[dict[str, Any]]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return sorted((a["rule"], a["doc_id"], a["story_id"], tuple(a["matched"])) for a in alerts)

    assert fired(distributed) == fired(embedded)
    assert ("tartus", OWN["id"]) in {(alert["rule"], alert["doc_id"]) for alert in embedded}


def test_search_finds_the_prefixed_form_in_both_with_marked_snippets(modes: Modes) -> None:
    embedded = json.loads(modes.embedded("search", "--json", "--limit", "20", "طرطوس"))
    distributed = json.loads(modes.distributed("search", "--json", "--limit", "20", "طرطوس"))
    assert OWN["id"] in by_id(embedded), "«طرطوس» did not find «بطرطوس» in the embedded store"
    assert set(by_id(distributed)) == set(by_id(embedded))
    for hit in (*embedded, *distributed):
        assert set(hit) == HIT_KEYS
        assert "<mark>" in hit["snippet"] and "</mark>" in hit["snippet"], hit
        # Not > 0: the embedded store's FTS5 bm25 gives ~1e-6 (printed as 0.0) to a term found in half the
        # documents or more, as «طرطوس» is here; Elasticsearch's BM25 idf stays positive.
        assert isinstance(hit["score"], float | int) and hit["score"] >= 0
    for mode in (embedded, distributed):
        assert "<mark>بطرطوس</mark>" in by_id(mode)[OWN["id"]]["snippet"]
        scores = [hit["score"] for hit in mode]
        assert scores == sorted(scores, reverse=True)  # ranked
    distributed_by_id = by_id(distributed)
    for hit in embedded:
        other = distributed_by_id[hit["id"]]
        differing = sorted(name for name in HIT_KEYS - {"score", "snippet"} if hit[name] != other[name])
        assert differing == [], f"{hit['id']}: {differing} differ between the embedded store and Elasticsearch"


def test_an_explicit_store_wins_over_elasticsearch(modes: Modes) -> None:
    """With Kafka and Elasticsearch configured, ``--store`` still reads that store (docs/interfaces.md §5)."""
    store = ("--store", str(modes.embedded_store))
    assert modes.distributed("alerts", "--json", *store) == modes.embedded("alerts", "--json")
    assert modes.distributed("export", *store) == modes.embedded("export")
