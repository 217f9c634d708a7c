from pathlib import Path

import pytest

from marsad.sources.cursor import CursorAdvance, FileOffset, FileStamp, SourceCursor
from marsad.sources.fetching import Validators

pytestmark = pytest.mark.unit

DAY = 86_400.0


def test_progress_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store" / "sources.db"
    cursor = SourceCursor(path)
    cursor.advance(
        CursorAdvance("feed-a", seen_keys=["guid-1", "guid-2"], validators=Validators('"v1"', "Wed, 04 Jun 2025")),
        now=1_000.0,
    )
    cursor.advance(CursorAdvance("wire", file_offset=FileOffset(42, 1_024, 7, "ab")), now=1_000.0)
    cursor.advance(CursorAdvance("inbox", files={"a.jsonl": FileStamp(5, 10)}), now=1_000.0)
    cursor.close()

    reopened = SourceCursor(path)

    assert reopened.seen_keys("feed-a") == {"guid-1", "guid-2"}
    assert reopened.seen_keys("feed-b") == set()
    assert reopened.validators("feed-a") == Validators('"v1"', "Wed, 04 Jun 2025")
    assert reopened.file_offset("wire") == FileOffset(42, 1_024, 7, "ab")
    assert reopened.seen_files("inbox") == {"a.jsonl": FileStamp(5, 10)}


def test_seen_keys_are_bounded_by_count_keeping_the_most_recent(tmp_path: Path) -> None:
    cursor = SourceCursor(tmp_path / "sources.db", max_items_per_source=3)
    for step, key in enumerate(["k1", "k2", "k3", "k4", "k5"]):
        cursor.advance(CursorAdvance("feed", seen_keys=[key]), now=float(step))

    assert cursor.seen_keys("feed") == {"k3", "k4", "k5"}


def test_keys_still_listed_by_the_feed_do_not_age_out(tmp_path: Path) -> None:
    cursor = SourceCursor(tmp_path / "sources.db", max_item_age_s=30 * DAY)
    cursor.advance(CursorAdvance("feed", seen_keys=["sticky", "gone"]), now=0.0)
    cursor.advance(CursorAdvance("feed", seen_keys=["sticky"]), now=20 * DAY)
    cursor.advance(CursorAdvance("feed", refresh_all_seen=True), now=40 * DAY)  # a 304

    assert cursor.seen_keys("feed") == {"sticky"}


def test_directory_listing_replaces_the_previous_one(tmp_path: Path) -> None:
    cursor = SourceCursor(tmp_path / "sources.db")
    cursor.advance(CursorAdvance("inbox", files={"a.txt": FileStamp(1, 1), "b.txt": FileStamp(2, 2)}), now=0.0)
    cursor.advance(CursorAdvance("inbox", files={"b.txt": FileStamp(2, 2)}), now=1.0)

    assert cursor.seen_files("inbox") == {"b.txt": FileStamp(2, 2)}
