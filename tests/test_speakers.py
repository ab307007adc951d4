"""Speaker resolution: surnames, misspellings, pronouns, descriptions, organisation forms."""

from __future__ import annotations

from quoteattr.speakers import resolve_speakers
from quoteattr.tagging import RoleSpan

TEXT = (
    "Brazilian Finance Minister Fernanda Albuquerque-Ramos met Chile's Foreign Minister Tomas Echeverria. "
    "Albuquerque-Ramos said x. Echevarria said y. He added z. "
    "The Brazilian Ministry of Finance said q. The ministry said w. Brazil's finance ministry said v. It said u. "
    "The top diplomat said r. They said s."
)


def _span(sub: str, nth: int = 0) -> RoleSpan:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(sub, i + 1)
    return RoleSpan("SOURCE", i, i + len(sub), 0.9)


def _resolve():
    spans = [_span(s) for s in [
        "Brazilian Finance Minister Fernanda Albuquerque-Ramos", "Chile's Foreign Minister Tomas Echeverria",
        "Echevarria", "He", "The Brazilian Ministry of Finance", "The ministry", "Brazil's finance ministry",
        "It", "The top diplomat"]] + [_span("Albuquerque-Ramos", 1)]
    speaker_of, speakers = resolve_speakers(TEXT, spans, [])
    return {TEXT[a:b]: name for (a, b), name in speaker_of.items()}, speakers


def test_names_surnames_and_misspellings_cluster():
    names, _ = _resolve()
    assert names["Brazilian Finance Minister Fernanda Albuquerque-Ramos"] == "Fernanda Albuquerque-Ramos"
    assert names["Albuquerque-Ramos"] == "Fernanda Albuquerque-Ramos"
    assert names["Echevarria"] == "Tomas Echeverria"  # misspelt surname joins the full name


def test_pronouns_and_descriptions_take_nearest_compatible_antecedent():
    names, _ = _resolve()
    assert names["He"] == "Tomas Echeverria"
    assert names["The top diplomat"] == "Tomas Echeverria"
    assert names["The ministry"] == names["It"] == "Brazilian Ministry of Finance"


def test_organisation_possessive_and_adjectival_forms_merge():
    names, speakers = _resolve()
    assert names["Brazil's finance ministry"] == "Brazilian Ministry of Finance"
    ministry = next(s for s in speakers if s.name == "Brazilian Ministry of Finance")
    assert ministry.kind == "organisation" and len(ministry.mentions) == 4
    assert all(TEXT[m.start:m.end] == m.text for s in speakers for m in s.mentions)


def test_corpus_speaker_index_merges_documents():
    from quoteattr.corpus import speaker_index
    from quoteattr.types import DocumentResult, Quote, Speaker

    def doc(doc_id, *names_kinds):
        quotes = tuple(Quote(0, 1, "x", name) for name, _ in names_kinds)
        speakers = tuple(Speaker(name, (), kind) for name, kind in dict(names_kinds).items())
        return DocumentResult(doc_id, quotes, speakers)

    index = speaker_index([
        doc("a", ("Tomas Echeverria", "person"), ("Tomas Echeverria", "person"), ("Health Ministry", "organisation")),
        doc("b", ("Echevarria", "person"), ("Ana Echeverria", "person")),
        doc("c", ("the Health Ministry", "organisation")),
    ])
    by_name = {e.name: e for e in index}
    assert by_name["Tomas Echeverria"].quotes == 3 and by_name["Tomas Echeverria"].documents == ["a", "b"]
    assert by_name["Ana Echeverria"].quotes == 1  # same surname, other first name: another person
    assert by_name["Health Ministry"].documents == ["a", "c"]
    assert index[0].name == "Tomas Echeverria"


def test_tidy_mention_drops_trailing_function_words_and_punctuation():
    from quoteattr.decoding import tidy_mention

    text = "the Iranian foreign ministry in a statement, and Prime Minister Ana Lee, said"
    a = text.index("the Iranian")
    assert text[slice(*tidy_mention(text, a, a + len("the Iranian foreign ministry in")))] == "the Iranian foreign ministry"
    b = text.index("Prime")
    assert text[slice(*tidy_mention(text, b, text.index(" said")))] == "Prime Minister Ana Lee"
    assert tidy_mention(text, 0, 0) == (0, 0)


