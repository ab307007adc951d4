"""Quotation-mark scanner: pair opening and closing marks in raw news text.

News text mixes straight, curly, single and double marks, apostrophes that
look like closing single quotes, stray marks from scraped navigation and
quotes that run over several paragraphs. This module pairs the marks by their
typographic direction and by what flanks them; it never raises. It only
proposes candidate quoted spans: deciding which of them are quotations of
speech (and not titles, scare quotes or stray marks) is the model's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

DOUBLE = "double"
SINGLE = "single"
GUILLEMET = "guillemet"

# mark -> (family, may open by its shape, may close by its shape)
_MARKS: dict[str, tuple[str, bool, bool]] = {
    '"': (DOUBLE, True, True),
    "\u201c": (DOUBLE, True, False),  # “
    "\u201d": (DOUBLE, False, True),  # ”
    "\u201e": (DOUBLE, True, False),  # „
    "\u201f": (DOUBLE, True, False),  # ‟
    "\u2033": (DOUBLE, True, True),  # ″ (used as a quote by some sites)
    "'": (SINGLE, True, True),
    "\u2018": (SINGLE, True, False),  # ‘
    "\u2019": (SINGLE, False, True),  # ’ (also the apostrophe)
    "\u201a": (SINGLE, True, False),  # ‚
    "\u201b": (SINGLE, True, False),  # ‛
    "\u00ab": (GUILLEMET, True, False),  # «
    "\u00bb": (GUILLEMET, False, True),  # »
    "\u2039": (GUILLEMET, True, False),  # ‹
    "\u203a": (GUILLEMET, False, True),  # ›
}
QUOTE_MARKS = frozenset(_MARKS)
_OPEN_CONTEXT = set("([{<\u2014\u2013-/:;,") | set(QUOTE_MARKS)
_CLOSE_CONTEXT = set(".,;:!?)]}>\u2014\u2013-/\u2026*") | set(QUOTE_MARKS)


@dataclass(frozen=True)
class MarkPair:
    """A candidate quoted span.

    ``start``/``end`` index the text strictly between the marks, less any
    whitespace just inside them. ``close`` is
    ``None`` for a paragraph of a multi-paragraph quote that is continued by
    the next paragraph's opening mark instead of being closed. Pairs of one
    multi-paragraph quote share ``group``; ``depth`` is 0 for outermost marks.
    """

    open: int
    close: Optional[int]
    start: int
    end: int
    family: str
    depth: int
    group: int


def _is_space(ch: Optional[str]) -> bool:
    return ch is None or ch.isspace()


def _roles(text: str, i: int) -> tuple[bool, bool]:
    """Whether the mark at ``i`` may open and may close a quotation here.

    Curly marks are trusted for their direction but may also act the other way
    when their flanking says so (sites that type “…“); straight marks have no
    direction, so the flanking alone decides.
    """
    ch = text[i]
    _, shape_open, shape_close = _MARKS[ch]
    prev = text[i - 1] if i > 0 else None
    nxt = text[i + 1] if i + 1 < len(text) else None
    if ch in "'\u2019":
        # Apostrophes: Pakistan’s, d’affaires, don't, ’90s.
        if prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum():
            return False, False
        if _is_space(prev) and nxt is not None and nxt.isdigit():
            return False, False
    left = not _is_space(nxt) and (prev is None or prev.isspace() or prev in _OPEN_CONTEXT)
    right = not _is_space(prev) and (nxt is None or nxt.isspace() or nxt in _CLOSE_CONTEXT)
    # A mark with space on both sides ("Hello, " he said) can only close.
    free = _is_space(prev) and _is_space(nxt)
    if shape_open and shape_close:  # straight marks
        glued = not _is_space(prev) and not _is_space(nxt)
        return left, right or glued or free
    if shape_open:
        return not _is_space(nxt), right or free
    return left, not _is_space(prev) or free


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line; news paragraphs are newline separated."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _first_mark(text: str, start: int, end: int) -> Optional[int]:
    i = start
    while i < end and text[i].isspace():
        i += 1
    return i if i < end and text[i] in QUOTE_MARKS else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_mark_pairs(text: str) -> list[MarkPair]:
    """All candidate quoted spans of ``text`` in document order. Never raises."""
    if not isinstance(text, str) or not text:
        return []
    pairs: list[MarkPair] = []
    paragraphs = [p for p in _paragraphs(text) if text[p[0] : p[1]].strip()]
    carried: Optional[tuple[str, int]] = None  # (family, group) continued from the previous paragraph
    next_group = 0
    for index, (p_start, p_end) in enumerate(paragraphs):
        stack: list[tuple[int, str, int]] = []  # (mark index, family, group)
        for i in range(p_start, p_end):
            if text[i] not in QUOTE_MARKS:
                continue
            family = _MARKS[text[i]][0]
            can_open, can_close = _roles(text, i)
            match = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == family), None)
            if can_close and match is not None:
                o, fam, group = stack[match]
                del stack[match:]
                start, end = _trim(text, o + 1, i)
                if end > start:
                    pairs.append(MarkPair(o, i, start, end, fam, match, group))
            elif can_open:
                group = next_group
                if carried is not None and not stack and carried[0] == family and i == _first_mark(text, p_start, p_end):
                    group = carried[1]
                else:
                    next_group += 1
                stack.append((i, family, group))
        carried = None
        if stack:
            o, fam, group = stack[0]
            nxt = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
            reopen = _first_mark(text, *nxt) if nxt else None
            if reopen is not None and _MARKS[text[reopen]][0] == fam and _roles(text, reopen)[0]:
                start, end = _trim(text, o + 1, p_end)
                if end > start:
                    pairs.append(MarkPair(o, None, start, end, fam, 0, group))
                carried = (fam, group)
    pairs.sort(key=lambda p: (p.start, -p.end))
    return pairs


def outer_pairs(pairs: list[MarkPair]) -> list[MarkPair]:
    """The pairs not nested inside another pair: the candidate quotations."""
    return [p for p in pairs if p.depth == 0]
