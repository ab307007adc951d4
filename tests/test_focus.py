"""Quote-focused reading: the tagger reads each article up to its last quotation, and the rest is really skipped."""

from __future__ import annotations

import numpy as np
import pytest

from quoteattr.focus import focus_char_end, focus_regions
from quoteattr.inference import plan_windows, run_tagger
from quoteattr.pipeline import QuoteAttributor
from quoteattr.tagging import LABELS, make_windows, tokenize_document

from .conftest import tiny_model_dir, tiny_tokenizer

ARTICLE = (
    "Rain fell across the region overnight.\n"  # 0: narrative
    "\n"
    "Mayor Ana Ruiz visited the flooded streets.\n"  # 1: names the later speaker in full
    '"We will rebuild," she said.\n'  # 2: a quote
    "Roads stayed closed until noon.\n"  # 3: narrative
    '"They worked all night," the chief said.\n'  # 4: the last quote
    "Schools reopened on Tuesday.\n"  # 5: narrative after the last quote
    "Officials praised the volunteers.\n"  # 6: narrative after the last quote
)


def test_reading_ends_with_the_paragraph_of_the_last_quotation():
    end = focus_char_end(ARTICLE)
    assert ARTICLE[:end].endswith('the chief said.') and ARTICLE[end] == "\n"
    assert focus_char_end('Intro.\n"Yes," she said') == len('Intro.\n"Yes," she said')  # no final newline


def test_no_quotation_marks_means_nothing_to_read():
    assert focus_char_end("No quotes here.\nNor here, isn't it?\n") == 0
    assert focus_char_end("") == 0
    text = "No quotes here.\n"
    assert focus_regions(text, tokenize_document(text, tiny_tokenizer([text]))) == []


def test_multi_paragraph_quote_is_read_to_its_last_paragraph():
    text = 'Intro line.\n"First part of it,\n"second part," he said.\nAfter.\n'
    assert text[: focus_char_end(text)].endswith('he said.')


def test_token_region_covers_every_token_before_the_end():
    tok = tiny_tokenizer([ARTICLE])
    doc = tokenize_document(ARTICLE, tok)
    [(start, stop)] = focus_regions(ARTICLE, doc)
    end = focus_char_end(ARTICLE)
    assert start == 0 and (doc.offsets[:stop, 0] < end).all() and (doc.offsets[stop:, 0] >= end).all()


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