def test_place_is_not_merged_into_an_organisation_located_there():
    from quoteattr.speakers import same_organisation

    assert not same_organisation("Iran", "Brazilian embassy in Iran")
    assert same_organisation("the foreign ministry", "Ministry of Foreign Affairs")
    assert same_organisation("Chile", "Chilean")


def test_titles_descriptors_and_spelling_tolerance():
    from quoteattr.person_names import person_name as _person_name
    from quoteattr.speakers import _mention_kind, same_word

    assert _person_name("Health Office spokesperson Ana Maria Lee") == "Ana Maria Lee"
    assert _person_name("the Chilean") is None
    # A title with its portfolio after "of": the portfolio is part of the title, not the name.
    assert _person_name("Secretary of State Mara Lindqvist") == "Mara Lindqvist"
    assert _person_name("Minister of Foreign Affairs Tomas Berg") == "Tomas Berg"
    assert _person_name("Secretary of State") is None and _person_name("Ministry of Foreign Affairs") is None
    assert _mention_kind("the Foreign Minister") == "description"
    assert not same_word("minister", "ministry")
    assert same_word("abdullahian", "abdullahain") and same_word("echeverria", "echevarria")


def _names(text: str, mentions: list[str]) -> dict[str, str]:
    spans = []
    for sub in mentions:
        i = text.index(sub)
        spans.append(RoleSpan("SOURCE", i, i + len(sub), 0.9))
    speaker_of, _ = resolve_speakers(text, spans, [])
    return {text[a:b]: name for (a, b), name in speaker_of.items()}


def test_appositions_and_affiliations_name_the_person():
    text = ("Tom Becker, who runs a bakery, said a. Kenji Morimoto, chief economist at Daiwa Securities, said b. "
            "Sarah Klein of ING said c. Her colleague, David Hart, said d. state schools superintendent Maria Delgado said e.")
    names = _names(text, ["Tom Becker, who runs a bakery,", "Kenji Morimoto, chief economist at Daiwa Securities,",
                          "Sarah Klein of ING", "Her colleague, David Hart,", "state schools superintendent Maria Delgado"])
    assert names["Tom Becker, who runs a bakery,"] == "Tom Becker"
    assert names["Kenji Morimoto, chief economist at Daiwa Securities,"] == "Kenji Morimoto"
    assert names["Sarah Klein of ING"] == "Sarah Klein"
    assert names["Her colleague, David Hart,"] == "David Hart"
    assert names["state schools superintendent Maria Delgado"] == "Maria Delgado"


def test_organisations_with_articles_and_demonyms():
    text = "The Royal College of Nursing said a. Britain's Treasury said b. The British Treasury said c."
    names = _names(text, ["The Royal College of Nursing", "Britain's Treasury", "The British Treasury"])
    assert names["The Royal College of Nursing"] == "Royal College of Nursing"
    assert names["Britain's Treasury"] == names["The British Treasury"]


def test_pronoun_follows_a_resolved_description_not_a_name_in_between():
    text = ("The Lusitanian Ministry of Health said a. Officials from Ruritania met. The ministry said b. "
            "The Foreign Minister said c. It said further d.")
    names = _names(text, ["The Lusitanian Ministry of Health", "Ruritania", "The ministry", "The Foreign Minister", "It"])
    assert names["The ministry"] == "Lusitanian Ministry of Health"
    assert names["It"] == "Lusitanian Ministry of Health"  # via "The ministry", past "Ruritania" and a person


def test_description_finds_a_named_organisation_that_is_not_a_source():
    text = "Oregon's Department of Education closed schools on Thursday. The department said the move was needed."
    names = _names(text, ["The department"])
    assert names["The department"] == "Oregon's Department of Education"


def test_particles_inside_names_are_kept():
    text = "Prime Minister Anwaar ul Haq Kakar said a."
    assert _names(text, ["Prime Minister Anwaar ul Haq Kakar"])["Prime Minister Anwaar ul Haq Kakar"] == "Anwaar ul Haq Kakar"


def test_given_name_after_a_title_completes_a_two_word_name_only():
    from quoteattr.person_names import fullest_person_name

    text = ("Health Minister Maria Garcia Lopez arrived. Garcia Lopez said a. Yesterday Jane Doe said b. "
            "Democrat Hillary Clinton spoke. First lady Michelle Obama spoke. Obama said c. Mexican President Enrique Pena Nieto came.")
    assert fullest_person_name(text, "Garcia Lopez") == "Maria Garcia Lopez"
    assert fullest_person_name(text, "Pena Nieto") == "Enrique Pena Nieto"
    assert fullest_person_name(text, "Jane Doe") == "Jane Doe"  # a sentence start is not a given name
    assert fullest_person_name(text, "Hillary Clinton") == "Hillary Clinton"  # a party label is not one either
    assert fullest_person_name(text, "Obama") == "Obama"  # bare surnames are never extended (relatives)


