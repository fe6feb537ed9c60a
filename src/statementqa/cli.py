"""Command line: ``statementqa ingest | ask | remove | stats | eval`` (typer).

Why exit codes matter here: scripts and CI chain these commands, so a missing path or a failed
input must be visible as a non-zero status, while the rest of the batch still lands.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Annotated, TextIO

import typer

from statementqa.config import apply_offline_environment

apply_offline_environment()

from statementqa.api import open_index  # noqa: E402
from statementqa.models import Answer  # noqa: E402
from statementqa.query import QueryOptions  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Question answering over official statements, with verified quoted citations.")

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index folder (default: settings' index_dir).")]


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.jsonl .txt .md .html .pdf).")],
    index: IndexOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Let these inputs replace statements from other files that hold the same id.")] = False,
) -> None:
    """Add or update statements; unchanged ones are skipped. Exit 1 if any input failed, 2 if a path is missing."""
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        _err(f"error: {p}: no such file or directory")
    present = [p for p in paths if p.exists()]
    if present:
        ix = open_index(index)
        summary = ix.ingest(present, progress=not quiet and sys.stderr.isatty(), replace=replace)
        for issue in summary.issues:
            _err(f"error: {issue}")
        for note in summary.notes:
            _err(f"note: {note}")
        typer.echo(summary.line())
        ix.close()
        if summary.failed and not missing:
            raise typer.Exit(1)
    if missing:
        raise typer.Exit(2)


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters 2, combining marks 0)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def rows_taken(text: str, columns: int) -> int:
    """Screen rows ``text`` fills when printed from column 0 of a ``columns``-wide terminal (wrapping)."""
    return sum(max(1, -(-cell_width(line) // max(1, columns))) for line in text.split("\n"))


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


class DraftDisplay:
    """Shows a streamed LLM reply on a terminal as what it is: an unverified draft, erased when checked.

    Why: the streamed text is the model's own words, before any quote is verified (it may claim what no
    statement says, and the checked answer may even be the extractive fallback). It is printed dim under
    a label saying so, and erased (cursor up, clear to the end of the screen) before the checked answer
    is printed; a draft taller than the screen cannot be erased, so a rule then says where it ends.
    """

    LABEL = "Unverified draft (the quotes are being checked; the checked answer replaces it):"
    RULE = "── end of the unverified draft; the checked answer follows ──"

    def __init__(self, out: TextIO) -> None:
        self.out = out
        size = shutil.get_terminal_size()
        self.columns, self.lines = size.columns, size.lines
        self.text = ""

    def write(self, delta: str) -> None:
        # the model's text must not move the cursor or restyle the terminal, and tabs would upset the row count
        delta = _CONTROL.sub("", delta.replace("\t", " "))
        if not delta:
            return
        if not self.text:
            self.out.write(typer.style(self.LABEL, dim=True, italic=True) + "\n")
            self.text = self.LABEL + "\n"
        self.out.write(typer.style(delta, dim=True))
        self.out.flush()
        self.text += delta

    def finish(self) -> None:
        """Erase the draft (or mark its end when it no longer fits on the screen)."""
        if not self.text:
            return
        rows = rows_taken(self.text, self.columns)
        if rows < self.lines:
            up = f"\x1b[{rows - 1}A" if rows > 1 else ""
            self.out.write(f"\r{up}\x1b[J")
        else:
            self.out.write("\n" + typer.style(self.RULE, bold=True) + "\n")
        self.out.flush()
        self.text = ""


def _print_answer(ans: Answer) -> None:
    typer.echo(ans.text)
    for u in ans.unsupported_sentences:
        typer.echo(f"  ! not supported by any verified quote: {u}")
    if ans.notice:
        typer.echo(f"\nNote: {ans.notice}")
    for c in ans.citations:
        where = f" <{c.url}>" if c.url else ""
        typer.echo(f"\n[{c.n}] {c.title} — {c.source}, {c.date or 'undated'}{where}\n    "
                   f"chars {c.start}-{c.end} of {c.doc_id}: {c.quote}")
    typer.echo(f"\n(answered by: {ans.backend.label})")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    as_markdown: Annotated[bool, typer.Option(
        "--markdown", help="Print the answer with its quotes and reference lines as Markdown (for a report).")] = False,
    source: Annotated[list[str] | None, typer.Option("--source", help="Only statements from this issuer.")] = None,
    since: Annotated[str | None, typer.Option(help="Only statements dated on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only statements dated on/before YYYY-MM-DD.")] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="Passages to retrieve.")] = None,
    llm: Annotated[bool | None, typer.Option("--llm/--no-llm", help="Force the LLM on or off.")] = None,
) -> None:
    """Answer a question with quoted, cited passages (or say the statements do not say)."""
    ix = open_index(index)
    if ix.stats().statements == 0:
        _err(f"error: index {ix.path} is empty: run `statementqa ingest PATH --index {ix.path}` first")
        raise typer.Exit(1)
    try:
        ix.check_question(question)
        options = QueryOptions.parse(sources=source, since=since, until=until, top_k=top_k, llm=llm)
        if as_json or as_markdown:
            ans = ix.answer(question, options)
            if as_markdown:
                from statementqa.export import answer_markdown

                typer.echo(answer_markdown(ans, ix.document))
            else:
                typer.echo(ans.model_dump_json(indent=2))
            return
        use_llm = ix.settings.llm_enabled if llm is None else llm
        if not (use_llm and sys.stdout.isatty()):  # nothing unverified to watch: print the checked answer
            _print_answer(ix.answer(question, options))
            return
        final: Answer | None = None
        draft = DraftDisplay(sys.stdout)
        try:
            for item in ix.stream_answer(question, options):
                if isinstance(item, Answer):
                    final = item
                else:
                    draft.write(item)
        finally:
            draft.finish()
        if final is not None:
            _print_answer(final)
    except ValueError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from exc


@app.command()
def remove(ids: Annotated[list[str], typer.Argument(help="Statement ids.")], index: IndexOpt = None) -> None:
    """Delete statements (and all their chunks) by id."""
    ix = open_index(index)
    n = ix.remove(ids)
    typer.echo(f"{n} statement(s) removed")
    if n < len(set(ids)):
        _err("warning: some ids were not in the index")
        raise typer.Exit(1)


@app.command()
def reindex(
    index: IndexOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Re-embed every stored statement from its stored text (migrates an index built by an older version)."""
    ix = open_index(index)
    n = ix.reindex(progress=not quiet and sys.stderr.isatty())
    typer.echo(f"{n} statement(s) re-embedded")
    ix.close()


