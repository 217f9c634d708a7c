"""``scripts/eval [--json] [--eval-dir DIR] [--ids ID,…]``: scores marsad on the labelled set, in the embedded
mode and, when MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL are set, in the distributed mode."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation import modes
from evaluation.dataset import ENTITY_TYPES, EVAL_DIR, EvalSet, load
from evaluation.scoring import score


def evaluate(evalset: EvalSet, distributed: bool | None = None) -> dict[str, Any]:
    """Scores per mode: ``{"articles": n, "embedded": {...}, "distributed": {...} (when configured)}``."""
    results: dict[str, Any] = {"articles": len(evalset.articles)}
    with modes.embedded(evalset) as output:
        results["embedded"] = score(evalset, output)
    kafka = os.environ.get("MARSAD_KAFKA_BOOTSTRAP")
    elastic = os.environ.get("MARSAD_ELASTICSEARCH_URL")
    if distributed is None:
        distributed = bool(kafka and elastic)
    if distributed and kafka and elastic:
        with modes.distributed(evalset, kafka, elastic) as output:
            results["distributed"] = score(evalset, output)
    return results


def _f(value: float) -> str:
    return f"{value:.3f}"


def table(name: str, scores: dict[str, Any]) -> str:
    lines = [f"== {name} ({scores['documents']} documents)", f"{'':<26}{'P':>7}{'R':>7}{'gold':>7}{'pred':>7}"]
    for kind in (*ENTITY_TYPES, "all"):
        row = scores["entities"][kind]
        label = f"entities {kind}"
        lines.append(f"{label:<26}{_f(row['precision']):>7}{_f(row['recall']):>7}{row['gold']:>7}{row['predicted']:>7}")
    for key, label in (("alerts", "alerts (rule, doc)"), ("dedup", "dedup (duplicate→original)")):
        row = scores[key]
        lines.append(f"{label:<26}{_f(row['precision']):>7}{_f(row['recall']):>7}{row['gold']:>7}{row['predicted']:>7}")
    search = scores["search"]
    lines.append(f"{'search plain recall':<26}{_f(search['plain_recall']):>14}")
    lines.append(f"{'search variant recall':<26}{_f(search['variant_recall']):>14}")
    lines.append(
        f"{'false-friend hits':<26}{search['false_friend_hits']:>14} of {search['false_friend_checked']} forbidden"
    )
    if search["false_friend_examples"]:
        lines.append("  e.g. " + ", ".join(search["false_friend_examples"]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/eval", description=__doc__)
    parser.add_argument("--json", action="store_true", help="also print one JSON object on the last line")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--ids", help="comma-separated article ids: score only this part of the set")
    args = parser.parse_args(argv)
    only = set(args.ids.split(",")) if args.ids else None
    results = evaluate(load(args.eval_dir, only))
    print(f"marsad evaluation set: {results['articles']} articles")
    for mode in ("embedded", "distributed"):
        if mode in results:
            print(table(mode, results[mode]))
    if "distributed" not in results:
        print("(distributed mode skipped: MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL are not both set)")
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
