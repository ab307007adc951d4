"""Personal names in speaker mentions and in the narrative.

A mention such as "Norway's Trade Minister, Ingrid Marie Solberg" or "Kenji
Morimoto, chief economist at Daiwa" holds a person's name among titles, roles,
appositions and affiliations; the resolver (``quoteattr.speakers``) needs that
name, the person's gender where a title states it, and names the narrative
writes that are not speaker mentions. Only general English news conventions
are used: titles, particles, determiners, capitalisation.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from .names import ORGANISATION_WORDS, PLACE_NAMES, normalise

DETERMINERS = frozenset("the a an this that these those".split())


# Role words that precede a person's name or stand for a person.
TITLES = frozenset(
    """minister president secretary spokesperson spokesman spokeswoman senator governor chairman chairwoman
    chair director chief leader ambassador envoy diplomat official officials mayor premier chancellor king queen
    prince general commander judge justice candidate nominee rep representative sen gov mr mrs ms dr prof professor
    counterpart adviser advisor aide deputy head manager ceo founder analyst lawyer attorney dean sheriff captain
    colonel lieutenant sergeant officer mp lawmaker legislator speaker rev reverend father pope bishop rabbi imam
    sir dame lord lady councilmember councilman councilwoman councillor councilor alderman alderwoman commissioner
    supervisor trustee superintendent treasurer comptroller inspector detective constable marshal economist
    strategist researcher scientist coach executive chairperson correspondent editor columnist historian activist
    negotiator resident witness voter student farmer teacher nurse driver worker owner neighbour neighbor veteran
    survivor parent mother volunteer shopkeeper protester protestor patient gen lt col sgt capt cmdr adm maj cpl brig
    sens reps senators representatives ministers rival opponent challenger incumbent hopeful contender
    billionaire businessman businesswoman tycoon entrepreneur mogul magnate investor banker financier philanthropist
    actor actress singer rapper musician author novelist poet journalist reporter broadcaster presenter comedian
    filmmaker athlete footballer boxer heir heiress widow widower husband wife son daughter brother sister
    grandmother grandfather uncle aunt man woman boy girl
    striker midfielder defender goalkeeper winger forward quarterback pitcher batsman bowler player champion rookie skipper
    physician surgeon epidemiologist virologist specialist psychologist psychiatrist pharmacist
    """.split()
)


_WORD = re.compile(r"[\w][\w'\u2019.\-]*")


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


# Lowercase particles inside personal names (Anwaar ul Haq, Ludwig van Beethoven).
NAME_PARTICLES = frozenset("ul al el bin ibn de da di du dos das del della van von der den la le".split())


# Function words that end a descriptor; a lowercase content word there ("superintendent") is a role.
FUNCTION_WORDS = frozenset("of in for at on to from by with and or".split())


# "Sarah Klein of ING", "Kenji Morimoto at Daiwa": a name, then where the person works.
AFFILIATION = re.compile(r"\s(?:of|at|from|with)\s")
POSSESSIVE_WORD = re.compile(r"['\u2019]s$")


def _capitalised_before_particles(words: Sequence[str], i: int) -> bool:
    """A capitalised word precedes the run of name particles ending at ``words[i]``
    ("Ursula von der Leyen", "Jose de la Cruz")."""
    j = i - 1
    while j >= 0 and normalise(words[j]) in NAME_PARTICLES and not words[j][:1].isupper():
        j -= 1
    return j >= 0 and words[j][:1].isupper()


def _segment_name(text: str) -> Optional[str]:
    """The personal name ending a mention without commas (after any title or role), or None."""
    words = words_of(text)
    if not words:
        return None
    before = AFFILIATION.split(text, maxsplit=1)
    if len(before) == 2 and before[0].strip():
        name = _segment_name(before[0])
        if name is not None and len(name.split()) >= 2:
            return name
    # Keep the trailing run of capitalised words that follows the last title word;
    # what precedes it ("Foreign Office spokesperson") only describes the person.
    tail: list[str] = []
    stop = ""
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        key = normalise(w)
        particle = key in NAME_PARTICLES and tail and _capitalised_before_particles(words, i)
        hyphenated_title = "-" in w and any(part in TITLES for part in key.split())  # "Secretary-General"
        if not particle and (key in TITLES or hyphenated_title or not w[:1].isupper() or key in DETERMINERS):
            stop = key
            break
        tail.append(w)
    tail.reverse()
    while len(tail) > 1 and normalise(tail[0]) in _NOT_GIVEN:
        tail.pop(0)  # "Democrat Hillary Clinton", "Former Trump": a party or a lead-in, not a given name
    if stop == "of" and i > 0 and normalise(words[i - 1]) in TITLES:
        # A title with its portfolio ("Secretary of State John F. Kerry", "Minister of Foreign
        # Affairs Ana Ruiz"): the portfolio words belong to the title, the rest is the name.
        k = 0
        while k < len(tail) and normalise(tail[k]) in PORTFOLIOS:
            k += 1
        if k and len(tail) > k:
            tail, stop = tail[k:], normalise(words[i - 1])
    if stop in DETERMINERS and stop:
        return None  # "The Royal College": personal names take no article
    # After a title or a lowercase role word only the name itself is checked; after a
    # preposition the descriptor may name an organisation ("Ministry of Foreign Affairs").
    role_before = stop in TITLES or (stop and stop not in FUNCTION_WORDS and stop not in DETERMINERS)
    checked = tail if role_before else words
    if any(normalise(w) in ORGANISATION_WORDS for w in checked):
        return None
    # A possessive country before a title ("Chile's Foreign Minister X") is not part of the name.
    tail = [w for w in tail if not POSSESSIVE_WORD.search(w)]
    if not tail:
        return None
    return " ".join(tail) if len(tail) >= 2 or stop in TITLES else None


POSSESSIVES = frozenset("his her their its our my your".split())
# Words of a minister's or secretary's portfolio, written after "of" in the title.
PORTFOLIOS = frozenset(
    "state defense defence foreign affairs finance interior justice health education agriculture energy commerce "
    "labor labour treasury transport transportation homeland security veterans housing trade economy environment "
    "home external culture tourism industry planning development public works human services urban".split()
)


_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")


def person_name(text: str) -> Optional[str]:
    """The personal name inside a mention, or None (also for a place that reads
    like one: "Saudi Arabia", "New Zealand").

    Appositions are read by their commas: "Tom Becker, who runs a bakery" names
    its first part; "Norway's Trade Minister, Ingrid Marie Solberg" (a role,
    then a name) names its second.
    """
    name = _person_name(text)
    return None if name is not None and normalise(name) in PLACE_NAMES else name


def _person_name(text: str) -> Optional[str]:
    text = _PARENTHETICAL.sub("", text)  # "Rep. Gwen Moore (D-Wis.)": party and state, never the name
    segments = [seg for seg in text.split(",") if words_of(seg)]
    if not segments:
        return None
    name = _segment_name(segments[0])
    if name is not None or len(segments) == 1:
        return name
    first, last = words_of(segments[0])[0], words_of(segments[0])[-1]
    if normalise(last) in ORGANISATION_WORDS:
        return None  # "The company, Harmon Automotive": an organisation in apposition
    # A role, then a name ("Norway's Trade Minister, Ingrid Marie Solberg"), or a description
    # opening with a determiner ("His former partner at Lenox, Lawrence B. Cummings").
    if normalise(last) in TITLES or not last[:1].isupper() or normalise(first) in DETERMINERS | POSSESSIVES:
        second = words_of(segments[1])
        if second and all(w[:1].isupper() or normalise(w) in NAME_PARTICLES for w in second):
            return _segment_name(segments[1])
    return None


MALE = frozenset(
    "mr he him his himself spokesman chairman councilman congressman businessman alderman king prince father sir lord "
    "widower husband son brother grandfather uncle man boy".split()
)
FEMALE = frozenset(
    "mrs ms miss she her herself spokeswoman chairwoman councilwoman congresswoman businesswoman alderwoman queen princess mother dame lady "
    "actress heiress widow wife daughter sister grandmother aunt woman girl".split()
)


def gender_of(surface: str) -> Optional[str]:
    """"m" or "f" when a mention's words say so ("Mr. Obama", "she", "the spokeswoman")."""
    words = set(normalise(surface).split())
    male, female = bool(words & MALE), bool(words & FEMALE)
    return "m" if male and not female else "f" if female and not male else None


