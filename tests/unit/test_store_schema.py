"""The embedded store's schema is versioned: opening migrates an older store and refuses a newer one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from marsad.store import MIGRATIONS, Store, StoreVersionError

pytestmark = pytest.mark.unit


def user_version(directory: Path) -> int:
    with sqlite3.connect(directory / "marsad.db") as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    return int(version)


def test_a_new_store_is_at_the_latest_version(tmp_path: Path) -> None:
    Store(tmp_path).close()
    assert user_version(tmp_path) == len(MIGRATIONS)


def test_reopening_keeps_the_data_and_the_version(tmp_path: Path) -> None:
    Store(tmp_path).close()
    with sqlite3.connect(tmp_path / "marsad.db") as db:
        db.execute("INSERT INTO rejects (stage, reason, source, payload, detail) VALUES ('s', 'r', 'x', x'00', '{}')")
    Store(tmp_path).close()
    assert user_version(tmp_path) == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "marsad.db") as db:
        assert db.execute("SELECT count(*) FROM rejects").fetchone() == (1,)


def test_a_store_from_a_newer_marsad_is_refused(tmp_path: Path) -> None:
    Store(tmp_path).close()
    with sqlite3.connect(tmp_path / "marsad.db") as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreVersionError):
        Store(tmp_path)
