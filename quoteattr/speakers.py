"""Resolve speaker mentions to one canonical speaker per document.

Mentions are the tagger's Source spans. Named mentions are clustered (a
surname joins the fullest name that ends with it, spelling variants within a
small edit distance join too, organisations match across possessive and
adjectival forms); pronouns and descriptions take the nearest compatible
earlier speaker. Only general English news conventions are used: titles,
pronouns, determiners.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from .names import ORGANISATION_WORDS, normalise
from .tagging import RoleSpan
from .types import Span, Speaker

PERSON_PRONOUNS = frozenset("he she him his her himself herself".split())
THING_PRONOUNS = frozenset("it its itself".split())
PLURAL_PRONOUNS = frozenset("they them their themselves".split())
FIRST_SECOND = frozenset("i me my we us our you your".split())
DETERMINERS = frozenset("the a an this that these those".split())
# Role words that precede a person's name or stand for a person.
TITLES = frozenset(
    """minister president secretary spokesperson spokesman spokeswoman senator governor chairman chairwoman
    chair director chief leader ambassador envoy diplomat official officials mayor premier chancellor king queen
    prince general commander judge justice candidate nominee rep representative sen gov mr mrs ms dr prof professor
    counterpart adviser advisor aide deputy head manager ceo founder analyst lawyer attorney dean sheriff captain
    colonel lieutenant sergeant officer mp lawmaker legislator speaker""".split()
)
_WORD = re.compile(r"[\w][\w'\u2019.\-]*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def same_word(a: str, b: str) -> bool:
    """Equal, a prefix form (Iran/Iranian, Pakistan/Pakistani) or a near-spelling of a long word."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True
    return min(len(a), len(b)) >= 7 and _edit_distance(a, b, 2) <= 2


def _person_name(text: str) -> Optional[str]:
    """The personal name inside a mention (after any title), or None."""
    words = _words(text)
    if not words or any(normalise(w) in ORGANISATION_WORDS for w in words):
        return None
    # Keep the trailing run of capitalised words that follows the last title word.
    tail: list[str] = []
    for w in reversed(words):
        key = normalise(w)
        if key in TITLES or not w[:1].isupper() or key in DETERMINERS:
            break
        tail.append(w)
    tail.reverse()
    # A possessive country before a title ("Iran's Foreign Minister X") is not part of the name.
    tail = [w for w in tail if not re.search(r"['\u2019]s$", w)]
    if not tail:
        return None
    titled = len(tail) < len(words)
    return " ".join(tail) if len(tail) >= 2 or titled else None


@dataclass
class _Cluster:
    name: str
    kind: str
    key_words: list[str]
    mentions: list[Span] = field(default_factory=list)


def content_words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in DETERMINERS and w not in {"of", "and", "in", "for", "on"}]


def _mention_kind(text: str) -> str:
    words = normalise(text).split()
    if not words:
        return "other"
    if len(words) == 1 and words[0] in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS | FIRST_SECOND:
        return "pronoun"
    raw = [w for w in _words(text) if normalise(w) not in DETERMINERS]
    if not any(w[:1].isupper() for w in raw):
        return "description"
    return "named"


def same_organisation(a: list[str], b: list[str]) -> bool:
    """Organisation names (content words) match when the shorter one's words all
    appear (loosely) in the longer one, and they share either two words or their head."""
    small, big = sorted((a, b), key=len)
    if not small or not all(any(same_word(s, b) for b in big) for s in small):
        return False
    return len(small) >= 2 or same_word(small[-1], big[-1])


def resolve_speakers(
    text: str, spans: Sequence[RoleSpan], linked_mentions: Sequence[RoleSpan]
) -> tuple[dict[tuple[int, int], str], tuple[Speaker, ...]]:
    """Map each mention's (start, end) to a canonical name; return the document's speakers."""
    mentions = sorted({(s.start, s.end) for s in spans if s.role == "SOURCE"} | {(m.start, m.end) for m in linked_mentions})
    clusters: list[_Cluster] = []
    owner: dict[tuple[int, int], _Cluster] = {}
    pending: list[tuple[int, int]] = []
    named: list[tuple[tuple[int, int], Optional[str]]] = []
    for start, end in mentions:
        if _mention_kind(text[start:end]) == "named":
            named.append(((start, end), _person_name(text[start:end])))
        else:
            pending.append((start, end))
    # Full personal names first, so that a bare surname can join the fullest name.
    named.sort(key=lambda item: (item[1] is None, item[0]))
    for (start, end), person in named:
        surface = text[start:end]
        words = content_words(surface)
        if person is None and words and len(surface.split()) == 1:
            surname_of = next((c for c in clusters if c.kind == "person" and same_word(c.key_words[-1], words[-1])), None)
            if surname_of is not None:
                person = surname_of.name
        if person is not None:
            surname = normalise(person).split()[-1]
            match = next((c for c in clusters if c.kind == "person" and same_word(c.key_words[-1], surname)), None)
            if match is None:
                match = _Cluster(person, "person", normalise(person).split())
                clusters.append(match)
            elif len(person.split()) > len(match.name.split()):
                match.name, match.key_words = person, normalise(person).split()
        else:
            tokens = surface.split()
            name = " ".join(tokens[1:] if tokens and normalise(tokens[0]) in DETERMINERS else tokens)
            words = content_words(name)
            match = next((c for c in clusters if c.kind == "organisation" and same_organisation(c.key_words, words)), None)
            if match is None:
                match = _Cluster(name, "organisation", words)
                clusters.append(match)
            elif len(words) > len(match.key_words):
                match.name, match.key_words = name, words
        match.mentions.append(Span.from_text(text, start, end))
        owner[(start, end)] = match
    # Antecedents are named mentions only, searched by position (no chains of pronouns).
    pools: dict[Optional[str], list[tuple[tuple[int, int], _Cluster]]] = {None: sorted(owner.items(), key=lambda sc: sc[0])}
    for kind_name in ("person", "organisation"):
        pools[kind_name] = [sc for sc in pools[None] if sc[1].kind == kind_name]
    head_pools: dict[tuple[Optional[str], str], list[tuple[tuple[int, int], _Cluster]]] = {}
    starts_of: dict[int, list[int]] = {}  # pool id -> its start offsets, for bisect
    for start, end in pending:
        surface = normalise(text[start:end])
        kind = _mention_kind(text[start:end])
        head = surface.split()[-1] if surface else ""
        if kind == "pronoun":
            if head in FIRST_SECOND:
                continue
            want = "person" if head in PERSON_PRONOUNS else "organisation" if head in THING_PRONOUNS else None
        else:
            want = "person" if head in TITLES else "organisation"
        pool = pools[want]
        if kind == "description":
            key = (want, head)
            if key not in head_pools:
                head_pools[key] = [sc for sc in pool if any(same_word(head, w) for w in sc[1].key_words)]
            pool = head_pools[key] or pool
        if not pool:
            continue
        if id(pool) not in starts_of:
            starts_of[id(pool)] = [sc[0][0] for sc in pool]
        k = bisect.bisect_left(starts_of[id(pool)], start)
        choice = pool[k - 1][1] if k > 0 else pool[0][1]
        choice.mentions.append(Span.from_text(text, start, end))
        owner[(start, end)] = choice
    speaker_of = {span: cluster.name for span, cluster in owner.items()}
    speakers = tuple(
        Speaker(c.name, tuple(sorted(c.mentions, key=lambda m: m.start)), c.kind) for c in clusters if c.mentions
    )
    return speaker_of, speakers