PREPOSITIONS = frozenset("of in for at on to from".split())
CAPITALISED = r"[A-Z][\w'\u2019&.-]*"


_NAME_BEFORE = re.compile(rf"((?:{CAPITALISED}\s+){{1,4}})$")


# Capitalised words that come before a surname without being a given name.
_NOT_GIVEN = frozenset(
    "and but or nor so yet when while although though as if after before because since until unless whether than "
    "then also even only just both either neither not".split()
) | frozenset("democrat democrats republican republicans gop independent libertarian".split()) | frozenset(
    "former late current acting interim retired incoming outgoing new top senior veteran".split()
)


def _never_given(word: str, key: str) -> bool:
    """A word before a surname that is never part of the given name, in both
    readers below: a title, determiner, organisation word, party, conjunction
    or possessive (``key`` is the word normalised)."""
    return (not key or key in TITLES or key in DETERMINERS or key in ORGANISATION_WORDS or key in _NOT_GIVEN
            or bool(POSSESSIVE_WORD.search(word)))


def fullest_person_name(text: str, name: str) -> str:
    """A two-or-more-word ``name`` with the given name the article writes before
    it after a title elsewhere ("Garcia Lopez" -> "Maria Garcia Lopez"
    from "Health Minister Maria Garcia Lopez"), even where that form is
    not a speaker mention.

    Deliberately narrow: a bare surname is not extended here (the article may
    name relatives: "Obama", "Michelle Obama"; see full_name_at_first_mention
    for when it is), at most two words are added, they
    must follow a title word (not a sentence start, a party or a place), and a
    word ending in a full stop must be an initial ("George W. Bush").
    """
    if len(name.split()) < 2:
        return name
    best = name
    pos = text.find(name)
    while pos >= 0:
        after = pos + len(name)
        if pos > 0 and (after == len(text) or not (text[after].isalnum() or text[after] == "-")):
            m = _NAME_BEFORE.search(text, max(0, pos - 80), pos)
            if m is not None:
                words = m.group(1).split()
                keep: list[str] = []
                for w in reversed(words):
                    key = normalise(w)
                    sentence_end = w.endswith(".") and len(w) > 2
                    if sentence_end or _never_given(w, key):
                        break
                    keep.append(w)
                keep.reverse()
                before = words[: len(words) - len(keep)] or text[max(0, m.start() - 40) : m.start()].split()[-1:]
                titled = bool(before) and normalise(before[-1]) in TITLES
                candidate = " ".join(keep + [name])
                if titled and 0 < len(keep) <= 2 and len(candidate.split()) > len(best.split()):
                    best = candidate
        pos = text.find(name, pos + 1)
    return best