def test_counted_descriptions_take_the_nearest_conjoined_speaker():
    text = ("Ruritania and Lusitania signed a pact, which both governments called historic. "
            "The Farmers' Union said a. The two countries said b. The union said c.")
    names = _names(text, ["Ruritania and Lusitania", "both governments", "The Farmers' Union", "The two countries", "The union"])
    assert names["both governments"] == names["The two countries"] == "Ruritania and Lusitania"  # not the union in between
    assert names["The union"] == "Farmers' Union"


def test_local_government_roles_are_titles_not_names():
    text = "Councilmember Luis Ortega said a. Commissioner Dana Whitfield said b."
    names = _names(text, ["Councilmember Luis Ortega", "Commissioner Dana Whitfield"])
    assert names == {"Councilmember Luis Ortega": "Luis Ortega", "Commissioner Dana Whitfield": "Dana Whitfield"}


def test_indefinite_descriptions_introduce_new_speakers_except_spokespeople():
    text = ("Judge Maria Soto spoke first. The Health Ministry said a. A spokesperson said b. "
            "A senior diplomat said c. A spokesman for the Farmers' Union said d.")
    names = _names(text, ["Judge Maria Soto", "The Health Ministry", "A spokesperson", "A senior diplomat",
                          "A spokesman for the Farmers' Union"])
    assert names["A spokesperson"] == "Health Ministry"  # speaks for the organisation named last
    assert "A senior diplomat" not in names  # someone new: shown as written, never "Maria Soto"
    assert names["A spokesman for the Farmers' Union"] == "Farmers' Union"  # the organisation it names


def test_name_particle_runs_and_role_words_before_names():
    text = "European Commission President Ursula von der Leyen said a. Resident Tomas Kovac said b."
    names = _names(text, ["European Commission President Ursula von der Leyen", "Resident Tomas Kovac"])
    assert names["European Commission President Ursula von der Leyen"] == "Ursula von der Leyen"
    assert names["Resident Tomas Kovac"] == "Tomas Kovac"


def test_appositions_name_the_organisation_or_join_the_known_person():
    text = ("The company, Harmon Automotive, said a. 'We tried,' the statement said. "
            "Retired Lt. Gen. Rhea Calloway spoke. Calloway, a former adviser, said b. "
            "His former partner at Lenox, Lawrence B. Cummings, said c.")
    names = _names(text, ["The company, Harmon Automotive", "the statement", "Retired Lt. Gen. Rhea Calloway",
                          "Calloway, a former adviser", "His former partner at Lenox, Lawrence B. Cummings"])
    assert names["The company, Harmon Automotive"] == names["the statement"] == "Harmon Automotive"
    assert names["Retired Lt. Gen. Rhea Calloway"] == names["Calloway, a former adviser"] == "Rhea Calloway"
    assert names["His former partner at Lenox, Lawrence B. Cummings"] == "Lawrence B. Cummings"


def test_a_document_far_from_any_speaker_stays_as_written():
    text = "The Farmers' Union said a.\n\nRain fell.\n\nPrices rose.\n\nThe letter said b."
    names = _names(text, ["The Farmers' Union", "The letter"])
    assert "The letter" not in names


def test_person_pronoun_takes_a_name_opening_its_paragraph_after_the_last_person_mention():
    text = ('Mayor Gloria Nunez said a.\nCouncil President Ben Adeyemi was more measured. Asked again, he said b.\n'
            'On Wednesday, he said c.')
    first_he, second_he = text.index(", he said b") + 2, text.index(", he said c") + 2
    spans = [RoleSpan("SOURCE", 0, len("Mayor Gloria Nunez"), 0.9),
             RoleSpan("SOURCE", first_he, first_he + 2, 0.9), RoleSpan("SOURCE", second_he, second_he + 2, 0.9)]
    speaker_of, _ = resolve_speakers(text, spans, [])
    assert speaker_of[(first_he, first_he + 2)] == "Ben Adeyemi"  # not the last quoted person
    assert speaker_of[(second_he, second_he + 2)] == "Ben Adeyemi"  # "On Wednesday" names nobody


