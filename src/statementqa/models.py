"""What crosses module boundaries: documents, chunks, passages, answers, ingest results.

Why pydantic: these are printed as JSON (``ask --json``), shown in the UI and compared in
evals; one validated shape keeps the stages from reaching into each other's internals.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator


class Document(BaseModel):
    """One official statement, with its full normalized text (the text quotes are checked against)."""

    id: str
    title: str
    date: str | None = None  # ISO yyyy-mm-dd
    source: str = ""  # issuing body
    url: str = ""
    text: str
    content_hash: str = ""
    origin: str = ""  # file (and line) it came from, as given, for messages
    file: str = ""  # the absolute path of that file: which statements came from where (identity.py)
    id_from_name: bool = False  # the id was derived from the file name (not given by the input)
    # ids to fall back on, in order, when a name-derived id belongs to another file's statement
    id_candidates: list[str] = Field(default_factory=list, exclude=True, repr=False)


class Chunk(BaseModel):
    """A sentence-aligned span of a document: ``doc.text[start:end] == text``."""

    id: str
    doc_id: str
    index: int
    start: int
    end: int
    text: str


class Passage(BaseModel):
    """A retrieved chunk with its statement's metadata and scores."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    title: str = ""
    source: str = ""
    date: str | None = None
    url: str = ""


class Citation(BaseModel):
    """A verbatim quote: ``quote == stored_text(doc_id)[start:end]`` (checked before returning)."""

    n: int
    doc_id: str
    title: str = ""
    source: str = ""
    date: str | None = None
    url: str = ""
    quote: str
    start: int
    end: int


class Engine(StrEnum):
    """Which path wrote an answer's text."""

    EXTRACTIVE = "extractive"  # the offline reader: quoted sentences and a typed lead taken from them
    LLM = "llm"  # a generated answer whose quotes passed verification


class Backend(BaseModel):
    """Who answered: the engine, and the model for generated answers. Code reads ``engine``; people read
    ``label`` ("extractive", "llm:gpt-4o-mini")."""

    model_config = ConfigDict(frozen=True)

    engine: Engine = Engine.EXTRACTIVE
    model: str | None = None

    @property
    def label(self) -> str:
        return f"llm:{self.model}" if self.engine == Engine.LLM else self.engine.value

    @model_validator(mode="before")
    @classmethod
    def _from_label(cls, data: Any) -> Any:
        """The wire form is the label (JSON answers, the UI's saved conversation): "llm:gpt-4o-mini"."""
        if isinstance(data, str):
            engine, _, model = data.partition(":")
            return {"engine": engine, "model": model or None}
        return data

    @model_serializer
    def _as_label(self) -> str:
        """JSON keeps ``"backend": "extractive"`` / ``"llm:<model>"``, as API clients and exports read it."""
        return self.label

    def __str__(self) -> str:
        return self.label


EXTRACTIVE = Backend()


class Answer(BaseModel):
    """What every backend returns; the UI, CLI and evals read only this."""

    question: str
    text: str
    refused: bool = False
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    backend: Backend = EXTRACTIVE
    notice: str | None = None  # e.g. why an LLM answer fell back to extractive
    unsupported_sentences: list[str] = Field(default_factory=list)
    rejected_citations: int = 0  # generated quotes dropped by verification (not in the passage, number out of range…)
    fallback: str | None = None  # why a generated answer was replaced by the extractive one
    # The reader's calibrated probability that the answer is right, the score its refusal threshold is compared
    # with; None when no such probability exists (a generated answer: see ``grounded``).
    support: float | None = None
    grounded: float | None = None  # generated answers: the share of their sentences a verified quote backs
    seconds: float = 0.0  # wall time of the whole answer, set once by ``Index`` (api.py) for every backend


class IngestIssue(BaseModel):
    """A problem with one input: names the file (and line) and says what to do."""

    path: str
    line: int | None = None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class FileResult(BaseModel):
    """Per-file outcome of an ingest (shown in the UI's upload panel)."""

    path: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    issues: list[IngestIssue] = Field(default_factory=list)
    # what happened that the user should know but that cost nothing (an id taken elsewhere, a copy)
    notes: list[IngestIssue] = Field(default_factory=list)


class IngestSummary(BaseModel):
    """End-of-ingest summary printed by the CLI and returned by ``Index.ingest``."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    chunks: int = 0  # chunks embedded in this run
    seconds: float = 0.0
    doc_ids: list[str] = Field(default_factory=list)  # added or updated
    files: list[FileResult] = Field(default_factory=list)
    issues: list[IngestIssue] = Field(default_factory=list)
    notes: list[IngestIssue] = Field(default_factory=list)  # informational: nothing was lost

    def line(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed; {self.chunks} chunks embedded in {self.seconds:.1f}s"
        )


class IndexStats(BaseModel):
    """Counts only: what is in an index."""

    statements: int
    chunks: int
    sources: dict[str, int] = Field(default_factory=dict)
    date_from: str | None = None
    date_to: str | None = None


class LoadResult(BaseModel):
    """What the loaders produced from a batch of paths: documents plus per-input issues."""

    documents: list[Document] = Field(default_factory=list)
    issues: list[IngestIssue] = Field(default_factory=list)
    files: list[FileResult] = Field(default_factory=list)
