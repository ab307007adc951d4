"""Quote detection and speaker recovery from tagger probabilities (hand-set, no model)."""

from __future__ import annotations

import numpy as np

from quoteattr.decoding import _Sentences, coordinated_scores, detect_quotes, is_page_title, join_conjoined_sources, recover_sources
from quoteattr.marks import find_mark_pairs, outer_pairs
from quoteattr.tagging import LABELS, RoleSpan, decode_spans, tokenize_document

from .conftest import tiny_tokenizer


def _probs(text: str, labels: dict[str, dict[str, float]]):
    """A document and probabilities: every word O except the given words' label masses."""
    doc = tokenize_document(text, tiny_tokenizer([text]))
    probs = np.zeros((len(doc.input_ids), len(LABELS)), dtype=np.float32)
    probs[:, LABELS.index("O")] = 1.0
    for i, (start, end) in enumerate(doc.offsets):
        word = text[start:end]
        for key, masses in labels.items():
            if word == key:
                probs[i] = 0.0
                for label, p in masses.items():
                    probs[i, LABELS.index(label)] = p
                probs[i, LABELS.index("O")] = 1.0 - sum(masses.values())
    return doc, probs


def test_cue_without_source_recovers_the_likeliest_speaker_in_its_sentence():
    text = 'Oslo and Helsinki exchanged messages, calling for "shared resolve". Officials met later.'
    doc, probs = _probs(text, {
        "Oslo": {"B-SOURCE": 0.15}, "Helsinki": {"I-SOURCE": 0.09},
        "calling": {"B-CUE": 0.9}, "for": {"I-CUE": 0.9},
        "shared": {"I-CONTENT": 0.9}, "resolve": {"I-CONTENT": 0.9}, "Officials": {"B-SOURCE": 0.3},
    })
    pairs = outer_pairs(find_mark_pairs(text))
    quotes = [p for p, _ in detect_quotes(text, doc, probs, 0.5, pairs)]
    spans = recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, quotes)
    sources = [text[s.start:s.end] for s in spans if s.role == "SOURCE"]
    assert sources == ["Oslo and Helsinki"]  # the conjunction joins both names; the next sentence is untouched


def test_no_recovery_without_a_quote_or_below_the_floor():
    text = "The council, calling for calm, met."
    doc, probs = _probs(text, {"council": {"B-SOURCE": 0.4}, "calling": {"B-CUE": 0.9}})
    pairs = outer_pairs(find_mark_pairs(text))
    assert [s.role for s in recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, [])] == ["CUE"]
    text = 'The council met, calling for "calm".'
    doc, probs = _probs(text, {"council": {"B-SOURCE": 0.02}, "calling": {"B-CUE": 0.9}, "calm": {"I-CONTENT": 0.9}})
    pairs = outer_pairs(find_mark_pairs(text))
    spans = recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, pairs)
    assert "SOURCE" not in [s.role for s in spans]


def test_letterless_source_spans_are_dropped():
    text = 'Smith - said "yes".'
    doc, probs = _probs(text, {"-": {"B-SOURCE": 0.9}, "said": {"B-CUE": 0.9}, "yes": {"I-CONTENT": 0.9}})
    pairs = outer_pairs(find_mark_pairs(text))
    spans = recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, pairs)
    assert all(any(c.isalpha() for c in text[s.start:s.end]) for s in spans if s.role == "SOURCE")


def test_lone_letter_sources_name_nobody_but_i_does():
    from quoteattr.decoding import names_someone

    assert not names_someone("D") and not names_someone("the D")  # cut from "(D-Nev.)"
    assert names_someone("I") and names_someone("Ana") and names_someone("J. Smith")


def test_weak_marks_beside_a_quote_in_one_sentence_are_kept():
    text = 'They sent "warm" notes, calling for "shared resolve". A "so-called" plan failed.'
    doc, probs = _probs(text, {"warm": {"I-CONTENT": 0.2}, "shared": {"I-CONTENT": 0.9}, "resolve": {"I-CONTENT": 0.9},
                               "so": {"I-CONTENT": 0.2}, "called": {"I-CONTENT": 0.2}})
    kept = [text[p.start:p.end] for p, _ in detect_quotes(text, doc, probs, 0.5)]
    assert kept == ["warm", "shared resolve"]  # the weak pair in another sentence stays out


