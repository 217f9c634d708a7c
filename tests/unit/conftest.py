"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from marsad.workers import build
from marsad.workers.pipeline import Tagger
from marsad.workers.settings import Settings


@pytest.fixture(scope="session")
def tag() -> Tagger:
    """The tagger marsad builds from its default settings (built once: loading the gazetteer takes seconds)."""
    return build.build_tagger(Settings())
