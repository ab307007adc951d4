"""Name normalisation and the alias rules used to score canonical speakers.

The rules are those of ``seeds/ANNOTATION.md``: a predicted name is right when
its normalised form equals one of the gold speaker's aliases (case, hyphens
and possessive 's ignored) or, for a person, when it ends with the same
surname. Nothing here knows any particular article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from .gold import SpeakerEntry

_POSSESSIVE = re.compile(r"['\u2019]s\b|(?<=s)['\u2019](?=\s|$)")
_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")

# Nationalities used as nouns for people ("the Italian said", "the Egyptian forward"):
# a description of a person, never an organisation's name.
DEMONYMS = frozenset(
    """american british briton english scottish welsh irish french frenchman german italian spanish portuguese dutch
    dutchman belgian swiss austrian swedish swede norwegian danish dane finnish finn polish czech russian ukrainian
    belarusian greek turkish turk iranian iraqi syrian lebanese israeli palestinian jordanian egyptian saudi emirati
    qatari yemeni afghan pakistani indian bangladeshi chinese japanese korean vietnamese thai filipino indonesian
    malaysian singaporean australian canadian mexican brazilian argentine argentinian chilean colombian venezuelan
    peruvian cuban nigerian kenyan ethiopian ghanaian moroccan algerian tunisian libyan sudanese somali hungarian
    romanian bulgarian serbian croatian slovak slovenian georgian armenian azerbaijani kazakh uzbek""".split()
)

# Places of two or more words that read like "Given Surname" ("Saudi Arabia said ... It
# added"): speakers of these names are organisations (governments), never people.
PLACE_NAMES = frozenset(
    """united states|united kingdom|united arab emirates|saudi arabia|south korea|north korea|new zealand|south africa|
    sri lanka|costa rica|el salvador|puerto rico|dominican republic|czech republic|central african republic|sierra leone|
    ivory coast|burkina faso|papua new guinea|east timor|timor-leste|cape verde|equatorial guinea|south sudan|
    north macedonia|san marino|solomon islands|marshall islands|saint lucia|hong kong|west bank|gaza strip|
    new delhi|tel aviv|abu dhabi|buenos aires|kuala lumpur|los angeles|san francisco|rio de janeiro|sao paulo|
    cape town|mexico city|kuwait city|vatican city|european union|soviet union|latin america|north america|
    south america|middle east|southeast asia|east africa|west africa|northern ireland|great britain|new york|
    new jersey|new mexico|new hampshire|north carolina|south carolina|north dakota|south dakota|west virginia|
    rhode island""".replace("\n", "").replace("    ", "").split("|")
)

# Words that mark a name as an organisation rather than a person.
ORGANISATION_WORDS = frozenset(
    """ministry office embassy government department agency council party committee commission
    union association institute university company corporation inc ltd llc group army navy police
    court parliament senate congress house bank foundation organisation organization federation
    league campaign administration service services forces republic state states kingdom
    authority board bureau centre center network news press times post agency team club
    consulate mission cabinet presidency college school academy hospital society trust fund treasury
    ministries agencies coalition alliance movement church firm carmaker automaker retailer lender insurer""".split()
)


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """Lowercase, drop accents, possessives, hyphens and punctuation, collapse spaces."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = _POSSESSIVE.sub("", name)
    name = name.replace("-", " ").replace("\u2010", " ").replace("\u2011", " ")
    name = _NON_WORD.sub(" ", name.lower())
    name = _SPACES.sub(" ", name).strip()
    if name.startswith("the "):
        name = name[4:]
    return name


def is_person_name(name: str) -> bool:
    """Heuristic: two or more capitalised words, none of them an organisation word."""
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if w]
    if len(words) < 2:
        return False
    if any(normalise(w) in ORGANISATION_WORDS for w in words):
        return False
    return all(w[:1].isupper() for w in words)


def speaker_kind(entry: SpeakerEntry) -> str:
    """``person`` or ``organisation``: the entry's stated kind, else inferred from its name."""
    if entry.kind:
        return "person" if entry.kind.lower() in {"person", "per", "human"} else "organisation"
    return "person" if is_person_name(entry.name) else "organisation"


def matches_speaker(predicted: Optional[str], entry: SpeakerEntry) -> bool:
    """Whether a predicted canonical name refers to the gold speaker ``entry``.

    A conjoined prediction ("Oslo and Helsinki") names each of its parts,
    so it is right when one part is: gold credits such quotes to every part.
    """
    if not predicted:
        return False
    parts = [p for p in re.split(r"\s+(?:and|&)\s+|,\s*", predicted) if p.strip()]
    if len(parts) > 1:
        return any(_matches_one(p, entry) for p in parts)
    return _matches_one(predicted, entry)


def _matches_one(predicted: str, entry: SpeakerEntry) -> bool:
    pred = normalise(predicted)
    if not pred:
        return False
    if pred in {normalise(a) for a in (entry.name, *entry.aliases)}:
        return True
    if speaker_kind(entry) == "person":
        surname = normalise(entry.name).split()[-1]
        tokens = pred.split()
        return len(surname) > 1 and tokens[-1] == surname
    return False
