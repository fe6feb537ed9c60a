"""Typed candidates: the full name a transcript gives a turn's label."""

from __future__ import annotations

import pytest

from statementqa.answering.candidates import (
    candidates,
    entities,
    full_name,
    quotation_speaker,
    relative_date,
    says_nothing,
    title_author,
    title_speaker,
)
from statementqa.answering.kinds import classify
from statementqa.question import parse_question

TRANSCRIPT = (
    "Secretary Antony J. Blinken and Foreign Minister Park Jin at a Joint Press Availability. "
    "Greenlandic Foreign Minister Pele Broberg and Ambassador Sung Kim joined. Ms. Gayle Smith, the coordinator, "
    "spoke first. Vice President Harris arrived later; the First Lady Jill Biden spoke. "
    "Special Envoy for the Northern Triangle Ricardo Zuniga briefed; Ricardo Zuniga then took questions.\n\n"
    "SECRETARY BLINKEN: Good afternoon.\n\nMR ZUNIGA: Thank you."
)


@pytest.mark.parametrize(("label", "name"), [
    ("SECRETARY BLINKEN", "Antony J. Blinken"),
    ("FOREIGN MINISTER PARK", "Park Jin"),          # family name first
    ("FOREIGN MINISTER BROBERG", "Pele Broberg"),   # not "Greenlandic Foreign Minister …"
    ("AMBASSADOR KIM", "Sung Kim"),
    ("MS. SMITH", "Gayle Smith"),
    ("THE VICE PRESIDENT", "Harris"),               # a role: the name that follows it in the text
    ("THE FIRST LADY", "Jill Biden"),
    ("MR ZUNIGA", "Ricardo Zuniga"),                # the name, not the envoy's remit before it
])
def test_a_label_resolves_to_the_name_the_statement_gives(label: str, name: str) -> None:
    assert full_name(label, TRANSCRIPT) == name


@pytest.mark.parametrize("label", ["MR. NOBODY", "KIRBY", "THE MODERATOR"])
def test_a_label_the_statement_never_expands_stays_a_label(label: str) -> None:
    assert full_name(label, TRANSCRIPT) is None


@pytest.mark.parametrize(("sentence", "question", "direction"), [
    ("(Laughs.) And, by the way, the first time we met was also in Helsinki, said Sauli Niinisto.",
     "Who said they first met in Helsinki?", "Laughs"),
    ("SECRETARY BLINKEN: Huh? Sounded good. (Laughter.)", "Who said it sounded good?", "Laughter"),
    ("QUESTION: (Inaudible) press you a tiny bit more on Iran.", "Which agency pressed him on Iran?", "Inaudible"),
])
def test_a_stage_direction_is_not_a_candidate(sentence: str, question: str, direction: str) -> None:
    found = [c.text for c in candidates(classify(question), question, (), sentence, 0, len(sentence))]
    assert not any(direction in f for f in found), found


def test_a_name_suffix_alone_is_not_a_candidate() -> None:
    sentence = "President Joseph R. Biden, Jr. met today with Prime Minister Jonas Gahr Støre of Norway."
    question = "Which country's prime minister did Biden meet?"  # spaCy tags "Jr." as a place
    found = [c.text for c in candidates(classify(question), question, (), sentence, 0, len(sentence))]
    assert "Jr." not in found and "Norway" in found, found


def test_the_person_the_question_names_is_not_the_person_it_asks_for() -> None:
    sentence = "President Joseph R. Biden, Jr. called Mayor Kevin Anderson of Fort Myers today."
    question = "What is the name of the mayor Biden called as the hurricane made landfall?"
    found = [c.text for c in candidates(classify(question), question, (), sentence, 0, len(sentence))]
    assert "Kevin Anderson" in found and not any("Biden" in f for f in found), found


@pytest.mark.parametrize(("sentence", "question", "counted", "lead"), [
    # spaCy's longer QUANTITY replaces the figure, and still counts the asked noun
    ("The corridor delivered more than 8,000 metric tons of humanitarian assistance to Gaza.",
     "How many metric tons of aid did the corridor deliver?", ("metric", "tons"), "more than 8,000 metric tons"),
    # a duration counts a unit of time
    ("He was congratulated on thirty years of leadership as Patriarch.",
     "How many years as patriarch was he congratulated on?", ("years",), "thirty"),
])
def test_a_count_candidate_counts_the_asked_noun(sentence: str, question: str, counted: tuple[str, ...],
                                                 lead: str) -> None:
    found = {c.text: c.counts_noun for c in candidates(classify(question), question, counted, sentence, 0,
                                                        len(sentence))}
    assert found.get(lead) is True, found


