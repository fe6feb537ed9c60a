"""Ranking features: issuer aliases, period evidence, and the shipped model fits the code."""

from __future__ import annotations

import json

import pytest

from statementqa.question import parse_question
from statementqa.ranking import (
    STAGE1,
    STAGE2,
    RankerError,
    StatementCandidate,
    artifact_path,
    head_features,
    issuers_named,
    load_ranker,
    quote_match,
    scope_features,
)

SOURCES = ["U.S. Department of State", "The White House", "Ministry of Foreign Affairs of the Czech Republic"]


@pytest.mark.parametrize(("question", "named"), [
    ("What did the State Department say about Sudan?", {"U.S. Department of State"}),
    ("per the Department of State, who was sanctioned?", {"U.S. Department of State"}),
    ("In the White House readout, what was agreed?", {"The White House"}),
    ("What did the Foreign Affairs Ministry say?", {"Ministry of Foreign Affairs of the Czech Republic"}),
    ("What did the state of Texas receive?", set()),
])
def test_questions_name_issuers_the_way_analysts_do(question: str, named: set[str]) -> None:
    assert issuers_named(question, SOURCES) == named


def test_period_features_say_whether_the_statement_date_fits() -> None:
    q = parse_question("What did Biden say on March 3, 2022?")
    assert scope_features(q, "2022-03-03")["period_day"] == 1.0
    assert scope_features(q, "2022-03-20") == {"period_day": 0.0, "period_month": 0.0, "period_year": 1.0,
                                               "period_miss": 0.0}
    assert scope_features(q, "2021-03-03")["period_miss"] == 1.0
    assert set(scope_features(parse_question("Who met whom?"), "2021-03-03").values()) == {0.0}


@pytest.mark.parametrize(("question", "quotes"), [
    ("Who said 'leadership is partnership' at the G7?", ("leadership is partnership",)),
    ("Who said “Halloween is not a magical day”?", ("Halloween is not a magical day",)),
    ("Did Qatar's Amir hear Biden's plan?", ()),  # apostrophes open nothing
    ("When did a release first call the disease 'mpox'?", ()),  # one quoted word names a term: BM25's job
])
def test_questions_quote_words_in_any_quote_marks(question: str, quotes: tuple[str, ...]) -> None:
    assert parse_question(question).quotes == quotes


def test_quote_match_needs_the_quoted_words_together() -> None:
    text = "PRESIDENT MACRON: Leadership — is partnership. And we are together."
    assert quote_match(("leadership is partnership",), text) == 1.0  # case, dashes and punctuation folded
    assert quote_match(("partnership is leadership",), text) == 0.0  # every word, not together
    assert quote_match(("leadership is partnership", "we are apart"), text) == 0.5
    assert quote_match((), text) == 0.0
    assert quote_match(("leader",), text) == 0.0  # whole words: "Leadership" does not hold "leader"
    assert quote_match(("don't stop",), "“We don’t stop,” Lipavský said.") == 1.0  # any apostrophe
    assert quote_match(("Lipavsky said",), "“We don’t stop,” Lipavský said.") == 1.0  # accents folded


def test_head_features_measure_sentence_evidence_against_the_heads_best() -> None:
    head = [StatementCandidate(doc_id=d, pos=i, source="s", date=None, best_chunk=-1,
                               features={"dense_sent": cos, "sent_coverage": cov})
            for i, (d, cos, cov) in enumerate([("a", 0.5, 0.9), ("b", 0.8, 0.3)])]
    head_features(head)
    assert [c.features["dense_sent_rel"] for c in head] == pytest.approx([-0.3, 0.0])
    assert [c.features["sent_coverage_rel"] for c in head] == pytest.approx([0.0, -0.6])


def test_the_shipped_ranker_expects_the_features_this_code_computes() -> None:
    ranker = load_ranker()
    assert ranker.stage1.features == STAGE1 and ranker.stage2.features == STAGE2
    assert ranker.info["trained_on"] == "evals v2 train"


def test_an_artifact_for_other_features_is_refused_with_what_to_do(tmp_path) -> None:
    raw = json.loads(artifact_path().read_text())
    raw["stage1"]["features"] = ["something_else"]
    bad = tmp_path / "ranker.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(RankerError, match="retrain"):
        load_ranker(bad)
