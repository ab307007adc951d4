"""Learned quote-to-speaker linking: a pair scorer over the tagger's own representations.

For each quote, the candidate mentions are the Source spans within a few
paragraphs. Each (quote, candidate) pair is scored by a small network over
the mean encoder vectors of both spans, their product, and position
features (side, distance, paragraph offset, sentence breaks, quotes in
between, a cue nearby). Softmax over a quote's candidates picks its speaker
mention. Trained on PolNeAR's attribution relations (Content -> Source).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from .tagging import LABELS, TokenizedDocument, token_range

PRONOUNS = frozenset("he she it they i we you him her them his its their".split())
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s")
N_FEATURES = 16
LINKER_FILE = "linker.safetensors"
LINKER_CONFIG = "linker.json"
MAX_CANDIDATES = 24


@dataclass(frozen=True)
class LinkerSettings:
    """Shape and candidate window of a pair scorer (saved as linker.json)."""

    hidden_size: int
    inner_size: int = 128
    paragraph_window: int = 2
    n_features: int = N_FEATURES


class DocumentIndex:
    """Paragraph and sentence positions of one text, for cheap pair features."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.sentence_ends = [m.start() for m in _SENTENCE_END.finditer(text)]

    def paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, pos) - 1

    def sentence_breaks(self, a: int, b: int) -> int:
        lo, hi = min(a, b), max(a, b)
        return bisect.bisect_left(self.sentence_ends, hi) - bisect.bisect_left(self.sentence_ends, lo)


def span_vector(doc: TokenizedDocument, hidden: np.ndarray, start: int, end: int) -> np.ndarray:
    """Mean hidden vector of the tokens starting inside ``[start, end)`` (zeros if none)."""
    lo, hi = token_range(doc, start, end)
    if hi <= lo:
        return np.zeros(hidden.shape[1], dtype=np.float32)
    return hidden[lo:hi].astype(np.float32).mean(axis=0)


def source_probability(doc: TokenizedDocument, probs: np.ndarray, start: int, end: int) -> float:
    lo, hi = token_range(doc, start, end)
    if hi <= lo:
        return 0.0
    cols = [LABELS.index("B-SOURCE"), LABELS.index("I-SOURCE")]
    return float(probs[lo:hi, cols].sum(axis=1).mean())


class Cues:
    """A document's Cue spans, sorted, for constant-time-per-pair nearness tests."""

    def __init__(self, cues: Sequence[tuple[int, int]]) -> None:
        self.starts = sorted(c[0] for c in cues)
        self.ends = sorted(c[1] for c in cues)

    def starting_in(self, lo: int, hi: int) -> bool:
        """Some cue starts in [lo, hi]."""
        return bisect.bisect_right(self.starts, hi) > bisect.bisect_left(self.starts, lo)

    def ending_in(self, lo: int, hi: int) -> bool:
        return bisect.bisect_right(self.ends, hi) > bisect.bisect_left(self.ends, lo)


def pair_features(
    index: DocumentIndex,
    quote: tuple[int, int],
    mention: tuple[int, int],
    cues: Cues,
    quote_starts: Sequence[int],
    source_prob: float,
) -> np.ndarray:
    """Position features of one (quote, mention) pair; see N_FEATURES."""
    text = index.text
    before = mention[1] <= quote[0]
    gap = quote[0] - mention[1] if before else max(0, mention[0] - quote[1])
    lo, hi = (mention[1], quote[0]) if before else (quote[1], mention[0])
    delta = index.paragraph(mention[0]) - index.paragraph(quote[0])
    para = np.zeros(5, dtype=np.float32)
    para[max(-2, min(2, delta)) + 2] = 1.0
    between = bisect.bisect_left(quote_starts, hi) - bisect.bisect_right(quote_starts, lo)
    cue_near = cues.starting_in(mention[1] - 40, mention[1] + 40) or cues.ending_in(mention[0] - 40, mention[0] + 40)
    cue_between = hi > lo and cues.starting_in(lo, hi - 1)
    surface = text[mention[0] : mention[1]]
    words = surface.split()
    return np.concatenate([
        np.array([
            float(before), float(not before), math.log1p(gap) / 8.0, min(index.sentence_breaks(lo, hi), 4) / 4.0,
            min(between, 3) / 3.0, float(cue_near), float(cue_between), min(len(words), 8) / 8.0,
            float(surface.lower() in PRONOUNS), float(surface[:1].isupper()), source_prob,
        ], dtype=np.float32),
        para,
    ])


