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
    """Optimal-string-alignment distance (a transposition counts once), capped past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def same_word(a: str, b: str) -> bool:
    """Equal, a prefix form (Iran/Iranian, Pakistan/Pakistani) or a near-spelling of a long word."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True
    shortest = min(len(a), len(b))
    # Misspellings of long names: one edit (or swap) from 7 letters, two from 10.
    return shortest >= 7 and _edit_distance(a, b, 2) <= (2 if shortest >= 10 else 1)


def _person_name(text: str) -> Optional[str]:
    """The personal name inside a mention (after any title), or None."""
    words = _words(text)
    if not words:
        return None
    # Keep the trailing run of capitalised words that follows the last title word;
    # what precedes it ("Foreign Office spokesperson") only describes the person.
    tail: list[str] = []
    stop = ""
    for w in reversed(words):
        key = normalise(w)
        if key in TITLES or not w[:1].isupper() or key in DETERMINERS:
            stop = key
            break
        tail.append(w)
    tail.reverse()
    checked = tail if stop in TITLES else words  # a descriptor before a title may name an organisation
    if any(normalise(w) in ORGANISATION_WORDS for w in checked):
        return None
    # A possessive country before a title ("Iran's Foreign Minister X") is not part of the name.
    tail = [w for w in tail if not re.search(r"['\u2019]s$", w)]
    if not tail:
        return None
    titled = stop in TITLES
    return " ".join(tail) if len(tail) >= 2 or titled else None


@dataclass
class _Cluster:
    name: str
    kind: str
    key_words: list[str]
    mentions: list[Span] = field(default_factory=list)
    forms: dict[str, int] = field(default_factory=dict)  # organisation name forms and their counts


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
    if head_word(text) in TITLES and _person_name(text) is None:
        return "description"  # "the Foreign Minister": a role, resolved like "the minister"
    return "named"


PREPOSITIONS = frozenset("of in for at on to from".split())


def head_word(name: str) -> str:
    """The head noun of a name: last word before any preposition
    ("embassy" in "Pakistani embassy in Iran", "ministry" in "Ministry of Foreign Affairs")."""
    words = [w for w in normalise(name).split() if w not in DETERMINERS]
    for i, w in enumerate(words):
        if w in PREPOSITIONS and i > 0:
            return words[i - 1]
    return words[-1] if words else ""


def same_organisation(a: str, b: str) -> bool:
    """Organisation names match when their heads agree and the shorter name's
    content words all appear (loosely) in the longer one."""
    if is_group(a) != is_group(b):
        return False  # "Iran and Pakistan" is neither Iran nor Pakistan
    small, big = sorted((content_words(a), content_words(b)), key=len)
    if not small or not all(any(same_word(s, w) for w in big) for s in small):
        return False
    return same_word(head_word(a), head_word(b))


def is_group(name: str) -> bool:
    """A conjoined mention of several speakers ("Tehran and Islamabad")."""
    return bool(re.search(r"\s(and|&)\s", name))


def resolve_speakers(
    text: str, spans: Sequence[RoleSpan], linked_mentions: Sequence[RoleSpan]
) -> tuple[dict[tuple[int, int], str], tuple[Speaker, ...]]:
    """Map each mention's (start, end) to a canonical name; return the document's speakers."""
    mentions = sorted({(s.start, s.end) for s in spans if s.role == "SOURCE"} | {(m.start, m.end) for m in linked_mentions})
    clusters: list[_Cluster] = []
    owner: dict[tuple[int, int], _Cluster] = {}
    pending: list[tuple[int, int, str]] = []  # (start, end, kind) of pronouns and descriptions
    named: list[tuple[tuple[int, int], Optional[str]]] = []
    for start, end in mentions:
        kind = _mention_kind(text[start:end])
        if kind == "named":
            named.append(((start, end), _person_name(text[start:end])))
        else:
            pending.append((start, end, kind))
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
            match = next((c for c in clusters if c.kind == "organisation" and same_organisation(c.name, name)), None)
            if match is None:
                match = _Cluster(name, "organisation", words)
                clusters.append(match)
            match.forms[name] = match.forms.get(name, 0) + 1
            # Canonical form: the most complete name, then the most frequent (Pakistan over
            # Pakistani), then the most proper-name-like (capitalised words).
            best = max(match.forms, key=lambda f: (len(content_words(f)), match.forms[f], sum(w[:1].isupper() for w in f.split()), -len(f)))
            match.name, match.key_words = best, content_words(best)
        match.mentions.append(Span.from_text(text, start, end))
        owner[(start, end)] = match
    # Antecedents are named mentions only, searched by position (no chains of pronouns).
    ordered = sorted(owner.items(), key=lambda sc: sc[0])
    pools: dict[Optional[str], list[tuple[tuple[int, int], _Cluster]]] = {None: ordered}
    for kind_name in ("person", "organisation"):
        pools[kind_name] = [sc for sc in ordered if sc[1].kind == kind_name]
    head_pools: dict[tuple[Optional[str], str], list[tuple[tuple[int, int], _Cluster]]] = {}
    starts_of: dict[int, list[int]] = {}  # pool id -> its start offsets, for bisect
    for start, end, kind in pending:
        surface = normalise(text[start:end])
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
