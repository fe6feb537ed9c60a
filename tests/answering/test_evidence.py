"""Evidence: how sure the ranking model is that a span, not a rival span of its sentence, should lead."""

from __future__ import annotations

import numpy as np
import pytest

from statementqa.answering.candidates import Span
from statementqa.answering.evidence import FEATURES, Pair, build_pairs, lead_confidence, part_features
from statementqa.answering.extractive import leads
from statementqa.answering.kinds import classify
from statementqa.question import expand_shorthand, parse_question
from statementqa.ranking import StatementCandidate

DOC = StatementCandidate(doc_id="d", pos=0, source="s", date="2024-08-20", best_chunk=0)
OTHER = StatementCandidate(doc_id="e", pos=1, source="s", date="2024-08-21", best_chunk=0)


def _pair(score: float, text: str | None, label: str = "GPE", start: int = 0, statement: StatementCandidate = DOC,
          fit: float = 1.0) -> Pair:
    span = None if text is None else Span(start, start + len(text), text, label)
    return Pair(statement, 1, start, 100, span, features={"c_fit": fit}, score=score)


@pytest.mark.parametrize(("ranked", "confidence"), [
    # no rival in its sentence: the span is the sentence's only reading of the asked type
    ([_pair(2.0, "Amman"), _pair(5.0, None), _pair(1.0, "Oslo", start=200)], 1.0),
    # an equal rival in the same sentence ("Sana'a, Yemen and Amman, Jordan"): a coin toss
    ([_pair(2.0, "Amman"), _pair(2.0, "Yemen")], 0.5),
    # a rival the model ranks far below hardly matters
    ([_pair(4.0, "Amman"), _pair(-3.0, "Yemen")], 0.999),
    # two pairs that lead with the same words are one answer (the date "today" gives and the statement's date)
    ([_pair(1.0, "2024-08-20", "STATEMENT_DATE"), _pair(1.0, "2024-08-20", "REPORT_DATE")], 1.0),
    # spans of another statement's sentence are not rivals
    ([_pair(1.0, "Amman"), _pair(3.0, "Yemen", statement=OTHER)], 1.0),
    ([_pair(3.0, None)], 1.0),  # a bare sentence leads with nothing to doubt
])
def test_lead_confidence_is_the_spans_share_of_its_sentence(ranked: list[Pair], confidence: float) -> None:
    assert lead_confidence(ranked) == pytest.approx(confidence, abs=1e-3)


def test_a_span_leads_only_when_of_the_asked_type_and_sure_enough() -> None:
    assert leads(_pair(1.0, "Amman"), 0.9, 0.5)
    assert not leads(_pair(1.0, "Amman"), 0.4, 0.5)  # a guess among rivals: the quote alone
    assert not leads(_pair(1.0, "three-day", "DATE", fit=0.0), 1.0, 0.5)  # another type than asked
    assert not leads(_pair(1.0, None), 1.0, 0.0)  # a bare sentence has no span to lead with


TURKMEN = ("Today, virtual United States-Turkmenistan Annual Bilateral Consultations (ABCs) concluded. "
           "The ABCs began in 2009 so that our governments could discuss important policy issues.")


@pytest.mark.parametrize(("question", "missing"), [
    # "us-turkmenistan" is in no statement (they write "U.S.-" or "United States-Turkmenistan"): its parts are
    ("us-turkmenistan ABCs - started what yr?", 0.0),
    ("us-kazakhstan ABCs - started what yr?", 1.0),  # the other country: missing, as it should be
])
def test_a_hyphenated_question_word_is_found_where_the_statement_has_its_parts(question: str,
                                                                                missing: float) -> None:
    """The rare words a question hinges on count as missing only when the statement really lacks them."""
    start = TURKMEN.index("The ABCs")
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2022-03-02", best_chunk=0,
                            title="U.S.-Turkmenistan Annual Bilateral Consultations")
    best = Pair(st, 1, start, len(TURKMEN), Span(start + 17, start + 21, "2009", "DATE"),
                features=dict.fromkeys(FEATURES, 0.0), score=3.0)
    q = parse_question(expand_shorthand(question))
    idf = {t: (9.0 if "stan" in t else 1.0) for t in q.terms}  # the country words are the rare ones
    got = part_features(q, classify(q.text), [best], lambda _: TURKMEN, idf, 10_000)
    assert got["a_rare_missing_doc"] == pytest.approx(missing, abs=0.01)


