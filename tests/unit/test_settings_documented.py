"""Every setting is documented under its environment variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.workers.settings import Settings

pytestmark = pytest.mark.unit

INTERFACES = Path(__file__).resolve().parents[2] / "docs" / "interfaces.md"


def test_every_setting_has_a_row_in_the_interfaces_document() -> None:
    text = INTERFACES.read_text(encoding="utf-8")
    undocumented = [name for name in Settings.model_fields if f"`MARSAD_{name.upper()}`" not in text]
    assert undocumented == []
