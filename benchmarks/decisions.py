"""``python -m benchmarks.decisions [--articles N]``: every decision of the enrichment chain on the bench corpus,
one JSON line per article, to compare before and after a change meant to keep behaviour (a speed-up): diff the
outputs of the two versions.

Each line holds what ``Enricher.prepare`` and ``StoryDecider.decide_batch`` decided for one article (dead
letters included): its cleaned body, entities, rule matches, ``duplicate_of``, ``story_id``, content hash, and
digests of its shingle set and MinHash signature.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys

from benchmarks.bench import BATCH, MemoryState, synthesize
from marsad.workers.build import build_decider, build_enricher
from marsad.workers.pipeline import Prepared, utc_now
from marsad.workers.settings import Settings


def decisions(count: int) -> list[dict[str, object]]:
    settings = Settings()
    raws = synthesize(count)
    enricher = build_enricher(settings)
    state = MemoryState()
    decider = build_decider(settings, state)
    lines: list[dict[str, object]] = []
    for start in range(0, len(raws), BATCH):
        now = utc_now()
        outcomes = enricher.prepare(raws[start : start + BATCH], now)
        prepared = [outcome for outcome in outcomes if isinstance(outcome, Prepared)]
        lines.extend({"dead_letter": [o.stage, o.reason]} for o in outcomes if not isinstance(o, Prepared))
        for item, source in zip(decider.decide_batch(prepared, now), prepared, strict=True):
            document = item.document
            lines.append(
                {
                    "id": document.id,
                    "duplicate_of": document.duplicate_of,
                    "story_id": document.story_id,
                    "content_hash": document.content_hash,
                    "shingles": hashlib.sha256(item.fingerprint.shingles.tobytes()).hexdigest()[:16],
                    "signature": hashlib.sha256(item.fingerprint.signature.tobytes()).hexdigest()[:16],
                    "body": hashlib.sha256(document.body.encode()).hexdigest()[:16],
                    "entities": [[e.text, e.type, e.canonical, e.start, e.end] for e in document.entities],
                    "matches": [[m.rule.id, *m.matched] for m in source.matches],
                    "fired": [[a.rule, a.story_id] for a in item.fired],
                    "corrected": [[c.doc_id, c.story_id, c.duplicate_of] for c in item.corrected],
                }
            )
            state.keep([item])
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.decisions", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args(argv)
    logging.getLogger("marsad.alerts").disabled = True
    for line in decisions(args.articles):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
