"""Span/label alignment, windows that never truncate, and window merging."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from quoteattr.tagging import (
    CASE_MIXED, CASE_OTHER, CASE_TITLE, CASE_UPPER, IGNORE, LABELS, RoleSpan, casing_class, casing_classes, decode_spans,
    make_windows, WindowMerger, token_labels, tokenize_document,
)

from .conftest import tiny_tokenizer


def test_casing_classes():
    assert [casing_class(s) for s in ["said", "Smith", "NATO", "McDonald", "2024", "I"]] == [
        CASE_OTHER, CASE_TITLE, CASE_UPPER, CASE_MIXED, CASE_OTHER, CASE_TITLE]


def test_labels_follow_character_spans():
    text = '"We will win," Maria Lopez said.'
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    spans = [("Content", 1, 13), ("Source", 15, 26), ("Cue", 27, 31)]
    labels = token_labels(doc, spans)
    words = [(text[a:b], LABELS[l] if l != IGNORE else None) for (a, b), l in zip(doc.offsets, labels)]
    assert words == [('"', "O"), ("We", "B-CONTENT"), ("will", "I-CONTENT"), ("win", "I-CONTENT"), (",", "I-CONTENT"),
                     ('"', "O"), ("Maria", "B-SOURCE"), ("Lopez", "I-SOURCE"), ("said", "B-CUE"), (".", "O")]


def test_subwords_after_the_first_are_ignored():
    text = "Vandermolen spoke"
    tok = tiny_tokenizer(["spoke"] + list("vandermolen"))  # no whole-word entry: the name splits into pieces
    doc = tokenize_document(text, tok)
    labels = token_labels(doc, [("Source", 0, 11)])
    assert labels[0] == LABELS.index("B-SOURCE")
    assert (labels[1:-1] == IGNORE).all() and labels[-1] == 0


def test_windows_cover_every_token_and_merge_by_context():
    text = " ".join(f"w{i}" for i in range(100))
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    windows = make_windows(doc, 0, tok.cls_token_id, tok.sep_token_id, max_length=20, stride=6, use_casing=True)
    covered = np.zeros(len(doc.input_ids), dtype=bool)
    for w in windows:
        assert len(w.input_ids) <= 20 and w.input_ids[0] == tok.cls_token_id and w.input_ids[-1] == tok.sep_token_id
        covered[w.start:w.end] = True
    assert covered.all()
    # Each window votes its own index; a token must take the window where it is most central.
    probs = []
    for k, w in enumerate(windows):
        p = np.zeros((len(w.input_ids), len(LABELS)), dtype=np.float32)
        p[:, k % len(LABELS)] = 1
        probs.append(p)
    merger = WindowMerger(len(doc.input_ids), probs[0].shape[-1])
    for w, p in reversed(list(zip(windows, probs))):  # any order gives the same rows
        merger.add(w, p)
    merged = merger.rows
    in_order = WindowMerger(len(doc.input_ids), probs[0].shape[-1])
    for w, p in zip(windows, probs):
        in_order.add(w, p)
    assert (in_order.rows == merged).all()
    assert merged.sum(axis=1).min() == 1.0
    middle = (windows[1].start + windows[1].end) // 2
    assert merged[middle].argmax() == 1 % len(LABELS)


def test_decode_spans_from_probabilities():
    text = "Maria Lopez said it"
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    probs = np.zeros((len(doc.input_ids), len(LABELS)), dtype=np.float32)
    for i, label in enumerate(["B-SOURCE", "I-SOURCE", "B-CUE", "O"]):
        probs[i, LABELS.index(label)] = 1.0
    spans = decode_spans(doc, probs)
    assert [(s.role, text[s.start:s.end]) for s in spans] == [("SOURCE", "Maria Lopez"), ("CUE", "said")]


# --- vectorised paths agree with the plain definitions ---------------------------------


@given(st.text(max_size=80), st.lists(st.tuples(st.integers(0, 80), st.integers(0, 6)), max_size=20))
@settings(max_examples=200, deadline=None)
def test_casing_classes_match_casing_class(text, cuts):
    offsets = np.array([(min(a, len(text)), min(a + w, len(text))) for a, w in cuts], dtype=np.int64).reshape(-1, 2)
    expected = [casing_class(text[a:b]) for a, b in offsets]
    assert casing_classes(text, offsets).tolist() == expected


def _reference_decode(doc, probs):
    """The plain loop over words that decode_spans vectorises."""
    words = np.flatnonzero(doc.word_starts)
    ends = np.append(words[1:], len(doc.input_ids)) - 1
    spans, current = [], None
    for k, w in enumerate(words):
        label = LABELS[int(probs[w].argmax())]
        start, end = int(doc.offsets[w, 0]), int(doc.offsets[ends[k], 1])
        if label == "O":
            if current:
                spans.append(RoleSpan(current[0], current[1], current[2], float(np.mean(current[3]))))
            current = None
            continue
        prefix, role = label.split("-", 1)
        score = float(probs[w].max())
        if current is not None and prefix == "I" and current[0] == role:
            current[2] = end
            current[3].append(score)
        else:
            if current:
                spans.append(RoleSpan(current[0], current[1], current[2], float(np.mean(current[3]))))
            current = [role, start, end, [score]]
    if current:
        spans.append(RoleSpan(current[0], current[1], current[2], float(np.mean(current[3]))))
    return spans


@given(st.lists(st.integers(0, len(LABELS) - 1), min_size=1, max_size=12), st.integers(0, 2**31 - 1))
@settings(max_examples=150, deadline=None)
def test_decode_spans_matches_the_plain_loop(labels, seed):
    text = " ".join(f"word{i}" for i in range(len(labels)))
    tok = tiny_tokenizer([text])
    doc = tokenize_document(text, tok)
    rng = np.random.default_rng(seed)
    probs = rng.random((len(doc.input_ids), len(LABELS))).astype(np.float32) * 0.5
    for i, label in enumerate(labels):
        probs[i, label] = 0.6 + 0.4 * rng.random()
    got, want = decode_spans(doc, probs), _reference_decode(doc, probs)
    assert [(s.role, s.start, s.end) for s in got] == [(s.role, s.start, s.end) for s in want]
    assert np.allclose([s.score for s in got], [s.score for s in want])
