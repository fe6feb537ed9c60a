"""Retrieval behaviours an analyst relies on: scope in the question, acronyms, titles, issuers, latest, counts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from statementqa import Index, api, open_index
from statementqa.answering.scorer import load_scorer
from statementqa.store import StoreError
from tests.support import index_of_rows, make_settings

STATE, WH, MIN = "U.S. Department of State", "The White House", "Ministry of Examples"


def _row(doc_id: str, title: str, text: str, date: str = "2024-01-10", source: str = MIN) -> dict[str, str]:
    return {"id": doc_id, "title": title, "date": date, "source": source, "url": "", "text": text}


ROWS = [
    # the same fisheries talks on three dates
    _row("fish-feb", "Fisheries talks with Norway", "The ministry held fisheries talks with Norway on quotas for "
         "cod and herring. Both delegations agreed to meet again.", "2024-02-02"),
    _row("fish-mar", "Fisheries talks with Norway continue", "The ministry continued fisheries talks with Norway "
         "on quotas for cod and herring. Both delegations reported progress.", "2024-03-04"),
    _row("fish-apr", "Fisheries agreement with Norway", "The ministry concluded fisheries talks with Norway and "
         "signed an agreement on quotas for cod and herring.", "2024-04-19"),
    # acronym spelled out in one statement only
    _row("mou", "Minister visits Prague", "The minister met her counterpart. It is the fifth such memorandum of "
         "understanding we have signed with partner countries on cyber security.", "2024-05-30"),
    _row("memo", "Cyber security week", "The ministry published a memo on cyber security for partner countries "
         "and signed up to the cyber security week.", "2024-05-31"),
    # a statement known by its title only
    _row("lighthouse", "Lighthouse Heritage Programme opens for applications", "Applications open today. Grants "
         "cover restoration of historic towers along the coast, up to 40,000 euros each.", "2024-06-01"),
    _row("coast", "Coastal restoration", "The ministry restores historic coastal buildings and towers.", "2024-06-02"),
    # the same text from two issuers
    _row("sudan-state", "Statement on Sudan", "We condemn the attacks on civilians in Khartoum and call for an "
         "immediate ceasefire.", "2023-05-02", STATE),
    _row("sudan-wh", "Statement on Sudan", "We condemn the attacks on civilians in Khartoum and call for an "
         "immediate ceasefire.", "2023-05-02", WH),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    ix = index_of_rows(tmp_path_factory.mktemp("retrieve"), ROWS)
    yield ix
    ix.close()


def _first(index: Index, question: str, **kw: object) -> str:
    return index.retrieve(question, top_k=3, **kw)[0].doc_id  # type: ignore[arg-type]


@pytest.mark.parametrize(("question", "expected"), [
    ("What did the ministry say about the fisheries talks with Norway on March 4, 2024?", "fish-mar"),
    ("What did the ministry say about the fisheries talks with Norway in February 2024?", "fish-feb"),
    ("fisheries talks with Norway, 19 April 2024", "fish-apr"),
])
def test_a_date_in_the_question_finds_the_statement_of_that_date(index: Index, question: str, expected: str) -> None:
    assert _first(index, question) == expected


def test_the_latest_statement_on_a_topic_comes_first(index: Index) -> None:
    assert _first(index, "What is the latest on the fisheries talks with Norway?") == "fish-apr"
    assert _first(index, "When were the fisheries talks with Norway first held?") == "fish-feb"


def test_an_acronym_finds_the_statement_that_spells_it_out(index: Index) -> None:
    assert _first(index, "How many MoUs has the ministry signed with partner countries?") == "mou"


def test_a_statement_found_only_through_its_title(index: Index) -> None:
    assert _first(index, "What does the Lighthouse Heritage Programme fund?") == "lighthouse"


def test_the_issuer_named_in_the_question_decides_between_identical_statements(index: Index) -> None:
    assert _first(index, "What did the State Department say about the attacks in Khartoum?") == "sudan-state"
    assert _first(index, "In the White House statement, what was said about Khartoum?") == "sudan-wh"


def test_filters_stay_hard_filters(index: Index) -> None:
    passages = index.retrieve("fisheries talks with Norway", since="2024-03-01", until="2024-03-31", top_k=5)
    assert {p.doc_id for p in passages} == {"fish-mar"}


def test_one_passage_per_statement_with_verbatim_offsets(index: Index) -> None:
    passages = index.retrieve("fisheries talks with Norway", top_k=5)
    assert len({p.doc_id for p in passages}) == len(passages) >= 3
    for p in passages:
        assert index.document(p.doc_id).text[p.start : p.end] == p.text  # type: ignore[union-attr]


def test_an_index_with_older_vectors_is_migrated_by_ingest_and_never_mixed(tmp_path: Path) -> None:
    src = tmp_path / "s.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in ROWS[:3]), encoding="utf-8")
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    ix.ingest([src])
    ix.close()
    with sqlite3.connect(tmp_path / "ix" / "statements.sqlite") as db:  # as an index built by the previous version
        db.execute("UPDATE meta SET value='1' WHERE key='vectors'")
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    try:
        with pytest.raises(StoreError, match="statementqa reindex"):
            ix.retrieve("fisheries talks")
        more = tmp_path / "more.jsonl"
        more.write_text(json.dumps(ROWS[5]) + "\n", encoding="utf-8")
        assert ix.ingest([more]).added == 1  # re-embeds the three stored statements first
        assert not ix.store.needs_reindex
        assert _first(ix, "fisheries talks with Norway on March 4, 2024") == "fish-mar"
        with sqlite3.connect(tmp_path / "ix" / "statements.sqlite") as db:
            assert db.execute("SELECT COUNT(DISTINCT doc_id) FROM sentences").fetchone()[0] == 4
    finally:
        ix.close()


def test_a_misspelled_word_is_read_as_the_statements_spell_it(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    reading = index.read("fisheries agrmt with norway - quotas for cod and herirng?")
    assert reading.text == "fisheries agreement with norway - quotas for cod and herring?"
    assert reading.notice is not None and "“herirng” as “herring”" in reading.notice
    assert index.read("Quotas for Herirng?").text == "Quotas for Herirng?"  # a capitalized word may be a name
    assert index.read("quotas for cod and herring?").notice is None  # nothing to correct, nothing said
    assert index.read("quotas for herding?").notice is None  # an English word the statements lack is meant
    assert index.read("Who said 'quotas for cod and herirng'?").notice is None  # quoted words stay as typed
    assert index.read("cod and herirng. quotas?").notice is None  # an abbreviation ("indiv. assistance") stays
    # what the reading finds, whatever the calibrated refusal makes of a one-sentence answer on a tiny index
    monkeypatch.setattr(api, "load_scorer", lambda: replace(load_scorer(), threshold=0.0))
    ans = index.answer("which quotas did the ministry sign an agrmt with norway on?")
    assert ans.question == "which quotas did the ministry sign an agrmt with norway on?"  # the user's words
    assert ans.notice and "agreement" in ans.notice
    assert ans.citations and ans.citations[0].doc_id == "fish-apr"
