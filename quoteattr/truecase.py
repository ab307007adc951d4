"""Headline truecasing: the capitals a Title Case line would have in running text.

News pages write headlines, decks and captions in Title Case ("Airline Cancels
Flights After Pilots Strike, Says ..."), where a capital letter says nothing
about a name. The tagger reads capitalisation as a name signal and the
resolver tells names from descriptions by it, so in such a line both would
take "Pilots" for a named speaker. The article's own running text says how
each word is really written: a word it writes capitalised inside a sentence
keeps its capital ("Nordic Air", "Transport Minister"), any other word of the
line is lowered. A line only counts as Title Case when at least two of its
capitalised words appear in lower case elsewhere, so a line of names is left
alone. The result has the text's length and differs only in letter case, so
every offset still holds. The tagger (``tagging``) reads its casing signal
from it, and the resolver (``speakers``) its capitals; outputs show the
text as given.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # hyphenated and apostrophe-joined words whole
_PART = re.compile(r"[^\W\d_]+")  # ... and each of their parts
_LOWER_WORD = re.compile(r"(?<![^\W\d_])[a-z]+")
_LINE = re.compile(r"[^\n]+")
_NEXT_CAPITALISED = re.compile(r"[ \t]+[^\W\d_a-z]")
MIN_LOWERED = 2  # capitalised words of a headline that the text also writes in lower case
# Short function words a headline may leave in lower case (also decoding's page-title test).
MINOR_WORDS = frozenset("a an the and or but nor of in on at to for by with from as vs via into over".split())
MIN_TITLE_WORDS = 4  # capitalised non-minor words: fewer is a name or a short label, not a headline
MAX_TITLE_WORDS = 30  # longer lines are running text, however many names they hold
TITLE_SHARE = 0.8  # share of non-minor words capitalised (a headline may carry a lower-case label: "date ...")
_SENTENCE_OPENERS = frozenset(".!?:\"'\u201c\u2018(\u2014\u2013-")


def is_title_case_line(line: str) -> bool:
    """A headline-length line in which (almost) every word but short function words starts with a capital."""
    every = _WORD.findall(line)
    words = [w for w in every if w.lower() not in MINOR_WORDS]
    upper = [w for w in words if w[:1].isupper()]
    return (len(every) <= MAX_TITLE_WORDS and len(upper) >= MIN_TITLE_WORDS and len(upper) >= TITLE_SHARE * len(words)
            and not all(w.isupper() for w in upper))


def _opens_sentence(text: str, pos: int) -> bool:
    """The word at ``pos`` starts its line or follows sentence punctuation (capitalised for that reason alone)."""
    k = pos - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k < 0 or text[k] == "\n" or text[k] in _SENTENCE_OPENERS


@lru_cache(maxsize=64)  # the tagger and then the resolver ask for each of a chunk's documents (pipeline.DOCS_PER_CHUNK)
def truecase(text: str) -> str:
    """``text`` with its Title Case lines written as its running text writes each word."""
    # Only lines short enough to be a headline are read word by word.
    titled = [(m.start(), m.end()) for m in _LINE.finditer(text)
              if m.group().count(" ") < MAX_TITLE_WORDS + 10 and is_title_case_line(m.group())]
    if titled:
        # A line of names ("Port Minister Ana Ruiz spoke.") is no headline: a headline
        # capitalises common words that the running text writes in lower case.
        lower = set(_LOWER_WORD.findall(text))
        titled = [(a, b) for a, b in titled
                  if sum(m.group()[:1].isupper() and m.group().lower() in lower for m in _PART.finditer(text, a, b)) >= MIN_LOWERED]
    if not titled:
        return text
    # Capitalised words of those lines (each hyphenated or apostrophe-joined part alone) ...
    candidates = {m.group() for a, b in titled for m in _PART.finditer(text, a, b)
                  if m.group()[:1].isupper() and not (len(m.group()) > 1 and m.group().isupper())}
    if not candidates:
        return text
    # ... that the running text also capitalises where no sentence starts them.
    starts = [a for a, _ in titled]
    pattern = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, sorted(candidates, key=len, reverse=True))) + r")(?![^\W\d_])")
    capitalised: set[str] = set()
    for m in pattern.finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < titled[k][1]:
            continue
        if not _opens_sentence(text, m.start()) or _NEXT_CAPITALISED.match(text, m.end()):
            # A sentence's first word counts when a capitalised word follows ("Health Minister Anne Kowalski").
            capitalised.add(m.group())
    chars = list(text)
    for a, b in titled:
        for m in _PART.finditer(text, a, b):
            part = m.group()
            if part in candidates and part not in capitalised:
                lower = part[0].lower()
                if len(lower) == 1:
                    chars[m.start()] = lower
    return "".join(chars)
