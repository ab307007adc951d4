"""From tagger probabilities to quotes: snap to quotation marks, then link to a speaker mention.

Quote detection keeps a pair of quotation marks when the tagger reads its
inside as attributed Content; that is how titles, scare quotes and stray
marks are rejected. Linking here is the nearest-mention rule over the
tagger's Source spans (same paragraph, closest to the quote's Content span,
else the speaker of a quote continued from the previous paragraph).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from .marks import MarkPair, find_mark_pairs, outer_pairs
from .names import ORGANISATION_WORDS, normalise
from .person_names import TITLES
from .tagging import LABELS, RoleSpan, TokenizedDocument, decode_spans, role_probability
from .truecase import MINOR_WORDS
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
LEADING_FUNCTION_WORDS = frozenset("in of on at for to by with and or from as".split())
_MENTION_BREAK = re.compile("\n")


def tidy_mention(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a mention past edge spaces and punctuation and function words at either
    edge (tagger boundary slips such as "the foreign ministry in", "of Republican")."""
    cut = _MENTION_BREAK.search(text, start, end)
    if cut is not None and cut.start() > start:
        end = cut.start()  # a byline name run on into the next paragraph
    while True:
        old = (start, end)
        while start < end and not (text[start].isalnum() or text[start] in "@#"):
            start += 1
        while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".)"):
            end -= 1
        last = text[start:end].rsplit(None, 1)
        if len(last) == 2 and last[1].lower() in TRAILING_FUNCTION_WORDS:
            end = start + len(last[0])
        first = text[start:end].split(None, 1)
        if len(first) == 2 and first[0].lower() in LEADING_FUNCTION_WORDS:
            start = end - len(first[1])
        if end - start > 3 and text[end - 2] in "'\u2019" and text[end - 1] == "s":
            end -= 2  # "Ivana Trump's" cut before its noun: the name is the owner
        if (start, end) == old:
            return start, end


def _tidy(text: str, span: RoleSpan) -> Optional[RoleSpan]:
    start, end = tidy_mention(text, span.start, span.end)
    return RoleSpan(span.role, start, end, span.score) if end > start and names_someone(text[start:end]) else None


def tidy_output(text: str, spans: Sequence[RoleSpan], linked: Sequence[LinkedQuote]) -> tuple[list[RoleSpan], list[LinkedQuote]]:
    """Source spans and quote mentions as shown to users: without edge punctuation or
    trailing function words. Tagging, linking and span metrics keep the raw spans,
    which follow PolNeAR's conventions (appositive commas included)."""
    tidy_spans = [t for t in ((_tidy(text, s) if s.role == "SOURCE" else s) for s in spans) if t is not None]
    tidy_linked = [
        LinkedQuote(q.pair, q.score, _tidy(text, q.mention) if q.mention else None, q.cue) for q in linked
    ]
    return tidy_spans, tidy_linked


SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?\s|\n")
# A period after these (or after a single capital: "George W. Bush") abbreviates; it ends no sentence.
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm maj st jr sr rev hon pres sec amb "
    "inc corp co ltd vs u.s u.k u.n e.g i.e".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, period: int) -> bool:
    """Whether the period at ``period`` closes an abbreviation rather than a sentence."""
    m = _WORD_BEFORE.search(text, max(0, period - 12), period)
    if m is None:
        return False
    word = m.group(1)
    return (len(word) == 1 and word.isupper()) or word.lower() in ABBREVIATIONS


RECOVER_MIN = 0.03  # lowest B-SOURCE probability a recovered speaker may start with
EXTEND_MIN = 0.05  # lowest I-SOURCE probability that continues it
SIBLING_MIN = 0.1  # lowest Content probability of marks kept beside a quote in the same sentence
RECOVER_TRIES = 3  # likeliest starts tried before a sentence is left without a recovered speaker
CONJUNCTIONS = frozenset({"and", "&"})


