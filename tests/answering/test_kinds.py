"""Question kinds and parts: one table of cases per kind."""

from __future__ import annotations

import pytest

from statementqa.answering.kinds import QuestionKind as K
from statementqa.answering.kinds import classify, split_parts

CASES = [
    ("Who said 'Putin is weaponizing food, literally'?", K.ATTRIBUTION),
    ("Which U.S. official, briefing from Jakarta, said 'I'm always cautious about speculating'?", K.ATTRIBUTION),
    ("Did Biden congratulate Isaac Herzog on his election as the 12th President of Israel?", K.YESNO),
    ("Is it true that the second round came from seven companies?", K.YESNO),
    ("When Blinken met Kuwait's Amir in July 2021, did he mark 50 years of diplomatic ties?", K.YESNO),
    ("On December 25, 2023, did Biden direct strikes against five locations?", K.YESNO),
    ("In their July 2021 joint statement, did Kerry and Edelgeriyev say they would cooperate?", K.YESNO),
    ("In 2022, how many refugees did Poland receive?", K.COUNT),  # a leading clause, then no auxiliary
    ("Which hotel attack in Palma, Mozambique, did the State Department attribute to ISIS?", K.ENTITY),
    ("How many MoUs has the US signed?", K.COUNT),
    ("number of agencies that signed the memorandum", K.COUNT),
    ("How much military aid did the US announce for Ukraine in August 2022?", K.AMOUNT),
    ("czech f35 purchse price", K.AMOUNT),
    ("What share of Yemenis needed assistance?", K.AMOUNT),
    ("When did the U.S.-Tanzania Open Skies agreement enter into force?", K.DATE),
    ("On what date did the pause end?", K.DATE),
    ("In which city was the launch of the Minerals Security Partnership announced?", K.PLACE),
    ("Where did Sullivan meet Yang Jiechi in March 2022?", K.PLACE),
    ("Which South African drugmaker did the DFC-led package support?", K.ORG),
    ("Which governor did Blinken speak with about Danny Fenster?", K.PERSON),
    ("Whom did Blinken meet in Washington on July 19, 2022?", K.PERSON),
    ("us-ghana civ nuke mou signer?", K.PERSON),
    ("Which pipeline's risks was his focus?", K.ENTITY),
    ("What did Lipavsky and Blinken sign in Prague?", K.STATEMENT),
]


@pytest.mark.parametrize(("question", "kind"), CASES)
def test_question_kind(question: str, kind: K) -> None:
    assert classify(question).kind == kind


@pytest.mark.parametrize(("question", "parts"), [
    ("Whom did Blinken appoint Senior Advisor for Energy Security in August 2021, and which pipeline's risks was "
     "his immediate focus?", 2),
    ("How many facilities had OBO completed by June 2021, and how many by May 2022?", 2),
    ("When did Horne put out her last statement, and whose travel did it announce?", 2),
    ("How many MoUs has the US signed?", 1),
    ("Which two countries joined the pact and signed it?", 1),
])
def test_parts_of_a_question(question: str, parts: int) -> None:
    assert len(split_parts(question)) == parts
