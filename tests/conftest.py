"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from marsad import embedded
from marsad.embedded import EmbeddedPipeline
from marsad.workers import build
from marsad.workers.pipeline import Tagger
from marsad.workers.settings import Settings
from marsad.workers.stages.entities import GazetteerEntry
from marsad.workers.stages.variants import SpellingExpander

# The first call of some stages builds lookup tables (~1 s): a per-example deadline would be flaky.
hypothesis_settings.register_profile("marsad", deadline=None, max_examples=150)
hypothesis_settings.load_profile("marsad")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


GazetteerKey = tuple[tuple[str, bytes], ...]


def _gazetteer_key(directory: Path) -> GazetteerKey:
    """What a gazetteer is built from: its files and their bytes (a test that edits one gets a fresh build)."""
    return tuple((str(path.resolve()), path.read_bytes()) for path in sorted(Path(directory).glob("*.yaml")))


@pytest.fixture(scope="session", autouse=True)
def built_once() -> Iterator[None]:
    """Each pipeline (``EmbeddedPipeline``, ``Service``, ``build_enricher``…) loads the gazetteer and builds the
    tagger and the spelling expander, seconds each, the same for every test: within the test process they are built
    once per distinct input (the files' bytes, the learned names) and shared, which is safe because they are
    immutable (frozen entries; a tagger and an expander keep no state but lazily built lookups). Only the names
    ``marsad.workers.build`` and ``marsad.embedded`` call are wrapped: ``load_gazetteer`` itself, its errors and the
    model-backed tagger (``ner_model_path``) are never cached; worker subprocesses build their own."""
    load_gazetteer, build_tagger, build_expander = build.load_gazetteer, build.build_tagger, build.build_expander
    gazetteers: dict[GazetteerKey, list[GazetteerEntry]] = {}
    taggers: dict[GazetteerKey, Tagger] = {}
    expanders: dict[tuple[GazetteerKey, tuple[GazetteerEntry, ...]], SpellingExpander] = {}

    def cached_gazetteer(directory: Path) -> list[GazetteerEntry]:
        key = _gazetteer_key(directory)
        if key not in gazetteers:
            gazetteers[key] = load_gazetteer(directory)
        return list(gazetteers[key])

    def cached_tagger(settings: Settings) -> Tagger:
        if settings.ner_model_path is not None:
            return build_tagger(settings)
        key = _gazetteer_key(settings.gazetteer_dir)
        if key not in taggers:
            taggers[key] = build_tagger(settings)
        return taggers[key]

    def cached_expander(settings: Settings, learned: Sequence[GazetteerEntry] = ()) -> SpellingExpander:
        key = (_gazetteer_key(settings.gazetteer_dir), tuple(learned))
        if key not in expanders:
            expanders[key] = build_expander(settings, learned)
        return expanders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "load_gazetteer", cached_gazetteer)
        patch.setattr(build, "build_tagger", cached_tagger)
        patch.setattr(build, "build_expander", cached_expander)
        patch.setattr(embedded, "build_expander", cached_expander)
        yield


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        message = f"the seed articles are expected at {SEEDS} (../shared/seeds beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has them: their absence there is a broken checkout
        pytest.skip(message)
    return SEEDS


@pytest.fixture(scope="session")
def seed_text(seeds_dir: Path) -> Callable[[str], str]:
    """A seed article's text by file-name prefix, e.g. ``seed_text("003")``."""

    def read(prefix: str) -> str:
        (path,) = seeds_dir.glob(f"{prefix}*.txt")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture
def make_pipeline(tmp_path: Path) -> Iterator[Callable[..., EmbeddedPipeline]]:
    """Factory: an embedded pipeline over a fresh store (or a named one, to test restarts)."""
    opened: list[EmbeddedPipeline] = []

    def make(store: Path | None = None, **overrides: object) -> EmbeddedPipeline:
        pipeline = EmbeddedPipeline(Settings(store=store or tmp_path / "store", **overrides))  # type: ignore[arg-type]
        opened.append(pipeline)
        return pipeline

    yield make
    for pipeline in opened:
        pipeline.close()


def republish(text: str) -> str:
    """What a re-publisher does to an article: diacritics on some words, its own boilerplate lines around
    it, one word changed."""
    lines = text.splitlines()
    longest = max(range(1, len(lines)), key=lambda n: len(lines[n]))
    words = lines[longest].split()
    words[5] = "الماضية"
    lines[longest] = " ".join(words)
    lines[1:1] = ["اقرأ أيضاً: عنوان خبر آخر"]
    vowelled = "\n".join(lines).replace("الرئيس", "الرَّئِيسُ").replace("موسكو", "مُوسْكُو")
    return f"تابعونا على قناتنا\n{vowelled}\nزر الذهاب إلى الأعلى\n"


@pytest.fixture(scope="session")
def republished() -> Callable[[str], str]:
    return republish