class _Inside:
    """Membership test for offsets inside quotation-mark pairs (sorted, disjoint)."""

    def __init__(self, pairs: Sequence[MarkPair]) -> None:
        self.starts = [p.start for p in pairs]
        self.ends = [p.end for p in pairs]

    def __call__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
TITLE_ECHO_CHARS = 2000
# Words that never name a speaker on their own: a Source span made only of these is dropped.
NON_NAMING_WORDS = MINOR_WORDS | frozenset("this that these those".split())


def is_page_title(text: str, pair: MarkPair) -> bool:
    """Marks around a whole line of headline-style text: a page title, not speech.

    The line holds nothing but the marks and their inside, the inside does not
    end a sentence, and it is Title Cased (every word but short function words
    capitalised) or it repeats text found elsewhere in the page (a headline
    echoed by breadcrumbs).
    """
    if pair.close is None:
        return False
    line_start = text.rfind("\n", 0, pair.open) + 1
    line_end = text.find("\n", pair.close)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : pair.open].strip() or text[pair.close + 1 : line_end].strip():
        return False
    inside = text[pair.start : pair.end].rstrip()
    if not inside or inside[-1] in ".!?\"'\u201d\u2019":
        return False
    words = [w for w in _WORD.findall(inside) if w.lower() not in MINOR_WORDS]
    if len(words) < 3:
        return False
    title_case = all(w[:1].isupper() for w in words)
    if title_case:
        return True
    # Echoes sit near the title (breadcrumbs, a headline line): search a bounded
    # neighbourhood so a page of many quoted lines stays linear.
    head = inside[:40]
    near = text[max(0, pair.open - TITLE_ECHO_CHARS) : pair.open] + "\n" + text[pair.end : pair.end + TITLE_ECHO_CHARS]
    return head in near


class _Sentences:
    """Sentence numbers of offsets; sentence ends inside quotation marks do not count,
    so a quote and the words around it share one sentence."""

    def __init__(self, text: str, pairs: Sequence[MarkPair]) -> None:
        self.inside = _Inside(pairs)
        self.breaks = [
            m.end() for m in SENTENCE_END.finditer(text)
            if not self.inside(m.start()) and not (text[m.start()] == "." and _is_abbreviation(text, m.start()))
        ]
        self.length = len(text)

    def index(self, pos: int) -> int:
        return bisect.bisect_right(self.breaks, pos)

    def bounds(self, k: int) -> tuple[int, int]:
        return (self.breaks[k - 1] if k > 0 else 0, self.breaks[k] if k < len(self.breaks) else self.length)


_CONJOINED = re.compile(r"\s+(?:and|&)\s+")
# One lowercase word the tagger left out between two parts of a Source ("Home Secretary James
# Cleverly, who took office just two [days] earlier", "the chair [of] the DNC"); never a verb
# of its own clause ("A panel [overruled] a judge").
_ONE_WORD_GAP = re.compile(r"[ \t]+(?!(?:is|are|was|were|be|been|has|have|had|says|said|told|asked|includes|include)[ \t])[a-z]+(?<!ed)[ \t]+")


