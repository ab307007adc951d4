"""Which parts of an article the tagger has to read to attribute its direct quotes.

A direct quotation lies between quotation marks, and the words that decide
whether the marks hold speech and who spoke them sit in the same paragraph or
close before it. The rest of a news article (narrative, indirect speech) can
only matter through the speakers it names, and the resolver reads those from
the raw text. Reading just the paragraphs around quotation marks therefore
keeps the quotes and their speakers while skipping a large part of the
encoder's work; an article without quotation marks needs no encoder at all.
The accuracy and speed of this trade are measured in RESULTS.md.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .marks import MarkPair, find_mark_pairs
from .tagging import TokenizedDocument

# Non-blank paragraphs read around each paragraph holding quotation marks.
PARAGRAPHS_BEFORE = 1
PARAGRAPHS_AFTER = 0
# Tokens read before each region (a speaker named just before the paragraph), and after it.
TOKENS_BEFORE = 0
TOKENS_AFTER = 0
# Regions closer than this many tokens are read as one (fewer window edges, more context).
MERGE_GAP_TOKENS = 16


def _nonblank_paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def focus_char_regions(
    text: str,
    pairs: Optional[Sequence[MarkPair]] = None,
    before: int = PARAGRAPHS_BEFORE,
    after: int = PARAGRAPHS_AFTER,
) -> list[tuple[int, int]]:
    """Sorted, disjoint character ranges: every paragraph touched by a quotation-mark
    pair, with ``before``/``after`` non-blank paragraphs around it."""
    pairs = find_mark_pairs(text) if pairs is None else pairs
    if not pairs:
        return []
    paragraphs = _nonblank_paragraphs(text)
    starts = np.array([a for a, _ in paragraphs])
    wanted = np.zeros(len(paragraphs), dtype=bool)
    for pair in pairs:
        first = int(np.searchsorted(starts, pair.open, side="right")) - 1
        last_char = pair.close if pair.close is not None else pair.end
        last = int(np.searchsorted(starts, last_char, side="right")) - 1
        wanted[max(0, first - before) : min(len(paragraphs), last + after + 1)] = True
    regions: list[tuple[int, int]] = []
    for k in np.flatnonzero(wanted):
        a, b = paragraphs[k]
        if regions and wanted[k - 1] and k > 0:
            regions[-1] = (regions[-1][0], b)
        else:
            regions.append((a, b))
    return regions


def focus_token_regions(
    doc: TokenizedDocument,
    char_regions: Sequence[tuple[int, int]],
    before: int = TOKENS_BEFORE,
    after: int = TOKENS_AFTER,
    merge_gap: int = MERGE_GAP_TOKENS,
) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the tokens starting inside ``char_regions``, widened
    by ``before``/``after`` tokens; ranges less than ``merge_gap`` tokens apart are joined."""
    starts = doc.offsets[:, 0]
    n = len(starts)
    regions: list[tuple[int, int]] = []
    for a, b in char_regions:
        lo = int(np.searchsorted(starts, a, side="left"))
        hi = int(np.searchsorted(starts, b, side="left"))
        if hi <= lo:
            continue
        lo, hi = max(0, lo - before), min(n, hi + after)
        if regions and lo - regions[-1][1] < merge_gap:
            regions[-1] = (regions[-1][0], max(hi, regions[-1][1]))
        else:
            regions.append((lo, hi))
    return regions


def focus_regions(text: str, doc: TokenizedDocument, pairs: Optional[Sequence[MarkPair]] = None) -> list[tuple[int, int]]:
    """The token ranges the tagger reads for ``text`` under quote-focused reading."""
    return focus_token_regions(doc, focus_char_regions(text, pairs))
