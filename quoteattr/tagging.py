"""Character spans <-> token labels, overlapping windows and the casing signal.

The tagger reads whole articles through overlapping windows so nothing is
truncated away. Labels are BIO over Source, Cue and Content, put on each
word's first subword (other subwords get -100, as in transformers'
run_ner.py). The backbone is uncased, so each token's capitalisation pattern
is passed as its ``token_type_id`` (an embedding the model learns), giving
back the signal that distinguishes names from common words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

import numpy as np

ROLES = ("SOURCE", "CUE", "CONTENT")
LABELS = ("O",) + tuple(f"{p}-{r}" for r in ROLES for p in ("B", "I"))
BRAT_ROLE = {"Source": "SOURCE", "Cue": "CUE", "Content": "CONTENT"}
IGNORE = -100

# Casing classes carried as token_type_ids.
CASE_OTHER, CASE_TITLE, CASE_UPPER, CASE_MIXED = 0, 1, 2, 3
NUM_CASING_TYPES = 4


@lru_cache(maxsize=65536)
def casing_class(piece: str) -> int:
    """Capitalisation pattern of a token's original characters (cached: news reuses its words)."""
    letters = [c for c in piece if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return CASE_OTHER
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return CASE_UPPER
    if letters[0].isupper() and not any(c.isupper() for c in letters[1:]):
        return CASE_TITLE
    return CASE_MIXED


@dataclass
class TokenizedDocument:
    """A whole document tokenized once, without special tokens."""

    input_ids: np.ndarray  # (n,)
    offsets: np.ndarray  # (n, 2) character offsets into the original text
    word_starts: np.ndarray  # (n,) bool: first subword of a word
    casing: np.ndarray  # (n,) casing class per token


_SURROGATE = re.compile("[\ud800-\udfff]")


def tokenize_document(text: str, tokenizer) -> TokenizedDocument:
    """Tokenize ``text`` with offsets; needs a fast tokenizer.

    Lone surrogates (from broken decoding upstream) cannot be encoded by the
    tokenizer; each is replaced one-for-one by U+FFFD so offsets still index
    the caller's string.
    """
    text = _SURROGATE.sub("\ufffd", text)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids = np.asarray(enc["input_ids"], dtype=np.int64)
    offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    word_ids = np.fromiter((-1 if w is None else w for w in enc.word_ids()), dtype=np.int64, count=len(ids))
    starts = np.ones(len(ids), dtype=bool)
    starts[1:] = (word_ids[1:] < 0) | (word_ids[1:] != word_ids[:-1])
    casing = np.fromiter((casing_class(text[a:b]) for a, b in offsets), dtype=np.int64, count=len(ids))
    return TokenizedDocument(ids, offsets, starts, casing)


def token_labels(doc: TokenizedDocument, spans: Sequence[tuple[str, int, int]]) -> np.ndarray:
    """BIO label ids for each token from ``(brat role, start, end)`` character spans.

    A word takes the role of the span covering its first character; the first
    word of each span is B-, later ones I-; non-initial subwords are ignored.
    """
    label_index = {name: i for i, name in enumerate(LABELS)}
    n = len(doc.input_ids)
    labels = np.zeros(n, dtype=np.int64)
    if n == 0:
        return labels
    end_char = int(doc.offsets[:, 1].max()) + 1
    owner = np.full(end_char, -1, dtype=np.int64)
    roles: list[str] = []
    for k, (role, start, end) in enumerate(spans):
        if role not in BRAT_ROLE:
            continue
        owner[max(0, start) : min(end, end_char)] = len(roles)
        roles.append(BRAT_ROLE[role])
    span_of = owner[np.minimum(doc.offsets[:, 0], end_char - 1)]
    prev_span = -1
    for i in range(n):
        if not doc.word_starts[i]:
            labels[i] = IGNORE
            continue
        s = int(span_of[i])
        if s < 0:
            labels[i] = 0
        else:
            prefix = "I" if s == prev_span else "B"
            labels[i] = label_index[f"{prefix}-{roles[s]}"]
        prev_span = s
    return labels


@dataclass
class Window:
    """One model input: doc tokens ``[start, end)`` wrapped in [CLS] ... [SEP]."""

    doc_index: int
    start: int
    end: int
    input_ids: np.ndarray
    token_type_ids: np.ndarray
    labels: Optional[np.ndarray] = None


def make_windows(
    doc: TokenizedDocument,
    doc_index: int,
    cls_id: int,
    sep_id: int,
    max_length: int,
    stride: int,
    use_casing: bool,
    labels: Optional[np.ndarray] = None,
) -> list[Window]:
    """Cover every token with windows of ``max_length`` that overlap by ``stride`` tokens."""
    body = max_length - 2
    if body <= stride:
        raise ValueError(f"max_length {max_length} leaves no room beyond the stride {stride}")
    n = len(doc.input_ids)
    windows = []
    start = 0
    while True:
        end = min(n, start + body)
        ids = np.concatenate(([cls_id], doc.input_ids[start:end], [sep_id]))
        types = np.zeros_like(ids)
        if use_casing:
            types[1:-1] = doc.casing[start:end]
        lab = None
        if labels is not None:
            lab = np.concatenate(([IGNORE], labels[start:end], [IGNORE]))
        windows.append(Window(doc_index, start, end, ids, types, lab))
        if end >= n:
            break
        start = end - stride
    return windows


def collate(windows: Sequence[Window], pad_id: int) -> dict[str, np.ndarray]:
    """Pad a batch of windows to its longest member (labels -100 where absent or padded)."""
    width = max(len(w.input_ids) for w in windows)
    batch = {
        "input_ids": np.full((len(windows), width), pad_id, dtype=np.int64),
        "token_type_ids": np.zeros((len(windows), width), dtype=np.int64),
        "attention_mask": np.zeros((len(windows), width), dtype=np.int64),
        "labels": np.full((len(windows), width), IGNORE, dtype=np.int64),
    }
    for r, w in enumerate(windows):
        n = len(w.input_ids)
        batch["input_ids"][r, :n] = w.input_ids
        batch["token_type_ids"][r, :n] = w.token_type_ids
        batch["attention_mask"][r, :n] = 1
        if w.labels is not None:
            batch["labels"][r, :n] = w.labels
    return batch


class WindowMerger:
    """Per-token rows of one document assembled window by window, each token taken from
    the window where it has the most context on both sides (the earlier window on a
    tie). Windows may arrive in any order with the same result and are not kept, so a
    long document needs only its own rows in memory."""

    def __init__(self, n_tokens: int, width: int, dtype: type = np.float32) -> None:
        self.rows = np.zeros((n_tokens, width), dtype=dtype)
        self.best = np.full(n_tokens, -1, dtype=np.int64)
        self.best_start = np.full(n_tokens, np.iinfo(np.int64).max, dtype=np.int64)

    def add(self, window: Window, rows: np.ndarray) -> None:
        """``rows`` are the window's outputs including [CLS] at 0."""
        idx = np.arange(window.start, window.end)
        context = np.minimum(idx - window.start, window.end - 1 - idx)
        best = self.best[idx]
        better = (context > best) | ((context == best) & (window.start < self.best_start[idx]))
        self.rows[idx[better]] = rows[1 : 1 + (window.end - window.start)][better]
        self.best[idx[better]] = context[better]
        self.best_start[idx[better]] = window.start


@dataclass(frozen=True)
class RoleSpan:
    """A decoded Source/Cue/Content span with its mean word probability."""

    role: str
    start: int
    end: int
    score: float


def decode_spans(doc: TokenizedDocument, probs: np.ndarray) -> list[RoleSpan]:
    """BIO decoding over words (first subwords); an I- after another role starts a span."""
    words = np.flatnonzero(doc.word_starts)
    if len(words) == 0:
        return []
    # A word ends where the next word's first subword begins.
    word_end_token = np.append(words[1:], len(doc.input_ids)) - 1
    pred = probs[words].argmax(axis=1)
    spans: list[RoleSpan] = []
    current: Optional[list] = None  # [role, start, end, [scores]]
    for k, w in enumerate(words):
        label = LABELS[int(pred[k])]
        start, end = int(doc.offsets[w, 0]), int(doc.offsets[word_end_token[k], 1])
        if label == "O":
            if current:
                spans.append(RoleSpan(current[0], current[1], current[2], float(np.mean(current[3]))))
            current = None
            continue
        prefix, role = label.split("-", 1)
        score = float(probs[w, int(pred[k])])
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


def token_range(doc: TokenizedDocument, start: int, end: int) -> tuple[int, int]:
    """Indices ``[lo, hi)`` of the tokens starting inside ``[start, end)`` (offsets are sorted)."""
    lo = int(np.searchsorted(doc.offsets[:, 0], start, side="left"))
    hi = int(np.searchsorted(doc.offsets[:, 0], end, side="left"))
    return lo, hi


def role_probability(doc: TokenizedDocument, probs: np.ndarray, role: str, start: int, end: int) -> float:
    """Mean probability that the words starting inside ``[start, end)`` have ``role``."""
    cols = [LABELS.index(f"B-{role}"), LABELS.index(f"I-{role}")]
    lo, hi = token_range(doc, start, end)
    words = lo + np.flatnonzero(doc.word_starts[lo:hi])
    if len(words) == 0:
        return 0.0
    return float(probs[np.ix_(words, cols)].sum(axis=1).mean())
