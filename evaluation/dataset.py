"""The labelled evaluation set: ``eval/articles.jsonl``, ``eval/labels.yaml``, ``eval/rules.yaml``."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
QueryKind = Literal["plain", "variant", "false_friend"]


@dataclass(frozen=True, slots=True)
class GoldEntity:
    text: str
    type: str
    canonical: str


@dataclass(frozen=True, slots=True)
class Query:
    query: str
    kind: QueryKind
    expect: tuple[str, ...]  # plain/variant: must be found; false_friend: must not be found


@dataclass(slots=True)
class EvalSet:
    directory: Path
    articles: list[dict[str, Any]]
    entities: dict[str, list[GoldEntity]]
    alerts: set[tuple[str, str]]  # (rule, credited doc id)
    duplicate_pairs: set[tuple[str, str]]  # (duplicate id, original id)
    queries: list[Query]
    rules_path: Path
    ids: list[str] = field(default_factory=list)


def load(directory: Path = EVAL_DIR, only: Collection[str] | None = None) -> EvalSet:
    """The set, or the part of it whose article ids are in ``only`` (labels restricted accordingly)."""
    lines = (directory / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in lines if line.strip()]
    if only is not None:
        articles = [article for article in articles if article["id"] in only]
    ids = [str(article["id"]) for article in articles]
    kept = set(ids)
    labels = yaml.safe_load((directory / "labels.yaml").read_text(encoding="utf-8"))
    entities: dict[str, list[GoldEntity]] = {}
    alerts: set[tuple[str, str]] = set()
    for doc_id, entry in (labels.get("articles") or {}).items():
        if doc_id not in kept:
            continue
        entities[doc_id] = [GoldEntity(e["text"], e["type"], e["canonical"]) for e in entry.get("entities") or []]
        alerts.update((rule, doc_id) for rule in entry.get("alerts") or [])
    pairs = {
        (duplicate, group["original"])
        for group in labels.get("duplicates") or []
        for duplicate in group["duplicates"]
        if duplicate in kept and group["original"] in kept
    }
    # A query about none of the kept articles says nothing of a subset (and each costs a search).
    queries = [
        Query(q["query"], q["kind"], expect)
        for q in labels.get("queries") or []
        if (expect := tuple(doc_id for doc_id in q["expect"] if doc_id in kept))
    ]
    return EvalSet(directory, articles, entities, alerts, pairs, queries, directory / "rules.yaml", ids)


def raw_labels(directory: Path = EVAL_DIR) -> dict[str, Any]:
    """labels.yaml as parsed, for integrity checks."""
    loaded: dict[str, Any] = yaml.safe_load((directory / "labels.yaml").read_text(encoding="utf-8"))
    return loaded