class Candidates:
    """A document's candidate mentions, sorted, searchable by paragraph window."""

    def __init__(self, mentions: Sequence[tuple[int, int]]) -> None:
        self.mentions = sorted(mentions)
        self.starts = [m[0] for m in self.mentions]

    def near(self, index: DocumentIndex, quote: tuple[int, int], window: int) -> list[tuple[int, int]]:
        """Mentions within ``window`` paragraphs of the quote and outside it, nearest first."""
        p = index.paragraph(quote[0])
        starts = index.paragraph_starts
        lo = starts[max(0, p - window)]
        hi = starts[p + window + 1] if p + window + 1 < len(starts) else len(index.text) + 1
        keep = [m for m in self.mentions[bisect.bisect_left(self.starts, lo) : bisect.bisect_left(self.starts, hi)]
                if not (quote[0] <= m[0] < quote[1])]
        keep.sort(key=lambda m: abs((m[0] + m[1]) / 2 - (quote[0] + quote[1]) / 2))
        return keep[:MAX_CANDIDATES]


def build_scorer(settings: LinkerSettings):
    """The pair scorer network: [q, m, q*m, features] -> score."""
    import torch

    return torch.nn.Sequential(
        torch.nn.Linear(3 * settings.hidden_size + settings.n_features, settings.inner_size),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(settings.inner_size, 1),
    )


def pair_inputs(q: np.ndarray, cands: np.ndarray, feats: np.ndarray) -> np.ndarray:
    """Stack scorer inputs for one quote against its candidates."""
    qs = np.repeat(q[None, :], len(cands), axis=0)
    return np.concatenate([qs, cands, qs * cands, feats], axis=1).astype(np.float32)


class Linker:
    """Chooses each quote's speaker mention among candidate Source spans."""

    def __init__(self, scorer: Any, settings: LinkerSettings) -> None:
        self.scorer = scorer.eval()
        self.settings = settings

    def choose(
        self,
        text: str,
        doc: TokenizedDocument,
        probs: np.ndarray,
        hidden: np.ndarray,
        quotes: Sequence[tuple[int, int]],
        mentions: Sequence[tuple[int, int]],
        cues: Sequence[tuple[int, int]],
    ) -> list[Optional[tuple[int, int]]]:
        """The chosen mention (or None when there is no candidate) for every quote."""
        import torch

        index = DocumentIndex(text)
        candidates = Candidates(mentions)
        quote_starts = sorted(q[0] for q in quotes)
        cue_index = Cues(cues)
        # A mention is a candidate of many quotes: its vector and Source probability are computed once.
        mention_vectors: dict[tuple[int, int], np.ndarray] = {}
        mention_probs: dict[tuple[int, int], float] = {}
        rows: list[np.ndarray] = []
        per_quote: list[list[tuple[int, int]]] = []
        for quote in quotes:
            cands = candidates.near(index, quote, self.settings.paragraph_window)
            per_quote.append(cands)
            if not cands:
                continue
            for m in cands:
                if m not in mention_vectors:
                    mention_vectors[m] = span_vector(doc, hidden, *m)
                    mention_probs[m] = source_probability(doc, probs, *m)
            qv = span_vector(doc, hidden, *quote)
            mv = np.stack([mention_vectors[m] for m in cands])
            fv = np.stack([pair_features(index, quote, m, cue_index, quote_starts, mention_probs[m]) for m in cands])
            rows.append(pair_inputs(qv, mv, fv))
        if not rows:
            return [None] * len(quotes)
        with torch.inference_mode():  # one scorer call per document
            scores = self.scorer(torch.from_numpy(np.concatenate(rows))).squeeze(-1).numpy()
        chosen: list[Optional[tuple[int, int]]] = []
        offset = 0
        for cands in per_quote:
            if not cands:
                chosen.append(None)
                continue
            chosen.append(cands[int(scores[offset : offset + len(cands)].argmax())])
            offset += len(cands)
        return chosen

    def save(self, directory: str | Path) -> None:
        from safetensors.torch import save_file

        directory = Path(directory)
        save_file({k: v.detach().cpu().contiguous() for k, v in self.scorer.state_dict().items()}, str(directory / LINKER_FILE))
        (directory / LINKER_CONFIG).write_text(json.dumps(asdict(self.settings), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> Optional["Linker"]:
        """The linker saved in a model folder, or None when the folder has none."""
        from safetensors.torch import load_file

        directory = Path(directory)
        if not (directory / LINKER_FILE).is_file():
            return None
        try:
            settings = LinkerSettings(**json.loads((directory / LINKER_CONFIG).read_text(encoding="utf-8")))
            scorer = build_scorer(settings)
            scorer.load_state_dict(load_file(str(directory / LINKER_FILE)))
        except Exception as exc:  # missing/garbled json, wrong shapes, truncated file
            from .modeling import ModelError

            raise ModelError(f"{directory}: linker cannot be loaded ({type(exc).__name__}: {exc}); retrain it with training.train_linker") from None
        return cls(scorer, settings)
