"""Runs the set through marsad's two modes, through the command line's own entry point (CONTRACTS §5), so the
harness depends only on the contracts and not on where the code behind them lives."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evaluation.arabic import normalize
from evaluation.dataset import EvalSet
from evaluation.scoring import KnownNames, SystemOutput
from marsad.cli import main as marsad_main
from marsad.workers.settings import get_settings
from marsad.workers.stages.entities import load_gazetteer

REPO = Path(__file__).resolve().parent.parent
DISTRIBUTED_TIMEOUT_S = 300.0


def marsad(*args: str) -> str:
    """``marsad ARGS…`` in this process; its standard output. A non-zero exit raises."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = marsad_main(list(args))
    if code != 0:
        raise RuntimeError(f"marsad {' '.join(args[:2])} exited with {code}")
    return out.getvalue()


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _last_json(text: str) -> Any:
    return json.loads(text.strip().splitlines()[-1])


def write_input(evalset: EvalSet, directory: Path) -> Path:
    path = directory / "articles.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for article in evalset.articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Alerts are logged at WARNING as they fire: not what a measurement prints."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@functools.cache
def gazetteer_names() -> KnownNames:
    """The names the shipped gazetteer (both modes run with it) lists for each of its entities: canonical,
    aliases, short and ambiguous forms."""
    names: dict[tuple[str, str], frozenset[str]] = {}
    for entry in load_gazetteer(get_settings().gazetteer_dir):
        key = (entry.type, normalize(entry.canonical))
        forms = (entry.canonical, *entry.aliases, *entry.short, *entry.ambiguous)
        names[key] = names.get(key, frozenset()) | {normalize(form) for form in forms}
    return names


@contextlib.contextmanager
def _environment(overrides: dict[str, str | None]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    try:
        for key, value in overrides.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def embedded(evalset: EvalSet) -> Iterator[SystemOutput]:
    """``marsad ingest --store TMP --rules eval/rules.yaml`` then export, alerts and search of that store."""
    offline: dict[str, str | None] = {"MARSAD_KAFKA_BOOTSTRAP": None, "MARSAD_ELASTICSEARCH_URL": None}
    with tempfile.TemporaryDirectory(prefix="marsad-eval-") as tmp, _environment(offline), _quiet():
        work = Path(tmp)
        store = str(work / "store")
        rules = str(evalset.rules_path)
        marsad("ingest", "--store", store, "--rules", rules, "--json", str(write_input(evalset, work)))
        documents = _json_lines(marsad("export", "--store", store))
        alerts = _last_json(marsad("alerts", "--store", store, "--json"))

        def search(query: str, limit: int) -> list[str]:
            hits = _last_json(marsad("search", "--store", store, "--limit", str(limit), "--json", query))
            return [str(hit["id"]) for hit in hits]

        yield SystemOutput(documents, alerts, search, gazetteer_names())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(check: Any, what: str, worker: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.returncode} while waiting for {what}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(1.0)


@contextlib.contextmanager
def distributed(
    evalset: EvalSet, kafka_bootstrap: str, elasticsearch_url: str, timeout_s: float = DISTRIBUTED_TIMEOUT_S
) -> Iterator[SystemOutput]:
    """``marsad produce`` into Kafka, one ``marsad worker``, then export, alerts and search read back from
    Elasticsearch, all under a fresh topic/index prefix that is removed afterwards."""
    name = f"eval-{uuid.uuid4().hex[:8]}"
    env: dict[str, str | None] = {
        "MARSAD_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MARSAD_ELASTICSEARCH_URL": elasticsearch_url,
        "MARSAD_TOPIC_PREFIX": f"{name}.",
        "MARSAD_INDEX_PREFIX": f"{name}-",
        "MARSAD_CONSUMER_GROUP": f"{name}-workers",
        "MARSAD_RULES": str(evalset.rules_path),
        "MARSAD_HTTP_PORT": str(_free_port()),
        "MARSAD_BULK_MAX_SECONDS": "0.5",
    }
    with tempfile.TemporaryDirectory(prefix="marsad-eval-") as tmp, _environment(env), _quiet():
        work = Path(tmp)
        log = (work / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-c", "import sys; from marsad.cli import main; sys.exit(main(['worker']))"],
            cwd=REPO,
            env=dict(os.environ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            marsad("produce", str(write_input(evalset, work)))
            expected = len(evalset.articles)

            def exported() -> list[dict[str, Any]]:
                try:
                    return _json_lines(marsad("export"))
                except Exception:  # the index may not exist yet
                    return []

            _wait(lambda: len(exported()) >= expected, f"{expected} documents in Elasticsearch", worker, timeout_s)
            time.sleep(2.0)  # alerts are written in the same batches; let a last refresh pass
            documents = exported()
            alerts = _last_json(marsad("alerts", "--json"))

            def search(query: str, limit: int) -> list[str]:
                return [str(hit["id"]) for hit in _last_json(marsad("search", "--limit", str(limit), "--json", query))]

            yield SystemOutput(documents, alerts, search, gazetteer_names())
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            log.close()
            _clean_up(name, kafka_bootstrap, elasticsearch_url)


def _clean_up(name: str, kafka_bootstrap: str, elasticsearch_url: str) -> None:
    from elasticsearch import Elasticsearch
    from kafka import KafkaAdminClient

    client = Elasticsearch(elasticsearch_url, request_timeout=30)
    created: Sequence[str] = list(client.indices.get(index=f"{name}-*", expand_wildcards="all"))
    if created:
        client.indices.delete(index=",".join(created))
    templates = client.options(ignore_status=404).indices.get_index_template(name=f"{name}-*")
    for template in templates.get("index_templates", []):
        client.indices.delete_index_template(name=template["name"])
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        topics = [topic for topic in admin.list_topics() if topic.startswith(f"{name}.")]
        if topics:
            admin.delete_topics(topics)
    finally:
        admin.close()
