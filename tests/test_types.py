"""Result types: immutability and JSON round-trip of the output contract."""

from __future__ import annotations

import dataclasses
import json

import pytest

from quoteattr.types import DocumentResult, Quote, RecordError, Span, Speaker


def _result() -> DocumentResult:
    text = '"We agree," the minister said.'
    mention = Span.from_text(text, 12, 24)
    quote = Quote(1, 10, text[1:10], "Jane Doe", mention, Span.from_text(text, 25, 29), 0.93)
    return DocumentResult("d1", (quote,), (Speaker("Jane Doe", (mention,), "person"),))


def test_json_round_trip():
    result = _result()
    line = result.to_json()
    assert DocumentResult.from_json(line) == result
    record = json.loads(line)
    assert set(record["quotes"][0]) == {"start", "end", "text", "speaker", "mention", "cue", "score"}
    assert record["quotes"][0]["mention"] == {"start": 12, "end": 24, "text": "the minister"}


def test_null_speaker_mention_cue_round_trip():
    result = DocumentResult("d2", (Quote(0, 3, "abc"),))
    assert DocumentResult.from_json(result.to_json()) == result


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        _result().quotes[0].start = 5  # type: ignore[misc]


@pytest.mark.parametrize("line,message", [
    ("{not json", "not valid JSON"),
    ('{"quotes": []}', "missing field 'doc_id'"),
    ('{"doc_id": "a", "quotes": [{"start": "1", "end": 2, "text": "x"}]}', "'start' must be int"),
    ('{"doc_id": "a", "quotes": [{"start": 5, "end": 2, "text": "x"}]}', "invalid offsets"),
    ('{"doc_id": "a", "quotes": [{"start": 0, "end": 1, "text": "x", "mention": {"start": 0}}]}', "quotes[0].mention: missing field 'end'"),
])
def test_invalid_records_name_the_field(line, message):
    with pytest.raises(RecordError, match=message.replace("[", r"\[").replace("]", r"\]")):
        DocumentResult.from_json(line, "pred.jsonl:3")
