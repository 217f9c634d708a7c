"""The labelled evaluation set: ``eval/articles.jsonl`` and ``eval/labels.yaml`` (the dev split),
``eval/heldout/`` to ``eval/heldout5/`` (the same two files: the held-out splits, never looked
at while tuning) and ``eval/rules.yaml``."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval"
ENTITY_TYPES = ("PER", "LOC", "ORG", "MISC")
# each in the subdirectory of eval/ of its name
HELDOUT_SPLITS = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5")
SPLITS = ("dev", *HELDOUT_SPLITS)
# The split nobody has tuned on or trained on (its misses unread): what measures text the system has not seen.
BLIND_SPLIT = "heldout5"
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
    split: dict[str, str] = field(default_factory=dict)  # article id → a name in SPLITS


def _split_directories(directory: Path) -> list[tuple[str, Path]]:
    parts = [("dev", directory)]
    parts.extend((name, directory / name) for name in HELDOUT_SPLITS if (directory / name / "articles.jsonl").exists())
    return parts


def load(directory: Path = EVAL_DIR, only: Collection[str] | None = None) -> EvalSet:
    """Both splits, or the part of them whose article ids are in ``only`` (labels restricted accordingly)."""
    articles: list[dict[str, Any]] = []
    split: dict[str, str] = {}
    entities: dict[str, list[GoldEntity]] = {}
    alerts: set[tuple[str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    queries: list[Query] = []
    for name, part in _split_directories(directory):
        lines = (part / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        for article in (json.loads(line) for line in lines if line.strip()):
            articles.append(article)
            split[str(article["id"])] = name
        labels = raw_labels(part)
        for doc_id, entry in (labels.get("articles") or {}).items():
            entities[doc_id] = [GoldEntity(e["text"], e["type"], e["canonical"]) for e in entry.get("entities") or []]
            alerts.update((rule, doc_id) for rule in entry.get("alerts") or [])
        pairs.update(
            (duplicate, group["original"])
            for group in labels.get("duplicates") or []
            for duplicate in group["duplicates"]
        )
        queries.extend(Query(q["query"], q["kind"], tuple(q["expect"])) for q in labels.get("queries") or [])
    whole = EvalSet(directory, articles, entities, alerts, pairs, queries, directory / "rules.yaml", list(split), split)
    return whole if only is None else restrict(whole, only)


def restrict(evalset: EvalSet, only: Collection[str]) -> EvalSet:
    """The part of the set about the articles in ``only``: labels, pairs and queries restricted to them."""
    kept = {doc_id for doc_id in evalset.ids if doc_id in only}
    # A query about none of the kept articles says nothing of a subset (and each costs a search).
    queries = [
        replace(query, expect=expect)
        for query in evalset.queries
        if (expect := tuple(doc_id for doc_id in query.expect if doc_id in kept))
    ]
    return replace(
        evalset,
        articles=[article for article in evalset.articles if article["id"] in kept],
        entities={doc_id: labels for doc_id, labels in evalset.entities.items() if doc_id in kept},
        alerts={(rule, doc_id) for rule, doc_id in evalset.alerts if doc_id in kept},
        duplicate_pairs={(dup, orig) for dup, orig in evalset.duplicate_pairs if dup in kept and orig in kept},
        queries=queries,
        ids=[doc_id for doc_id in evalset.ids if doc_id in kept],
        split={doc_id: name for doc_id, name in evalset.split.items() if doc_id in kept},
    )


def split_ids(evalset: EvalSet, name: str) -> list[str]:
    return [doc_id for doc_id in evalset.ids if evalset.split.get(doc_id) == name]


def raw_labels(directory: Path = EVAL_DIR) -> dict[str, Any]:
    """A split's labels.yaml as parsed, for integrity checks."""
    loaded: dict[str, Any] = yaml.safe_load((directory / "labels.yaml").read_text(encoding="utf-8"))
    return loaded