def test_coordinated_marks_are_decided_together():
    text = 'Leaders called the talks "cordial" and "open", then left. A "so-called" plan, "new" or "old", failed.'
    doc, probs = _probs(text, {"cordial": {"I-CONTENT": 0.03}, "open": {"I-CONTENT": 0.8},
                               "so": {"I-CONTENT": 0.2}, "called": {"I-CONTENT": 0.2}, "new": {"I-CONTENT": 0.1}, "old": {"I-CONTENT": 0.3}})
    found = [(text[p.start:p.end], round(score, 2)) for p, score in detect_quotes(text, doc, probs, 0.5)]
    assert found == [("cordial", 0.8), ("open", 0.8)]  # far below even the sibling floor, yet one phrase with "open"
    # A coordinated group of weak pairs stays out: the group's best score decides, it adds no evidence.
    pairs = outer_pairs(find_mark_pairs(text))
    assert coordinated_scores(text, pairs, [0.1, 0.8, 0.2, 0.1, 0.3]) == [0.8, 0.8, 0.2, 0.3, 0.3]
    # Only a comma or a coordinator joins pairs: a verb or a sentence between them does not.
    apart = 'He said "yes" and said "no". "One." "Two."'
    pairs = outer_pairs(find_mark_pairs(apart))
    assert coordinated_scores(apart, pairs, [0.9, 0.1, 0.9, 0.1]) == [0.9, 0.1, 0.9, 0.1]


def _pair(text: str, inside: str):
    return next(p for p in outer_pairs(find_mark_pairs(text)) if text[p.start:p.end] == inside)


def test_page_titles_in_marks_are_not_quotes():
    title = "Home\n\n  \u201cCouncil Approves New Budget After Long Debate\u201d\n\nThe council met."
    assert is_page_title(title, _pair(title, "Council Approves New Budget After Long Debate"))
    echoed = 'News > "Budget approved after a long debate, reports say...\n"Budget approved after a long debate, reports say"\nBody.'
    assert is_page_title(echoed, _pair(echoed, "Budget approved after a long debate, reports say"))
    speech = 'Intro.\n\n"We will never give up on this city."\n\nShe spoke at noon.'
    assert not is_page_title(speech, _pair(speech, "We will never give up on this city."))
    inline = 'Mayor says "The Budget Is Balanced" at rally'
    assert not is_page_title(inline, _pair(inline, "The Budget Is Balanced"))


def _sources(text: str, labels: dict[str, dict[str, float]]) -> list[str]:
    doc, probs = _probs(text, labels)
    pairs = outer_pairs(find_mark_pairs(text))
    quotes = [p for p, _ in detect_quotes(text, doc, probs, 0.5, pairs)]
    return [text[s.start:s.end] for s in recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, quotes) if s.role == "SOURCE"]


def test_a_recovered_speaker_of_function_words_only_gives_way_to_the_next_likeliest():
    text = 'The conversation came after Helsinki sent notes, calling for "shared resolve".'
    labels = {"The": {"B-SOURCE": 0.06}, "Helsinki": {"B-SOURCE": 0.045}, "calling": {"B-CUE": 0.9}, "for": {"I-CUE": 0.9},
              "shared": {"I-CONTENT": 0.9}, "resolve": {"I-CONTENT": 0.9}}
    assert _sources(text, labels) == ["Helsinki"]  # not a lone "The"
    labels["The"] = {"B-SOURCE": 0.6}  # even when the tagger itself reads it as a Source
    labels["Helsinki"] = {}
    assert "The" not in _sources(text, labels)