def test_bare_surname_of_a_person_described_in_the_narrative_is_a_person():
    text = ("Prosecutors charged former defence minister Pavel Hruby on Thursday. Hruby wrote a. "
            "The prosecutor's office said b.")
    names = _names(text, ["Hruby", "The prosecutor's office"])
    assert names["Hruby"] == "Pavel Hruby"  # a person, named in full from its first mention
    assert names.get("The prosecutor's office", "as written") in ("as written", "prosecutor's office")  # not the minister


def test_gendered_titles_keep_pronouns_apart_and_first_person_relatives_speak_for_themselves():
    text = "Ms. Alvarez said a. Mr. Okafor said b. She said c. My father said d. He said e."
    spans = [RoleSpan("SOURCE", text.index(s), text.index(s) + len(s), 0.9)
             for s in ["Ms. Alvarez", "Mr. Okafor", "She", "My father", "He"]]
    speaker_of, _ = resolve_speakers(text, spans, [])
    by_text = {text[a:b]: name for (a, b), name in speaker_of.items()}
    assert by_text["She"] == "Alvarez"  # not the nearer Mr. Okafor
    assert by_text["My father"] == "My father" and by_text["He"] == "My father"


def test_bare_plurals_are_unnamed_people():
    text = "The Interior Ministry said a. Police fired tear gas, witnesses said. Prices fell, market analysts said b."
    names = _names(text, ["The Interior Ministry", "witnesses", "market analysts"])
    assert "witnesses" not in names and "market analysts" not in names  # shown as written, not the ministry


def test_a_description_that_says_which_organisation_it_is_does_not_take_another():
    text = ("Orvik Mining Group said it would appeal the permit ruling. The company said a. "
            "The environment agency said b. The agency said c.")
    names = _names(text, ["Orvik Mining Group", "The company", "The environment agency", "The agency"])
    assert names["The company"] == "Orvik Mining Group"  # a bare kind word takes the organisation named before
    assert names["The environment agency"] == "environment agency"  # a speaker of its own, not Orvik Mining Group
    assert names["The agency"] == "environment agency"


def test_tidy_mention_drops_leading_prepositions_and_mentions_naming_nobody():
    from quoteattr.decoding import tidy_output

    text = "PolitiFact rated 32% of Republican claims as false. In The end, a panel said so."
    a = text.index("of Republican")
    b = text.index("In The")
    spans = [RoleSpan("SOURCE", a, a + len("of Republican"), 0.9), RoleSpan("SOURCE", b, b + len("In The"), 0.9)]
    tidy, _ = tidy_output(text, spans, [])
    assert [text[s.start:s.end] for s in tidy] == ["Republican"]  # "The" alone names nobody


def test_organisation_name_drops_a_lead_in_that_only_describes_it():
    from quoteattr.speakers import organisation_name

    assert organisation_name("nonpartisan Commission on Presidential Debates") == "Commission on Presidential Debates"
    assert organisation_name("presidential debate Politifact") == "Politifact"  # a tagger slip over a missing comma
    assert organisation_name("event organizer Alliance to Reclaim Our Schools") == "Alliance to Reclaim Our Schools"
    for kept in ["many Democrats", "number of other members of Congress", "two Republican presidents",
                 "who runs Clinton's campaign", "nation's largest Teachers Union", "environment agency", "Politifact",
                 "union representing Boeing's machinists"]:
        assert organisation_name(kept) == kept


def test_described_organisation_is_named_without_the_description():
    text = ("Politifact said a. Following the debate Politifact checked the claim. "
            "The nonpartisan Commission on Presidential Debates said b. The commission said c.")
    names = _names(text, ["debate Politifact", "Politifact", "The nonpartisan Commission on Presidential Debates", "The commission"])
    assert names["debate Politifact"] == names["Politifact"] == "Politifact"
    assert names["The nonpartisan Commission on Presidential Debates"] == names["The commission"] == "Commission on Presidential Debates"


