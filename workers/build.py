"""Builds the pipeline's parts from settings: the one place that reads their config files."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from marsad.topics.records import Entity
from marsad.workers.learning import NameLearner
from marsad.workers.pipeline import DeciderState, Enricher, StoryDecider, Tagger
from marsad.workers.settings import Settings
from marsad.workers.stages import lexicon
from marsad.workers.stages.alerts import RuleSet, load_rules
from marsad.workers.stages.clean import BoilerplateRemover
from marsad.workers.stages.context import ContextTagger, Vocabulary, merge
from marsad.workers.stages.dedup import DedupEntry, Fingerprinter
from marsad.workers.stages.discovery import Candidate, NameDiscovery
from marsad.workers.stages.entities import GazetteerEntry, GazetteerTagger, load_gazetteer
from marsad.workers.stages.names_model import MODEL_FILE, Features, NamesModel
from marsad.workers.stages.normalize import NormalizedText, normalize
from marsad.workers.stages.variants import SpellingExpander, with_spellings


def _vocabulary(entries: Sequence[GazetteerEntry]) -> Vocabulary:
    name_words = {word for entry in entries for form in (entry.canonical, *entry.aliases) for word in form.split()}
    places = {form for entry in entries if entry.type == "LOC" for form in (entry.canonical, *entry.aliases)}
    given = {form.split()[0] for entry in entries if entry.type == "PER" for form in (entry.canonical, *entry.aliases)}
    given |= lexicon.given_names()
    return Vocabulary(lexicon.frequencies(), name_words, lexicon.stopwords(), places, given)


def _names_features(entries: Sequence[GazetteerEntry], vocabulary: Vocabulary) -> Features:
    types: dict[str, set[str]] = {}
    for entry in entries:
        for form in (entry.canonical, *entry.aliases):
            for word in normalize(form).split():
                types.setdefault(word, set()).add(entry.type)
    return Features(vocabulary, {word: frozenset(kinds) for word, kinds in types.items()})


def build_names_features(settings: Settings) -> Features:
    """What the names model reads of a word (``training`` trains it with the same)."""
    entries = load_gazetteer(settings.gazetteer_dir)
    return _names_features(entries, _vocabulary(entries))


def build_names_model(settings: Settings) -> NamesModel | None:
    """The names model, if ``names_model`` is set: the weights in the config directory."""
    if not settings.names_model:
        return None
    entries = load_gazetteer(settings.gazetteer_dir)
    return NamesModel.load(settings.config_dir / MODEL_FILE, _names_features(entries, _vocabulary(entries)))


def build_tagger(settings: Settings) -> Tagger:
    """The gazetteer, then names found from their context, then (with a camel-tools model) its neural NER. The
    names model fills the gaps after it, a batch at a time (``build_names_model``), and the learned names are tagged
    in the decide step (``workers/learning.py``)."""
    entries = load_gazetteer(settings.gazetteer_dir)
    gazetteer = GazetteerTagger(with_spellings(entries, lexicon.frequencies()), lexicon.frequencies())
    vocabulary = _vocabulary(entries)
    context = ContextTagger(vocabulary)

    def known_and_context(body: NormalizedText, title: NormalizedText) -> list[Entity]:
        known = gazetteer.tag(body, title)
        return merge(known, context.tag(body, known))

    if settings.ner_model_path is None:
        return known_and_context
    from marsad.workers.stages.neural_ner import NeuralTagger, merge_entities

    neural = NeuralTagger.load(settings.ner_model_path)

    def tag(body: NormalizedText, title: NormalizedText) -> list[Entity]:
        return merge_entities(known_and_context(body, title), neural.tag(body.original))

    return tag


def build_expander(settings: Settings, learned: Sequence[GazetteerEntry] = ()) -> SpellingExpander:
    """Spelling variants for search queries (both backends): the gazetteer's names and the learned ones."""
    return SpellingExpander([*load_gazetteer(settings.gazetteer_dir), *learned], lexicon.frequencies())


def build_learner(settings: Settings, candidates: Mapping[str, Candidate]) -> NameLearner:
    """Name discovery from ``candidates``, what the runner persisted of it."""
    entries = load_gazetteer(settings.gazetteer_dir)
    discovery = NameDiscovery(
        (form for entry in entries for form in (entry.canonical, *entry.aliases, *entry.short)),
        settings.discovery_min_sources,
    )
    return NameLearner(discovery, candidates, lexicon.frequencies())


def build_enricher(settings: Settings, rules: RuleSet | None = None) -> Enricher:
    """``rules``: the rules in force (``workers/alerting.py`` ``RulesWatcher``), else the settings' file."""
    return Enricher(
        clean=BoilerplateRemover.from_file(settings.boilerplate),
        tag=build_tagger(settings),
        rules=rules or RuleSet(load_rules(settings.rules)),
        fingerprint=Fingerprinter(settings.dedup_num_perm, settings.dedup_shingle_words),
        max_payload_bytes=settings.max_body_bytes,
        find_names=model.tag if (model := build_names_model(settings)) is not None else None,
    )


def build_decider(settings: Settings, state: DeciderState, rules: RuleSet | None = None) -> StoryDecider:
    """The decider, rebuilt from what either run mode persisted (the SQLite store, Elasticsearch), with the
    windows of ``rules``' spike rules."""
    window = settings.dedup_window_days * 86_400
    decider = StoryDecider(
        state,
        threshold=settings.dedup_threshold,
        num_perm=settings.dedup_num_perm,
        window_seconds=window,
        max_entries=settings.dedup_max_entries,
        settle_seconds=settings.late_original_hours * 3_600,
    )
    entries = state.dedup_entries(since=time.time() - window, limit=settings.dedup_max_entries)
    decider.load(entries, state.alerts())
    if rules is not None:
        _restore_spikes(decider, state, entries, rules)
    return decider


def _restore_spikes(decider: StoryDecider, state: DeciderState, entries: Sequence[DedupEntry], rules: RuleSet) -> None:
    """Replays the stored mentions (documents listing a spike rule in ``alerts``) of each spike rule's last
    windows, by event time, so a restart neither forgets a baseline nor fires a burst twice."""
    spikes = {rule.id: rule.spike for rule in rules.rules if rule.spike is not None}
    if not spikes or not entries:
        return
    newest = max(entry.event_time for entry in entries)
    span = max((2 + spike.baseline_windows) * spike.window.total_seconds() for spike in spikes.values())
    recent = sorted((e for e in entries if e.event_time >= newest - span), key=lambda e: (e.event_time, e.doc_id))
    documents = state.known_documents([entry.doc_id for entry in recent])
    for entry in recent:
        document = documents.get(entry.doc_id)
        for rule_id in document.alerts if document is not None else ():
            if (spike := spikes.get(rule_id)) is not None:
                decider.spikes.observe(rule_id, spike, entry.event_time)
