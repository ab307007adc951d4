"""Training data: documents to labelled windows, with quotation-mark restyling.

Real news mixes straight, curly and single marks. Restyling a document's
marks (one character for one, so every offset still holds) each epoch keeps
the tagger from tying its decisions to one mark style.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence


from quoteattr.gold import GoldDocument, load_gold
from quoteattr.marks import DOUBLE, SINGLE, find_mark_pairs
from quoteattr.tagging import Window, collate, make_windows, token_labels, tokenize_document

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


def model_inputs(windows: Sequence[Window], pad_id: int, size: int = 8) -> Iterator[dict[str, Any]]:
    """Batches of ``windows`` as model keyword tensors without labels: what calibration
    and feed-forward ranking feed the model."""
    import torch

    for k in range(0, len(windows), size):
        arrays = collate(windows[k : k + size], pad_id)
        yield {key: torch.from_numpy(arrays[key]) for key in ("input_ids", "token_type_ids", "attention_mask")}
