"""Which part of an article the tagger has to read to attribute its direct quotes.

A direct quotation lies between quotation marks, and everything that decides
who said it comes before it or in its own paragraph: the cue, the speaker
mention, and the earlier mentions that a pronoun, a description or a bare
surname resolves to. Text after the paragraph holding the last quotation mark
can change none of these, so the tagger reads each article from its start to
the end of that paragraph; an article without quotation marks needs no
encoder at all. The resolver still sees the whole raw text (fullest names,
organisation names written in the narrative).

A narrower reading (only the paragraphs holding marks and the one before
each) was measured and rejected: the same quotes were found, but about one
quote in six got a different canonical speaker than with every paragraph
read, because the paragraphs naming the speaker in full went unread. The
figures are in RESULTS.md.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .marks import MarkPair, find_mark_pairs
from .tagging import TokenizedDocument


def focus_char_end(text: str, pairs: Optional[Sequence[MarkPair]] = None) -> int:
    """End of the paragraph holding the last quotation mark (0 when the text has none)."""
    pairs = find_mark_pairs(text) if pairs is None else pairs
    if not pairs:
        return 0
    last = max(pair.close if pair.close is not None else pair.end for pair in pairs)
    newline = text.find("\n", last)
    return len(text) if newline < 0 else newline


def focus_regions(text: str, doc: TokenizedDocument, pairs: Optional[Sequence[MarkPair]] = None) -> list[tuple[int, int]]:
    """The token ranges the tagger reads for ``text``: ``[(0, k)]``, the tokens starting
    before :func:`focus_char_end`, or none at all."""
    end = focus_char_end(text, pairs)
    read = int(np.searchsorted(doc.offsets[:, 0], end, side="left")) if len(doc.offsets) else 0
    return [(0, read)] if read > 0 else []