@app.command()
def stats(index: IndexOpt = None) -> None:
    """Counts: statements, chunks, sources, date range."""
    typer.echo(json.dumps(open_index(index).stats().model_dump(), indent=2))


@app.command("eval")
def eval_(
    set_name: Annotated[str, typer.Option("--set", help="Eval set named in evals/sets.toml.")] = "default",
    split: Annotated[str | None, typer.Option(
        "--split", help="Only this split of a v2 set: train | dev | test (report only test).")] = None,
    index: Annotated[Path | None, typer.Option(
        "--index", help="Use this existing index (default: build or reuse the content-keyed eval index).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N questions of the set.")] = None,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        "--compare", help="Show what changed between two reports (folders or report.json): A B.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Report folder (default evals/reports/<time>).")] = None,
    gate: Annotated[bool, typer.Option("--gate", help="Exit 1 if a metric falls below the baseline.")] = False,
    judge: Annotated[bool | None, typer.Option(
        "--judge/--no-judge", help="LLM-judged metrics (default: when an LLM is configured).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Run an eval set offline and write report.json/report.md/charts. Exit 1 = gate failed, 2 = bad input."""
    from statementqa.eval import main_eval

    pair = compare if compare and all(compare) else None
    raise typer.Exit(main_eval(set_name, index_dir=index, limit=limit, compare=pair, out_dir=out, gate=gate,
                               judge=judge, progress=not quiet and sys.stderr.isatty(), split=split))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