@pytest.mark.parametrize(("sentence", "iso", "expected"), [
    ("The ministry opened its embassy today.", "2024-08-20", ("2024-08-20", "today")),
    ("Yesterday, the ministry signed a fisheries accord.", "2024-09-12", ("2024-09-11", "yesterday")),
    ("The talks resume tomorrow in Geneva.", "2024-02-29", ("2024-03-01", "tomorrow")),
    ("The talks resumed in Geneva.", "2024-02-29", None),  # no relative day: the statement's date says nothing
    ("Yesterday, the talks resumed.", None, None),  # an undated statement dates nothing
])
def test_a_relative_day_is_counted_from_the_statement_date(sentence: str, iso: str | None,
                                                           expected: tuple[str, str] | None) -> None:
    assert relative_date(sentence, iso) == expected


@pytest.mark.parametrize(("title", "author"), [
    ("Statement from President Joe Biden on the Passing of Tony Bennett", "Joe Biden"),
    ("Vice President Kamala Harris Statement on the Passing of Vice President Walter Mondale", "Kamala Harris"),
    ("CEA Chairman Steve Miran Hudson Institute Event Remarks", "Steve Miran"),  # not "Steve Miran Hudson"
    ("Statement from President Joe Biden and First Lady Jill Biden on the Passing of Walter Mondale", None),
    ("Remarks by President Biden and Prime Minister Kishida of Japan at Press Conference", None),
    ("Statement on the Death of Queen Elizabeth II", None),  # whom it is about, not who issued it
    ("FACT SHEET: Administration Takes Action to Address Risks of Autos", None),  # "Address" the verb
])
def test_the_author_a_title_names(title: str, author: str | None) -> None:
    assert title_author(title) == author


RELEASE = ("Today, the Senate confirmed Sean Cairncross as National Cyber Director.\n\n“I want to thank the "
           "President. It is an honor,” said Mr. Cairncross. “We must dominate the cyber domain.”\n\nHe starts today.")


def test_a_quoted_sentence_is_attributed_by_its_paragraph() -> None:
    at = RELEASE.index("We must")
    span = quotation_speaker(RELEASE, at, RELEASE.index("”", at))
    assert span is not None and span.text == "Mr. Cairncross" == RELEASE[span.start:span.end]
    assert full_name(span.text, RELEASE) == "Sean Cairncross"
    assert quotation_speaker(RELEASE, 0, 60) is None  # not quoted: the release's own words
    assert quotation_speaker(RELEASE, RELEASE.index("He starts"), len(RELEASE)) is None


def test_only_a_first_person_sentence_is_the_title_authors() -> None:
    title = "Statement by Minister Lars Holm on coastal quotas"
    text = "The rules were published today.\n\nI am proud of our fishermen.\n\n“I disagree,” said a skipper."
    mine = text.index("I am")
    span = title_speaker(text, mine, mine + 28, title)
    assert span is not None and span.text == "Lars Holm" and span.name == "title"
    assert title_speaker(text, 0, 31, title) is None  # third person
    assert title_speaker(text, text.index("“I"), len(text), title) is None  # somebody the statement quotes


def test_a_town_the_model_tags_as_an_organization_answers_where_after_in() -> None:
    sentence = "He welcomed the March 19 follow-up meeting in Bodø on cod quotas."  # spaCy: "Bodø" ORG
    question = "Where was the follow-up meeting held?"
    found = [(c.text, c.label) for c in candidates(classify(question), question, (), sentence, 0, len(sentence))]
    assert ("Bodø", "GPE") in found
    who = "Which agency did the minister meet?"  # only where-questions read it as a place
    assert all(c.label != "GPE" for c in candidates(classify(who), who, (), sentence, 0, len(sentence)))


@pytest.mark.parametrize(("sentence", "name"), [
    ("Biden met today with Prime Minister Ulisses Correia e Silva of Cabo Verde.", "Ulisses Correia e Silva"),
    ("Launched by European Commission President Ursula von der Leyen, and Charles Michel.", "Ursula von der Leyen"),
    ("He met Mohammed bin Salman and Ana de Sousa in Riyadh.", "Ana de Sousa"),
])
def test_a_name_runs_on_through_its_lowercase_particles(sentence: str, name: str) -> None:
    people = [sentence[s:e] for s, e, label in entities(sentence) if label == "PERSON"]
    assert name in people
    assert not any(p != name and p in name for p in people)  # "Leyen" is not a second entity of its own


