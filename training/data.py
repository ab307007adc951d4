"""Training data: documents to labelled windows, with quotation-mark restyling.

Real news mixes straight, curly and single marks. Restyling a document's
marks (one character for one, so every offset still holds) each epoch keeps
the tagger from tying its decisions to one mark style.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from quoteattr.gold import GoldDocument, load_gold
from quoteattr.marks import DOUBLE, SINGLE, find_mark_pairs
from quoteattr.tagging import Window, make_windows, token_labels, tokenize_document

STYLES = ("straight", "curly", "single")
_STRAIGHTEN = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'"})


def restyle_marks(text: str, style: str) -> str:
    """The same text with its quotation marks in another style, offsets unchanged.

    ``straight``: all curly marks become straight; ``curly``: paired marks
    become typographic and straight apostrophes ’; ``single``: outer double
    quotes become single curly ones (British style).
    """
    if style == "straight":
        return text.translate(_STRAIGHTEN)
    chars = list(text)
    for pair in find_mark_pairs(text):
        if pair.close is None and style != "curly":
            continue
        if style == "curly":
            opening, closing = ("\u201c", "\u201d") if pair.family == DOUBLE else ("\u2018", "\u2019")
        elif style == "single" and pair.family == DOUBLE and pair.depth == 0:
            opening, closing = "\u2018", "\u2019"
        else:
            continue
        if pair.family not in (DOUBLE, SINGLE):
            continue
        chars[pair.open] = opening
        if pair.close is not None:
            chars[pair.close] = closing
    if style == "curly":
        for i, ch in enumerate(chars):
            if ch == "'":
                chars[i] = "\u2019"
    return "".join(chars)


def load_documents(path: str | Path, texts_dir: Optional[str] = None, limit: Optional[int] = None) -> list[GoldDocument]:
    """PolNeAR folder or quoteattr gold JSONL as documents with role spans."""
    docs = load_gold(path, texts_dir)
    return docs[:limit] if limit else docs


def labelled_windows(
    docs: Sequence[GoldDocument],
    tokenizer,
    max_length: int,
    stride: int,
    use_casing: bool,
    augmentation: float = 0.0,
    rng: Optional[random.Random] = None,
) -> list[Window]:
    """Tokenize and label every document into windows (augmenting mark styles with probability ``augmentation``)."""
    rng = rng or random.Random(0)
    windows: list[Window] = []
    for i, doc in enumerate(docs):
        text = doc.text
        if augmentation and rng.random() < augmentation:
            text = restyle_marks(text, rng.choice(STYLES))
        tokens = tokenize_document(text, tokenizer)
        labels = token_labels(tokens, doc.role_spans)
        windows.extend(
            make_windows(tokens, i, tokenizer.cls_token_id, tokenizer.sep_token_id, max_length, stride, use_casing, labels)
        )
    return windows


def collate(windows: Sequence[Window], pad_id: int) -> dict[str, np.ndarray]:
    """Pad a batch of windows to its longest member."""
    width = max(len(w.input_ids) for w in windows)
    batch = {
        "input_ids": np.full((len(windows), width), pad_id, dtype=np.int64),
        "token_type_ids": np.zeros((len(windows), width), dtype=np.int64),
        "attention_mask": np.zeros((len(windows), width), dtype=np.int64),
        "labels": np.full((len(windows), width), -100, dtype=np.int64),
    }
    for r, w in enumerate(windows):
        n = len(w.input_ids)
        batch["input_ids"][r, :n] = w.input_ids
        batch["token_type_ids"][r, :n] = w.token_type_ids
        batch["attention_mask"][r, :n] = 1
        if w.labels is not None:
            batch["labels"][r, :n] = w.labels
    return batch
