"""``scripts/eval [--json] [--misses [PART]] [--eval-dir DIR] [--ids ID,…]``: scores marsad on the labelled set, in the
embedded mode and, when MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL are set, in the distributed mode.
One run per mode over both splits; the scores are printed for the dev split, the held-out split and the whole."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evaluation import modes
from evaluation.dataset import ENTITY_TYPES, EVAL_DIR, SPLITS, EvalSet, load, restrict, split_ids
from evaluation.scoring import EXACT_CANONICAL, SystemOutput, any_name, score

PARTS = (*SPLITS, "all")


def _memoized(search: Callable[[str, int], list[str]]) -> Callable[[str, int], list[str]]:
    """The splits ask the same queries of one run: search each once."""
    seen: dict[tuple[str, int], list[str]] = {}

    def cached(query: str, limit: int) -> list[str]:
        if (query, limit) not in seen:
            seen[(query, limit)] = search(query, limit)
        return seen[(query, limit)]

    return cached


def score_parts(evalset: EvalSet, output: SystemOutput) -> dict[str, Any]:
    """``{"dev": …, "heldout": …, "all": …}`` for the parts of the set that have articles."""
    output = SystemOutput(output.documents, output.alerts, _memoized(output.search), output.names)
    parts: dict[str, Any] = {}
    for name in SPLITS:
        if ids := split_ids(evalset, name):
            parts[name] = score(restrict(evalset, ids), output)
    parts["all"] = score(evalset, output)
    return parts


def evaluate(evalset: EvalSet, distributed: bool | None = None) -> dict[str, Any]:
    """Scores per mode and part: ``{"articles": n, "embedded": {"dev": …, "heldout": …, "all": …},
    "distributed": {…} (when configured)}``."""
    results: dict[str, Any] = {"articles": len(evalset.articles)}
    with modes.embedded(evalset) as output:
        results["embedded"] = score_parts(evalset, output)
    kafka = os.environ.get("MARSAD_KAFKA_BOOTSTRAP")
    elastic = os.environ.get("MARSAD_ELASTICSEARCH_URL")
    if distributed is None:
        distributed = bool(kafka and elastic)
    if distributed and kafka and elastic:
        with modes.distributed(evalset, kafka, elastic) as output:
            results["distributed"] = score_parts(evalset, output)
    return results


def _f(value: float) -> str:
    return f"{value:.3f}"


def table(name: str, scores: dict[str, Any]) -> str:
    lines = [f"== {name} ({scores['documents']} documents)", f"{'':<31}{'P':>7}{'R':>7}{'gold':>7}{'pred':>7}"]
    for kind in (*ENTITY_TYPES, "all", *(any_name(kind) for kind in (*ENTITY_TYPES, "all")), EXACT_CANONICAL):
        row = scores["entities"][kind]
        label = f"entities {kind}"
        lines.append(f"{label:<31}{_f(row['precision']):>7}{_f(row['recall']):>7}{row['gold']:>7}{row['predicted']:>7}")
    for key, label in (("alerts", "alerts (rule, doc)"), ("dedup", "dedup (duplicate→original)")):
        row = scores[key]
        lines.append(f"{label:<31}{_f(row['precision']):>7}{_f(row['recall']):>7}{row['gold']:>7}{row['predicted']:>7}")
    search = scores["search"]
    lines.append(f"{'search plain recall':<31}{_f(search['plain_recall']):>14}")
    lines.append(f"{'search variant recall':<31}{_f(search['variant_recall']):>14}")
    lines.append(
        f"{'false-friend hits':<31}{search['false_friend_hits']:>14} of {search['false_friend_checked']} forbidden"
    )
    if search["false_friend_examples"]:
        lines.append("  e.g. " + ", ".join(search["false_friend_examples"]))
    return "\n".join(lines)


def errors(scores: dict[str, Any]) -> str:
    """The entity mentions missed and tagged wrongly, by type, then the search queries' misses."""
    lines: list[str] = []
    for kind in ENTITY_TYPES:
        for what in ("missed", "false"):
            rows = [row for row in scores["entity_errors"] if row["type"] == kind and row["kind"] == what]
            if rows:
                lines.append(f"-- {kind} {what} ({len(rows)})")
                lines.extend(f"   {row['doc']}: {row['text']}" for row in rows)
    if scores["search"]["missed_examples"]:
        lines.append("-- search missed: " + ", ".join(scores["search"]["missed_examples"]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/eval", description=__doc__)
    parser.add_argument("--json", action="store_true", help="also print one JSON object on the last line")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--ids", help="comma-separated article ids: score only this part of the set")
    parser.add_argument(
        "--misses",
        nargs="?",
        const="dev",
        choices=PARTS,
        help="list the entity mentions missed and tagged wrongly in one part of the set (default: dev)",
    )
    args = parser.parse_args(argv)
    only = set(args.ids.split(",")) if args.ids else None
    results = evaluate(load(args.eval_dir, only))
    print(f"marsad evaluation set: {results['articles']} articles")
    for mode in ("embedded", "distributed"):
        for part, scores in results.get(mode, {}).items():
            print(table(f"{mode}, {part}", scores))
            if part == args.misses:
                print(errors(scores))
    if "distributed" not in results:
        print("(distributed mode skipped: MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL are not both set)")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
