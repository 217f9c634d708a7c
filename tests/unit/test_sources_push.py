import json

import pytest

from marsad.sources.push import raw_inputs_from_push

pytestmark = pytest.mark.unit

FIRST = {"title": "وصول باخرة إلى بانياس", "body": "رست باخرة محملة بالأسمدة في مرفأ بانياس."}
SECOND = {"title": "امتحانات الشهادة الثانوية", "body": "تبدأ امتحانات الشهادة الثانوية في الأول من حزيران."}


def test_one_json_object_is_one_record_as_posted() -> None:
    body = json.dumps(FIRST, ensure_ascii=False).encode()

    [record] = raw_inputs_from_push(body, source="push:127.0.0.1")

    assert record.payload == body
    assert record.position.source == "push:127.0.0.1"


def test_json_list_gives_one_record_per_element() -> None:
    records = raw_inputs_from_push(json.dumps([FIRST, SECOND]).encode())

    assert [json.loads(r.payload) for r in records] == [FIRST, SECOND]
    assert [r.position.offset for r in records] == [0, 1]


def test_json_lines_give_one_record_per_line_bad_lines_included() -> None:
    body = b"\n".join(
        [json.dumps(FIRST, ensure_ascii=False).encode(), b"", '{"title": "ناقص"'.encode(), json.dumps(SECOND).encode()]
    )

    records = raw_inputs_from_push(body)

    assert [r.position.line for r in records] == [1, 3, 4]
    assert records[1].payload == '{"title": "ناقص"'.encode()
    assert json.loads(records[2].payload) == SECOND


def test_single_line_that_is_not_json_is_one_record_for_validation_to_reject() -> None:
    [record] = raw_inputs_from_push("ليس JSON".encode())

    assert record.payload == "ليس JSON".encode()
