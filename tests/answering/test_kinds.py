"""Question kinds and parts: one table of cases per kind."""

from __future__ import annotations

import pytest

from statementqa.answering.kinds import QuestionKind as K
from statementqa.answering.kinds import classify, lead_fits, split_parts

CASES = [
    ("Who said 'Putin is weaponizing food, literally'?", K.ATTRIBUTION),
    ("Which U.S. official, briefing from Jakarta, said 'I'm always cautious about speculating'?", K.ATTRIBUTION),
    ("At the Helsinki press conference, who recalled first meeting Biden in Helsinki?", K.ATTRIBUTION),
    ("Who spoke the line 'Sanity has been restored' at the briefing?", K.ATTRIBUTION),
    ("Which official opened the briefing by recalling that unemployment was expected to rise?", K.ATTRIBUTION),
    ("Who spoke with Blinken about Sudan?", K.PERSON),  # a call, not a quote
    ("Did Biden congratulate Isaac Herzog on his election as the 12th President of Israel?", K.YESNO),
    ("Is it true that the second round came from seven companies?", K.YESNO),
    ("When Blinken met Kuwait's Amir in July 2021, did he mark 50 years of diplomatic ties?", K.YESNO),
    ("On December 25, 2023, did Biden direct strikes against five locations?", K.YESNO),
    ("In their July 2021 joint statement, did Kerry and Edelgeriyev say they would cooperate?", K.YESNO),
    ("In 2022, how many refugees did Poland receive?", K.COUNT),  # a leading clause, then no auxiliary
    ("Which hotel attack in Palma, Mozambique, did the State Department attribute to ISIS?", K.ENTITY),
    ("How many MoUs has the US signed?", K.COUNT),
    ("When Costa Rica joined the OECD, which numbered member did it become?", K.ORDINAL),
    ("number of agencies that signed the memorandum", K.COUNT),
    ("Which signatory number did Romania become?", K.ORDINAL),
    ("What number of troops did the ministry send?", K.COUNT),
    ("kendamil formula flown in july 2022 - sold at which store chain?", K.ORG),
    ("How much military aid did the US announce for Ukraine in August 2022?", K.AMOUNT),
    ("czech f35 purchse price", K.AMOUNT),
    ("What share of Yemenis needed assistance?", K.AMOUNT),
    ("What acquisition ceiling did State anticipate for the contracts?", K.AMOUNT),
    ("What is the cost of the Gordie Howe International Bridge?", K.AMOUNT),
    ("Whom did Blinken meet to discuss the human cost of Russia's war?", K.PERSON),
    ("Which utility CEO told Biden that the wind project would save customers $2.2 billion?", K.ATTRIBUTION),
    ("When did the U.S.-Tanzania Open Skies agreement enter into force?", K.DATE),
    ("On what date did the pause end?", K.DATE),
    ("In which city was the launch of the Minerals Security Partnership announced?", K.PLACE),
    ("Where did Sullivan meet Yang Jiechi in March 2022?", K.PLACE),
    ("In which Doha district is the new U.S. Embassy in Qatar being built?", K.PLACE),  # a district is a place
    ("Which county did Hurricane Ian hit hardest?", K.PLACE),
    ("Which South African drugmaker did the DFC-led package support?", K.ORG),
    ("Which two countries joined the United States in the ICE Pact?", K.PLACE),
    ("In which two cities did Emhoff stop?", K.PLACE),
    ("What two new amounts of aid for Ukraine did Biden preview when he met Shmyhal?", K.AMOUNT),
    ("Which governor did Blinken speak with about Danny Fenster?", K.PERSON),
    ("Whom did Blinken meet in Washington on July 19, 2022?", K.PERSON),
    ("us-ghana civ nuke mou signer?", K.PERSON),
    ("Which pipeline's risks was his focus?", K.ENTITY),
    ("What did Lipavsky and Blinken sign in Prague?", K.STATEMENT),
    # terse analyst shorthand, no question word (after question.expand_shorthand)
    ("vaccine manufacturing financing package - size?", K.AMOUNT),
    ("emergency relief $ for the state dot?", K.AMOUNT),
    ("apec economies % of global trade?", K.AMOUNT),
    ("grand prix - race weekend dates?", K.DATE),
    ("3rd civil space dialogue (mar 2022) head of US delegation?", K.PERSON),
    # the head noun of "which X" names the kind, not a word on the way to it
    ("In which Afghan province did the 2012 ambush take place?", K.PLACE),
    ("Which African Union official did Jake Sullivan meet in March 2022?", K.PERSON),
    ("Which Indian vaccine maker did the U.S. DFC plan to finance?", K.ORG),
    ("Which of the three service members Trump was to award the Medal of Honor was honored posthumously?", K.PERSON),
    ("Which State Department official briefed the press?", K.PERSON),
    ("Which form of asbestos does the ban prohibit?", K.ENTITY),
    ("Which two countries joined the ministry in the Arctic Rescue Pact?", K.PLACE),
    ("Which country's prime minister did Biden meet?", K.PLACE),
    ("Which State Department employee did the magazine name Employee of the Year?", K.PERSON),
]


