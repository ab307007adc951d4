"""PolNeAR brat reading: discontinuous spans, notes, continuation lines, annotators, errors."""

from __future__ import annotations

import pytest

from quoteattr.brat import BratError, parse_ann, read_brat_dir
from quoteattr.cli import main
from quoteattr.gold import load_polnear_gold

TEXT = 'Smith said "we will win" and "keep going" today.\nThey laughed.'
ANN = "\n".join([
    "T1\tSource 0 5\tSmith",
    "T2\tCue 6 10\tsaid",
    "T3\tContent 11 24;29 41\t\"we will win\" \"keep going\"",
    "T4\tAttribution 6 10\tsaid",
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    "#1\tAnnotatorNotes T3\tsplit content",
    "T5\tContent 49 56\tThey la",
    "continuation line of a surface string",
    "T6\tCue 50 53\they",
    "E2\tAttribution-no-source:T6 Content:T5 Cue:T6",
])


def test_parse_discontinuous_and_missing_source():
    spans, attributions = parse_ann(TEXT, ANN)
    content = next(s for s in spans if s.label == "Content" and len(s.fragments) == 2)
    assert content.fragments == ((11, 24), (29, 41))
    assert attributions[0].source.label == "Source"
    assert attributions[1].source is None


def test_offsets_outside_text_name_file_and_line():
    with pytest.raises(BratError, match=r"x.ann:1: span T1 offsets 0-999"):
        parse_ann(TEXT, "T1\tSource 0 999\tx", "x.ann")


def _split(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "art.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "art_aaaa.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "art_bbbb.ann").write_text("T1\tSource 0 5\tSmith\n", encoding="utf-8")
    return tmp_path


def test_read_dir_picks_fullest_annotator_and_direct_quotes(tmp_path):
    docs = list(read_brat_dir(_split(tmp_path)))
    assert len(docs) == 1 and docs[0].annotator == "aaaa"
    gold = load_polnear_gold(tmp_path)[0]
    assert [q.text for q in gold.quotes] == ["we will win", "keep going"]
    assert all(q.mention.text == "Smith" for q in gold.quotes)


def test_evaluate_accepts_polnear_dir(tmp_path, capsys):
    assert main(["evaluate", "--gold", str(_split(tmp_path)), "--baseline", "marks"]) == 0
    assert "attribution (mention speaker)" in capsys.readouterr().out
