"""Uploads in the web UI: which server files may be read, where they are stored, and what each one added.

Why a module of its own: this is the UI's security boundary. Gradio hands the handler server paths taken
from the request, so everything here assumes a hostile request: only files this app's ``/upload`` wrote are
read (``UploadGate``), each is copied under a sanitized, unique name that cannot leave ``upload_dir``, and
a file that added nothing is removed again. Tests exercise it without a browser.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Protocol

from statementqa.config import Settings
from statementqa.models import IngestSummary
from statementqa.render import UploadOutcome, file_result_message
from statementqa.ui.session import InputError

log = logging.getLogger(__name__)


class Ingests(Protocol):
    """What the upload handler needs of the index."""

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestSummary: ...


def sanitize_filename(name: str) -> str:
    """A safe basename for an uploaded file: no directories, no hidden files, no odd characters."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._-")
    stem, dot, suffix = base.rpartition(".")
    stem = stem.strip("._-")
    if not (dot and stem and suffix):
        return base[:110] or "upload"
    return f"{stem[:100]}.{suffix[:10]}"


def unique_destination(upload_dir: Path, name: str) -> Path:
    """``upload_dir/name`` (suffixed ``-2``, ``-3``… if taken), guaranteed to stay inside ``upload_dir``."""
    root = upload_dir.resolve()
    safe = sanitize_filename(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    candidate = root / safe
    k = 2
    while candidate.exists():
        candidate = root / (f"{stem}-{k}.{suffix}" if suffix else f"{stem}-{k}")
        k += 1
    if candidate.resolve().parent != root:  # defence in depth: sanitize_filename already forbids this
        raise InputError(f"Refusing to store “{name}” outside the upload folder.")
    return candidate


class UploadRefused(Exception):
    """A path handed to the upload handler that the upload itself did not write (the reason is logged)."""


class UploadGate:
    """Which server files the upload handler may read: only those the app's upload endpoint wrote.

    Why: Gradio passes the handler server paths taken from the request, so a crafted request can name
    any file. A path is admitted only if it is one Gradio's ``/upload`` wrote for this app (``written``,
    Gradio's ``Blocks.upload_file_set``) and, with symlinks resolved, a regular file inside the upload
    cache (``folders``). The shared default cache (``$TMP/gradio``) is not enough on its own: other apps
    and users write there too. Nothing else is opened.
    """

    def __init__(self, folders: Sequence[str | Path], written: Collection[str] | None = None) -> None:
        self.folders = [Path(os.path.realpath(f)) for f in folders]
        self.written = written

    @classmethod
    def for_gradio(cls, blocks: Any = None) -> UploadGate:
        """Gradio's upload cache (``GRADIO_TEMP_DIR`` or ``$TMP/gradio``) and, given the app, its uploads."""
        from gradio.utils import get_upload_folder

        return cls([get_upload_folder()], getattr(blocks, "upload_file_set", None))

    def _inside(self, path: str) -> bool:
        return any(Path(path).is_relative_to(f) for f in self.folders)

    def admit(self, raw: str | Path) -> Path:
        """The resolved path of an uploaded file; ``FileNotFoundError`` if it is gone, else ``UploadRefused``."""
        lexical = os.path.abspath(raw)
        if self.written is not None and lexical not in {os.path.abspath(w) for w in list(self.written)}:
            raise UploadRefused("not written by this app's upload endpoint")
        if not self._inside(os.path.realpath(os.path.dirname(lexical))):
            raise UploadRefused(f"outside the upload cache {', '.join(map(str, self.folders))}")
        if os.path.islink(lexical):
            raise UploadRefused("a symbolic link")
        real = os.path.realpath(lexical, strict=True)  # FileNotFoundError: the upload did not arrive
        if not self._inside(real):
            raise UploadRefused(f"resolves outside the upload cache ({real})")
        if not stat.S_ISREG(os.stat(real).st_mode):
            raise UploadRefused("not a regular file")
        return Path(real)


def copy_upload(src: Path, dest: Path) -> None:
    """Copy an admitted upload without following a symlink swapped in after the check."""
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fin:
        if not stat.S_ISREG(os.fstat(fin.fileno()).st_mode):
            raise UploadRefused("not a regular file")
        with dest.open("xb") as fout:
            shutil.copyfileobj(fin, fout)


def allowed_types(settings: Settings) -> set[str]:
    """The file suffixes uploads accept (``Settings.upload_types``, lower case, with the dot)."""
    return {t.lower() if t.startswith(".") else "." + t.lower() for t in settings.upload_types}


class Uploader:
    """Validate, store (under a safe name in ``upload_dir``) and ingest uploaded files.

    Only files the upload itself wrote are read (``gate``); anything else is refused and logged.
    A rejected or broken file gets its own message and changes nothing else; files that
    added nothing are removed again from the upload folder.
    """

    def __init__(self, index: Ingests, settings: Settings, gate: UploadGate) -> None:
        self.index = index
        self.settings = settings
        self.gate = gate
        self.allowed = allowed_types(settings)
        self.limit = int(settings.upload_max_mb * 1024 * 1024)

    def add(self, paths: Sequence[str | Path] | None) -> list[UploadOutcome]:
        """One outcome per path, in order."""
        outcomes: dict[Path, UploadOutcome] = {}
        order: list[UploadOutcome | Path] = []
        for raw in paths or []:
            received = self._receive(raw)
            if isinstance(received, Path):
                outcomes[received] = UploadOutcome(Path(raw).name, False, "not ingested")
            order.append(received)
        if outcomes:
            self._ingest(outcomes)
        return [outcomes[o] if isinstance(o, Path) else o for o in order]

    def _receive(self, raw: str | Path) -> UploadOutcome | Path:
        """The stored copy of an acceptable upload, or the outcome that says why it was not taken."""
        shown = Path(raw).name
        suffix = Path(sanitize_filename(shown)).suffix.lower()
        try:
            src = self.gate.admit(raw)
            size = src.stat().st_size
        except UploadRefused as why:
            log.warning("upload refused: %s (%s)", raw, why)
            return UploadOutcome(shown, False, "refused: this file did not come through the upload "
                                               "(only files uploaded here are read); upload it again.")
        except OSError:
            return UploadOutcome(shown, False, "the upload did not arrive; try again.")
        if suffix not in self.allowed:
            return UploadOutcome(shown, False, f"rejected: “{suffix or 'no extension'}” files are not accepted "
                                               f"(allowed: {', '.join(sorted(self.allowed))}).")
        if size > self.limit:
            return UploadOutcome(shown, False, f"rejected: {size / 1048576:.1f} MB is over the "
                                               f"{self.settings.upload_max_mb:g} MB limit.")
        if size == 0:
            return UploadOutcome(shown, False, "rejected: the file is empty.")
        upload_dir = Path(self.settings.upload_dir)
        upload_dir.mkdir(parents=True, exist_ok=True)
        dest = unique_destination(upload_dir, shown)
        try:
            copy_upload(src, dest)
        except (OSError, UploadRefused) as why:
            log.warning("upload refused: %s (%s)", raw, why)
            dest.unlink(missing_ok=True)
            return UploadOutcome(shown, False, "the upload did not arrive; try again.")
        return dest

    def _ingest(self, outcomes: dict[Path, UploadOutcome]) -> None:
        dests = list(outcomes)
        try:
            summary = self.index.ingest(dests)
        except Exception as exc:
            log.exception("ingest of uploads failed")
            for dest in dests:
                outcomes[dest] = UploadOutcome(outcomes[dest].name, False, f"could not be ingested: {exc}")
                dest.unlink(missing_ok=True)
            return
        by_path = {_norm(r.path): r for r in summary.files}
        for dest in dests:
            name = outcomes[dest].name
            result = by_path.get(_norm(dest)) or by_path.get(dest.name)
            if result is None:
                issues = [i for i in summary.issues if _norm(i.path) in (_norm(dest), dest.name)]
                msg = "; ".join(i.message for i in issues) or "no statement was found in this file."
                outcomes[dest] = UploadOutcome(name, False, msg)
                dest.unlink(missing_ok=True)
                continue
            # issues name the stored copy; the user knows the file by the name they uploaded
            result = result.model_copy(update={"issues": [
                i.model_copy(update={"path": name}) for i in result.issues
            ]})
            stored = result.added + result.updated + result.unchanged
            ok = stored > 0
            msg = file_result_message(result)
            if not ok:
                msg = "nothing added — " + (
                    "the file has problems (below)." if result.issues else "no statement was found."
                )
                dest.unlink(missing_ok=True)
            outcomes[dest] = UploadOutcome(name, ok, msg, result)


def _norm(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)
