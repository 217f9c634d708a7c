import json
import tracemalloc
from pathlib import Path

import pytest

from marsad.sources.files import UnsupportedInputError, read_inputs

pytestmark = pytest.mark.unit

ARTICLE = {"title": "افتتاح مكتبة عامة في حمص", "body": "افتتحت بلدية حمص مكتبة عامة جديدة في حي الوعر."}
OTHER = {"title": "أمطار غزيرة على الساحل", "body": "هطلت أمطار غزيرة على مدينة بانياس ليل الأحد."}


def write_jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def line(obj: dict[str, str]) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


def test_jsonl_gives_one_record_per_nonblank_line_with_line_numbers(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "wire.jsonl", [line(ARTICLE), b"\n", b"   \n", line(OTHER)])

    records = list(read_inputs([path]))

    assert [json.loads(r.payload) for r in records] == [ARTICLE, OTHER]
    assert [r.position.line for r in records] == [1, 4]
    assert {r.position.source for r in records} == {str(path)}
    assert {r.content_type for r in records} == {"json"}


def test_jsonl_passes_bad_lines_on_with_their_position(tmp_path: Path) -> None:
    undecodable = "خبر بترميز قديم".encode("cp1256")
    path = write_jsonl(
        tmp_path / "bad.jsonl", [b'{"title": "\xd9\x86\xd8\xa7\xd9\x82\xd8\xb5",\n', undecodable + b"\n", line(OTHER)]
    )

    records = list(read_inputs([path]))

    assert [r.position.line for r in records] == [1, 2, 3]
    assert records[0].payload == b'{"title": "\xd9\x86\xd8\xa7\xd9\x82\xd8\xb5",'
    assert records[1].payload == undecodable
    assert json.loads(records[2].payload) == OTHER


def test_jsonl_strips_bom_and_crlf_terminators(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "windows.jsonl", [b"\xef\xbb\xbf" + line(ARTICLE)[:-1] + b"\r\n", line(OTHER)])

    records = list(read_inputs([path]))

    assert [json.loads(r.payload) for r in records] == [ARTICLE, OTHER]


def test_jsonl_streams_a_20_mb_line_without_copies_piling_up(tmp_path: Path) -> None:
    body = "ميناء طرطوس " * 900_000  # about 20 MB of UTF-8
    path = write_jsonl(tmp_path / "big.jsonl", [line({"title": "طويل", "body": body}), line(OTHER)])
    size = path.stat().st_size

    tracemalloc.start()
    try:
        records = read_inputs([path])
        first = next(records)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert json.loads(first.payload)["body"] == body
    assert peak < 2.5 * size
    assert json.loads(next(records).payload) == OTHER


def test_json_object_is_one_record_with_the_original_bytes(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_bytes(json.dumps(ARTICLE, ensure_ascii=False, indent=2).encode())

    [record] = read_inputs([path])

    assert record.payload == path.read_bytes()
    assert record.position.source == str(path)


def test_json_list_gives_one_utf8_record_per_element_with_its_index(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([ARTICLE, "ليس كائناً", OTHER]), encoding="utf-8")  # \u escapes on disk

    records = list(read_inputs([path]))

    assert [json.loads(r.payload) for r in records] == [ARTICLE, "ليس كائناً", OTHER]
    assert "حمص".encode() in records[0].payload
    assert [r.position.offset for r in records] == [0, 1, 2]


def test_unparseable_json_file_is_passed_whole_for_validation_to_reject(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(b'[{"title": "\xd8\xae\xd8\xa8\xd8\xb1"},')

    [record] = read_inputs([path])

    assert record.payload == path.read_bytes()
    assert record.position.source == str(path)


def test_txt_is_one_text_record_keyed_by_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "olive-harvest.txt"
    path.write_text("\nموسم الزيتون في عفرين\nبدأ المزارعون قطاف الزيتون باكراً هذا العام.\n", encoding="utf-8")

    [record] = read_inputs([path])

    assert record.content_type == "text"
    assert record.hint_id == "olive-harvest"
    assert record.payload == path.read_bytes()


def test_rss_file_entries_become_raw_articles_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "local.rss"
    path.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>جريدة المدينة</title>
<item><title>تشغيل خط حافلات جديد</title><link>http://city.invalid/2</link>
<pubDate>Thu, 05 Jun 2025 10:00:00 +0300</pubDate>
<description>&lt;p&gt;بدأ تشغيل خط &lt;b&gt;حافلات&lt;/b&gt; جديد.&lt;/p&gt;
&lt;p&gt;الأجرة مخفضة للطلاب.&lt;/p&gt;</description></item>
<item><title>صيانة شبكة المياه</title><link>http://city.invalid/1</link>
<pubDate>Wed, 04 Jun 2025 10:00:00 +0300</pubDate><description>انقطاع المياه يوم السبت.</description></item>
</channel></rss>""",
        encoding="utf-8",
    )

    records = list(read_inputs([path]))

    payloads = [json.loads(r.payload) for r in records]
    assert payloads[1] == {
        "title": "تشغيل خط حافلات جديد",
        "body": "بدأ تشغيل خط حافلات جديد.\n\nالأجرة مخفضة للطلاب.",
        "url": "http://city.invalid/2",
        "published_at": "2025-06-05T07:00:00+00:00",
        "source": "جريدة المدينة",
    }
    assert payloads[0]["url"] == "http://city.invalid/1"
    assert all("id" not in p for p in payloads)
    assert {r.position.source for r in records} == {str(path)}


def test_unreadable_feed_file_is_passed_whole_rather_than_dropped(tmp_path: Path) -> None:
    path = tmp_path / "error-page.xml"
    path.write_text("<html><body><p>الخدمة غير متاحة حالياً</p></body></html>", encoding="utf-8")

    [record] = read_inputs([path])

    assert record.payload == path.read_bytes()


def test_directory_reads_supported_files_recursively_sorted_skipping_others(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "later.txt").write_text("عنوان\nنص الخبر الثاني.", encoding="utf-8")
    (tmp_path / "a.jsonl").write_bytes(line(ARTICLE))
    (tmp_path / "notes.md").write_text("ملاحظات", encoding="utf-8")
    (tmp_path / ".partial.jsonl").write_bytes(line(OTHER))
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "old.json").write_bytes(line(OTHER))

    records = list(read_inputs([tmp_path]))

    assert [Path(r.position.source).name for r in records] == ["a.jsonl", "later.txt"]


def test_unknown_extension_or_missing_path_fails_before_anything_is_read(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [line(ARTICLE)])
    unknown = tmp_path / "article.docx"
    unknown.write_bytes(b"PK")

    with pytest.raises(UnsupportedInputError, match=r"article\.docx: unsupported input kind"):
        read_inputs([good, unknown])
    with pytest.raises(UnsupportedInputError, match="no such file"):
        read_inputs([good, tmp_path / "missing.jsonl"])
