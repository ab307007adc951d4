"""The no-model floor: every outermost pair of quotation marks is a quote.

Reported beside the model so that its worth is measured against what mark
pairing alone achieves.
"""

from __future__ import annotations

from .marks import find_mark_pairs, outer_pairs
from .types import DocumentResult, Quote


def mark_pair_quotes(text: str, doc_id: str = "") -> DocumentResult:
    """Predict each outermost quotation-mark pair as a quote with no speaker."""
    quotes = tuple(
        Quote(p.start, p.end, text[p.start : p.end], score=1.0) for p in outer_pairs(find_mark_pairs(text))
    )
    return DocumentResult(doc_id, quotes)