def join_conjoined_sources(text: str, spans: Sequence[RoleSpan]) -> list[RoleSpan]:
    """Merge two Source spans joined only by "and"/"&" ("Brazil and Argentina"): one
    conjoined speaker, as PolNeAR annotates it, not two mentions for the linker to split;
    and two parts of one Source split by a single untagged word (``_ONE_WORD_GAP``)."""
    out: list[RoleSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        prev = out[-1] if out else None
        if (prev is not None and span.role == prev.role == "SOURCE"
                and (_CONJOINED.fullmatch(text, prev.end, span.start) is not None
                     or _ONE_WORD_GAP.fullmatch(text, prev.end, span.start) is not None)):
            out[-1] = RoleSpan("SOURCE", prev.start, span.end, (prev.score + span.score) / 2)
            continue
        out.append(span)
    return out


_DATELINE = re.compile(r"[ \t]*[A-Z][A-Z .'/\-]+(?:,[^\n]{0,40}?|\s*\([^)\n]{1,30}\))?\s+[-\u2013\u2014]+\s")


def in_dateline(text: str, pos: int) -> bool:
    """``pos`` lies in a wire dateline opening its paragraph ("FRANKFURT - ", "BUENOS AIRES, March 4 (Wire) - ",
    "NEW YORK (AFP) \u2014 "):
    a place, never a speaker."""
    start = text.rfind("\n", 0, pos) + 1
    m = _DATELINE.match(text, start)
    return m is not None and pos < m.end()


_NEXT_CAPITALISED = re.compile(r" ([A-Z][\w'\u2019-]*)")


def complete_heads(text: str, spans: Sequence[RoleSpan]) -> list[RoleSpan]:
    """Extend a Source span that stops at a capitalised word over following capitalised
    title or organisation nouns ("The Foreign" + "Minister"): the tagger cut the name short
    before its head, and the resolver needs the head to tell a person from an organisation."""
    heads = TITLES | ORGANISATION_WORDS
    cues = _SortedSpans([s for s in spans if s.role == "CUE"])
    out = []
    for span in spans:
        if span.role == "SOURCE":
            end = span.end
            while text[span.start:end][-1:].isalpha() and text[span.start:end].split()[-1][:1].isupper():
                m = _NEXT_CAPITALISED.match(text, end)
                if m is None or normalise(m.group(1)) not in heads or cues.overlapping(m.start(1), m.end(1)):
                    break
                end = m.end(1)
            span = RoleSpan(span.role, span.start, end, span.score) if end != span.end else span
        out.append(span)
    return out


def names_someone(surface: str) -> bool:
    """A Source surface that can name a speaker: some word that is not a function word
    nor a lone letter ("D" cut from "(D-Nev.)"; "I" is a speaker)."""
    return any(w.lower() not in NON_NAMING_WORDS and (len(w) > 1 or w == "I") for w in _WORD.findall(surface))


def recover_sources(
    text: str, doc: TokenizedDocument, probs: np.ndarray, spans: Sequence[RoleSpan], pairs: Sequence[MarkPair],
    quotes: Sequence[MarkPair], sentences: Optional[_Sentences] = None,
) -> list[RoleSpan]:
    """Give every Cue outside quotation marks, in a sentence holding a quote, a Source in that sentence.

    News grammar elides or displaces speakers the tagger then reads with low
    confidence (headline "X agrees to ..., says '...'", a participle "calling
    for" whose subject opens the sentence). When a sentence has a Cue and no
    Source, its most likely Source word (B-SOURCE >= RECOVER_MIN) starts one,
    extended over following words read as I-SOURCE (a conjunction may join
    two names, a title's period its name: "Mr. Trump"). A start whose span
    holds only function words ("The") is passed over for the next likeliest
    (at most RECOVER_TRIES). Only sentences that hold a detected quote are searched, so
    the speaker list does not fill with low-confidence mentions. Source spans
    without a letter, made only of function words (tagger noise: a lone
    "the") or inside a dateline ("FRANKFURT - ") are dropped.
    """
    spans = [s for s in spans if s.role != "SOURCE" or (names_someone(text[s.start : s.end]) and not in_dateline(text, s.start))]
    sentences = sentences or _Sentences(text, pairs)
    inside = sentences.inside
    cues = [s for s in spans if s.role == "CUE" and not inside(s.start)]
    if not cues:
        return list(spans)
    quoted = {sentences.index(q.start) for q in quotes}
    source_starts = sorted(s.start for s in spans if s.role == "SOURCE" and not inside(s.start))
    cue_spans = _SortedSpans(cues)
    words = np.flatnonzero(doc.word_starts)
    if len(words) == 0:
        return list(spans)
    word_end_token = np.append(words[1:], len(doc.input_ids)) - 1
    word_start_chars = doc.offsets[words, 0]
    b_prob = probs[words, LABELS.index("B-SOURCE")]
    i_prob = probs[words, LABELS.index("I-SOURCE")]

    def word_text(w: int) -> str:
        return text[doc.offsets[words[w], 0] : doc.offsets[word_end_token[w], 1]]

    def abbreviated(w: int) -> bool:
        """Word ``w`` is followed by its own abbreviation period ("Mr." of "Mr. Trump")."""
        end = int(doc.offsets[word_end_token[w], 1])
        return end < len(text) and text[end] == "." and _is_abbreviation(text, end)

    added: list[RoleSpan] = []
    done: set[int] = set()
    for cue in cues:
        k = sentences.index(cue.start)
        if k not in quoted:
            continue
        lo, hi = sentences.bounds(k)
        if lo in done or bisect.bisect_left(source_starts, lo) < bisect.bisect_left(source_starts, hi):
            continue
        done.add(lo)
        w0, w1 = np.searchsorted(word_start_chars, [lo, hi])
        usable = [
            w for w in range(w0, w1)
            if not inside(int(word_start_chars[w]))
            and not cue_spans.overlapping(int(word_start_chars[w]), int(word_start_chars[w]) + 1)
            and any(c.isalpha() for c in word_text(w))
            and not in_dateline(text, int(word_start_chars[w]))
        ]
        if not usable:
            continue
        allowed = set(usable)
        for best in sorted(usable, key=lambda w: -b_prob[w])[:RECOVER_TRIES]:
            if b_prob[best] < RECOVER_MIN:
                break
            last, scores = best, [float(b_prob[best])]
            while True:
                nxt = last + 1
                if nxt in allowed and i_prob[nxt] >= EXTEND_MIN:
                    last = nxt
                    scores.append(float(i_prob[nxt]))
                elif (nxt + 1 in allowed and i_prob[nxt + 1] >= EXTEND_MIN
                      and (nxt in allowed and word_text(nxt).lower() in CONJUNCTIONS or abbreviated(last))):
                    last = nxt + 1
                    scores.append(float(i_prob[nxt + 1]))
                else:
                    break
            if not names_someone(" ".join(word_text(w) for w in range(best, last + 1))):
                continue  # a lone "The" names nobody: try the next likeliest start
            start, end = int(doc.offsets[words[best], 0]), int(doc.offsets[word_end_token[last], 1])
            added.append(RoleSpan("SOURCE", start, end, float(np.mean(scores))))
            break
    return sorted(list(spans) + added, key=lambda s: (s.start, s.end))


# What may stand between two coordinated quoted fragments ("“warm” and “open”", "“a”, “b” or “c”").
_COORDINATOR = re.compile(r"[ \t]*(?:,[ \t]*(?:(?:and|or|nor|but)[ \t]+)?|(?:and|or|nor|but)[ \t]+)")


def coordinated_scores(text: str, pairs: Sequence[MarkPair], scores: Sequence[float]) -> list[float]:
    """Each pair's Content score, raised to the highest of its coordinated group.

    Quoted fragments joined only by a comma or a coordinator ("described ties as
    “warm” and “open”") are either all one speaker's words or all scare quotes:
    in PolNeAR train all 57 such neighbouring pairs are labelled alike (48 both
    quoted, 9 both not; dev: 11, all quoted), while the tagger, reading
    one-word fragments, can score them far apart.
    """
    out = list(scores)
    k = 0
    while k < len(pairs):
        j = k
        while (j + 1 < len(pairs) and pairs[j].close is not None
               and _COORDINATOR.fullmatch(text, pairs[j].close + 1, pairs[j + 1].open) is not None):
            j += 1
        best = max(scores[k : j + 1])
        out[k : j + 1] = [best] * (j + 1 - k)
        k = j + 1
    return out


def detect_quotes(
    text: str, doc: TokenizedDocument, probs: np.ndarray, threshold: float, pairs: Optional[Sequence[MarkPair]] = None,
    sentences: Optional[_Sentences] = None,
) -> list[tuple[MarkPair, float]]:
    """Outer quotation-mark pairs whose inside the tagger reads as Content (page titles never).

    A pair below ``threshold`` but above SIBLING_MIN is kept when its sentence
    holds a kept quote: marks beside an attributed quote ("sent “warm” notes,
    calling for “shared resolve”") quote the same speaker far more
    often than they scare-quote. Coordinated pairs are decided together
    (``coordinated_scores``).
    """
    pairs = outer_pairs(find_mark_pairs(text)) if pairs is None else pairs
    sentences = sentences or _Sentences(text, pairs)
    pairs = [p for p in pairs if not is_page_title(text, p)]
    scores = coordinated_scores(text, pairs, [role_probability(doc, probs, "CONTENT", p.start, p.end) for p in pairs])
    keep = [score >= threshold for score in scores]
    if any(keep) and not all(keep):
        quoted = {sentences.index(p.start) for p, k in zip(pairs, keep) if k}
        keep = [k or (score >= SIBLING_MIN and sentences.index(p.start) in quoted) for p, k, score in zip(pairs, keep, scores)]
    return [(p, score) for p, score, k in zip(pairs, scores, keep) if k]


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


_TRAILING_GAP = re.compile(r"[ \t]*")
_TRANSCRIPT_LABEL = re.compile(r"((?:MR\.|MS\.|MRS\.|DR\.)?[ ]?[A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){0,2}):[ \t]")
# Capitalised labels that open quoted posts and notes rather than a speaker's turn.
NOT_SPEAKER_LABELS = frozenset(
    "BREAKING UPDATE UPDATED EXCLUSIVE WATCH NOTE VIDEO PHOTOS PHOTO READ LIVE CORRECTION ALERT WARNING NEW JUST IN".split()
)
_DASH_BYLINE = re.compile(r"[ \t]*[\u2015\u2014\u2013]+[ \t]*")
TRAILING_REACH = 4  # characters allowed between a Source and its cue after a quote
_BYLINE_NAME = re.compile(r"[A-Z][\w'\u2019-]*\.?(?:[ \t]+(?:[A-Z][\w'\u2019-]*\.?|de|da|del|van|von|la|le)){1,5}")


def _byline_name(text: str, pos: int) -> Optional[RoleSpan]:
    """A personal name of two or more capitalised words at ``pos`` (a dash byline the tagger
    did not tag), without a closing full stop."""
    m = _BYLINE_NAME.match(text, pos)
    if m is None:
        return None
    end = m.end() - 1 if text[m.end() - 1] == "." and len(m.group().split()[-1]) > 2 else m.end()
    return RoleSpan("SOURCE", pos, end, 1.0)


def apply_attribution_conventions(text: str, linked: Sequence[LinkedQuote], spans: Sequence[RoleSpan]) -> list[LinkedQuote]:
    """Attribution conventions that name a quote's speaker outright, applied over the linker's
    choice (which sometimes prefers a speaker named in an earlier sentence or turn):

    - a quote whose words run on into an attribution ('"...," chief executive Lena Varga
      told reporters'; '"...?" said the mayor'): the commonest way news attributes a quote;
    - a dash byline after the closing mark ('"..." \u2015 Ana Ruiz');
    - a transcript turn opening with its speaker's label ('"WALLACE: Let's start ...');
    - a paragraph continuing a multi-paragraph quote (the paragraph before left open) keeps
      that quote's speaker unless it names one in its own paragraph.
    """
    sources = sorted((s for s in spans if s.role == "SOURCE"), key=lambda s: s.start)
    cues = sorted((s for s in spans if s.role == "CUE"), key=lambda s: s.start)
    index = _Starts(sources, [s.start for s in sources], cues, [c.start for c in cues])
    out: list[LinkedQuote] = []
    for item in linked:
        item = _named_by_convention(text, item, index)
        previous = out[-1] if out else None
        if previous is not None and previous.pair.group == item.pair.group and previous.pair.close is None:
            p0, p1 = _paragraph_bounds(text, item.pair.start)
            if item.mention is None or not p0 <= item.mention.start < p1:
                item = LinkedQuote(item.pair, item.score, previous.mention, previous.cue)
        out.append(item)
    return out


class _Starts(NamedTuple):
    """Source and Cue spans in text order with their start offsets, for bisection."""

    sources: Sequence[RoleSpan]
    starts: Sequence[int]
    cues: Sequence[RoleSpan]
    cue_starts: Sequence[int]


def _named_by_convention(text: str, item: LinkedQuote, index: _Starts) -> LinkedQuote:
    """``item`` with the speaker a transcript label, dash byline or trailing attribution names."""
    sources, starts, cues, cue_starts = index
    pair = item.pair
    inside = text[pair.start : pair.end].rstrip()
    label = _TRANSCRIPT_LABEL.match(text, pair.start)
    if label is not None and label.group(1) not in NOT_SPEAKER_LABELS:
        # '"WALLACE: Let's start with ...': a transcript names each turn's speaker.
        mention = RoleSpan("SOURCE", label.start(1), label.end(1), 1.0)
        return item if item.mention == mention else LinkedQuote(pair, item.score, mention, None)
    if pair.close is None or not inside:
        return item
    dash = _DASH_BYLINE.match(text, pair.close + 1)
    if dash is not None:
        # '"..." \u2015 Ana Ruiz': a dash byline names the speaker, however the quote ends.
        j = bisect.bisect_left(starts, dash.end())
        byline = sources[j] if j < len(sources) and sources[j].start == dash.end() else _byline_name(text, dash.end())
        return LinkedQuote(pair, item.score, byline, None) if byline is not None and item.mention != byline else item
    if inside[-1] not in ",?!\u2014-":
        return item
    after = _TRAILING_GAP.match(text, pair.close + 1).end()
    k = bisect.bisect_left(cue_starts, after)
    cue_first = cues[k] if k < len(cues) and cues[k].start == after else None
    at = _TRAILING_GAP.match(text, cue_first.end).end() if cue_first else after
    j = bisect.bisect_left(starts, at)
    source = sources[j] if j < len(sources) and sources[j].start == at else None
    if source is not None and cue_first is None:
        m = bisect.bisect_left(cue_starts, source.end)
        cue_first = cues[m] if m < len(cues) and cues[m].start - source.end <= TRAILING_REACH else None
    if source is not None and cue_first is not None and item.mention != source:
        return LinkedQuote(pair, item.score, source, cue_first)
    return item


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
    mark_pairs: Optional[Sequence[MarkPair]] = None,
) -> tuple[list[RoleSpan], list[LinkedQuote]]:
    """Role spans and linked quotes of one document (learned linking when a linker and hidden
    states are given); ``mark_pairs`` is ``find_mark_pairs(text)`` when the caller has it."""
    pairs = outer_pairs(list(find_mark_pairs(text) if mark_pairs is None else mark_pairs))
    sentences = _Sentences(text, pairs)  # shared: one pass over the text for both steps
    quotes = detect_quotes(text, doc, probs, threshold, pairs, sentences)
    spans = complete_heads(text, join_conjoined_sources(text, decode_spans(doc, probs)))
    spans = recover_sources(text, doc, probs, spans, pairs, [p for p, _ in quotes], sentences)
    chosen = None
    if linker is not None and hidden is not None:
        mentions = [(s.start, s.end) for s in spans if s.role == "SOURCE"]
        cues = [(s.start, s.end) for s in spans if s.role == "CUE"]
        chosen = linker.choose(text, doc, probs, hidden, [(p.start, p.end) for p, _ in quotes], mentions, cues)
    return spans, apply_attribution_conventions(text, link_quotes(text, quotes, spans, chosen), spans)
