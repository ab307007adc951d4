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

from .tokenizer import backend_of
from .truecase import truecase

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


def _char_case_flags(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Per character: is a letter, is an upper-case letter (ASCII by table, the rest by ``str``)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    is_alpha = np.zeros(len(codes), dtype=bool)
    is_upper = np.zeros(len(codes), dtype=bool)
    ascii_ = codes < 128
    c = codes[ascii_]
    is_upper[ascii_] = (c >= 65) & (c <= 90)
    is_alpha[ascii_] = is_upper[ascii_] | ((c >= 97) & (c <= 122))
    rest = np.flatnonzero(~ascii_)
    if len(rest):
        uniq, inverse = np.unique(codes[rest], return_inverse=True)
        chars = [chr(int(u)) for u in uniq]
        is_alpha[rest] = np.array([ch.isalpha() for ch in chars])[inverse]
        is_upper[rest] = np.array([ch.isupper() for ch in chars])[inverse]
    return is_alpha, is_upper


def casing_classes(text: str, offsets: np.ndarray) -> np.ndarray:
    """``casing_class`` of every token ``text[a:b]`` at once, without a Python loop."""
    n = len(offsets)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    is_alpha, is_upper = _char_case_flags(text)
    a, b = offsets[:, 0], offsets[:, 1]
    cum_alpha = np.concatenate(([0], np.cumsum(is_alpha)))
    cum_upper = np.concatenate(([0], np.cumsum(is_upper)))
    n_alpha = cum_alpha[b] - cum_alpha[a]
    n_upper = cum_upper[b] - cum_upper[a]
    # Index of the first letter at or after each position (len(text) when none).
    letters = np.append(np.flatnonzero(is_alpha), len(text))  # sentinel: no letter after
    first = letters[np.searchsorted(letters, a)]
    first_upper = (first < b) & np.append(is_upper, False)[first]
    out = np.full(n, CASE_MIXED, dtype=np.int64)
    out[(n_alpha == 0) | (n_upper == 0)] = CASE_OTHER
    out[(n_upper > 0) & (n_alpha > 1) & (n_upper == n_alpha)] = CASE_UPPER
    out[(n_upper == 1) & first_upper & ~((n_alpha > 1) & (n_upper == n_alpha))] = CASE_TITLE
    return out


def _document(text: str, ids: Sequence[int], offsets: Sequence, word_ids: Sequence[Optional[int]]) -> TokenizedDocument:
    ids_ = np.asarray(ids, dtype=np.int64)
    offsets_ = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    word = np.fromiter((-1 if w is None else w for w in word_ids), dtype=np.int64, count=len(ids_))
    starts = np.ones(len(ids_), dtype=bool)
    starts[1:] = (word[1:] < 0) | (word[1:] != word[:-1])
    # Casing is read from the truecased text: a Title Case headline's capitals say nothing about names.
    return TokenizedDocument(ids_, offsets_, starts, casing_classes(truecase(text), offsets_))


def tokenize_documents(texts: Sequence[str], tokenizer) -> list[TokenizedDocument]:
    """Tokenize many texts in one call (the fast tokenizer spreads them over threads);
    needs a fast tokenizer. Lone surrogates (from broken decoding upstream) cannot be
    encoded; each is replaced one-for-one by U+FFFD so offsets still index the caller's
    string."""
    if not texts:
        return []
    clean = [_SURROGATE.sub("\ufffd", t) for t in texts]
    encodings = backend_of(tokenizer).encode_batch(clean, add_special_tokens=False)
    return [_document(t, e.ids, e.offsets, e.word_ids) for t, e in zip(clean, encodings)]


def tokenize_document(text: str, tokenizer) -> TokenizedDocument:
    """One text: see ``tokenize_documents``."""
    return tokenize_documents([text], tokenizer)[0]


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
    regions: Optional[Sequence[tuple[int, int]]] = None,
) -> list[Window]:
    """Cover every token of each region (token ranges ``[start, end)``; default: the whole
    document) with windows of ``max_length`` that overlap by ``stride`` tokens."""
    body = max_length - 2
    if body <= stride:
        raise ValueError(f"max_length {max_length} leaves no room beyond the stride {stride}")
    n = len(doc.input_ids)
    windows = []
    if regions is None:
        regions = [(0, n)]  # an empty document still gets one (empty) window
    else:
        for r_start, r_end in regions:
            if not 0 <= r_start < r_end <= n:
                raise ValueError(f"region {(r_start, r_end)} is not a non-empty range of the document's {n} tokens")
    for r_start, r_end in regions:
        start = r_start
        while True:
            end = min(r_end, start + body)
            ids = np.concatenate(([cls_id], doc.input_ids[start:end], [sep_id]))
            types = np.zeros_like(ids)
            if use_casing:
                types[1:-1] = doc.casing[start:end]
            lab = None
            if labels is not None:
                lab = np.concatenate(([IGNORE], labels[start:end], [IGNORE]))
            windows.append(Window(doc_index, start, end, ids, types, lab))
            if end >= r_end:
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

    def __init__(self, n_tokens: int, width: int, dtype: type = np.float32, fill: Optional[np.ndarray] = None) -> None:
        # Tokens no window covers keep ``fill`` (zeros unless given).
        self.rows = np.zeros((n_tokens, width), dtype=dtype)
        if fill is not None:
            self.rows[:] = fill
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
    """BIO decoding over words (first subwords); an I- after another role starts a span.

    Vectorised: only the words inside spans are visited in Python.
    """
    words = np.flatnonzero(doc.word_starts)
    if len(words) == 0:
        return []
    # A word ends where the next word's first subword begins.
    word_end_token = np.append(words[1:], len(doc.input_ids)) - 1
    pred = probs[words].argmax(axis=1)
    tagged = np.flatnonzero(pred != 0)
    if len(tagged) == 0:
        return []
    label = pred[tagged]
    role = (label - 1) // 2
    inside = (label - 1) % 2 == 1
    # A tagged word continues a span when it is I- of the same role as the word right before it.
    follows = np.zeros(len(tagged), dtype=bool)
    follows[1:] = (tagged[1:] == tagged[:-1] + 1) & (role[1:] == role[:-1])
    first = np.flatnonzero(~(inside & follows))
    last = np.append(first[1:], len(tagged)) - 1
    scores = probs[words[tagged], label].astype(np.float64)
    means = np.add.reduceat(scores, first) / (last - first + 1)
    return [
        RoleSpan(ROLES[int(role[a])], int(doc.offsets[words[tagged[a]], 0]), int(doc.offsets[word_end_token[tagged[b]], 1]), float(m))
        for a, b, m in zip(first, last, means)
    ]


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
