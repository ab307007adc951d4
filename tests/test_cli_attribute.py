"""``quoteattr attribute`` with a tiny model: inputs, formats, no overwrite, resume, bad files."""

from __future__ import annotations

import csv
import io
import json

import pytest

from quoteattr.cli import main

from .conftest import tiny_model_dir


@pytest.fixture
def setup(tmp_path, fixture_records):
    model = tiny_model_dir(tmp_path, [r["text"] for r in fixture_records])
    inputs = tmp_path / "in"
    inputs.mkdir()
    for r in fixture_records[:2]:
        (inputs / f"{r['doc_id']}.txt").write_text(r["text"], encoding="utf-8")
    (inputs / "broken.txt").write_bytes(b"caf\xe9 \xff\xfe")
    records = tmp_path / "more.jsonl"
    records.write_text(json.dumps({"id": "j1", "text": fixture_records[2]["text"]}) + "\n{bad json\n", encoding="utf-8")
    return model, inputs, records


def test_jsonl_output_and_reported_problems(tmp_path, setup, capsys):
    model, inputs, records = setup
    out = tmp_path / "out.jsonl"
    code = main(["attribute", str(inputs), str(records), "--model", str(model), "-o", str(out)])
    assert code == 1  # some inputs were skipped
    err = capsys.readouterr().err
    assert "broken.txt: not valid UTF-8 at byte 3" in err and "more.jsonl:2: not valid JSON" in err
    lines = [json.loads(l) for l in out.read_text().splitlines()]
    assert [l["doc_id"] for l in lines] == ["doc0", "doc1", "j1"]
    texts = {p.stem: p.read_text() for p in inputs.glob("doc*.txt")}
    for line in lines[:2]:
        for q in line["quotes"]:
            assert texts[line["doc_id"]][q["start"]:q["end"]] == q["text"]


def test_invalid_utf8_line_in_jsonl_skips_only_that_line(tmp_path, setup, capsys):
    model, _, _ = setup
    records = tmp_path / "mixed.jsonl"
    good = json.dumps({"id": "a", "text": 'He said "yes".'}).encode()
    records.write_bytes(good + b"\n" + b'{"id": "b", "text": "caf\xe9 \xff"}\n' + good.replace(b'"a"', b'"c"') + b"\n")
    out = tmp_path / "out.jsonl"
    assert main(["attribute", str(records), "--model", str(model), "-o", str(out)]) == 1
    assert "mixed.jsonl:2: not valid UTF-8 at byte" in capsys.readouterr().err
    assert [json.loads(l)["doc_id"] for l in out.read_text().splitlines()] == ["a", "c"]


def test_never_overwrites_without_force_and_resumes(tmp_path, setup, capsys):
    model, inputs, _ = setup
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "doc0", "quotes": []}\n', encoding="utf-8")
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == '{"doc_id": "doc0", "quotes": []}\n'
    assert main(["attribute", str(inputs / "doc0.txt"), str(inputs / "doc1.txt"), "--model", str(model), "-o", str(out), "--resume"]) == 0
    assert [json.loads(l)["doc_id"] for l in out.read_text().splitlines()] == ["doc0", "doc1"]
    assert main(["attribute", str(inputs / "doc1.txt"), "--model", str(model), "-o", str(out), "--force"]) == 0
    assert [json.loads(l)["doc_id"] for l in out.read_text().splitlines()] == ["doc1"]


def test_resume_after_a_kill_mid_line_keeps_every_finished_record(tmp_path, setup, capsys):
    model, inputs, _ = setup
    out = tmp_path / "out.jsonl"
    out.write_text('{"doc_id": "doc0", "quotes": []}\n{"doc_id": "doc1", "quo', encoding="utf-8")
    assert main(["attribute", str(inputs / "doc0.txt"), str(inputs / "doc1.txt"), "--model", str(model), "-o", str(out), "--resume"]) == 0
    assert "removed an unfinished last line" in capsys.readouterr().err
    lines = out.read_text().splitlines()
    assert lines[0] == '{"doc_id": "doc0", "quotes": []}' and [json.loads(l)["doc_id"] for l in lines] == ["doc0", "doc1"]


