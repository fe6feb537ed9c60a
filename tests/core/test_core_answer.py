"""Ingest → ask on the seed corpus: the answer, its quote and citation are what a reader can check."""

from __future__ import annotations

import re

from statementqa import Index
from statementqa.answering import finalize
from statementqa.figures import counting
from statementqa.models import Citation
from statementqa.question import counted_words
from tests.support import SEED_ID


def test_mou_question_answers_17_with_the_seed_quoted(seed_index: Index) -> None:
    ans = seed_index.answer("How many MoUs has the US signed?")
    assert not ans.refused
    assert re.search(r"\b17(th)?\b", ans.text)
    seed = [c for c in ans.citations if c.doc_id == SEED_ID]
    assert seed, ans.citations
    assert "17th such memorandum of understanding" in seed[0].quote
    assert f"[{seed[0].n}]" in ans.text
    assert "Ministry of Foreign Affairs of the Czech Republic" in ans.text  # names the issuer
    assert "30 May 2024" in ans.text  # and the date


def test_every_quote_is_the_stored_span(seed_index: Index) -> None:
    for q in ["How many MoUs has the US signed?", "Who did Blinken meet in Prague?",
              "What did the ministers discuss about F-35 fighter jets?"]:
        ans = seed_index.answer(q)
        for c in ans.citations:
            doc = seed_index.document(c.doc_id)
            assert doc is not None
            assert doc.text[c.start : c.end] == c.quote


def test_passages_carry_statement_metadata(seed_index: Index) -> None:
    ans = seed_index.answer("memorandum on countering foreign state information manipulation")
    assert ans.passages
    top = ans.passages[0]
    assert top.doc_id and top.title and top.source and top.date
    assert seed_index.document(top.doc_id).text[top.start : top.end] == top.text  # type: ignore[union-attr]


def test_unrelated_question_is_refused_naming_closest(seed_index: Index) -> None:
    ans = seed_index.answer("What is the population of Mars in 2030?")
    assert ans.refused
    assert ans.text.startswith("The indexed statements do not say")
    assert not ans.citations
    assert "Closest statements" in ans.text


def test_tampered_quote_is_rejected(seed_index: Index) -> None:
    ans = seed_index.answer("How many MoUs has the US signed?")
    good = ans.citations[0]
    bad = good.model_copy(update={"quote": good.quote.replace("17th", "18th")})
    shifted = good.model_copy(update={"start": good.start + 1, "end": good.end + 1})
    out = finalize(ans.model_copy(update={"citations": [bad, shifted]}), seed_index.store.text)
    assert out.citations == []
    assert out.refused  # an answer left without a verified quote is not presented as supported
    kept = finalize(ans.model_copy(update={"citations": [good, bad]}), seed_index.store.text)
    assert kept.citations == [good] and "failed quote verification" in (kept.notice or "")


def test_unknown_document_citation_is_rejected(seed_index: Index) -> None:
    ans = seed_index.answer("How many MoUs has the US signed?")
    ghost = Citation(n=1, doc_id="no-such-doc", quote="It’s the 17th", start=0, end=13)
    assert finalize(ans.model_copy(update={"citations": [ghost]}), seed_index.store.text).citations == []


def test_source_and_date_filters(seed_index: Index) -> None:
    q = "How many MoUs has the US signed?"
    only_wh = seed_index.answer(q, sources=["The White House"])
    assert all(p.source == "The White House" for p in only_wh.passages)
    assert SEED_ID not in {c.doc_id for c in only_wh.citations}
    before = seed_index.answer(q, until="2023-12-31")
    assert all(p.date and p.date <= "2023-12-31" for p in before.passages)
    after = seed_index.answer(q, since="2024-05-01")
    assert all(p.date and p.date >= "2024-05-01" for p in after.passages)


def test_latest_question_prefers_the_most_recent_statement(seed_index: Index) -> None:
    passages = seed_index.retrieve("latest statement on Czechia and NATO", top_k=5)
    relevant = passages[: max(1, len(passages) // 2)]
    dates = [p.date for p in relevant if p.date]
    assert dates and dates[0] == max(dates)


def test_followup_without_llm_uses_the_conversation(seed_index: Index) -> None:
    first = seed_index.answer("How many MoUs has the US signed?")
    follow = seed_index.answer("and when was that signed?", history=[(first.question, first.text)])
    assert follow.notice and "follow-up" in follow.notice
    assert not follow.refused
    assert SEED_ID in {c.doc_id for c in follow.citations}
    assert "2024" in follow.text


def test_stream_answer_yields_text_then_the_answer(seed_index: Index) -> None:
    items = list(seed_index.stream_answer("How many MoUs has the US signed?"))
    *deltas, final = items
    assert deltas and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == final.text  # type: ignore[union-attr]


def test_how_many_is_answered_by_a_figure_that_counts_what_was_asked() -> None:
    assert counted_words("How many Ukrainian refugees has Poland welcomed?") == ("Ukrainian", "refugees")
    sentence = "During the four-day event, the Initiative’s nearly seventy members discussed ransomware."
    assert [f.text for f in counting(sentence, counted_words("How many members does the CRI have?"))] == ["seventy"]
    meeting = "The CRI convened for its fourth meeting."
    assert counting(meeting, counted_words("How many ransomware attacks did it stop?")) == []
    # an acronym in the question counts a spelled-out noun
    mou = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries."
    assert [f.text for f in counting(mou, counted_words("How many MoUs has the US signed?"))] == ["17th"]