def test_party_and_state_in_parentheses_are_not_part_of_a_name():
    text = ("Rep. G.K. Butterfield (D-N.C.) said a. Rep. Jim Clyburn (D-S.C.), the assistant leader, said b. "
            "Chaffetz said c. Sens. Jeff Merkley (D-Ore.) and Sherrod Brown (D-Ohio) said d. Oversight Chairman Jason Chaffetz (R-Utah) said e.")
    names = _names(text, ["Rep. G.K. Butterfield (D-N.C.)", "Rep. Jim Clyburn (D-S.C.), the assistant leader", "Chaffetz",
                          "Oversight Chairman Jason Chaffetz (R-Utah)"])
    assert names["Rep. G.K. Butterfield (D-N.C.)"] == "G.K. Butterfield"
    assert names["Rep. Jim Clyburn (D-S.C.), the assistant leader"] == "Jim Clyburn"  # "D-N.C." / "D-S.C." no longer pass for one surname
    assert names["Chaffetz"] == names["Oversight Chairman Jason Chaffetz (R-Utah)"] == "Jason Chaffetz"

    from quoteattr.person_names import person_name

    assert person_name("Sens. Jeff Merkley (D-Ore.), Sherrod Brown (D-Ohio) and Robert Menendez (D-N.J.)") == "Jeff Merkley"
    assert person_name("Gov. Pat McCrory (R)") == "Pat McCrory"


def test_a_bare_surname_takes_the_full_name_of_its_first_mention():
    from quoteattr.person_names import full_name_at_first_mention as full

    assert full("Wells Fargo CEO John Stumpf testified. Stumpf said.", "Stumpf") == "John Stumpf"
    assert full("Sen.\u00a0Patrick J. Leahy said so.", "Leahy") == "Patrick J. Leahy"
    assert full("President Obama spoke. Michelle Obama said.", "Obama") is None  # relatives: the first mention decides
    for text in ["It ended on Tuesday. Stumpf said.", "Democrat Stumpf said.", "And Stumpf said.", "Former Stumpf said."]:
        assert full(text, "Stumpf") is None, text
    assert full("Former DNC officials met.", "DNC") is None

    text = "Washington Post reporter Stephanie McCrummen wrote the piece. McCrummen said a. Trump said b."
    names = _names(text, ["McCrummen", "Trump"])
    assert names == {"McCrummen": "Stephanie McCrummen", "Trump": "Trump"}


def test_mentions_end_at_a_line_break_and_lose_a_dangling_possessive():
    from quoteattr.decoding import tidy_mention

    text = "\u201cA quote.\u201d \u2015 Stephanie Egan\n\u201cAnother.\u201d However, Ivana Trump's brief said so."
    a = text.index("Stephanie")
    assert text[slice(*tidy_mention(text, a, text.index("Another")))] == "Stephanie Egan"
    b = text.index("Ivana")
    assert text[slice(*tidy_mention(text, b, text.index(" brief")))] == "Ivana Trump"


def test_party_and_rival_lead_ins_are_not_given_names():
    from quoteattr.person_names import person_name

    assert person_name("Democrat Hillary Clinton") == "Hillary Clinton"
    assert person_name("Rival Hillary Clinton") == "Hillary Clinton"
    text = "The singer Mary J. Blige performed. Blige said a. The New York Times reported it. The Times said b."
    names = _names(text, ["Blige", "The Times"])
    assert names["Blige"] == "Mary J. Blige"  # a one-word speaker first written with a given name is that person
    assert names["The Times"] == "Times"  # never "York Times": an organisation the article writes after "the"


def test_one_speaker_per_name_and_acronyms_are_organisations():
    from quoteattr.speakers import _Cluster, _name_in_full, _speaker_list
    from quoteattr.types import Span

    text = "The IMF said a. IMF chief economist Maury Obstfeld said b. Chris Wallace asked. WALLACE: Why?"
    a = _Cluster("IMF", "organisation", ["imf"], [Span(0, 7, "The IMF")])
    b = _Cluster("IMF", "person", ["imf"], [Span(16, 19, "IMF")])  # a cut Source read as a person
    _name_in_full(b, text)
    assert b.kind == "organisation"  # an acronym names no person
    speakers = _speaker_list([a, b])
    assert [(s.name, s.kind, len(s.mentions)) for s in speakers] == [("IMF", "organisation", 2)]
    label = _Cluster("WALLACE", "organisation", ["wallace"], [Span(text.index("WALLACE"), text.index("WALLACE") + 7, "WALLACE")])
    _name_in_full(label, text)
    assert (label.name, label.kind) == ("Chris Wallace", "person")  # a transcript label, named as the text writes it