@pytest.mark.parametrize(("sentence", "name"), [
    ("Biden joined a virtual summit hosted by Presidents Klaus Iohannis of Romania and Andrzej Duda of Poland.",
     "Klaus Iohannis"),  # spaCy: ORG "Presidents Klaus Iohannis"
])
def test_a_name_after_a_title_the_model_reads_as_an_organization_is_a_person(sentence: str, name: str) -> None:
    found = [(sentence[s:e], label) for s, e, label in entities(sentence)]
    assert (name, "PERSON") in found, found
    assert not any(t.startswith("Presidents") for t, _ in found), found


def test_a_city_named_with_its_country_is_a_place_whatever_the_model_read() -> None:
    """spaCy's small model reads "Apia" as a person and "Auckland, New Zealand" as an organization; "Pittsburgh,
    Pennsylvania" answers "where" better than "Pennsylvania" alone."""
    sentence = ("Second Gentleman Douglas Emhoff will visit Apia, Samoa from July 23 to 24, following his visit to "
                "Auckland, New Zealand, where he is leading the Presidential Delegation.")
    found = [(sentence[s:e], label) for s, e, label in entities(sentence)]
    assert {("Apia, Samoa", "GPE"), ("Auckland, New Zealand", "GPE")} <= set(found), found  # the place, whole
    assert not any(label in ("PERSON", "ORG") and ("Apia" in t or "Auckland" in t) for t, label in found), found
    assert ("Douglas Emhoff", "PERSON") in found
    # a firm's name that holds its city stays the firm's
    sentence = "The new Embassy, constructed by B.L. Harbert International of Birmingham, Alabama, opened in 2021."
    found = [(sentence[s:e], label) for s, e, label in entities(sentence)]
    assert any(label == "ORG" and t.startswith("B.L. Harbert") for t, label in found), found


@pytest.mark.parametrize("sentence", [
    "Secretary Blinken met with the Foreign Ministry and the Prime Minister’s Office.",
    "Secretary Blinken thanked Foreign Ministry officials in Prague.",  # ORG "Foreign Ministry": a title word leads
])
def test_an_organization_led_by_a_title_word_stays_an_organization(sentence: str) -> None:
    found = [(sentence[s:e], label) for s, e, label in entities(sentence)]
    assert not any(label == "PERSON" and "Ministry" in t for t, label in found), found


@pytest.mark.parametrize(("question", "sentence", "name"), [
    ("In which Doha district is the new U.S. Embassy being built?",
     "Located in a new diplomatic zone in Doha’s Wadi al Banat district, the embassy will open in 2025.",
     "Wadi al Banat"),  # the model tags nothing; the possessive city is not part of the name
    ("Which county did the storm hit hardest?", "The storm hit Lee County hardest, officials said.", "Lee County"),
    # the number after a capitalized head noun names it; the question's "UN" spelled out repeats the question
    ("Which UN Security Council resolution endorsed the plan?",
     "This aligns with United Nations Security Council Resolution 2803 (2025), which endorsed the plan.",
     "Resolution 2803"),
    ("Which national security memorandum did Biden sign on food security?",  # the number hyphenated to its noun
     "Today President Joe Biden signed National Security Memorandum-16 (NSM-16) on food security.",
     "Memorandum-16"),
])
def test_a_name_the_question_s_head_noun_follows_is_a_candidate(question: str, sentence: str, name: str) -> None:
    focus = parse_question(question).focus
    found = [c.text for c in candidates(classify(question), question, (), sentence, 0, len(sentence), focus=focus)]
    assert name in found, found


def test_the_question_s_acronym_spelled_out_is_not_a_candidate() -> None:
    question = "Which UN agency did the envoy praise?"
    sentence = "The envoy praised the United Nations and the World Food Programme for their work."
    found = [c.text for c in candidates(classify(question), question, (), sentence, 0, len(sentence))]
    assert not any("United Nations" in f for f in found) and any("World Food Programme" in f for f in found), found


def test_a_sentence_opening_with_the_head_noun_names_nothing() -> None:
    question, sentence = "Which district was closed?", "The district was closed on Monday."
    focus = parse_question(question).focus
    assert candidates(classify(question), question, (), sentence, 0, len(sentence), focus=focus) == []


@pytest.mark.parametrize(("sentence", "empty"), [
    ("CHANCELLOR SCHOLZ: (As interpreted.)", True),  # a transcript's label and a stage direction
    ("(Applause.)", True),
    ("SECRETARY BLINKEN: Thank you.", False),
    ("PRESIDENT BIDEN: Well, the answer is yes.", False),
])
def test_a_bare_speaker_label_says_nothing(sentence: str, empty: bool) -> None:
    assert says_nothing(sentence) is empty
