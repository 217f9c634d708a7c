"""``scripts/train-names``: trains the names model (``workers/stages/names_model.py``) on labelled articles and
writes its weights to ``config/names/model.npz``; ``--folds K`` instead measures what it adds to the rules by
K-fold cross-validation over the training articles of ``training/names/`` (text the rules were never tuned on).

Trained on ``training/names/*/`` and on the evaluation set's splits whose misses have been read; never on the
blind split (``evaluation.dataset.BLIND_SPLIT``), which measures it. Deterministic: the same files give the same
weights."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pycrfsuite

from evaluation.dataset import BLIND_SPLIT, SPLITS, EvalSet, load, restrict, split_ids
from evaluation.scoring import gold_mentions
from marsad.topics.records import Entity, RawInput, SourcePosition
from marsad.workers.build import build_enricher, build_names_features
from marsad.workers.pipeline import Prepared
from marsad.workers.settings import Settings
from marsad.workers.stages.names_model import LABELS, MODEL_FILE, Features, NamesModel, Tokens, rule_labels
from marsad.workers.stages.normalize import NormalizedText

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = ROOT / "training" / "names"
MODEL = ROOT / "config" / MODEL_FILE
# L1 and L2 regularization and iterations of crfsuite's L-BFGS (chosen by cross-validation over the training
# articles: training/README.md).
PARAMETERS = {"c1": 0.1, "c2": 0.05, "max_iterations": 150}


@dataclass(frozen=True, slots=True)
class Example:
    doc_id: str
    body: NormalizedText
    rules: list[Entity]  # what the gazetteer and the context rules found
    gold: list[Entity]


def examples(evalset: EvalSet) -> list[Example]:
    """Each article cleaned and tagged by the rules, with its labelled mentions."""
    enricher = build_enricher(Settings(names_model=False))
    raws = [
        RawInput(json.dumps(article, ensure_ascii=False).encode("utf-8"), SourcePosition("training", line=line))
        for line, article in enumerate(evalset.articles, start=1)
    ]
    found = []
    for article, outcome in zip(evalset.articles, enricher.prepare(raws, datetime.now(UTC)), strict=True):
        assert isinstance(outcome, Prepared), outcome
        gold = [
            Entity(outcome.body[m.start : m.end], m.type, m.canonical, m.start, m.end)  # type: ignore[arg-type]
            for m in gold_mentions(outcome.body, article["id"], evalset.entities.get(article["id"], []))
        ]
        found.append(Example(article["id"], NormalizedText.of(outcome.body), list(outcome.entities), gold))
    return found


def training_sets() -> tuple[list[EvalSet], list[EvalSet]]:
    """(the evaluation set's splits but the blind one, each training directory)."""
    whole = load()
    tuned = [restrict(whole, split_ids(whole, name)) for name in SPLITS if name != BLIND_SPLIT]
    return tuned, [load(directory) for directory in sorted(TRAINING_DIR.iterdir()) if directory.is_dir()]


def fit(items: Sequence[Example], features: Features, crfsuite_model: Path) -> None:
    """Trains on ``items`` into ``crfsuite_model`` (crfsuite's own format). Each word is a sequence of its own:
    what crfsuite then trains is a maximum-entropy classifier (names_model.py says why)."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for item in items:
        tokens = Tokens.of(item.body)
        if len(tokens):
            rows = features.sequence(item.body, tokens, rule_labels(tokens, item.rules))
            gold = [LABELS[label] for label in rule_labels(tokens, item.gold)]
            for row, label in zip(rows, gold, strict=True):
                trainer.append(pycrfsuite.ItemSequence([row]), [label])
    trainer.set_params(PARAMETERS)
    trainer.train(str(crfsuite_model))


def export(crfsuite_model: Path, path: Path) -> None:
    """The weights of a trained model as ``NamesModel.load`` reads them: each feature string and its weight per
    label."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_model))
    state = tagger.info().state_features
    names = sorted({name for name, _ in state})
    index = {name: number for number, name in enumerate(names)}
    weights = np.zeros((len(names), len(LABELS)), dtype=np.float32)
    for (name, label), weight in state.items():
        weights[index[name], LABELS.index(label)] = weight
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, features=np.array(names), weights=weights)


def train(items: Sequence[Example], features: Features, path: Path) -> None:
    with tempfile.TemporaryDirectory() as directory:
        crfsuite_model = Path(directory) / "model.crfsuite"
        fit(items, features, crfsuite_model)
        export(crfsuite_model, path)


def _matched(gold: Entity, predicted: Sequence[Entity]) -> bool:
    return any(p.type == gold.type and p.start < gold.end and gold.start < p.end for p in predicted)


def score(pairs: Sequence[tuple[Example, list[Entity]]]) -> dict[str, tuple[float, float]]:
    """Per type: precision and recall of mentions by type and overlap (as ``scripts/eval``'s "any name" rows)."""
    table = {}
    for kind in ("PER", "LOC", "ORG", "MISC", "all"):
        found = total = right = scored = 0
        for item, predicted in pairs:
            gold = [g for g in item.gold if kind in ("all", g.type)]
            claimed = [p for p in predicted if kind in ("all", p.type)]
            total += len(gold)
            found += sum(_matched(g, claimed) for g in gold)
            for p in claimed:
                if _matched(p, gold):
                    right += 1
                    scored += 1
                elif not any(g.start <= p.start and p.end <= g.end for g in item.gold):
                    scored += 1  # a place inside an organisation's name is not scored
        table[kind] = (right / scored if scored else 1.0, found / total if total else 1.0)
    return table


def cross_validate(folds: int, features: Features) -> None:
    tuned, fresh = training_sets()
    pool = [item for evalset in fresh for item in examples(evalset)]
    always = [item for evalset in tuned for item in examples(evalset)]
    order = list(range(len(pool)))
    random.Random(7).shuffle(order)
    rules: list[tuple[Example, list[Entity]]] = []
    both: list[tuple[Example, list[Entity]]] = []
    with tempfile.TemporaryDirectory() as directory:
        for fold in range(folds):
            held = set(order[fold::folds])
            path = Path(directory) / f"fold{fold}.npz"
            train([pool[i] for i in order if i not in held] + always, features, path)
            model = NamesModel.load(path, features)
            tested = [pool[i] for i in sorted(held)]
            for item, more in zip(tested, model.tag([(item.body, item.rules) for item in tested]), strict=True):
                rules.append((item, item.rules))
                both.append((item, [*item.rules, *more]))
    print(f"{len(pool)} training articles, {folds} folds (each also trained on {len(always)} evaluation articles)")
    for name, pairs in (("rules", rules), ("rules + model", both)):
        row = "  ".join(f"{kind} {p:.3f}/{r:.3f}" for kind, (p, r) in score(pairs).items())
        print(f"{name:14s} {row}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/train-names", description=__doc__)
    parser.add_argument("--folds", type=int, default=0, help="cross-validate over K folds instead of training")
    args = parser.parse_args(argv)
    features = build_names_features(Settings())
    if args.folds:
        cross_validate(args.folds, features)
        return
    tuned, fresh = training_sets()
    items = [item for evalset in (*tuned, *fresh) for item in examples(evalset)]
    train(items, features, MODEL)
    print(f"trained on {len(items)} articles: {MODEL.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
