"""Which stored statement an input is: the identity policy of ``Index.ingest``.

Why a module of its own: ids decide what an ingest overwrites. With ids taken from file names alone,
``a/statement.txt``, ``b/statement.txt`` and ``statement.md`` ingested one after another silently
replaced each other, and uploading the same file twice added it twice. The policy, in one place:

* An id the input gives (a JSON Lines ``id``, an ``id:`` in front matter) is kept as given. If it
  already belongs to a statement from *another* file, that statement is not replaced: the input is
  reported (naming both files) and skipped, unless the caller asked to replace (``replace=True``,
  ``statementqa ingest --replace``). Identical content is simply "unchanged".
* An id derived from a file name is collision-free: a file that is already indexed keeps its
  statement's id (re-ingesting it is an update, as before); a file whose content is already indexed
  (a copy, a re-upload) is "unchanged", not added twice; otherwise the file takes the first free id
  of its ladder — its name, then its name with its extension (when a sibling file has the same name),
  then with its parent folders in front ("b-statement"), then with a hash of its path — and the
  summary notes which file holds the name it did not get. ``replace=True`` makes it take its own
  name, replacing the statement that had it.
* Re-ingesting the *same* file with changed content is an update, as before; the store records each
  statement's file (``documents.file``), so "same file" does not depend on the working directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from statementqa.models import Document

Action = Literal["add", "update", "unchanged", "skip"]


@dataclass(frozen=True)
class Stored:
    """What the store knows about one statement's identity."""

    id: str
    content_hash: str
    file: str  # absolute path of the input file ('' when unknown: very old indexes)
    origin: str  # file (and line) as it was given, for messages


class Lookup(Protocol):
    """The store queries the policy needs (``store.Store`` implements them)."""

    def owners(self, ids: Sequence[str]) -> dict[str, Stored]: ...

    def by_files(self, files: Sequence[str]) -> dict[str, list[Stored]]: ...

    def by_hashes(self, hashes: Sequence[str]) -> dict[str, Stored]: ...


@dataclass
class Decision:
    """What to do with one loaded document (under its final id)."""

    doc: Document
    action: Action
    note: str | None = None  # shown to the user; nothing was lost
    issue: str | None = None  # why it was skipped (action == "skip")


def resolve(docs: Sequence[Document], store: Lookup, replace: bool = False) -> list[Decision]:
    """One decision per document, in input order. Documents carrying their own id are decided first,
    so a name-derived id never takes an id that an input in the same batch gives explicitly."""
    named = [d for d in docs if d.id_from_name]
    owners = store.owners(list(dict.fromkeys([d.id for d in docs] + [c for d in named for c in d.id_candidates])))
    by_file = store.by_files(list(dict.fromkeys(d.file for d in named if d.file)))
    by_hash = store.by_hashes(list(dict.fromkeys(d.content_hash for d in named)))
    claimed: dict[str, Document] = {}  # ids this batch writes or keeps, and by which input
    decided: dict[int, Decision] = {}
    for i, doc in enumerate(docs):
        if not doc.id_from_name:
            decided[i] = _given(doc, owners.get(doc.id), replace)
            claimed[doc.id] = doc
    batch_hash: dict[str, Document] = {}
    for i, doc in enumerate(docs):
        if doc.id_from_name:
            decided[i] = _derived(doc, owners, by_file.get(doc.file, []), by_hash, batch_hash, claimed, replace)
            if decided[i].action != "skip":
                claimed[decided[i].doc.id] = decided[i].doc
                batch_hash.setdefault(doc.content_hash, decided[i].doc)
    return [decided[i] for i in range(len(docs))]


def _given(doc: Document, owner: Stored | None, replace: bool) -> Decision:
    """An id the input gave: kept; never silently taken from another file's statement."""
    if owner is None:
        return Decision(doc, "add")
    if owner.content_hash == doc.content_hash:
        return Decision(doc, "unchanged")
    if not owner.file or owner.file == doc.file:
        return Decision(doc, "update")
    if replace:
        return Decision(doc, "update", note=f"replaced statement '{doc.id}' (it came from {owner.origin})")
    return Decision(doc, "skip", issue=(
        f"id '{doc.id}' already belongs to a statement from {owner.origin}; it was not replaced — "
        "give this statement another id, or ingest with --replace (replace=True) to replace that one"
    ))


def _derived(doc: Document, owners: dict[str, Stored], mine: list[Stored], by_hash: dict[str, Stored],
             batch_hash: dict[str, Document], claimed: dict[str, Document], replace: bool) -> Decision:
    """An id made from the file name: the file's own statement if it has one, else the first free name."""
    if mine:  # this file is indexed already: same statement, whatever its name says today
        own = next((s for s in mine if s.id in doc.id_candidates), mine[0])
        kept = doc.model_copy(update={"id": own.id})
        return Decision(kept, "unchanged" if own.content_hash == doc.content_hash else "update")
    twin = by_hash.get(doc.content_hash)
    if twin is not None:
        return Decision(doc.model_copy(update={"id": twin.id}), "unchanged",
                        note=f"same content as statement '{twin.id}' (from {twin.origin}): not added again")
    first = batch_hash.get(doc.content_hash)
    if first is not None:
        return Decision(doc.model_copy(update={"id": first.id}), "unchanged",
                        note=f"same content as {first.origin} in this batch: not added twice")
    base = doc.id_candidates[0] if doc.id_candidates else doc.id
    taken_by: str | None = None
    for candidate in doc.id_candidates or [doc.id]:
        if candidate in claimed:
            taken_by = taken_by or claimed[candidate].origin
            continue
        owner = owners.get(candidate)
        if owner is None:
            note = None
            if candidate != base:
                note = (f"the id '{base}' belongs to the statement from {taken_by}; this file was added as "
                        f"'{candidate}' (ingest with --replace to replace that statement instead)")
            return Decision(doc.model_copy(update={"id": candidate}), "add", note=note)
        if replace and candidate == base:
            return Decision(doc.model_copy(update={"id": candidate}), "update",
                            note=f"replaced statement '{candidate}' (it came from {owner.origin})")
        taken_by = taken_by or owner.origin
    return Decision(doc, "skip", issue=(
        f"no free id for this file (its names are taken by other statements, e.g. from {taken_by}) — "
        "rename it or give it an id in front matter"
    ))