def test_a_place_that_reads_like_a_name_is_an_organisation_a_pronoun_can_follow():
    text = "Saudi Arabia said a. It added b. New Zealand Prime Minister Jacinda Ardern said c."
    _, speakers = resolve_speakers(text, [RoleSpan("SOURCE", 0, 12, 0.9), RoleSpan("SOURCE", 21, 23, 0.9),
                                          RoleSpan("SOURCE", text.index("New"), text.index(" said c"), 0.9)], [])
    by_name = {s.name: s for s in speakers}
    assert by_name["Saudi Arabia"].kind == "organisation" and len(by_name["Saudi Arabia"].mentions) == 2  # "It" follows it
    assert by_name["Jacinda Ardern"].kind == "person"


def test_person_nouns_describe_people_not_organisations():
    text = "Tesla's chief executive Elon Musk spoke. The company said a. The billionaire said b. The actress Emma Stone said c. She said d."
    names = _names(text, ["Tesla's chief executive Elon Musk", "The company", "The billionaire", "The actress Emma Stone", "She"])
    assert names["The billionaire"] == "Elon Musk"  # not the company mentioned in between
    assert names["She"] == "Emma Stone"


def test_a_nationality_or_sports_role_after_the_describes_a_person():
    text = ("The Guardian reported it. Madrid coach Carlo Ancelotti spoke first. The Italian said a. "
            "Mohamed Salah scored. The Egyptian forward said b.")
    names = _names(text, ["Madrid coach Carlo Ancelotti", "Mohamed Salah", "The Guardian", "The Italian", "The Egyptian forward"])
    assert names["The Italian"] == "Carlo Ancelotti"  # not a new organisation "Italian"
    assert names["The Egyptian forward"] == "Mohamed Salah"
    assert names["The Guardian"] == "Guardian"  # a newspaper stays an organisation
    text = ("Jurgen Klopp said a. Madrid coach Carlo Ancelotti was left to rue missed chances. "
            "\"We lost our heads,\" the Italian said.")
    assert _names(text, ["Jurgen Klopp", "the Italian"])["the Italian"] == "Carlo Ancelotti"  # named in the paragraph, not a Source


def test_a_nationality_with_a_role_finds_the_person_named_in_its_paragraph():
    text = ("Jurgen Klopp said a. Mohamed Salah, who scored the winner, dedicated it to the fans. "
            "\"This one is for them,\" the Egyptian forward said. The Iranian officials said b.")
    names = _names(text, ["Jurgen Klopp", "the Egyptian forward"])
    assert names["the Egyptian forward"] == "Mohamed Salah"  # not tagged as a Source, named in the paragraph


def test_hyphenated_titles_document_authors_and_agency_datelines():
    from quoteattr.decoding import in_dateline
    from quoteattr.person_names import person_name
    from quoteattr.speakers import organisation_name

    assert person_name("UN Secretary-General Antonio Guterres") == "Antonio Guterres"
    assert person_name("Jean-Pierre Raffarin") == "Jean-Pierre Raffarin"  # a hyphenated given name is no title
    assert organisation_name("statement released by the Alliance of Small Island States") == "Alliance of Small Island States"
    assert organisation_name("letter to Congress") == "letter to Congress"
    text = "NEW YORK (AFP) \u2014 UN chief Antonio Guterres said"
    assert in_dateline(text, text.index("AFP")) and not in_dateline(text, text.index("UN chief"))
    text = "NEW DELHI/ISLAMABAD, May 8 (Reuters) - India said"
    assert in_dateline(text, 0) and not in_dateline(text, text.index("India"))


def test_they_takes_a_group_or_organisation_and_the_doctor_a_person():
    text = "Clinton aides said a. Brian Fallon, the press secretary, spoke. They said b."
    names = _names(text, ["Clinton aides", "Brian Fallon, the press secretary", "They"])
    assert names["They"] == names["Clinton aides"] != "Brian Fallon"
    text = "The World Health Organization said a. Dr. Amara Okafor, an epidemiologist, spoke. The doctor said b."
    names = _names(text, ["The World Health Organization", "Dr. Amara Okafor, an epidemiologist", "The doctor"])
    assert names["The doctor"] == "Amara Okafor"


def test_they_after_an_untagged_plural_role_phrase_takes_that_group():
    text = ("The World Health Organization said a.\n\nRomanian health officials said the country had declared "
            "an epidemic. \"Hospitals are under strain,\" they said.")
    names = _names(text, ["The World Health Organization", "they"])
    assert names["they"] == "Romanian health officials"  # named in the paragraph, never tagged as a Source