def test_title_abbreviations_neither_end_sentences_nor_stop_a_recovered_name():
    text = 'Mr. Smith, calling for "calm", left. Mrs. Jones stayed.'
    sentences = _Sentences(text, outer_pairs(find_mark_pairs(text)))
    assert sentences.index(text.index("Smith")) == sentences.index(text.index("Mr.")) != sentences.index(text.index("Jones"))
    assert sentences.index(text.index("Jones")) == sentences.index(text.index("Mrs."))
    labels = {"Mr": {"B-SOURCE": 0.2}, "Smith": {"I-SOURCE": 0.2}, "calling": {"B-CUE": 0.9}, "for": {"I-CUE": 0.9},
              "calm": {"I-CONTENT": 0.9}}
    assert _sources(text, labels) == ["Mr. Smith"]
    text = 'He met George W. Bush. "We agree," she said.'
    sentences = _Sentences(text, outer_pairs(find_mark_pairs(text)))
    assert sentences.index(text.index("Bush")) == sentences.index(text.index("George"))
    assert sentences.index(text.index("she")) != sentences.index(text.index("Bush"))


def test_sources_joined_by_and_become_one_conjoined_speaker():
    text = 'Brazil and Argentina said "yes". Lima, and Quito agreed.'
    doc, probs = _probs(text, {"Brazil": {"B-SOURCE": 0.9}, "Argentina": {"B-SOURCE": 0.9}, "said": {"B-CUE": 0.9},
                               "yes": {"I-CONTENT": 0.9}, "Lima": {"B-SOURCE": 0.9}, "Quito": {"B-SOURCE": 0.9}})
    spans = join_conjoined_sources(text, decode_spans(doc, probs))
    assert [text[s.start:s.end] for s in spans if s.role == "SOURCE"] == ["Brazil and Argentina", "Lima", "Quito"]


def test_wire_datelines_are_places_not_speakers():
    from quoteattr.decoding import in_dateline

    text = 'VALDORA - Ruritania signed, calling it "a model." \nBUENOS AIRES, March 4 (Wire) - Talks ended.\nHelsinki: Officials met.'
    assert in_dateline(text, 0) and in_dateline(text, text.index("AIRES"))
    assert not in_dateline(text, text.index("Ruritania")) and not in_dateline(text, text.index("Helsinki"))
    doc, probs = _probs(text, {"VALDORA": {"B-SOURCE": 0.9}, "calling": {"B-CUE": 0.9}, "model": {"I-CONTENT": 0.9}})
    pairs = outer_pairs(find_mark_pairs(text))
    spans = recover_sources(text, doc, probs, decode_spans(doc, probs), pairs, pairs)
    assert "VALDORA" not in [text[s.start:s.end] for s in spans if s.role == "SOURCE"]


def test_a_source_cut_before_its_head_noun_is_completed():
    from quoteattr.decoding import complete_heads
    from quoteattr.tagging import RoleSpan

    text = "The Foreign Minister stressed it. The Securities and Exchange Commission said so. Smith Says"
    spans = [RoleSpan("SOURCE", 0, len("The Foreign"), 0.9),
             RoleSpan("SOURCE", text.index("Securities"), text.index(" Commission"), 0.9),
             RoleSpan("SOURCE", text.index("Smith"), text.index(" Says"), 0.9),
             RoleSpan("CUE", text.index("Says"), len(text), 0.9)]
    out = [text[s.start:s.end] for s in complete_heads(text, spans) if s.role == "SOURCE"]
    assert out == ["The Foreign Minister", "Securities and Exchange Commission", "Smith"]  # "Says" is not a head


def _span(text: str, role: str, sub: str) -> RoleSpan:
    i = text.index(sub)
    return RoleSpan(role, i, i + len(sub), 0.9)


