"""Quote-focused reading: which paragraphs the tagger reads, and that the rest is really skipped."""

from __future__ import annotations

import numpy as np
import pytest

from quoteattr.focus import focus_char_regions, focus_regions, focus_token_regions
from quoteattr.inference import plan_windows, run_tagger
from quoteattr.pipeline import QuoteAttributor
from quoteattr.tagging import LABELS, make_windows, tokenize_document

from .conftest import tiny_model_dir, tiny_tokenizer

ARTICLE = (
    "Rain fell across the region overnight.\n"  # 0: narrative
    "\n"
    "The mayor visited the flooded streets.\n"  # 1: the paragraph before a quote
    '"We will rebuild," she said.\n'  # 2: a quote
    "Roads stayed closed until noon.\n"  # 3: narrative
    "Schools reopened on Tuesday.\n"  # 4: narrative
    "Officials praised the volunteers.\n"  # 5: before the next quote
    '"They worked all night," the chief said.\n'  # 6: a quote
)


def _paragraph(text: str, k: int) -> str:
    return [p for p in text.split("\n") if p.strip()][k]


def test_regions_are_quote_paragraphs_and_the_one_before():
    regions = [ARTICLE[a:b] for a, b in focus_char_regions(ARTICLE)]
    assert regions == [
        _paragraph(ARTICLE, 1) + "\n" + _paragraph(ARTICLE, 2),
        _paragraph(ARTICLE, 5) + "\n" + _paragraph(ARTICLE, 6),
    ]


def test_no_quotation_marks_means_nothing_to_read():
    assert focus_char_regions("No quotes here.\nNor here, isn't it?\n") == []
    assert focus_char_regions("") == []


def test_multi_paragraph_quote_reads_every_paragraph():
    text = 'Intro line.\n"First part of it,\n"second part," he said.\nAfter.\n'
    regions = focus_char_regions(text, before=0)
    covered = "".join(text[a:b] for a, b in regions)
    assert "First part" in covered and "second part" in covered and "Intro" not in covered and "After" not in covered


def test_token_regions_merge_close_ranges_and_widen():
    text = "a b c d e f g h i j k l"
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    assert focus_token_regions(doc, [(0, 1), (4, 5)], merge_gap=0) == [(0, 1), (2, 3)]
    assert focus_token_regions(doc, [(0, 1), (4, 5)], merge_gap=2) == [(0, 3)]
    assert focus_token_regions(doc, [(8, 9)], before=2, after=1, merge_gap=0) == [(2, 6)]


def test_windows_stay_inside_regions_and_reject_bad_ones():
    text = " ".join(f"w{i}" for i in range(60))
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    windows = make_windows(doc, 0, tok.cls_token_id, tok.sep_token_id, 12, 4, True, regions=[(3, 9), (20, 45)])
    covered = np.zeros(len(doc.input_ids), dtype=bool)
    for w in windows:
        assert (3 <= w.start and w.end <= 9) or (20 <= w.start and w.end <= 45)
        covered[w.start:w.end] = True
    assert covered[3:9].all() and covered[20:45].all() and covered.sum() == 6 + 25
    for bad in ([(5, 5)], [(-1, 3)], [(0, len(doc.input_ids) + 1)]):
        with pytest.raises(ValueError, match="region"):
            make_windows(doc, 0, tok.cls_token_id, tok.sep_token_id, 12, 4, True, regions=bad)


@pytest.fixture(scope="module")
def attributor(tmp_path_factory):
    directory = tiny_model_dir(tmp_path_factory.mktemp("focus"), [ARTICLE], quote_threshold=0.0)
    return QuoteAttributor.from_pretrained(directory)


def test_unread_tokens_are_outside_every_span(attributor):
    s = attributor.settings
    doc = tokenize_document(ARTICLE, attributor.tokenizer)
    regions = focus_regions(ARTICLE, doc)
    out = run_tagger(attributor.model, attributor.tokenizer, [doc], s.max_length, s.stride, s.use_casing,
                     with_hidden=True, regions=[regions])[0]
    read = np.zeros(len(doc.input_ids), dtype=bool)
    for a, b in regions:
        read[a:b] = True
    assert 0 < read.sum() < len(read)
    assert (out.probs[~read, LABELS.index("O")] == 1.0).all() and (out.hidden[~read] == 0).all()
    assert (out.hidden[read] != 0).any(axis=1).all()
    focused = plan_windows(attributor.tokenizer, [doc], s.max_length, s.stride, s.use_casing, [regions])
    full = plan_windows(attributor.tokenizer, [doc], s.max_length, s.stride, s.use_casing)
    assert sum(len(w.input_ids) for w in focused) < sum(len(w.input_ids) for w in full)


def test_article_without_marks_never_calls_the_encoder(attributor, monkeypatch):
    calls = []
    original = attributor.model.forward
    monkeypatch.setattr(attributor.model, "forward", lambda *a, **k: calls.append(1) or original(*a, **k))
    result = attributor.attribute("The council met on Monday.\nIt approved the budget.\n")
    assert calls == [] and result.quotes == ()
    attributor.attribute(ARTICLE)
    assert calls


def test_focused_and_full_reading_find_the_same_quotes(attributor):
    full = QuoteAttributor(attributor.model, attributor.tokenizer, attributor.settings, linker=attributor.linker, focus=False)
    focused = attributor.attribute(ARTICLE)
    assert [(q.start, q.end) for q in focused.quotes] == [(q.start, q.end) for q in full.attribute(ARTICLE).quotes]
    assert len(focused.quotes) == 2