COUNCIL = ("The Overseas Schools Advisory Council will hold its winter meeting on Thursday, April 7, 2022. "
           "The meeting will focus on the support the Council provides to overseas schools.")


@pytest.mark.parametrize(("question", "issued"), [
    # the latest *meeting*: the day the sentence gives answers, and a sentence without one is no date
    ("When was the latest Overseas Schools Advisory Council meeting?", False),
    # the latest *statement*: the day it was issued answers
    ("When did the Overseas Schools Advisory Council put out its latest statement?", True),
])
def test_an_order_question_about_an_event_is_dated_by_the_sentence(question: str, issued: bool) -> None:
    q = parse_question(question)
    first = COUNCIL.index(". ") + 1
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2022-03-28", best_chunk=0,
                            title="Overseas Schools Advisory Council Notice of Meeting",
                            sentences=[(0, first, 0.5), (first + 1, len(COUNCIL), 0.4)])
    pairs = build_pairs(q, classify(q.text), [st], np.zeros(3), lambda _: COUNCIL, dict.fromkeys(q.terms, 1.0))
    labels = {(p.span.label, p.span.text) for p in pairs if p.span is not None}
    assert ("REPORT_DATE", "2022-03-28") in labels if issued else ("REPORT_DATE", "2022-03-28") not in labels
    assert any(label == "DATE" and "April 7, 2022" in text for label, text in labels), labels


HERZOG = ("On behalf of the people of the United States, I extend my warm congratulations to Isaac Herzog on his "
          "election to serve as the 11th President of the State of Israel.")


@pytest.mark.parametrize(("question", "missing", "clash"), [
    # a claim check: "11th" answers the claim about "the 12th President" (no), it is not a missing figure
    ("Did Biden congratulate Isaac Herzog on his election as the 12th President of Israel?", 0.0, 0.0),
    # a which-question about the 12th President is a near miss when the statement speaks of the 11th
    ("Which statement congratulated the 12th President of Israel?", 1.0, 1.0),
])
def test_a_claims_figure_the_sentence_contradicts_is_not_missing(question: str, missing: float,
                                                                  clash: float) -> None:
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2021-06-02", best_chunk=0,
                            title="Statement on the Election of Isaac Herzog")
    best = Pair(st, 1, 0, len(HERZOG), None, features=dict.fromkeys(FEATURES, 0.0), score=3.0)
    q = parse_question(question)
    got = part_features(q, classify(q.text), [best], lambda _: HERZOG, dict.fromkeys(q.terms, 1.0), 10_000)
    assert (got["a_figures_missing"], got["a_ordinal_clash"]) == (missing, clash)


def test_a_unit_the_question_names_is_the_answers_type_not_a_repeat() -> None:
    """"more than 500,000 square kilometers" answers "size in km2" as much as "Amman" answers "which city"."""
    q = parse_question(expand_shorthand("CMAR marine corridor size km2"))
    text = ("The CMAR is an initiative to create an uninterrupted, sustainably managed biological corridor "
            "spanning more than 500,000 square kilometers.")
    span = Span(text.index("more"), len(text) - 1, "more than 500,000 square kilometers", "QUANTITY")
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2022-03-22", best_chunk=0,
                            sentences=[(0, len(text), 0.5)])
    pairs = build_pairs(q, classify(q.text), [st], np.zeros(3), lambda _: text, dict.fromkeys(q.terms, 1.0))
    spans = {p.span.text: p.features["c_in_question"] for p in pairs if p.span is not None}
    assert spans.get(span.text) == 0.0, spans


