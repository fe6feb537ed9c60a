"""Where the eval suite finds its files: the evals folder, its reports and index cache, the shared corpus.

Why settings and not module constants: an installed package (``pip install .``) has no checkout around it,
so ``evals/`` and ``../shared/corpus`` next to the source are only defaults. ``STATEMENTQA_EVALS_DIR``,
``STATEMENTQA_CORPUS_DIR`` and ``STATEMENTQA_EVAL_CACHE_DIR`` (or ``.env``) point it elsewhere, and a
missing folder is an error naming the setting to change.
"""

from __future__ import annotations

from pathlib import Path

from statementqa.config import Settings, get_settings
from statementqa.eval.common import EvalInputError

# The source checkout this package runs from (an editable install): src/statementqa/eval/ -> the repo root.
CHECKOUT = Path(__file__).resolve().parents[3]


def evals_dir(settings: Settings | None = None) -> Path:
    """``Settings.evals_dir``, else ``evals/`` of the checkout; a missing folder raises naming the setting."""
    path = (settings or get_settings()).evals_dir or CHECKOUT / "evals"
    if not path.is_dir():
        raise EvalInputError(f"{path}: evals folder not found (set STATEMENTQA_EVALS_DIR to the folder that holds "
                             "sets.toml)")
    return path


def reports_dir(settings: Settings | None = None) -> Path:
    """Where runs write their reports (``<evals>/reports/<timestamp>/``)."""
    return evals_dir(settings) / "reports"


def baseline_dir(settings: Settings | None = None) -> Path:
    """The committed baseline reports the regression gate compares with."""
    return reports_dir(settings) / "baseline"


def index_cache_dir(settings: Settings | None = None) -> Path:
    """``Settings.eval_cache_dir``, else ``<evals>/reports/.index-cache`` (git-ignored, keyed by content)."""
    settings = settings or get_settings()
    return settings.eval_cache_dir or reports_dir(settings) / ".index-cache"


def corpus_location(corpus_dir: Path | None = None, settings: Settings | None = None) -> Path:
    """The shared corpus: the argument, else ``Settings.corpus_dir``, else ``../shared/corpus`` beside the checkout."""
    return corpus_dir or (settings or get_settings()).corpus_dir or CHECKOUT.parent / "shared" / "corpus"


def seeds_location(settings: Settings | None = None) -> Path:
    """Where statement lists find seed statements: ``STATEMENTQA_SEEDS_DIR`` when set (the app's setting: an
    installed package has no checkout around it), else the checkout's ``seeds/``."""
    settings = settings or get_settings()
    return settings.seeds_dir if "seeds_dir" in settings.model_fields_set else CHECKOUT / "seeds"


def rel(path: Path) -> str:
    """``path`` relative to the checkout when inside it (how reports name their inputs), else as given."""
    try:
        return str(path.resolve().relative_to(CHECKOUT))
    except ValueError:
        return str(path)
