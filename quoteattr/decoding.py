"""From tagger probabilities to quotes: snap to quotation marks, then link to a speaker mention.

Quote detection keeps a pair of quotation marks when the tagger reads its
inside as attributed Content; that is how titles, scare quotes and stray
marks are rejected. Linking here is the nearest-mention rule over the
tagger's Source spans (same paragraph, closest to the quote's Content span,
else the speaker of a quote continued from the previous paragraph).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from .marks import MarkPair, find_mark_pairs, outer_pairs
from .tagging import RoleSpan, TokenizedDocument, decode_spans, role_probability
from .types import Quote, Span


@dataclass(frozen=True)
class LinkedQuote:
    """A detected quote with its Content span, cue and Source mention (any may be missing)."""

    pair: MarkPair
    score: float
    mention: Optional[RoleSpan]
    cue: Optional[RoleSpan]


def _paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _gap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, max(a0, b0) - min(a1, b1))


TRAILING_FUNCTION_WORDS = frozenset("in of on at for to by with and or from as that who which".split())


def tidy_mention(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a mention past edge spaces and punctuation and trailing function words
    (a tagger boundary slip such as "the foreign ministry in")."""
    while True:
        old = (start, end)
        while start < end and not (text[start].isalnum() or text[start] in "@#"):
            start += 1
        while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
            end -= 1
        last = text[start:end].rsplit(None, 1)
        if len(last) == 2 and last[1].lower() in TRAILING_FUNCTION_WORDS:
            end = start + len(last[0])
        if (start, end) == old:
            return start, end


def _tidy(text: str, span: RoleSpan) -> Optional[RoleSpan]:
    start, end = tidy_mention(text, span.start, span.end)
    return RoleSpan(span.role, start, end, span.score) if end > start else None


def tidy_output(text: str, spans: Sequence[RoleSpan], linked: Sequence[LinkedQuote]) -> tuple[list[RoleSpan], list[LinkedQuote]]:
    """Source spans and quote mentions as shown to users: without edge punctuation or
    trailing function words. Tagging, linking and span metrics keep the raw spans,
    which follow PolNeAR's conventions (appositive commas included)."""
    tidy_spans = [t for t in ((_tidy(text, s) if s.role == "SOURCE" else s) for s in spans) if t is not None]
    tidy_linked = [
        LinkedQuote(q.pair, q.score, _tidy(text, q.mention) if q.mention else None, q.cue) for q in linked
    ]
    return tidy_spans, tidy_linked


def detect_quotes(text: str, doc: TokenizedDocument, probs: np.ndarray, threshold: float) -> list[tuple[MarkPair, float]]:
    """Outer quotation-mark pairs whose inside the tagger reads as Content."""
    kept = []
    for pair in outer_pairs(find_mark_pairs(text)):
        score = role_probability(doc, probs, "CONTENT", pair.start, pair.end)
        if score >= threshold:
            kept.append((pair, score))
    return kept


class _SortedSpans:
    """Disjoint spans of one role in document order, searchable by position."""

    def __init__(self, spans: Sequence[RoleSpan]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.ends = [s.end for s in self.spans]

    def overlapping(self, start: int, end: int) -> list[RoleSpan]:
        return self.spans[bisect.bisect_right(self.ends, start) : bisect.bisect_left(self.starts, end)]

    def starting_in(self, start: int, end: int) -> list[RoleSpan]:
        return self.spans[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]


def link_quotes(
    text: str,
    quotes: Sequence[tuple[MarkPair, float]],
    spans: Sequence[RoleSpan],
    chosen: Optional[Sequence[Optional[tuple[int, int]]]] = None,
) -> list[LinkedQuote]:
    """Attach to each quote a Source mention and the Cue nearest to it.

    ``chosen`` gives the learned linker's mention per quote; without it the
    nearest Source span around the quote's Content span is used.
    """
    contents = _SortedSpans([s for s in spans if s.role == "CONTENT"])
    sources = _SortedSpans([s for s in spans if s.role == "SOURCE"])
    cues = _SortedSpans([s for s in spans if s.role == "CUE"])
    by_offsets = {(s.start, s.end): s for s in sources.spans}
    linked: list[LinkedQuote] = []
    previous: Optional[LinkedQuote] = None
    for k, (pair, score) in enumerate(quotes):
        overlapping = contents.overlapping(pair.start, pair.end)
        region = (min([pair.start] + [c.start for c in overlapping]), max([pair.end] + [c.end for c in overlapping]))
        p0, p1 = _paragraph_bounds(text, pair.start)
        outside = lambda s: not (pair.start <= s.start < pair.end)  # noqa: E731
        if chosen is not None:
            mention = by_offsets.get(chosen[k]) if chosen[k] is not None else None
        else:
            candidates = [s for s in sources.starting_in(p0, p1) if outside(s)]
            mention = min(candidates, key=lambda s: (_gap(s.start, s.end, *region), -s.score), default=None)
        cue_candidates = [c for c in cues.starting_in(p0, p1) if outside(c)]
        anchor = (mention.start, mention.end) if mention else region
        cue = min(cue_candidates, key=lambda c: _gap(c.start, c.end, *anchor) + _gap(c.start, c.end, *region), default=None)
        if mention is None and previous is not None and (previous.pair.group == pair.group or previous.pair.close is None):
            mention, cue = previous.mention, previous.cue
        item = LinkedQuote(pair, score, mention, cue)
        linked.append(item)
        previous = item
    return linked


def to_quotes(text: str, linked: Sequence[LinkedQuote], speaker_of: Optional[dict] = None) -> tuple[Quote, ...]:
    """Result objects; ``speaker_of`` maps a mention's (start, end) to its canonical name."""
    out = []
    for item in linked:
        mention = Span.from_text(text, item.mention.start, item.mention.end) if item.mention else None
        cue = Span.from_text(text, item.cue.start, item.cue.end) if item.cue else None
        speaker = None
        if mention is not None:
            speaker = (speaker_of or {}).get((mention.start, mention.end), mention.text)
        out.append(Quote(item.pair.start, item.pair.end, text[item.pair.start : item.pair.end], speaker, mention, cue, round(item.score, 4)))
    return tuple(out)


def decode_document(
    text: str,
    doc: TokenizedDocument,
    probs: np.ndarray,
    threshold: float,
    linker: Optional[Any] = None,
    hidden: Optional[np.ndarray] = None,
) -> tuple[list[RoleSpan], list[LinkedQuote]]:
    """Role spans and linked quotes of one document (learned linking when a linker and hidden states are given)."""
    spans = decode_spans(doc, probs)
    quotes = detect_quotes(text, doc, probs, threshold)
    chosen = None
    if linker is not None and hidden is not None:
        mentions = [(s.start, s.end) for s in spans if s.role == "SOURCE"]
        cues = [(s.start, s.end) for s in spans if s.role == "CUE"]
        chosen = linker.choose(text, doc, probs, hidden, [(p.start, p.end) for p, _ in quotes], mentions, cues)
    return spans, link_quotes(text, quotes, spans, chosen)
