"""Where the eval suite finds its files: the evals folder, its reports, the shared corpus."""

from __future__ import annotations

from pathlib import Path

from statementqa.config import get_settings

REPO_ROOT = Path(__file__).resolve().parents[3]
EVALS_DIR = REPO_ROOT / "evals"
REPORTS_DIR = EVALS_DIR / "reports"
BASELINE_DIR = REPORTS_DIR / "baseline"
CACHE_DIR = REPORTS_DIR / ".index-cache"  # under the git-ignored reports/, keyed by content
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"


def corpus_location(corpus_dir: Path | None = None) -> Path:
    """The shared corpus: the argument, else ``Settings.corpus_dir``, else ``../shared/corpus`` beside the checkout."""
    return corpus_dir or get_settings().corpus_dir or CORPUS_DIR


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
