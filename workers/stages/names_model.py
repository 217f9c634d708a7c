"""Names the rules missed, found by a statistical model: a maximum-entropy classifier that labels each word (B-PER,
I-PER, …, O) from the word, the words around it and what the gazetteer and the context rules tagged, trained on
labelled articles (``training/``, ``scripts/train-names``). It only fills gaps: where the rules found a name, that
name stays.

A classifier per word rather than a linear-chain CRF: cross-validated on text the rules were never tuned on, the
CRF found fewer names (training/README.md), and its Viterbi decoding costs more than the rest of the enrichment.
The model is scored here, not by the library that trained it (which builds every feature string of every word of
every article): a word's features are the same in every article, so the sum of their weights is computed once per
word and position and kept; an article adds up a few stored vectors per word, a batch of articles at a time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.words import MARKS, NAME_LINKS
from marsad.workers.stages.normalize import NormalizedText, normalize

MODEL_FILE = "names/model.npz"  # under the config directory (``scripts/train-names`` writes it)
TYPES: tuple[EntityType, ...] = ("PER", "LOC", "ORG", "MISC")
LABELS = ("O", *(f"{prefix}-{kind}" for kind in TYPES for prefix in ("B", "I")))
OUTSIDE = 0
MAX_GAP_CACHED = 4  # characters: what parts two words is mostly a space and a mark; any text could be longer
_EMPTY = len(LABELS)  # the label of a place beyond a text (``NamesModel.emissions``)
AROUND = (-2, -1, 1, 2)  # the neighbours a word's features look at
MAQSURA = "maqsura"  # the feature of a word written with a final «ى» (``Tokens.maqsura``)
WORDS_CACHED = 200_000  # per-word weight sums kept (a worker runs for months; news reuses its words)
Weights = npt.NDArray[np.float32]


Positions = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Tokens:
    """The words of a body (``NormalizedText.words``), where each starts and ends there, where each starts and
    where its last character is in ``body.original``, and whether it ends with «ى» as written (normalized, «على»,
    on, is «علي», Ali)."""

    words: list[str]
    starts: Positions
    ends: Positions
    original_starts: Positions
    original_lasts: Positions
    maqsura: npt.NDArray[np.bool_]

    @classmethod
    def of(cls, body: NormalizedText) -> Tokens:
        # ``words`` has a space for everything that is no letter or digit: a word starts after a space, ends at one.
        spaces = np.frombuffer(body.words.encode("utf-32-le"), dtype=np.uint32) == ord(" ")
        changes = np.diff(np.concatenate(([True], spaces, [True])).astype(np.int8))
        starts, ends = np.flatnonzero(changes == -1), np.flatnonzero(changes == 1)
        breaks, shifts = np.asarray(body.offsets.breaks), np.asarray(body.offsets.shifts, dtype=np.int64)
        original_starts, original_lasts = starts, ends - 1
        if len(breaks):
            original_starts = starts + _shift(breaks, shifts, starts)
            original_lasts = ends - 1 + _shift(breaks, shifts, ends - 1)
        written = np.frombuffer(body.original.encode("utf-32-le"), dtype=np.uint32)
        maqsura = written[original_lasts] == ord("ى")
        return cls(body.words.split(), starts, ends, original_starts, original_lasts, maqsura)

    def __len__(self) -> int:
        return len(self.words)


def _shift(breaks: Positions, shifts: Positions, positions: Positions) -> Positions:
    """What to add to each normalized position to reach its place in the original (``OffsetMap``)."""
    index = np.searchsorted(breaks, positions, side="right") - 1
    return np.where(index >= 0, shifts[np.maximum(index, 0)], 0)


def _zipf(frequencies: Mapping[str, float], word: str) -> str:
    frequency = frequencies.get(word)
    return "none" if frequency is None else str(int(frequency))


@dataclass(frozen=True)
class Features:
    """The features of a word, of its neighbours and of what the rules tagged: the strings the model is trained on
    (``sequence``) and weighed by (``NamesModel``). ``name_types``: the types of the gazetteer's names each word
    occurs in."""

    vocabulary: Vocabulary
    name_types: Mapping[str, frozenset[str]]

    def _classes(self, word: str, bare: str) -> list[str]:
        vocabulary = self.vocabulary
        classes = [
            name
            for name, member in (
                ("title", vocabulary.title(bare)),
                ("saying", bare in vocabulary.sayings),
                ("head", bare in vocabulary.heads or bare in vocabulary.administrations),
                ("settlement", bare in vocabulary.settlements),
                ("facility", bare in vocabulary.facilities),
                ("nationality", bare in vocabulary.nationalities),
                ("event", bare in vocabulary.events),
                ("month", bare in vocabulary.months),
                ("given", bare in vocabulary.given_names),
                ("place", bare in vocabulary.places),
                ("nameword", bare in vocabulary.name_words),
                ("ender", word in vocabulary.enders),
                ("link", bare in NAME_LINKS),
            )
            if member
        ]
        classes.extend(f"gaz{kind}" for kind in sorted(self.name_types.get(bare, ())))
        return classes

    def word(self, word: str) -> tuple[str, ...]:
        """The features of a word in the place being tagged."""
        bare = self.vocabulary.bare(word)
        frequencies = self.vocabulary.frequencies
        return (
            f"w={word}",
            f"b={bare}",
            f"z={_zipf(frequencies, word)}",
            f"bz={_zipf(frequencies, bare)}",
            f"s2={bare[-2:]}",
            f"s3={bare[-3:]}",
            f"p2={bare[:2]}",
            *(("al",) if bare.startswith("ال") else ()),
            *(("clitic",) if bare != word else ()),
            *(("digit",) if word[0].isdigit() else ()),
            *self._classes(word, bare),
        )

    def neighbour(self, word: str) -> tuple[str, ...]:
        """The features of a word next to the one being tagged (prefixed with its distance)."""
        bare = self.vocabulary.bare(word)
        return (f"w={word}", f"b={bare}", f"z={_zipf(self.vocabulary.frequencies, bare)}", *self._classes(word, bare))

    def sequence(self, body: NormalizedText, tokens: Tokens, rules: Sequence[int]) -> list[list[str]]:
        """Every feature string of every token (for training: ``NamesModel`` sums the same strings' weights)."""
        rows = []
        for index, word in enumerate(tokens.words):
            row = list(self.word(word))
            if tokens.maqsura[index]:
                row.append(MAQSURA)
            for distance in AROUND:
                other = index + distance
                if 0 <= other < len(tokens):
                    row.extend(f"{distance}{feature}" for feature in self.neighbour(tokens.words[other]))
                    row.append(f"{distance}r={LABELS[rules[other]]}")
                else:
                    row.append(f"{distance}w=<edge>")
            previous = LABELS[rules[index - 1]] if index else "<s>"
            row.extend((f"r={LABELS[rules[index]]}", f"r-1r={previous}|{LABELS[rules[index]]}"))
            if index and (mark := _mark(body, tokens, index)):
                row.append(f"-1punct={mark}")
            if index + 1 < len(tokens) and (mark := _mark(body, tokens, index + 1)):
                row.append(f"1punct={mark}")
            rows.append(row)
        return rows


def _mark(body: NormalizedText, tokens: Tokens, index: int) -> str:
    """The punctuation between token ``index`` and the one before it (its first two characters), if any."""
    return body.normalized[tokens.ends[index - 1] : tokens.starts[index]].strip()[:2]


def rule_labels(tokens: Tokens, entities: Sequence[Entity]) -> list[int]:
    """Per token, the label of the entity (original offsets) it falls in: B on the first token, else I."""
    labels = [OUTSIDE] * len(tokens)
    if entities and len(tokens):
        firsts = np.searchsorted(tokens.original_lasts, [entity.start for entity in entities]).tolist()
        stops = np.searchsorted(tokens.original_starts, [entity.end for entity in entities]).tolist()
        for entity, first, stop in zip(entities, firsts, stops, strict=True):
            if first < stop:
                begin = _BEGINS[entity.type]
                labels[first:stop] = [begin, *[begin + 1] * (stop - first - 1)]
    return labels


_BEGINS = {kind: LABELS.index(f"B-{kind}") for kind in TYPES}


class NamesModel:
    """A trained model's weights: ``state`` maps a feature string to its weight for each label."""

    def __init__(self, features: Features, state: Mapping[str, Weights]) -> None:
        self._features = features
        self._state = state
        self._zero = np.zeros(len(LABELS), dtype=np.float32)
        # Each word's weights in each place (``_word_weights``), one row per word, built on first sight; row 0 is
        # the empty place between two texts (``emissions``).
        self._rows: dict[str, int] = {}
        self._table = np.zeros((1024, 1 + len(AROUND), len(LABELS)), dtype=np.float32)
        # The features of what the rules tagged around a token (``Features.sequence``), summed for each labelling
        # of the five places from two before to two after it: ``_EMPTY`` for a place beyond the text, whose word's
        # features are then ``<edge>``, and as the one before the first token, "<s>".
        places = len(LABELS) + 1
        own = np.stack([*(self._weight(f"r={label}") for label in LABELS), self._zero])
        pair = np.stack(
            [
                np.stack([*(self._weight(f"r-1r={before}|{label}") for label in LABELS), self._zero])
                for before in (*LABELS, "<s>")
            ]
        )
        around = [
            np.stack([*(self._weight(f"{d}r={label}") for label in LABELS), self._weight(f"{d}w=<edge>")])
            for d in AROUND
        ]
        self._rules = (
            around[0].reshape(places, 1, 1, 1, 1, -1)
            + around[1].reshape(1, places, 1, 1, 1, -1)
            + pair.reshape(1, places, places, 1, 1, -1)
            + own.reshape(1, 1, places, 1, 1, -1)
            + around[2].reshape(1, 1, 1, places, 1, -1)
            + around[3].reshape(1, 1, 1, 1, places, -1)
        ).reshape(-1, len(LABELS))
        # The weights of punctuation before and after a token, by mark (``_mark_row``), built on first sight.
        self._marks: dict[str, int] = {}
        self._mark_weights: list[Weights] = []
        self._gaps: dict[str, int] = {}  # what parts two words, as written: its mark's row, or -1 (none)

    @classmethod
    def load(cls, path: Path, features: Features) -> NamesModel:
        """``path``: an ``.npz`` written by ``training`` (the feature strings and their weights)."""
        with np.load(path, allow_pickle=False) as stored:
            names = [str(name) for name in stored["features"]]
            weights = stored["weights"].astype(np.float32)
        return cls(features, dict(zip(names, weights, strict=True)))

    def _weight(self, name: str) -> Weights:
        return self._state.get(name, self._zero)

    def _sum(self, names: Sequence[str]) -> Weights:
        total = self._zero.copy()
        for name in names:
            if (weights := self._state.get(name)) is not None:
                total += weights
        return total

    def _word_weights(self, word: str) -> Weights:
        """Row 0: the word in the place being tagged; then one row per distance in ``AROUND``."""
        neighbour = self._features.neighbour(word)
        rows = [self._sum(self._features.word(word))]
        rows.extend(self._sum([f"{distance}{feature}" for feature in neighbour]) for distance in AROUND)
        return np.stack(rows)

    def _row(self, word: str) -> int:
        row = self._rows.get(word)
        if row is None:
            if len(self._rows) >= WORDS_CACHED:  # a worker runs for months: start again rather than grow
                self._rows.clear()
            row = self._rows[word] = len(self._rows) + 1
            if row == len(self._table):
                self._table = np.concatenate([self._table, np.zeros_like(self._table)])
            self._table[row] = self._word_weights(word)
        return row

    def emissions(self, texts: Sequence[tuple[NormalizedText, Tokens, Sequence[int]]]) -> list[Weights]:
        """Per (body, its tokens, the rules' label of each), per token and label, the sum of the weights of the
        token's features (``Features.sequence``). All texts at once, laid end to end two empty places apart: a
        word's neighbours never reach into another text."""
        rows, labels, firsts = [0, 0], [_EMPTY, _EMPTY], []
        known = self._rows.get
        for _, tokens, rules in texts:
            firsts.append(len(rows))
            rows.extend([known(word) or self._row(word) for word in tokens.words])  # may grow the table
            rows.extend((0, 0))
            labels.extend(rules)
            labels.extend((_EMPTY, _EMPTY))
        words = self._table[np.asarray(rows)]  # (places, 1 + len(AROUND), labels); read once the table is grown
        scores = words[:, 0].copy()
        for slot, distance in enumerate(AROUND, start=1):
            if distance < 0:
                scores[-distance:] += words[:distance, slot]
            else:
                scores[:-distance] += words[distance:, slot]
        tags, size = np.asarray(labels), len(LABELS) + 1
        around = np.zeros(len(tags), dtype=np.int64)
        around[2:-2] = (((tags[:-4] * size + tags[1:-3]) * size + tags[2:-2]) * size + tags[3:-1]) * size + tags[4:]
        scores += self._rules[around]
        for first, (_, tokens, _) in zip(firsts, texts, strict=True):
            scores[first + np.flatnonzero(tokens.maqsura)] += self._weight(MAQSURA)
        self._add_marks(scores, texts, firsts)
        return [scores[first : first + len(tokens)] for first, (_, tokens, _) in zip(firsts, texts, strict=True)]

    def _add_marks(
        self, scores: Weights, texts: Sequence[tuple[NormalizedText, Tokens, Sequence[int]]], firsts: Sequence[int]
    ) -> None:
        """The weights of the punctuation between two words (looked for only where more than a space parts them)."""
        after: list[int] = []
        marks: list[int] = []
        for first, (body, tokens, _) in zip(firsts, texts, strict=True):
            text = np.frombuffer(body.normalized.encode("utf-32-le"), dtype=np.uint32)
            parted = (tokens.starts[1:] - tokens.ends[:-1] > 1) | (text[tokens.ends[:-1]] != ord(" "))
            normalized, starts, ends = body.normalized, tokens.starts.tolist(), tokens.ends.tolist()
            for index in (np.flatnonzero(parted) + 1).tolist():
                gap = normalized[ends[index - 1] : starts[index]]
                row = self._gaps.get(gap)
                if row is None:
                    row = self._mark_row(gap.strip()[:2]) if gap.strip() else -1
                    if len(gap) <= MAX_GAP_CACHED:
                        self._gaps[gap] = row
                if row >= 0:
                    after.append(first + index)
                    marks.append(row)
        if after:
            weights = np.stack(self._mark_weights)[marks]
            np.add.at(scores, after, weights[:, 0])
            np.add.at(scores, np.asarray(after) - 1, weights[:, 1])

    def _mark_row(self, mark: str) -> int:
        row = self._marks.get(mark)
        if row is None:
            row = self._marks[mark] = len(self._mark_weights)
            self._mark_weights.append(np.stack([self._weight(f"-1punct={mark}"), self._weight(f"1punct={mark}")]))
        return row

    def tag(self, texts: Sequence[tuple[NormalizedText, Sequence[Entity]]]) -> list[list[Entity]]:
        """For each (body, the rules' entities in it), the names the model finds where the rules found none."""
        found: list[list[Entity]] = [[] for _ in texts]
        enders = self._features.vocabulary.enders
        numbers, tokenized = [], []
        for number, (body, known) in enumerate(texts):
            if len(tokens := Tokens.of(body)):
                numbers.append(number)
                tokenized.append((body, tokens, rule_labels(tokens, known)))
        for number, (body, tokens, rules), scores in zip(numbers, tokenized, self.emissions(tokenized), strict=True):
            known = texts[number][1]
            for first, last, kind in self._spans(np.argmax(scores, axis=1), body, tokens):
                if any(rules[first : last + 1]):
                    continue  # the rules found a name there
                if all(word in enders for word in tokens.words[first : last + 1]):
                    continue  # stop words: «على» (on), «علي» typed for it
                entity = self._entity(body, tokens, first, last, kind)
                if not any(entity.start < other.end and other.start < entity.end for other in known):
                    found[number].append(entity)
            found[number] = _short_forms(found[number], known)
        return found

    def _spans(
        self, labels: npt.NDArray[np.int64], body: NormalizedText, tokens: Tokens
    ) -> list[tuple[int, int, EntityType]]:
        """(first token, last token, type) of each name: a B, or an I that does not continue a name of its type.
        Two names of one type side by side are one («ديلان» B-PER «كريم» B-PER: a word's label is chosen on its
        own), unless punctuation or a proclitic parts them («بلدة الخيام وكفركلا»)."""
        spans: list[tuple[int, int, EntityType]] = []
        named = np.flatnonzero(labels != OUTSIDE)
        for index, label in zip(named.tolist(), labels[named].tolist(), strict=True):
            kind = TYPES[(label - 1) // 2]
            follows = spans and spans[-1][1] == index - 1 and spans[-1][2] == kind and not _mark(body, tokens, index)
            if follows and (label % 2 == 0 or self._bare(tokens, index) == tokens.words[index]):
                spans[-1] = (spans[-1][0], index, kind)
            else:
                spans.append((index, index, kind))
        return spans

    def _entity(self, body: NormalizedText, tokens: Tokens, first: int, last: int, kind: EntityType) -> Entity:
        bare = self._bare(tokens, first)
        start = int(tokens.ends[first]) - len(bare)  # after a proclitic
        original_start, original_last = body.offsets.originals([start, int(tokens.ends[last]) - 1])
        text = body.original[original_start : original_last + 1]
        canonical = " ".join(MARKS.sub("", text).split())
        if bare.startswith("ل") and tokens.words[first].startswith("لل"):
            canonical = f"ا{canonical}"  # «للجنة» is ل + «اللجنة»
        if kind == "LOC" and " " in canonical and bare in self._features.vocabulary.settlements:
            canonical = canonical.split(" ", 1)[1]  # «بلدة تلكلخ» is «تلكلخ»
        return Entity(text, kind, canonical, original_start, original_last + 1)

    def _bare(self, tokens: Tokens, index: int) -> str:
        """The word without its proclitic: as the context rules strip it, or, for a word no list knows, when what
        remains is a word of the lists or of the text («وكفركلا» after «كفركلا»; «بوزيان» stays)."""
        vocabulary = self._features.vocabulary
        word = tokens.words[index]
        bare = vocabulary.bare(word)
        if bare != word or word[0] not in "وفبلك" or len(word) <= 3:
            return bare
        if word in vocabulary.frequencies or word in vocabulary.name_words or word in vocabulary.given_names:
            return word
        rest = word[1:]
        known = rest in vocabulary.frequencies or rest in vocabulary.name_words or rest in vocabulary.given_names
        return rest if known or rest in tokens.words else word


def _short_forms(found: list[Entity], known: Sequence[Entity]) -> list[Entity]:
    """A person named by the end of a longer name of the text («العياري» after «الحبيب العياري») is that person."""
    people = {normalize(entity.canonical): entity.canonical for entity in (*known, *found) if entity.type == "PER"}
    linked = []
    for entity in found:
        name = normalize(entity.canonical)
        longer = [full for key, full in people.items() if key != name and key.endswith(f" {name}")]
        linked.append(replace(entity, canonical=longer[0]) if entity.type == "PER" and len(longer) == 1 else entity)
    return linked
