"""Headline truecasing: Title Case lines written as the article's running text writes each word."""

from __future__ import annotations

import numpy as np

from quoteattr.speakers import resolve_speakers
from quoteattr.tagging import CASE_OTHER, CASE_TITLE, RoleSpan, casing_classes, tokenize_document
from quoteattr.truecase import is_title_case_line, truecase

from .conftest import tiny_tokenizer

ARTICLE = (
    "Ferry Operator Cancels Crossings After Crew Walkout Over Pay, Says 'Safety Comes First'\n\n"
    "Baltic Sound Lines cancelled 40 crossings on Friday. \"We regret the disruption,\" the operator said.\n"
    "Crew representative Lena Varga said talks with Baltic Sound Lines had failed.\n"
)


def test_title_case_lines_are_headline_length_and_mostly_capitalised():
    assert is_title_case_line("Ferry Operator Cancels Crossings After Crew Walkout")
    assert is_title_case_line(" date 2025-03-02 Ferry Operator Cancels Crossings After Crew Walkout")  # a lower-case label
    assert not is_title_case_line("Ferry operator cancels crossings after crew walkout")  # sentence case
    assert not is_title_case_line("Lena Varga Spoke")  # too short to tell from a name
    assert not is_title_case_line("FERRY OPERATOR CANCELS CROSSINGS")  # all capitals: left alone
    long_line = " ".join(["Minister Varga of Baltic Sound Lines"] * 8)
    assert not is_title_case_line(long_line)  # running text full of names


def test_truecase_lowers_only_what_the_running_text_does_not_capitalise():
    out = truecase(ARTICLE)
    assert len(out) == len(ARTICLE) and out.lower() == ARTICLE.lower()
    headline = out.split("\n", 1)[0]
    assert headline == "ferry operator cancels crossings after crew walkout over pay, says 'safety comes first'"
    assert out.split("\n", 1)[1] == ARTICLE.split("\n", 1)[1]  # running text untouched
    named = "Baltic Sound Lines Cancels Crossings After Crew Walkout\n\nOn Friday Baltic Sound Lines cancelled 40 crossings after a crew walkout."
    assert truecase(named).split("\n")[0] == "Baltic Sound Lines cancels crossings after crew walkout"
    # A sentence's first word counts as capitalised when a capitalised word follows it.
    titled = "Port Minister Defends New Ferry Levy Amid Protests\n\nPort Minister Ana Ruiz spoke of protests over the new levy."
    assert truecase(titled).split("\n")[0] == "Port Minister defends new ferry levy amid protests"
    names = "Port Minister Ana Ruiz Spoke\n\nShe addressed the crowd."  # no common word written lower: a line of names
    assert truecase(names) == names
    plain = "A sentence-case headline about the ferry\n\nBody text."
    assert truecase(plain) is plain or truecase(plain) == plain


def test_tagger_casing_ignores_headline_capitals():
    doc = tokenize_document(ARTICLE, tiny_tokenizer([ARTICLE]))
    first = {ARTICLE[a:b]: int(c) for (a, b), c in zip(doc.offsets.tolist(), doc.casing)}
    assert first["Ferry"] == CASE_OTHER and first["Says"] == CASE_OTHER  # headline words
    body = ARTICLE.index("Baltic")
    assert int(doc.casing[np.searchsorted(doc.offsets[:, 0], body)]) == CASE_TITLE  # a name in running text
    assert casing_classes(ARTICLE, np.array([[0, 5]])).tolist() == [CASE_TITLE]  # what the raw text alone says


def test_a_headline_word_is_a_description_to_the_resolver_and_keeps_its_capitals_in_output():
    crew = ARTICLE.index("Crew Walkout")
    operator = ARTICLE.index("the operator")
    spans = [RoleSpan("SOURCE", crew, crew + len("Crew"), 0.9), RoleSpan("SOURCE", operator, operator + len("the operator"), 0.9)]
    speaker_of, speakers = resolve_speakers(ARTICLE, spans, [])
    # "Crew" and "Ferry Operator" in the headline are no named speakers that "the operator"
    # could refer back to: it stays as written rather than naming a headline phrase.
    assert (operator, operator + len("the operator")) not in speaker_of
    assert [s.name for s in speakers] == []  # "crew": a description with no antecedent
    for speaker in speakers:
        for mention in speaker.mentions:
            assert mention.text == ARTICLE[mention.start : mention.end]
