"""The evaluation harness: perfect, empty and hand-computed mixed predictions, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quoteattr.cli import main
from quoteattr.evaluation import PredictionError, char_jaccard, evaluate, load_predictions
from quoteattr.gold import GoldDocument, GoldQuote, load_gold, load_speakers
from quoteattr.types import DocumentResult, Quote, Span

from .conftest import SEEDS


@pytest.fixture(scope="module")
def seeds():
    return load_gold(SEEDS / "gold.jsonl"), load_speakers(SEEDS / "speakers.json")


def _gold_as_predictions(docs, speakers):
    return {
        d.doc_id: DocumentResult(d.doc_id, tuple(
            Quote(q.start, q.end, q.text, speakers[q.speakers[0]].name, q.mention, q.cue) for q in d.quotes
        ))
        for d in docs
    }


def test_gold_as_predictions_scores_one(seeds):
    docs, speakers = seeds
    report = evaluate(docs, _gold_as_predictions(docs, speakers), speakers)
    assert report["gold_quotes"] == 40
    for prf in (report["quotes"]["exact"], report["quotes"]["lenient"], report["attribution"]):
        assert prf["precision"] == prf["recall"] == prf["f1"] == 1.0
    assert report["mention_accuracy"]["exact"] == 1.0
    assert report["speaker_accuracy"] == {"value": 1.0, "n": 40, "level": "canonical"}
    assert report["errors"] == []
    assert all(v["found_recall"] == 1.0 for v in report["by_kind"].values())


def test_empty_predictions_have_zero_recall(seeds):
    docs, speakers = seeds
    report = evaluate(docs, {d.doc_id: DocumentResult(d.doc_id) for d in docs}, speakers)
    assert report["quotes"]["lenient"]["recall"] == 0.0
    assert report["attribution"]["f1"] == 0.0
    assert sum(e["type"] == "missed" for e in report["errors"]) == 40


def test_hand_computed_mixed_case():
    text = '"Alpha beta gamma," Ann Lee said. "Delta epsilon." Bob Ray said "zeta".'
    a = text.index("Alpha"); d = text.index("Delta"); z = text.index("zeta")
    ann = Span.from_text(text, text.index("Ann Lee"), text.index("Ann Lee") + 7)
    bob = Span.from_text(text, text.index("Bob Ray"), text.index("Bob Ray") + 7)
    gold = GoldDocument("m", text, [
        GoldQuote(a, a + 18, text[a:a + 18], "full", ("ann",), ann),
        GoldQuote(d, d + 14, text[d:d + 14], "full", ("ann",), ann),
        GoldQuote(z, z + 4, "zeta", "partial", ("bob",), bob),
    ])
    from quoteattr.gold import SpeakerEntry
    speakers = {"ann": SpeakerEntry("ann", "Ann Lee", ("Ann Lee",)), "bob": SpeakerEntry("bob", "Bob Ray", ("Bob Ray",))}
    pred = DocumentResult("m", (
        Quote(a, a + 17, text[a:a + 17], "Lee", ann),          # lenient match (comma trimmed), surname rule: right
        Quote(d, d + 14, text[d:d + 14], "Bob Ray", bob),      # exact match, wrong speaker
        Quote(0, 5, text[0:5], None),                          # overlaps the first quote: no second match
    ))
    report = evaluate([gold], {"m": pred}, speakers)
    assert report["quotes"]["exact"]["tp"] == 1                      # only Delta is exact
    assert report["quotes"]["lenient"] == {"precision": round(2 / 3, 4), "recall": round(2 / 3, 4), "f1": round(2 / 3, 4),
                                           "tp": 2, "predicted": 3, "gold": 3}
    assert report["attribution"]["tp"] == 1
    assert report["attribution"]["f1"] == round(1 / 3, 4)
    assert report["speaker_accuracy"]["value"] == 0.5
    assert report["by_kind"]["partial"] == {"gold": 1, "found_recall": 0.0, "attribution_recall": 0.0}
    kinds = sorted(e["type"] for e in report["errors"])
    assert kinds == ["missed", "spurious", "wrong_speaker"]
    wrong = next(e for e in report["errors"] if e["type"] == "wrong_speaker")
    assert wrong["gold_speaker"] == "Ann Lee" and wrong["predicted_speaker"] == "Bob Ray"


def test_lenient_jaccard_trims_marks_and_punctuation():
    text = '"Hello there," she said'
    assert char_jaccard(text, (0, 14), (1, 12)) == 1.0


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_prediction_lines_name_file_and_line(tmp_path, seeds):
    docs, _ = seeds
    doc = docs[0]
    good = json.dumps({"doc_id": doc.doc_id, "quotes": []})
    with pytest.raises(PredictionError, match=r"pred.jsonl:2: not valid JSON"):
        load_predictions(_write(tmp_path, [good, "{oops"]), docs)
    with pytest.raises(PredictionError, match=r"pred.jsonl:1: unknown doc_id 'nope'"):
        load_predictions(_write(tmp_path, [json.dumps({"doc_id": "nope", "quotes": []})]), docs)
    past = {"doc_id": doc.doc_id, "quotes": [{"start": 10, "end": len(doc.text) + 5, "text": "x"}]}
    with pytest.raises(PredictionError, match=r"pred.jsonl:1: quotes\[0\] quote offsets .* lie past the end"):
        load_predictions(_write(tmp_path, [json.dumps(past)]), docs)
    wrong = {"doc_id": doc.doc_id, "quotes": [{"start": 0, "end": 4, "text": "nope"}]}
    with pytest.raises(PredictionError, match=r"does not match the document"):
        load_predictions(_write(tmp_path, [json.dumps(wrong)]), docs)


def test_cli_evaluate_writes_json_and_table(tmp_path, seeds, capsys):
    docs, speakers = seeds
    preds = _gold_as_predictions(docs, speakers)
    path = _write(tmp_path, [r.to_json() for r in preds.values()])
    out = tmp_path / "report.json"
    code = main(["evaluate", "--gold", str(SEEDS / "gold.jsonl"), "--speakers", str(SEEDS / "speakers.json"),
                 "--predictions", str(path), "--output", str(out)])
    assert code == 0
    assert "quotes (lenient)" in capsys.readouterr().out
    assert json.loads(out.read_text())["attribution"]["f1"] == 1.0


def test_cli_evaluate_reports_bad_input(tmp_path, capsys):
    path = _write(tmp_path, ["not json"])
    code = main(["evaluate", "--gold", str(SEEDS / "gold.jsonl"), "--predictions", str(path)])
    assert code == 2
    assert "pred.jsonl:1" in capsys.readouterr().err


def test_marks_baseline_on_seeds(capsys):
    assert main(["evaluate", "--gold", str(SEEDS / "gold.jsonl"), "--speakers", str(SEEDS / "speakers.json"), "--baseline", "marks"]) == 0
    out = capsys.readouterr().out
    assert "spurious" in out and "003_" in out
