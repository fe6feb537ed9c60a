"""Serve the statementqa chat UI: ``python app.py`` (settings: ``STATEMENTQA_*`` / ``.env``).

Opens the default index (``index_dir``); on first run, when it holds no statement, it ingests
``seeds_dir`` and says so (console and the UI's index panel). Binds to ``ui_host:ui_port``
(127.0.0.1:7860 by default), never shares publicly, analytics off.
"""

from __future__ import annotations

from statementqa.config import apply_offline_environment

apply_offline_environment()  # before gradio, chromadb or llama-index are imported

import logging  # noqa: E402
import sys  # noqa: E402

from statementqa import open_index  # noqa: E402
from statementqa.config import get_settings  # noqa: E402
from statementqa.ui import launch  # noqa: E402


def main() -> int:
    """Open (or build, on first run) the index and serve the UI until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    index = open_index(settings.index_dir, settings=settings)
    notice = None
    try:
        if index.store.needs_reindex and index.stats().statements:
            print(f"The index at {settings.index_dir} was built by an older statementqa; re-embedding its "
                  "statements …", flush=True)
            n = index.reindex(progress=True)
            notice = f"Migrated: re-embedded the {n} statements of {settings.index_dir} for this version."
            print(notice, flush=True)
        if index.stats().statements == 0:
            print(f"First run: the index at {settings.index_dir} is empty; ingesting {settings.seeds_dir} …",
                  flush=True)
            summary = index.ingest([settings.seeds_dir], progress=True)
            notice = f"First run: indexed the statements in {settings.seeds_dir} ({summary.line()})."
            print(notice, flush=True)
            for issue in summary.issues:
                print(f"  {issue}", flush=True)
        print(f"Serving statementqa on http://{settings.ui_host}:{settings.ui_port}", flush=True)
        launch(index, notice=notice, settings=settings)
    except KeyboardInterrupt:
        pass
    finally:
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
