"""Fixtures shared by unit and integration tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from marsad.embedded import EmbeddedPipeline
from marsad.workers.settings import Settings

# The first call of some stages builds lookup tables (~1 s): a per-example deadline would be flaky.
hypothesis_settings.register_profile("marsad", deadline=None, max_examples=150)
hypothesis_settings.load_profile("marsad")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


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
