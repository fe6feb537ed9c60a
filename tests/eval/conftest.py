"""The CI-sized eval run, shared by the gate, report and compare tests (run once per session)."""

from __future__ import annotations

import pytest

from statementqa.eval import EvalReport, run_eval
from tests.support import CORPUS, make_settings


@pytest.fixture(scope="session")
def ci_report(tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    """The ``ci`` set run offline (llm=False, judge=False even if the developer's shell configures an LLM).

    The run builds its own index from ``evals/statements-ci.txt`` (36 statements, ~30 s on 2 cores).
    """
    if not (CORPUS / "statements").is_dir():
        pytest.skip(f"shared corpus not at {CORPUS}")
    cache = tmp_path_factory.mktemp("eval-index")
    return run_eval("ci", settings=make_settings(cache), progress=False, write=False, llm=False, judge=False,
                    cache_dir=cache, corpus_dir=CORPUS)