@pytest.mark.parametrize(("question", "kind"), CASES)
def test_question_kind(question: str, kind: K) -> None:
    assert classify(question).kind == kind


@pytest.mark.parametrize(("question", "parts"), [
    ("Whom did Blinken appoint Senior Advisor for Energy Security in August 2021, and which pipeline's risks was "
     "his immediate focus?", 2),
    ("How many facilities had OBO completed by June 2021, and how many by May 2022?", 2),
    ("When did Horne put out her last statement, and whose travel did it announce?", 2),
    ("When did the White House announce the nomination, and to which court?", 2),  # a preposition leads the part
    ("How many jets did Finland agree to buy, and at what price?", 2),
    ("When was the agreement signed, and where?", 2),  # a bare question word is a part
    ("Where and when?", 1),
    ("How many MoUs has the US signed?", 1),
    ("Which two countries joined the pact and signed it?", 1),
    ("Which two countries joined the pact and signed it in Tallinn?", 1),
])
def test_parts_of_a_question(question: str, parts: int) -> None:
    assert len(split_parts(question)) == parts


# A lead of the type the question asks for (1), of a vaguer date (0.5), or of another type (0): the near misses
# this catches answer with a neighbouring fact ("37" companies for "how much funding").
FIT_CASES = [
    ("How much funding did the White House attach to the initiative?", "money", "$37 million", False, 1.0),
    ("How much funding did the White House attach to the initiative?", "count", "37", False, 0.0),
    ("What is the cost of the bridge?", "count", "two", False, 0.0),
    ("What share of Yemenis needed assistance?", "percent", "80 percent", False, 1.0),
    ("What share of Yemenis needed assistance?", "money", "$80 million", False, 0.0),
    ("How much grain left Ukraine's ports?", "count", "10 million", False, 1.0),  # no unit asked: any figure
    ("On what date was the dialogue held?", "DATE", "June 8", False, 1.0),
    # "how long" asks for a duration: "75-year", "90 days"; a year or a day does not answer it
    ("How long would the repayment period have become?", "DATE", "75-year", False, 1.0),
    ("For how long were the tariffs suspended?", "duration", "90 days", False, 1.0),
    ("How long would the repayment period have become?", "DATE", "1962", False, 0.0),
    ("For how long were the tariffs suspended?", "DATE", "May 12, 2025", False, 0.0),
    ("How long had he been held?", "DATE", "last week", False, 0.0),  # a time, not an amount of it
    ("On what date was the dialogue held?", "DATE", "Friday", False, 0.0),
    ("On what date was the dialogue held?", "DATE", "two-day", False, 0.0),
    ("On what date was the dialogue held?", "DATE", "March 2022", False, 0.5),
    ("When was the BIE vote expected to take place?", "DATE", "November 2022", False, 1.0),  # "when": a month says it
    ("When was the BIE vote expected to take place?", "DATE", "2022", False, 0.5),
    ("What was the exact date of the vote?", "DATE", "November 2022", False, 0.5),
    ("In what year was the treaty signed?", "DATE", "1951", False, 1.0),
    ("In what year was the treaty signed?", "DATE", "last year", False, 0.0),
    ("When did the embassy open?", "STATEMENT_DATE", "2023-06-14", False, 1.0),
    ("When did the embassy open?", "REPORT_DATE", "2023-06-14", False, 0.5),  # the report's date, not the event's
    ("How many misconduct records did the database contain?", "ordinal", "first", False, 0.0),
    ("How many MoUs has the US signed?", "ordinal", "17th", True, 1.0),
    ("Which numbered member of the OECD did Costa Rica become?", "ordinal", "38th", False, 1.0),
    ("Which numbered member of the OECD did Costa Rica become?", "count", "38", False, 0.0),
    ("Who was the gunman?", None, "", False, 0.0),
    ("Who was the gunman?", "PERSON", "Robert Bowers", False, 1.0),
    ("Which quotas did the ministry agree on?", None, "", False, 0.5),  # "quotas for cod": no entity type has it
    ("Where is the secretariat?", "ORG", "the Alliance", False, 0.0),
    ("Who said 'we will not waver'?", "SPEAKER", "SECRETARY BLINKEN", False, 1.0),
    ("Did Biden thank Egypt?", None, "", False, 1.0),  # a verdict answers, not a span
]


@pytest.mark.parametrize(("question", "label", "text", "counts", "fit"), FIT_CASES)
def test_a_lead_fits_the_asked_type(question: str, label: str | None, text: str, counts: bool, fit: float) -> None:
    assert lead_fits(classify(question), question, label, text, counts) == fit