_GIVEN_BEFORE = re.compile(r"((?:[A-Z][\w'\u2019.-]*[ \t\u00a0]+){1,3})$")


def full_name_at_first_mention(text: str, surname: str) -> Optional[str]:
    """"Stephanie McCrummen" for a speaker known only as "McCrummen", when the
    article's first use of the surname carries a given name (news style: the full
    name first, the surname after). Relatives stay apart: an article that first
    writes "President Obama" and later "Michelle Obama" extends nothing. Titles,
    parties, function words and sentence ends are never taken for given names."""
    if surname.isupper():
        return None  # an acronym ("DNC") is no surname
    m = re.search(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text)
    if m is None:
        return None
    before = _GIVEN_BEFORE.search(text, max(0, m.start() - 60), m.start())
    if before is None:
        return None
    given: list[str] = []
    for w in reversed(before.group(1).split()):
        key = normalise(w)
        initial = bool(re.fullmatch(r"(?:[A-Z]\.){1,2}", w))
        if _never_given(w, key) or (w.endswith(".") and not initial) or key in FUNCTION_WORDS or (w.isupper() and not initial):
            break
        given.append(w)
    if not given or len(given) > 2 or not any(len(w) > 2 for w in given):
        return None
    return " ".join(list(reversed(given)) + [surname])


