"""Claim checks: a different figure of the same kind next to the same noun says no; the same figure says yes."""

from __future__ import annotations

import pytest

from statementqa.answering.claims import Verdict, checked_figures, verdict

CASES = [
    ("Did Biden congratulate Isaac Herzog on his election as the 12th President of Israel?",
     "I congratulate Isaac Herzog on his election as the 11th President of the State of Israel.", Verdict.NO),
    ("When Blinken met Kuwait's Amir, did he mark 50 years of U.S.-Kuwait diplomatic ties?",
     "The Secretary marked 60 years of diplomatic relations between our two countries.", Verdict.NO),
    ("Is it true that the second round of AI commitments came from seven companies?",
     "The Administration has secured a second round of voluntary commitments from eight companies.", Verdict.NO),
    ("Did the White House describe Fiji as the first Pacific Islands country to join the framework?",
     "Fiji is the first Pacific Island country to join the Indo-Pacific Economic Framework.", Verdict.YES),
    ("Did Biden tell Qatar's Amir that he intended to designate Qatar a Major Non-NATO Ally?",
     "The President informed the Amir that he intends to designate Qatar as a Major Non-NATO Ally.", Verdict.YES),
    ("Is it true that the river basin agreement provides a five-year pause in litigation?",  # "10-year" is a figure
     "The agreement enables an unprecedented 10-year break from decades-long litigation.", Verdict.NO),
    ("Did the United States join the declaration?",
     "The United States did not join the declaration, citing concerns about its scope.", Verdict.NO),
    # a negation says no even when a figure agrees ("Line 5" is a name, not what the claim hinges on)
    ("Did Blinken tell the governor that there is a formal bilateral process concerning Line 5?",
     "Secretary Blinken noted that there is no formal bilateral process concerning Line 5.", Verdict.NO),
    ("Did the ministry say it would reply no later than May 5?",
     "The ministry said it would reply no later than May 5.", Verdict.YES),
    # a fall where the claim says a rise
    ("Did the statement say hate crimes targeting Asian Americans went up?",
     "Hate crimes targeting Asian Americans fell by 38 percent after I signed legislation.", Verdict.NO),
    ("Did the statement say exports rose?", "Exports rose by 4 percent, the ministry said.", Verdict.YES),
    # another name doing what the claim says its subject does
    ("Did the joint statement say the United States is financing the project?",
     "Canada is financing the project, working with the State of Michigan.", Verdict.NO),
    ("Did the joint statement say Canada is financing the project?",
     "Canada is financing the project, working with the State of Michigan.", Verdict.YES),
    # what the statement defers was not given
    ("Did the joint statement give the date and location of the planned summit?",
     "The meeting prepared a planned summit, the date and location of which will be announced later.", Verdict.NO),
    ("Did the ministry say the venue will be announced later?",
     "The ministry said the venue will be announced later.", Verdict.YES),
    # a figure spelled out in several words is read whole
    ("Did 250 million Americans get at least one shot?",
     "Two hundred and fifty million Americans have gotten at least one shot.", Verdict.YES),
    ("Did 50 million Americans get at least one shot?",
     "Two hundred and fifty million Americans have gotten at least one shot.", Verdict.NO),
]


@pytest.mark.parametrize(("claim", "sentence", "expected"), CASES)
def test_claim_verdicts(claim: str, sentence: str, expected: Verdict) -> None:
    assert verdict(claim, sentence)[0] == expected


@pytest.mark.parametrize(("claim", "sentence", "checked"), [
    # the sentence gives another ordinal of the same noun: the claim's figure is what the check answers
    ("Did Biden congratulate Isaac Herzog on his election as the 12th President of Israel?",
     "I congratulate Isaac Herzog on his election as the 11th President of the State of Israel.", {"12th"}),
    ("Did 250 million Americans get at least one shot?",
     "Two hundred and fifty million Americans have gotten at least one shot.", {"250 million", "one"}),
    # a figure of another noun checks nothing
    ("Did the ministry pledge 5 ambulances?", "The ministry pledged 40 tons of aid.", set()),
])
def test_the_figures_a_sentence_confirms_or_contradicts(claim: str, sentence: str, checked: set[str]) -> None:
    assert checked_figures(claim, sentence) == checked
