"""Gold/training JSONL checks: every problem names the file and line."""

from __future__ import annotations

import json

import pytest

from quoteattr.gold import GoldError, load_gold_jsonl

TEXT = '"One two," Ann said. "Three four," Bob said.'


def _write(tmp_path, quotes, text=TEXT):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc_id": "d", "text": text, "quotes": quotes}) + "\n", encoding="utf-8")
    return path


def _q(start, end, **extra):
    return {"start": start, "end": end, "text": TEXT[start:end], **extra}


def test_valid_file_loads_links_and_roles(tmp_path):
    mention = {"start": 11, "end": 14, "text": "Ann"}
    docs = load_gold_jsonl(_write(tmp_path, [_q(1, 9, kind="full", speaker="ann", mention=mention)]))
    assert docs[0].links == [((1, 9), (11, 14))]
    assert ("Source", 11, 14) in docs[0].role_spans


@pytest.mark.parametrize("quotes,message", [
    ([_q(1, 9), _q(5, 12)], r"gold.jsonl:1: quotes\[1\] \(5-12\) overlaps quotes\[0\] \(1-9\)"),
    ([_q(1, 9, kind="indirect")], r"gold.jsonl:1: quotes\[0\]: unknown kind 'indirect'"),
    ([_q(1, 9, speakr="ann")], r"gold.jsonl:1: quotes\[0\]: unknown field 'speakr'"),
    ([{"start": 1, "end": 999, "text": "x"}], r"gold.jsonl:1: quotes\[0\]: offsets 1-999 lie past the end"),
    ([{"start": 1, "end": 4, "text": "xyz"}], r"does not match the document"),
])
def test_bad_training_records(tmp_path, quotes, message):
    with pytest.raises(GoldError, match=message):
        load_gold_jsonl(_write(tmp_path, quotes))


def test_missing_text_file_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"doc_id": "absent", "quotes": []}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"absent.txt: text file not found"):
        load_gold_jsonl(path)
