"""Resolve speaker mentions to one canonical speaker per document.

Mentions are the tagger's Source spans. Named mentions are clustered (a
surname joins the fullest name that ends with it, spelling variants within a
small edit distance join too, organisations match across possessive and
adjectival forms); pronouns and descriptions take the nearest compatible
earlier speaker. Only general English news conventions are used: titles,
pronouns, determiners. Reading the personal name inside a mention is
``quoteattr.person_names``' job.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from .names import DEMONYMS, normalise
from .person_names import (
    POSSESSIVES,
    CAPITALISED, DETERMINERS, PREPOSITIONS, TITLES, full_name_at_first_mention, fullest_person_name, gender_of,
    POSSESSIVE_WORD, last_person_named_before,
    paragraph_subject, person_name, words_of, written_as_person,
)
from .tagging import RoleSpan
from .truecase import truecase
from .types import Span, Speaker

PERSON_PRONOUNS = frozenset("he she him his her himself herself".split())
THING_PRONOUNS = frozenset("it its itself".split())
PLURAL_PRONOUNS = frozenset("they them their themselves".split())
FIRST_SECOND = frozenset("i me my we us our you your".split())
FIRST_PERSON_POSSESSIVES = frozenset({"my", "our"})
# Indefinite descriptions ("a spokesperson", "one official") introduce someone new; of these,
# only a spokesperson is resolved: to the organisation it names ("for the ministry"), else to the
# organisation named last, for which it speaks.
INDEFINITE = frozenset({"a", "an", "one"})
SPOKESPEOPLE = frozenset("spokesperson spokesman spokeswoman".split())
# "The statement said": a document speaks for whoever issued it, the speaker named just before.
DOCUMENTS = frozenset("statement letter release memo communique communiqué email e-mail notice announcement filing book".split())
# "both governments", "the two countries": a description of several speakers, resolved to a conjoined mention.
NUMBER_WORDS = frozenset("both two three four five several".split())


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


DEMONYM_ENDINGS = ("ish", "ian", "ese", "an", "i")  # British, Iranian, Chinese, German, Pakistani


def _demonym_stem(word: str) -> str:
    for ending in DEMONYM_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=65536)
def same_word(a: str, b: str) -> bool:
    """Equal, a prefix or demonym form (Iran/Iranian, Pakistan/Pakistani, Britain/British)
    or a near-spelling of a long word."""
    if a == b:
        return True
    for x, y in ((a, b), (_demonym_stem(a), b), (a, _demonym_stem(b))):
        short, long_ = sorted((x, y), key=len)
        if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
            return True
    shortest = min(len(a), len(b))
    # Misspellings of long names: one edit (or swap) from 7 letters, two from 10.
    return shortest >= 7 and _edit_distance(a, b, 2) <= (2 if shortest >= 10 else 1)


@dataclass
class _Cluster:
    name: str
    kind: str
    key_words: list[str]
    mentions: list[Span] = field(default_factory=list)
    forms: dict[str, int] = field(default_factory=dict)  # organisation name forms and their counts
    genders: set[str] = field(default_factory=set)  # "m"/"f" from its mentions' titles ("Mr.", "spokeswoman")


def content_words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in DETERMINERS and w not in {"of", "and", "in", "for", "on"}]


_PERSON_DESCRIPTION_WORDS = DEMONYMS | TITLES  # "the Egyptian forward"
# Heads that make a description a person but are not titles before names: as titles they
# would misread appositions ("Dean, a medical doctor" would lose its name).
_PERSON_HEADS = frozenset("doctor expert".split())


def _mention_kind(text: str) -> str:
    words = normalise(text).split()
    if not words:
        return "other"
    if len(words) == 1 and words[0] in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS | FIRST_SECOND:
        return "pronoun"
    raw = [w for w in words_of(text) if normalise(w) not in DETERMINERS]
    if not any(w[:1].isupper() for w in raw):
        return "description"
    if head_word(text) in TITLES and person_name(text) is None:
        return "description"  # "the Foreign Minister": a role, resolved like "the minister"
    determined = text.split(None, 1)[0].lower() in DETERMINERS
    if determined and all(normalise(w) in _PERSON_DESCRIPTION_WORDS for w in raw):
        return "description"  # "the Italian", "the Egyptian forward": a person, not an organisation named "Italian"
    return "named"


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
    """A conjoined mention of several speakers ("Oslo and Helsinki")."""
    return bool(re.search(r"\s(and|&)\s", name))


# Words that make a lowercase lead-in more than a modifier of the name after it:
# a quantity ("many Democrats"), a relation ("members of Congress"), a clause.
_KEEPS_LEAD_IN = frozenset(
    "some many most few several all each every any no none both other others one two three four five six seven eight nine ten "
    "dozens hundreds thousands millions number group who whose which that".split()
) | PREPOSITIONS | POSSESSIVES | frozenset({"and", "or", "by", "with", "as"})


_DOCUMENT_BY = re.compile(r"(?:[\w-]+\s+){0,3}?(?:by|from)\s+(?:the\s+)?([A-Z][^,;]*)$")


def organisation_name(name: str) -> str:
    """The name without a lowercase lead-in that only describes it: "nonpartisan
    Commission on Presidential Debates", "event organizer Alliance to Reclaim Our
    Schools", a tagger slip "presidential debate Politifact". A lead-in that counts,
    relates or is a clause stays ("many Democrats", "members of Congress")."""
    author = _DOCUMENT_BY.match(name)
    if author is not None and normalise(name.split()[0]) in DOCUMENTS:
        return author.group(1)  # "statement released by the Alliance of Small Island States": its author
    words = name.split()
    first = next((i for i, w in enumerate(words) if w[:1].isupper() or w[:1].isdigit()), None)
    if not first or any(normalise(w) in _KEEPS_LEAD_IN or w[:1].isdigit() for w in words[:first]):
        return name
    if any("'" in w or "\u2019" in w for w in words[:first]):
        return name  # "the nation's largest union": a possessive lead-in is the owner
    if POSSESSIVE_WORD.search(words[first]) or any(w.endswith("ing") and "-" not in w for w in words[:first]):
        return name  # "union representing Boeing's machinists": the lead-in is the head
    return " ".join(words[first:])


def _join_organisation(clusters: list[_Cluster], surface: str) -> _Cluster:
    """The organisation cluster a name belongs to (a new one if none), its canonical form updated.

    Of a mention with an apposition, the capitalised part is the name ("The company,
    Harmon Automotive"; "The Movement for Black Lives, a collective of ... groups")."""
    parts = [p for p in surface.split(",") if p.strip()]
    if len(parts) > 1:
        named = [p for p in parts if any(w[:1].isupper() for w in words_of(p) if normalise(w) not in DETERMINERS)]
        surface = named[0] if named else parts[0]
    tokens = surface.split()
    name = organisation_name(" ".join(tokens[1:] if tokens and normalise(tokens[0]) in DETERMINERS else tokens))
    match = next((c for c in clusters if c.kind == "organisation" and same_organisation(c.name, name)), None)
    if match is None:
        match = _Cluster(name, "organisation", content_words(name))
        clusters.append(match)
    match.forms[name] = match.forms.get(name, 0) + 1
    # Canonical form: the most complete name, then the most frequent (Pakistan over
    # Pakistani), then the most proper-name-like (capitalised words).
    best = max(match.forms, key=lambda f: (len(content_words(f)), match.forms[f], sum(w[:1].isupper() for w in f.split()), -len(f)))
    match.name, match.key_words = best, content_words(best)
    return match


def _named_before(text: str, pos: int, head: str, cache: dict[str, list[tuple[int, int]]]) -> Optional[tuple[int, int]]:
    """The last proper name before ``pos`` whose head noun is ``head`` capitalised
    ("Department of Education", "Oregon's Department of Education"), as offsets.
    ``cache`` keeps each head's matches over the whole text, found once."""
    if len(head) < 3 or not head.isalpha():
        return None
    if head not in cache:
        # Most heads ("spokesman", "official") never appear capitalised: skip compiling a pattern for them.
        cache[head] = [] if head.capitalize() not in text else [
            (m.start(), m.end()) for m in _head_pattern(head).finditer(text)
            if len(m.group().split()) >= 2 and normalise(m.group().split()[0]) not in DETERMINERS
        ]
    found = cache[head]
    k = bisect.bisect_left(found, (pos,))
    return found[k - 1] if k > 0 else None


@lru_cache(maxsize=1024)
def _head_pattern(head: str) -> "re.Pattern[str]":
    return re.compile(
        rf"(?:{CAPITALISED}\s+)*{re.escape(head.capitalize())}\w*(?:\s+(?:of|for|on)\s+(?:the\s+)?{CAPITALISED}(?:\s+(?:and\s+)?{CAPITALISED})*)?"
    )


def _shares_head(cluster: _Cluster, head: str) -> bool:
    return any(same_word(head, w) for w in cluster.key_words)


ANTECEDENT_REACH = 200


def _antecedent(
    pool: list[tuple[int, _Cluster]], start: int, head: Optional[str], ahead: bool = True, gender: Optional[str] = None,
    any_later: bool = True,
) -> Optional[_Cluster]:
    """The nearest earlier mention's cluster (for a description, one whose name shares its
    head noun when any does), else the first later one; ``ahead=False`` looks back only
    and, for a description, only at clusters sharing its head; ``any_later=False`` takes a
    later cluster only when it shares the head. With ``gender``, clusters known to be of
    the other one are skipped ("she" never takes "Mr. Obama")."""
    if gender is not None:
        pool = [item for item in pool if not item[1].genders or gender in item[1].genders]
    if not pool:
        return None
    k = bisect.bisect_left(pool, start, key=lambda item: item[0])
    if head is not None:
        earlier = _nearest_before(pool, start, lambda c: _shares_head(c, head))
        if earlier is not None or not ahead:
            return earlier
        later = next((c for _, c in pool[k : k + ANTECEDENT_REACH] if _shares_head(c, head)), None)
        if later is not None:
            return later
    if k > 0:
        return pool[k - 1][1]
    return pool[0][1] if ahead and any_later else None


def _join_person(clusters: list[_Cluster], person: str) -> _Cluster:
    """The person cluster with ``person``'s surname (a new one if none), keeping the fuller name."""
    surname = normalise(person).split()[-1]
    match = next((c for c in clusters if c.kind == "person" and same_word(c.key_words[-1], surname)), None)
    if match is None:
        match = _Cluster(person, "person", normalise(person).split())
        clusters.append(match)
    elif len(person.split()) > len(match.name.split()):
        match.name, match.key_words = person, normalise(person).split()
    return match


_SPOKEN_FOR = re.compile(r"\b(?:for|of|at)\s+(?:the\s+)?([A-Z].*)$")


def _spoken_for(surface: str) -> Optional[str]:
    """The capitalised organisation a spokesperson mention names ("a spokesman for the Farmers' Union")."""
    m = _SPOKEN_FOR.search(surface)
    return m.group(1).strip() if m else None


_GROUP_NAME = re.compile(rf"(?<![\w'\u2019])({CAPITALISED}(?:\s+{CAPITALISED}){{0,3}}\s+(?:and|&)\s+{CAPITALISED}(?:\s+{CAPITALISED}){{0,3}})")
_SENTENCE_START = re.compile(r"[.!?][\"'\u201d\u2019)]?\s+|\n")


def _group_named_before(text: str, pos: int) -> Optional[tuple[int, int]]:
    """The last conjoined proper names ("Ruritania and Lusitania") earlier in ``pos``'s sentence,
    as offsets; names inside a longer one ("Department of Health and Human Services") are not groups."""
    lo = max((m.end() for m in _SENTENCE_START.finditer(text, max(0, pos - 400), pos)), default=max(0, pos - 400))
    last = None
    for m in _GROUP_NAME.finditer(text, lo, pos):
        before = text[max(0, m.start() - 4) : m.start()].lower()
        if not re.search(r"\b(?:of|for|the)\s$", before):
            last = (m.start(1), m.end(1))
    return last


_PLURAL_ROLE = re.compile(r"(?:(?:[A-Z][\w'\u2019-]*|[a-z][\w-]*)[ \t]+){0,3}([a-z]+s)\b")


_NOT_MODIFIERS = DETERMINERS | PREPOSITIONS | POSSESSIVES | frozenset({"", "and", "or", "but", "said", "says", "told", "that"})


def _plural_role_before(text: str, pos: int) -> Optional[tuple[int, int]]:
    """The last plural role noun phrase ("Romanian health officials") written before ``pos``
    in its paragraph, with up to three modifiers and no function word among them."""
    found = None
    for m in _PLURAL_ROLE.finditer(text, text.rfind("\n", 0, pos) + 1, pos):
        noun = m.group(1)
        if noun not in TITLES and noun[:-1] not in TITLES:
            continue
        words = list(re.finditer(r"\S+", m.group()))
        k = 0
        while k < len(words) - 1 and normalise(words[k].group()) in _NOT_MODIFIERS:
            k += 1
        found = (m.start() + words[k].start(), m.end())
    return found


def _last_mention_before(cluster: _Cluster, pos: int) -> int:
    return max((m.start for m in cluster.mentions if m.start < pos), default=-1)


def _near(text: str, earlier: int, pos: int) -> bool:
    """``earlier`` lies in ``pos``'s paragraph or the one before it (blank lines aside)."""
    if earlier < 0:
        return False
    between = text[earlier:pos]
    return len([line for line in between.split("\n")[1:] if line.strip()]) <= 1


def _is_bare_plural(surface: str) -> bool:
    """A plural noun phrase without a determiner, all lowercase ("witnesses", "local officials")."""
    words = surface.split()
    return (bool(words) and len(words) <= 3 and all(w.islower() for w in words) and words[0] not in DETERMINERS | NUMBER_WORDS
            and words[-1].endswith("s") and not words[-1].endswith(("ss", "'s", "\u2019s"))
            and words[-1] not in PERSON_PRONOUNS | PLURAL_PRONOUNS | THING_PRONOUNS)


def _is_plural_description(surface: str) -> bool:
    """``surface`` (normalised) counts its referents: "both sides", "the two countries", "all three"."""
    words = surface.split()
    if not words:
        return False
    return words[0] in NUMBER_WORDS or (len(words) > 1 and words[0] in DETERMINERS | {"all"} and words[1] in NUMBER_WORDS)


def _nearest_before(pool: list[tuple[int, _Cluster]], start: int, accept: Callable[[_Cluster], bool]) -> Optional[_Cluster]:
    """The cluster of the nearest mention before ``start`` that ``accept`` takes. Antecedents
    are near: at most ANTECEDENT_REACH mentions back are looked at (long texts stay linear)."""
    k = bisect.bisect_left(pool, start, key=lambda item: item[0])
    return next((c for _, c in reversed(pool[max(0, k - ANTECEDENT_REACH) : k]) if accept(c)), None)


Pools = dict[Optional[str], list[tuple[int, _Cluster]]]


def _add_mention(pools: Pools, cluster: _Cluster, text: str, start: int, end: int) -> None:
    """Record a mention of ``cluster``; it is an antecedent for later mentions from now on."""
    cluster.mentions.append(Span.from_text(text, start, end))
    for pool in {id(p): p for p in (pools[None], pools[cluster.kind])}.values():
        bisect.insort(pool, (start, cluster), key=lambda item: item[0])


def _name_in_full(cluster: _Cluster, text: str) -> None:
    """Name a cluster as the article writes it in full, once all its mentions are known."""
    name = cluster.name
    if len(name.split()) == 1:
        if name.isupper() and len(name) > 1:
            proper = name.capitalize()
            if re.search(rf"(?<![\w-]){re.escape(proper)}(?![\w-])", text):
                name = proper  # a transcript label "WALLACE" is the "Wallace" of the running text
            elif cluster.kind == "person":
                cluster.kind = "organisation"  # an acronym ("IMF", "DNC") names no person
        # A one-word speaker the article first writes with a given name is that person
        # ("Blige" after "Mary J. Blige"); an organisation written after "the" ("the Times") never is.
        if cluster.kind == "person" or not re.search(rf"\b[Tt]he\s+{re.escape(name)}\b", text):
            if full := full_name_at_first_mention(text, name):
                name, cluster.kind = full, "person"
        cluster.name = name
    if cluster.kind == "person":
        cluster.name = fullest_person_name(text, cluster.name)


def resolve_speakers(
    text: str, spans: Sequence[RoleSpan], linked_mentions: Sequence[RoleSpan]
) -> tuple[dict[tuple[int, int], str], tuple[Speaker, ...]]:
    """Map each mention's (start, end) to a canonical name; return the document's speakers.

    Names and descriptions are told apart by capitals as the running text writes
    them (``quoteattr.truecase``): "Pilots" in a Title Case headline is the
    description "pilots", not a named speaker that "the airline" could mean.
    """
    original, text = text, truecase(text)
    mentions = sorted({(s.start, s.end) for s in spans if s.role == "SOURCE"} | {(m.start, m.end) for m in linked_mentions})
    clusters: list[_Cluster] = []
    owner: dict[tuple[int, int], _Cluster] = {}
    pending: list[tuple[int, int, str]] = []  # (start, end, kind) of pronouns and descriptions
    named: list[tuple[tuple[int, int], Optional[str]]] = []
    for start, end in mentions:
        kind = _mention_kind(text[start:end])
        if kind == "named":
            named.append(((start, end), person_name(text[start:end])))
        else:
            pending.append((start, end, kind))
    # Full personal names first, so that a bare surname can join the fullest name.
    named.sort(key=lambda item: (item[1] is None, item[0]))
    as_person: dict[str, bool] = {}  # bare surnames already looked up in the narrative
    for (start, end), person in named:
        surface = text[start:end]
        head_segment = surface.split(",")[0].split()
        if person is None and len(head_segment) == 1:
            # A bare surname, also with an apposition ("Flynn, a top Trump surrogate"), joins a known person.
            key_words = normalise(head_segment[0]).split()
            key = key_words[-1] if key_words else ""
            surname_of = next((c for c in clusters if c.kind == "person" and key and same_word(c.key_words[-1], key)), None)
            bare = surface.strip()
            if surname_of is not None:
                person = surname_of.name
            elif len(surface.split()) == 1:
                if bare not in as_person:
                    as_person[bare] = written_as_person(text, bare)
                if as_person[bare]:
                    person = bare  # "Hrubý", after "former defence minister Pavel Hrubý" in the narrative
        if person is not None:
            match = _join_person(clusters, person)
        else:
            match = _join_organisation(clusters, surface)
        match.mentions.append(Span.from_text(text, start, end))
        if match.kind == "person" and (gender := gender_of(surface)):
            match.genders.add(gender)
        owner[(start, end)] = match
    # Pronouns and descriptions, in text order, take the nearest earlier compatible
    # mention; once resolved they are antecedents themselves ("The ministry said ...
    # It added ..."), so a chain follows the speaker rather than any name in between.
    pools: Pools = {None: [], "person": [], "organisation": []}
    for (start, _), cluster in sorted(owner.items(), key=lambda sc: sc[0]):
        pools[None].append((start, cluster))
        pools[cluster.kind].append((start, cluster))
    named_cache: dict[str, list[tuple[int, int]]] = {}
    for start, end, kind in sorted(pending):
        surface = normalise(text[start:end])
        head = surface.split()[-1] if surface else ""
        if kind == "pronoun":
            if head in FIRST_SECOND:
                continue
            want = "person" if head in PERSON_PRONOUNS else "organisation" if head in THING_PRONOUNS else None
        else:
            want = "person" if head in TITLES or head in DEMONYMS or head in _PERSON_HEADS else "organisation"
        choice = None
        words = surface.split()
        spokesperson = head_word(surface) in SPOKESPEOPLE
        affiliation = _spoken_for(text[start:end]) if spokesperson else None
        if kind == "description" and words and words[0] in FIRST_PERSON_POSSESSIVES:
            # "my father", "our neighbour": the writer's own people, a speaker of their own.
            choice = _Cluster(text[start:end].strip(), "person", words)
            clusters.append(choice)
            if gender := gender_of(surface):
                choice.genders.add(gender)
        elif affiliation is not None:
            choice = _join_organisation(clusters, affiliation)  # "a spokesman for the Farmers' Union"
        elif kind == "description" and _is_bare_plural(text[start:end]):
            continue  # "witnesses said", "analysts say": unnamed people, shown as written
        elif kind == "description" and words and words[0] in INDEFINITE and not (spokesperson and PREPOSITIONS.intersection(words)):
            # "a spokesperson for the ministry" is resolved through "the ministry" below.
            choice = _antecedent(pools["organisation"], start, None, ahead=False) if spokesperson else None
            if choice is None:
                continue  # a new, unnamed speaker: shown as written ("a senior diplomat involved in the talks")
        elif kind == "description" and head in DOCUMENTS:
            choice = _antecedent(pools[None], start, None, ahead=False)
            if choice is not None and not _near(text, _last_mention_before(choice, start), start):
                choice = None
            if choice is None:
                continue  # shown as written ("the letter") rather than guessed
        elif kind == "pronoun" and want == "person":
            # A person introduced by name at the start of the pronoun's own paragraph, after
            # any person mention ("Council President Ben Adeyemi was more measured. Asked
            # ..., he said").
            k = bisect.bisect_left(pools["person"], start, key=lambda item: item[0])
            subject = paragraph_subject(text, start, pools["person"][k - 1][0] if k > 0 else -1)
            if subject is not None:
                choice = _join_person(clusters, subject[2])
                _add_mention(pools, choice, text, subject[0], subject[1])
        elif kind == "pronoun" and head in PLURAL_PRONOUNS:
            # "they": the nearest organisation or group before it, a single person only when none is.
            plural = [item for item in pools[None] if item[1].kind != "person" or is_group(item[1].name)]
            choice = _antecedent(plural, start, None, ahead=False) or _antecedent(pools[None], start, None)
            group = _plural_role_before(text, start)  # "Romanian health officials said ... they said"
            if group is not None and (choice is None or _last_mention_before(choice, start) < group[0]):
                phrase = text[group[0] : group[1]]
                # A speaker already known under this name keeps its name ("Black Lawmakers", not "top black lawmakers").
                known = next((c for c in clusters if c.kind == "organisation" and same_organisation(c.name, phrase)), None)
                choice = known or _join_organisation(clusters, phrase)
                _add_mention(pools, choice, text, *group)
        elif kind == "description" and any(w in DEMONYMS for w in words) and not _is_plural_description(surface):
            # "the Italian": the person named last in the paragraph so far, even where the
            # tagger marked no Source ("Madrid coach Carlo Ancelotti was left to rue ...").
            named = last_person_named_before(text, start)
            choice = _antecedent(pools["person"], start, None, ahead=False)
            if named is not None and (choice is None or _last_mention_before(choice, start) < named[0]):
                choice = _join_person(clusters, named[2])
                _add_mention(pools, choice, text, named[0], named[1])
        elif kind == "description" and _is_plural_description(surface):
            choice = _nearest_before(pools[None], start, lambda c: is_group(c.name))  # "Oslo and Helsinki"
            found = _group_named_before(text, start) if choice is None else None
            if found is not None:  # "Ruritania and Lusitania signed an accord that both governments ..."
                choice = _join_organisation(clusters, text[found[0] : found[1]])
                _add_mention(pools, choice, text, *found)
        if choice is None and kind == "description" and want == "organisation":
            # Anaphora before cataphora: a speaker mention named earlier, else a name written
            # earlier ("the department" <- "Oregon's Department of Education", not itself a
            # Source or in a paragraph the tagger skipped), and only then a later mention.
            choice = _antecedent(pools[want], start, head, ahead=False)
            found = _named_before(text, start, head, named_cache) if choice is None else None
            if found is not None:
                choice = _join_organisation(clusters, text[found[0] : found[1]])
                _add_mention(pools, choice, text, *found)
        gender = gender_of(surface) if want == "person" else None
        if choice is None:
            # An organisation description that shares no head with a speaker ("The prosecutor's
            # office" before any prosecutor) is someone not yet met, not the next organisation;
            # one that says which of its kind it is ("the environment agency") names its own
            # speaker and takes only an antecedent that shares its head.
            org_description = kind == "description" and want == "organisation"
            # ("its environment ministry" is named through its owner: left to the nearest organisation)
            self_naming = org_description and len(content_words(surface)) > 1 and words[0] not in POSSESSIVES
            choice = _antecedent(pools[want], start, head if kind == "description" else None, gender=gender,
                                 ahead=not self_naming, any_later=not org_description)
            if choice is None and self_naming:
                choice = _join_organisation(clusters, text[start:end])  # later "the agency" can refer back to it
        if choice is None:
            continue
        _add_mention(pools, choice, text, start, end)
        owner[(start, end)] = choice
    for cluster in clusters:
        _name_in_full(cluster, text)
    if original != text:
        for cluster in clusters:  # a name known only from a lowered headline is shown as the headline writes it
            at = -1 if cluster.name in original else text.find(cluster.name)
            cluster.name = original[at : at + len(cluster.name)] if at >= 0 else cluster.name
            cluster.mentions = [Span.from_text(original, m.start, m.end) for m in cluster.mentions]
    speaker_of = {span: cluster.name for span, cluster in owner.items()}
    return speaker_of, _speaker_list(clusters)


def _speaker_list(clusters: Sequence[_Cluster]) -> tuple[Speaker, ...]:
    """One Speaker per name: clusters that ended with the same name ("IMF" from "the IMF"
    and from "IMF chief economist ...") are one speaker to the user, of the kind most
    of their mentions had."""
    by_name: dict[str, list[_Cluster]] = {}
    for c in clusters:
        if c.mentions:
            by_name.setdefault(c.name, []).append(c)
    speakers = []
    for name, group in by_name.items():
        mentions = sorted({m for c in group for m in c.mentions}, key=lambda m: (m.start, m.end))
        kind = max(group, key=lambda c: len(c.mentions)).kind
        speakers.append(Speaker(name, tuple(mentions), kind))
    return tuple(speakers)