def test_a_repeated_label_does_not_crowd_out_the_sentence_that_answers() -> None:
    """A transcript repeats "CHANCELLOR SCHOLZ: (As interpreted.)" before each answer; its label matches the
    question's names, but it says nothing and must not take the places of the sentences that are read."""
    label = "CHANCELLOR SCHOLZ: (As interpreted.)"
    answer = "So, since 2014, about 2 billion U.S. dollars direct bilateral support was given."
    units = [label] * 7 + [answer]
    text = "\n\n".join(units)
    spans, at = [], 0
    for u in units:
        spans.append((at, at + len(u), 0.5 if u == label else 0.3))
        at += len(u) + 2
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2022-02-07", best_chunk=0, sentences=spans)
    q = parse_question("How much direct bilateral support did Chancellor Scholz say Germany had given since 2014?")
    pairs = build_pairs(q, classify(q.text), [st], np.zeros(3), lambda _: text, dict.fromkeys(q.terms, 1.0))
    assert {text[p.start:p.end] for p in pairs} == {answer}


@pytest.mark.parametrize(("question", "missing", "clash"), [
    ("Where was the first ministerial meeting of the Council held?", 0.0, 0.0),  # "Inaugural" is the first
    ("Where was the ninth ministerial meeting of the Council held?", 0.0, 0.0),  # "9th" is "ninth"
    ("Where was the second ministerial meeting of the Council held?", 1.0, 1.0),  # a neighbour: the near miss
])
def test_an_ordinal_is_found_by_value_not_spelling(question: str, missing: float, clash: float) -> None:
    text = "The Inaugural Council Meeting will take place in Pittsburgh, Pennsylvania, after the 9th Council Meeting."
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2021-09-09", best_chunk=0, title="Council Meeting")
    best = Pair(st, 1, 0, len(text), None, features=dict.fromkeys(FEATURES, 0.0), score=3.0)
    q = parse_question(question)
    got = part_features(q, classify(q.text), [best], lambda _: text, dict.fromkeys(q.terms, 1.0), 10_000)
    assert (got["a_figures_missing"], got["a_ordinal_clash"]) == (missing, clash)


def test_a_statement_named_by_its_date_is_the_one_read() -> None:
    """"… according to Biden's mid-July statement": the March statement the ranker put first does not answer."""
    march = "In the two weeks since, more than 200,000 Americans have gotten covered."
    july = "Five months later, two million Americans have signed up for coverage."
    texts = {"march": march, "july": july}
    ranked = [StatementCandidate(doc_id=d, pos=i, source="s", date=iso, best_chunk=0,
                                 sentences=[(0, len(texts[d]), 0.5)])
              for i, (d, iso) in enumerate([("march", "2021-03-03"), ("july", "2021-07-15")])]
    q = parse_question("How many Americans had signed up in 2021, according to Biden's mid-July statement?")
    pairs = build_pairs(q, classify(q.text), ranked, np.zeros(3), texts.get, dict.fromkeys(q.terms, 1.0))
    assert pairs and {p.statement.doc_id for p in pairs} == {"july"}
    undated = parse_question("How many Americans had signed up for coverage in 2021?")
    pairs = build_pairs(undated, classify(undated.text), ranked, np.zeros(3), texts.get,
                        dict.fromkeys(undated.terms, 1.0))
    assert {p.statement.doc_id for p in pairs} == {"march", "july"}


def test_a_contradicted_amount_is_not_missing_either() -> None:
    """"$4.5 billion" in the claim, "$3 billion" in the sentence: the check answers no; the figure is not missing."""
    text = "The United States pledged $3 billion to the fund."
    st = StatementCandidate(doc_id="d", pos=0, source="s", date="2022-06-30", best_chunk=0, title="Fund pledge")
    best = Pair(st, 1, 0, len(text), None, features=dict.fromkeys(FEATURES, 0.0), score=3.0)
    q = parse_question("Did the United States pledge $4.5 billion to the fund?")
    got = part_features(q, classify(q.text), [best], lambda _: text, dict.fromkeys(q.terms, 1.0), 10_000)
    assert got["a_figures_missing"] == 0.0
