"""Scores: entities per type, alerts, duplicates, search. Pure functions over what a mode produced."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evaluation.arabic import normalize, occurrences
from evaluation.dataset import ENTITY_TYPES, EvalSet

SEARCH_LIMIT = 100

# (type, canonical) → every name the system knows that entity by, all letter-normalized. A gold canonical among
# the names of the predicted entity names the same entity: a blind writer cannot know which of them the
# gazetteer calls canonical («داعش» for «تنظيم الدولة الإسلامية»).
KnownNames = Mapping[tuple[str, str], frozenset[str]]


@dataclass(slots=True)
class SystemOutput:
    """What one mode produced: enriched documents and alerts (CONTRACTS §2, §3), a search function returning
    the ids of the hits for a query, and the names its gazetteer knows each entity by."""

    documents: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    search: Callable[[str, int], list[str]]
    names: KnownNames = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Mention:
    doc: str
    start: int
    end: int
    type: str
    canonical: str


def _ratio(numerator: int, denominator: int) -> float:
    """1.0 when there is nothing to find (or nothing was claimed): no error was made."""
    return numerator / denominator if denominator else 1.0


def gold_mentions(body: str, doc_id: str, labels: Sequence[Any]) -> list[_Mention]:
    """Every whole-word occurrence of every labelled text in ``body``; occurrences nested inside a longer
    labelled occurrence belong to it and are dropped."""
    found = [
        _Mention(doc_id, start, end, label.type, normalize(label.canonical))
        for label in labels
        for start, end in occurrences(body, label.text)
    ]
    return [
        m
        for m in found
        if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in found)
    ]


def _overlap(a: _Mention, b: _Mention) -> bool:
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def _matches(gold: _Mention, predicted: _Mention, names: KnownNames | None) -> bool:
    """Same type, overlapping spans and the same entity: the same canonical, or the gold's canonical is one of
    ``names`` of the predicted entity. ``names=None`` compares no names."""
    if gold.type != predicted.type or not _overlap(gold, predicted):
        return False
    if names is None or gold.canonical == predicted.canonical:
        return True
    return gold.canonical in names.get((predicted.type, predicted.canonical), ())


def any_name(kind: str) -> str:
    """The row of ``score_entities`` for ``kind`` that ignores canonicals: a mention found under another name or
    with another extent counts, which separates naming conventions from mentions nobody found."""
    return f"{kind}, any name"


ANY_CANONICAL = any_name("all")
# The overall row that asks for the gold's very canonical, as the scores did before names were judged.
EXACT_CANONICAL = "all, exact canonical"


def _entity_row(gold: Sequence[_Mention], predicted: Sequence[_Mention], names: KnownNames | None) -> dict[str, float]:
    found = sum(1 for m in gold if any(_matches(m, q, names) for q in predicted))
    right = 0
    scored = 0
    for q in predicted:
        if any(_matches(m, q, names) for m in gold):
            right += 1
            scored += 1
        elif not any(m.start <= q.start and q.end <= m.end and m.doc == q.doc for m in gold):
            scored += 1
    return {
        "precision": _ratio(right, scored),
        "recall": _ratio(found, len(gold)),
        "gold": len(gold),
        "predicted": scored,
    }


def _predicted(document: dict[str, Any]) -> list[_Mention]:
    return [
        _Mention(document["id"], e["start"], e["end"], e["type"], normalize(e["canonical"]))
        for e in document.get("entities") or []
    ]


def score_entities(
    evalset: EvalSet, documents: Sequence[dict[str, Any]], names: KnownNames
) -> dict[str, dict[str, float]]:
    """Per type and overall (micro): a predicted entity is right when a gold mention of the same type and the
    same entity overlaps its span: the same canonical (compared after letter normalization), or a gold
    canonical that ``names`` lists for the predicted entity. A prediction that matches no gold mention but lies
    inside a gold mention of another entity (a place inside an organisation's name) is not scored. The
    ``any_name`` rows score each type, and all, the same way without comparing canonicals; the
    ``EXACT_CANONICAL`` row scores all without ``names``."""
    gold: list[_Mention] = []
    predicted: list[_Mention] = []
    for document in documents:
        doc_id = document["id"]
        if doc_id not in evalset.entities:
            continue
        gold.extend(gold_mentions(document["body"], doc_id, evalset.entities[doc_id]))
        predicted.extend(_predicted(document))
    table: dict[str, dict[str, float]] = {}
    for kind in (*ENTITY_TYPES, "all"):
        of_kind = [m for m in gold if kind in ("all", m.type)], [q for q in predicted if kind in ("all", q.type)]
        table[kind] = _entity_row(*of_kind, names)
        table[any_name(kind)] = _entity_row(*of_kind, None)
    table[EXACT_CANONICAL] = _entity_row(gold, predicted, {})
    return table


def entity_errors(evalset: EvalSet, documents: Sequence[dict[str, Any]], names: KnownNames) -> list[dict[str, str]]:
    """What the entity scores count against marsad, one row per mention: ``missed`` (a gold mention no
    prediction matches) and ``false`` (a scored prediction matching no gold mention), with the text."""
    rows: list[dict[str, str]] = []
    for document in documents:
        doc_id = document["id"]
        if doc_id not in evalset.entities:
            continue
        body = document["body"]
        gold = gold_mentions(body, doc_id, evalset.entities[doc_id])
        predicted = _predicted(document)
        for m in gold:
            if not any(_matches(m, q, names) for q in predicted):
                rows.append({"kind": "missed", "type": m.type, "doc": doc_id, "text": body[m.start : m.end]})
        for q in predicted:
            if any(_matches(m, q, names) for m in gold):
                continue
            if any(m.start <= q.start and q.end <= m.end for m in gold):
                continue
            text = body[q.start : q.end]
            rows.append({"kind": "false", "type": q.type, "doc": doc_id, "text": f"{text} → {q.canonical}"})
    return rows


def _pr(gold: set[tuple[str, str]], predicted: set[tuple[str, str]]) -> dict[str, float]:
    right = len(gold & predicted)
    return {
        "precision": _ratio(right, len(predicted)),
        "recall": _ratio(right, len(gold)),
        "gold": len(gold),
        "predicted": len(predicted),
    }


def score_search(evalset: EvalSet, search: Callable[[str, int], list[str]]) -> dict[str, Any]:
    found = {"plain": 0, "variant": 0}
    wanted = {"plain": 0, "variant": 0}
    false_hits: list[str] = []
    misses: list[str] = []
    for query in evalset.queries:
        hits = set(search(query.query, SEARCH_LIMIT))
        if query.kind == "false_friend":
            false_hits.extend(f"{query.query}→{doc_id}" for doc_id in query.expect if doc_id in hits)
            continue
        wanted[query.kind] += len(query.expect)
        found[query.kind] += sum(1 for doc_id in query.expect if doc_id in hits)
        misses.extend(f"{query.query}→{doc_id}" for doc_id in query.expect if doc_id not in hits)
    forbidden = sum(len(q.expect) for q in evalset.queries if q.kind == "false_friend")
    return {
        "plain_recall": _ratio(found["plain"], wanted["plain"]),
        "variant_recall": _ratio(found["variant"], wanted["variant"]),
        "false_friend_hits": len(false_hits),
        "false_friend_checked": forbidden,
        "false_friend_examples": false_hits[:10],
        "missed_examples": misses[:10],
    }


def score(evalset: EvalSet, output: SystemOutput) -> dict[str, Any]:
    kept = set(evalset.ids)
    documents = [d for d in output.documents if d["id"] in kept]
    alerts = {(str(a["rule"]), str(a["doc_id"])) for a in output.alerts if str(a["doc_id"]) in kept}
    pairs = {(str(d["id"]), str(d["duplicate_of"])) for d in documents if d.get("duplicate_of")}
    return {
        "documents": len(documents),
        "entities": score_entities(evalset, documents, output.names),
        "alerts": _pr(evalset.alerts, alerts),
        "dedup": _pr(evalset.duplicate_pairs, pairs),
        "search": score_search(evalset, output.search),
        "entity_errors": entity_errors(evalset, documents, output.names),
    }
