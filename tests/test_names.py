"""Alias rules of ANNOTATION.md."""

from __future__ import annotations

from quoteattr.gold import SpeakerEntry, load_speakers
from quoteattr.names import is_person_name, matches_speaker, normalise

from .conftest import SEEDS


def test_normalise_ignores_case_hyphens_possessives():
    assert normalise("Pakistan’s Foreign-Ministry") == normalise("pakistan foreign ministry")
    assert normalise("The Ministry") == "ministry"


def test_alias_and_surname_rules():
    speakers = load_speakers(SEEDS / "speakers.json")
    person = next(e for e in speakers.values() if is_person_name(e.name) and len(e.name.split()) == 3)
    surname = person.name.split()[-1]
    assert matches_speaker(person.aliases[0].upper(), person)
    assert matches_speaker(f"Minister {surname}", person)
    assert not matches_speaker("Minister", person)
    assert not matches_speaker(None, person)


def test_organisations_have_no_surname_rule():
    org = SpeakerEntry("o", "Ministry of Health", ("Health Ministry",))
    assert matches_speaker("the health ministry", org)
    assert not matches_speaker("Ministry of Finance", org)
    assert not is_person_name("Ministry of Health") and is_person_name("Ann Lee")


def test_conjoined_prediction_is_right_when_a_part_is():
    org = SpeakerEntry("c", "Chile", ("Chile", "Santiago"))
    assert matches_speaker("Santiago and Lima", org)
    assert not matches_speaker("Lima and Quito", org)