def test_ctrl_c_keeps_finished_documents_and_says_how_to_resume(tmp_path, setup, capsys, monkeypatch):
    from quoteattr.pipeline import QuoteAttributor

    model, inputs, _ = setup
    real = QuoteAttributor.attribute_many

    def interrupted_after_one(self, items, *args, **kwargs):
        results = real(self, items, *args, **kwargs)
        yield next(results)
        raise KeyboardInterrupt

    monkeypatch.setattr(QuoteAttributor, "attribute_many", interrupted_after_one)
    out = tmp_path / "out.jsonl"
    assert main(["attribute", str(inputs / "doc0.txt"), str(inputs / "doc1.txt"), "--model", str(model), "-o", str(out)]) == 130
    err = capsys.readouterr().err
    assert "interrupted after 1 documents" in err and "with --resume to continue" in err
    assert [json.loads(l)["doc_id"] for l in out.read_text().splitlines()] == ["doc0"]
    monkeypatch.setattr(QuoteAttributor, "attribute_many", real)
    assert main(["attribute", str(inputs / "doc0.txt"), str(inputs / "doc1.txt"), "--model", str(model), "-o", str(out), "--resume"]) == 0
    assert [json.loads(l)["doc_id"] for l in out.read_text().splitlines()] == ["doc0", "doc1"]


def test_csv_and_html(tmp_path, setup):
    model, inputs, _ = setup
    out_csv, out_html = tmp_path / "q.csv", tmp_path / "r.html"
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "-o", str(out_csv)]) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert all(r["doc_id"] == "doc0" for r in rows)
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "-o", str(out_html)]) == 0
    page = out_html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "http" not in page and "<script" not in page


def test_html_needs_output_file(setup, capsys):
    model, inputs, _ = setup
    assert main(["attribute", str(inputs), "--model", str(model), "--format", "html"]) == 2


def test_int8_path_gives_valid_output(tmp_path, setup):
    model, inputs, _ = setup
    out = tmp_path / "q8.jsonl"
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "--int8", "-o", str(out)]) == 0
    text = (inputs / "doc0.txt").read_text()
    for q in json.loads(out.read_text())["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]


def test_full_text_reading_gives_valid_output(tmp_path, setup):
    model, inputs, _ = setup
    focused, full = tmp_path / "focused.jsonl", tmp_path / "full.jsonl"
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "-o", str(focused)]) == 0
    assert main(["attribute", str(inputs / "doc0.txt"), "--model", str(model), "--full-text", "-o", str(full)]) == 0
    text = (inputs / "doc0.txt").read_text()
    for q in json.loads(full.read_text())["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]


def test_int8_output_does_not_depend_on_the_other_articles(setup, fixture_records):
    """Dynamic int8 scales activations over a whole batch; one window per pass keeps an
    article's output the same whatever else is attributed with it."""
    import numpy as np

    from quoteattr.inference import INT8_BATCH_SIZE, run_tagger
    from quoteattr.pipeline import QuoteAttributor

    model, _, _ = setup
    qa = QuoteAttributor.from_pretrained(model, int8=True)
    assert qa.batch_size == INT8_BATCH_SIZE == 1
    texts = [r["text"] for r in fixture_records[:3]]
    s = qa.settings

    def probs(chosen: list[str]) -> np.ndarray:
        prep = qa.prepare(chosen)
        outs = run_tagger(qa.model, qa.tokenizer, prep.docs, s.max_length, s.stride, s.use_casing, qa.batch_size,
                          regions=prep.regions)
        return outs[chosen.index(texts[0])].probs

    alone = probs([texts[0]])
    assert np.array_equal(alone, probs(texts)) and np.array_equal(alone, probs(texts[::-1]))
    assert [q.to_dict() for q in qa.attribute(texts[0]).quotes] == \
        [q.to_dict() for q in list(qa.attribute_many(texts[::-1]))[-1].quotes]


@pytest.mark.parametrize("content, kept", [
    (b"", b""), (b"a\n", b"a\n"), (b"a\nb", b"a\n"), (b"abc", b""),
    (b"x" * 100_000 + b"\n" + b"y" * 200_000, b"x" * 100_000 + b"\n"),  # the last newline lies blocks back
])
def test_trim_torn_line_keeps_exactly_the_finished_lines(tmp_path, content, kept):
    from quoteattr.cli import _trim_torn_line

    path = tmp_path / "out.jsonl"
    path.write_bytes(content)
    assert _trim_torn_line(path) == (content != kept)
    assert path.read_bytes() == kept