_FULL_NAME = re.compile(
    rf"(?<![\w'\u2019-]){CAPITALISED}(?:\s+(?:{CAPITALISED}|{'|'.join(sorted(NAME_PARTICLES))}))*\s+[A-Z][\w'\u2019-]+"
)


def last_person_named_before(text: str, pos: int) -> Optional[tuple[int, int, str]]:
    """``(start, end, name)`` of the last personal name of two or more words written
    before ``pos`` in its paragraph, speaker mention or not ("Madrid coach Carlo
    Ancelotti was left to rue ..." for a later "the Italian said")."""
    found = None
    for m in _FULL_NAME.finditer(text, text.rfind("\n", 0, pos) + 1, pos):
        name = person_name(m.group())
        if name is not None and len(name.split()) >= 2:
            at = m.group().rfind(name)
            found = (m.start() + at, m.start() + at + len(name), name) if at >= 0 else (m.start(), m.end(), name)
    return found


_PARAGRAPH_NAME = re.compile(rf"[ \t]*((?:{CAPITALISED}\s+){{1,5}}{CAPITALISED})(?=[\s,])")


def paragraph_subject(text: str, pos: int, after: int) -> Optional[tuple[int, int, str]]:
    """The full personal name opening ``pos``'s paragraph, if it starts after ``after`` and
    outside quotation marks, as ``(start, end, name)``: the subject a later person pronoun
    in that paragraph means. Only a name of two or more words after optional titles
    counts; sentence-opening words ("On Wednesday") never do."""
    start = text.rfind("\n", 0, pos) + 1
    if start <= after:
        return None
    m = _PARAGRAPH_NAME.match(text, start, pos)
    if m is None:
        return None
    words = m.group(1).split()
    if normalise(words[0]) in DETERMINERS | PREPOSITIONS | _SENTENCE_OPENERS:
        return None
    name = person_name(m.group(1))
    if name is None or any(normalise(w) in _SENTENCE_OPENERS for w in name.split()):
        return None
    return m.start(1), m.end(1), name


# Capitalised words that open sentences without naming anyone.
_SENTENCE_OPENERS = frozenset(
    """and but or so yet then also still however meanwhile later after before when while as it he she they we i his
    her their our there here what who why how last next monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december""".split()
)


_TWO_WORDS_BEFORE = re.compile(r"(\S+)\s+[A-Z][\w'\u2019-]+\s+$")


def written_as_person(text: str, word: str) -> bool:
    """Whether the text writes ``word`` as the surname of a titled or described person
    ("former defence minister Pavel Hrubý", "Mayor Ben Adeyemi"): a given name before it,
    and before that a title or a lowercase word."""
    if not word[:1].isupper() or normalise(word) in ORGANISATION_WORDS:
        return False
    pos = text.find(word)
    while pos >= 0:
        end = pos + len(word)
        whole = (end == len(text) or not text[end].isalnum()) and (pos == 0 or text[pos - 1].isspace())
        m = _TWO_WORDS_BEFORE.search(text, max(0, pos - 80), pos) if whole else None
        if m is not None:
            before = m.group(1).rstrip(",")
            if before[:1].islower() and normalise(before) not in FUNCTION_WORDS | DETERMINERS or normalise(before) in TITLES:
                return True
        pos = text.find(word, pos + 1)
    return False