def test_a_quote_running_on_into_its_attribution_takes_that_speaker():
    from quoteattr.decoding import LinkedQuote, apply_attribution_conventions

    text = ('Orvik said it would appeal. "We followed every step," chief executive Lena Varga told reporters. '
            '"It is over." Orvik said later. "Why now?" asked the mayor.')
    pairs = outer_pairs(find_mark_pairs(text))
    spans = [_span(text, "SOURCE", "Orvik"), _span(text, "CUE", "said it"), _span(text, "SOURCE", "chief executive Lena Varga"),
             _span(text, "CUE", "told"), _span(text, "SOURCE", "the mayor"), _span(text, "CUE", "asked")]
    later = text.rindex("Orvik said later")
    spans += [RoleSpan("SOURCE", later, later + 5, 0.9), RoleSpan("CUE", later + 6, later + 10, 0.9)]
    orvik = spans[0]
    linked = [LinkedQuote(p, 0.9, orvik, spans[1]) for p in pairs]  # a linker that chose the earlier speaker every time
    out = apply_attribution_conventions(text, linked, spans)
    assert text[out[0].mention.start : out[0].mention.end] == "chief executive Lena Varga"  # '"...," X told'
    assert out[0].cue == spans[3]
    assert out[1].mention == orvik  # a quote ending its sentence ("over.") is not attributed forward
    assert text[out[2].mention.start : out[2].mention.end] == "the mayor"  # '"...?" asked X'


def test_dash_bylines_and_transcript_labels_name_the_speaker():
    from quoteattr.decoding import LinkedQuote, apply_attribution_conventions

    text = ('"Prices keep rising." \u2015 Ana Ruiz\n"We need more buses." \u2015 Tomas Berg\n'
            '"HOST: Will you run again?"\n"BERG: Not this time."\n"BREAKING: the vote is delayed."\n'
            '"Rents are too high." \u2015 Lena M. Varga.')
    pairs = outer_pairs(find_mark_pairs(text))
    ruiz, berg = _span(text, "SOURCE", "Ana Ruiz"), _span(text, "SOURCE", "Tomas Berg")
    linked = [LinkedQuote(p, 0.9, ruiz, None) for p in pairs]  # a linker that chose the first name every time
    out = apply_attribution_conventions(text, linked, [ruiz, berg])
    # The last byline was not tagged as a Source: its name is read from the capitalised words.
    assert [text[q.mention.start : q.mention.end] for q in out] == ["Ana Ruiz", "Tomas Berg", "HOST", "BERG", "Ana Ruiz", "Lena M. Varga"]


def test_a_paragraph_continuing_a_quote_keeps_its_speaker_unless_it_names_one():
    from quoteattr.decoding import LinkedQuote, apply_attribution_conventions

    text = ('"The government is deaf," said Sophie Binet. "If they do not listen, it will grow.\n\n'
            '"Workers are ready to strike."\n\nAccording to the interior ministry, 740,000 marched. '
            '"We were there.\n\n"We will return," Lena Varga said.')
    pairs = outer_pairs(find_mark_pairs(text))
    assert [p.close is None for p in pairs] == [False, True, False, True, False]
    binet, ministry, varga = (_span(text, "SOURCE", s) for s in ("Sophie Binet", "the interior ministry", "Lena Varga"))
    chosen = [binet, binet, ministry, ministry, varga]  # a linker that reached into the next paragraph for the third
    linked = [LinkedQuote(p, 0.9, m, None) for p, m in zip(pairs, chosen)]
    out = apply_attribution_conventions(text, linked, [binet, ministry, varga])
    assert [text[q.mention.start : q.mention.end] for q in out] == [
        "Sophie Binet", "Sophie Binet", "Sophie Binet", "the interior ministry", "Lena Varga"]  # the last names its own


def test_a_source_split_by_one_untagged_word_is_one_mention_but_not_across_a_verb():
    from quoteattr.decoding import join_conjoined_sources

    text = ("Home Secretary James Cleverly, who took office just two days earlier, said: x. "
            "A three-judge panel overruled a district court judge.")
    parts = [_span(text, "SOURCE", "Home Secretary James Cleverly, who took office just two"), _span(text, "SOURCE", "earlier,"),
             _span(text, "SOURCE", "A three-judge panel"), _span(text, "SOURCE", "a district court judge")]
    joined = [text[s.start : s.end] for s in join_conjoined_sources(text, parts)]
    assert joined == ["Home Secretary James Cleverly, who took office just two days earlier,", "A three-judge panel", "a district court judge"]
