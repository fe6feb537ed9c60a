"""store: SQLite is the truth (texts, filters, what the folder remembers), Chroma holds the vectors.

Behaviour a user notices: a filter counts what a search would find, a re-ingested statement is read
back new at once, an index folder cannot be opened with another embedder by mistake.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from statementqa import Filters, Index
from statementqa.store import Store, StoreError
from statementqa.store.chroma import chroma_where
from statementqa.store.schema import file_of_origin
from tests.support import index_of_rows, make_settings

ROWS = [
    {"id": "a", "title": "Bridge", "date": "2024-05-01", "source": "Ministry A", "url": "",
     "text": "The minister said the bridge reopens on 3 March."},
    {"id": "b", "title": "Harbour", "date": "2024-06-15", "source": "Ministry B", "url": "",
     "text": "The harbour was dredged in June."},
    {"id": "c", "title": "Undated note", "date": "", "source": "Ministry A", "url": "",
     "text": "A note without a date about the station."},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return index_of_rows(tmp_path_factory.mktemp("store"), ROWS)


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), (3, "2024-05-01", "2024-06-15")),
    (Filters(("Ministry A",)), (2, "2024-05-01", "2024-05-01")),
    (Filters(since=date(2024, 6, 1)), (1, "2024-06-15", "2024-06-15")),
    (Filters(until=date(2024, 12, 31)), (2, "2024-05-01", "2024-06-15")),  # a date bound leaves out the undated
    (Filters(("Ministry B",), until=date(2024, 5, 31)), (0, None, None)),
])
def test_matching_counts_what_the_filters_select(index: Index, filters: Filters, expected: tuple) -> None:
    assert index.store.matching(filters) == expected


def test_dense_search_applies_the_same_filters(index: Index) -> None:
    qvec = index.embedder.embed(["When does the bridge reopen?"])[0]
    assert {cid.split("#")[0] for cid, _ in index.store.dense_search(qvec, 5, Filters())} == {"a", "b", "c"}
    found = index.store.dense_search(qvec, 5, Filters(("Ministry A",), until=date(2024, 12, 31)))
    assert [cid.split("#")[0] for cid, _ in found] == ["a"]


def test_reads(index: Index) -> None:
    store = index.store
    doc = store.document("a")
    assert doc is not None and doc.title == "Bridge" and store.text("a") == doc.text
    assert store.document("missing") is None and store.text("missing") is None
    assert store.sources() == ["Ministry A", "Ministry B"]
    assert store.stats().statements == 3 and store.all_ids() == ["a", "b", "c"]
    assert [row[0] for row in store.titles(2)] == ["b", "a"]  # most recent first


def test_a_reingested_statement_is_read_back_new_and_a_removal_is_counted(tmp_path: Path) -> None:
    ix = index_of_rows(tmp_path, ROWS[:2])
    gen = ix.generation()
    src = tmp_path / "edit.jsonl"
    src.write_text('{"id": "a", "title": "Bridge", "date": "2024-05-01", "source": "Ministry A", "url": "", '
                   '"text": "The minister said the bridge reopens on 4 March."}\n', encoding="utf-8")
    assert ix.ingest([src], replace=True).updated == 1
    assert ix.generation() > gen and "4 March" in (ix.store.text("a") or "")
    assert ix.store.remove(["a", "nope"]) == ["a"] and ix.store.document("a") is None


def test_an_index_folder_remembers_its_embedder_and_collection(tmp_path: Path) -> None:
    ix = index_of_rows(tmp_path, ROWS[:1])
    folder = ix.path
    ix.close()
    with pytest.raises(StoreError, match="was built with embeddings 'all-MiniLM-L6-v2-int8'.*'openai:x'"):
        Store(folder, make_settings(folder), "openai:x")
    again = Index(folder, make_settings(folder, collection="another-name"))  # the folder's collection is kept
    assert again.store.vectors.client.count() == again.stats().chunks == 1


@pytest.mark.parametrize(("filters", "where"), [
    (Filters(), None),
    (Filters(("A",)), {"source": {"$in": ["A"]}}),
    (Filters(since=date(2024, 5, 1)), {"date_ord": {"$gte": 20240501}}),
    (Filters(until=date(2024, 5, 31)), {"$and": [{"date_ord": {"$lte": 20240531}}, {"date_ord": {"$gt": 0}}]}),
])
def test_filters_as_a_chroma_where_clause(filters: Filters, where: object) -> None:
    assert chroma_where(filters) == where


def test_the_file_of_an_origin(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.jsonl").write_text("", encoding="utf-8")
    index_dir = tmp_path / "index"
    assert file_of_origin(str(tmp_path / "x.txt"), index_dir) == str(tmp_path / "x.txt")
    assert file_of_origin("seeds/s.jsonl:12", index_dir) == str(tmp_path / "seeds" / "s.jsonl")  # beside the index
    assert file_of_origin("", index_dir) == ""
