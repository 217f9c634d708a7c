"""The HTTP push endpoint's body parsing: a POSTed body to RawInput records, without judging them."""

from __future__ import annotations

from marsad.sources.files import jsonl_record, split_json_document
from marsad.topics.records import RawInput, SourcePosition


def raw_inputs_from_push(body: bytes, *, source: str = "push") -> list[RawInput]:
    """Records of a pushed body: one JSON object, a JSON list of objects, or JSON Lines.

    A body that is one JSON document gives one record (a list, one per element, ``offset`` = index).
    Otherwise a body of several lines is JSON Lines (``line`` = line number, blank lines skipped), and a
    single line is one record that validation will reject. ``source`` labels the positions, e.g.
    ``push:203.0.113.5``.
    """
    try:
        records = split_json_document(body, source)
    except RecursionError:  # nested too deep for the parser: one record, which validation refuses
        return [RawInput(payload=body, position=SourcePosition(source=source))]
    if records is not None:
        return records
    lines = body.splitlines(keepends=True)
    if len(lines) < 2:
        return [RawInput(payload=body, position=SourcePosition(source=source))]
    numbered = (jsonl_record(line, source, number) for number, line in enumerate(lines, start=1))
    return [record for record in numbered if record is not None]
