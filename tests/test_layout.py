"""The code's shape stays reviewable: no module over ~500 lines, no function over ~60 lines.

Why a test: a module that grows past this is doing two jobs (the review behind issue 11 found nine modules in
one 1,300-line file); the limit fails the build where the next change would make it worse, not in a review
months later. Complexity (grade D and worse) is held by ruff's C901 in ``make lint``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "statementqa"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
MODULES = sorted(p for p in SRC.rglob("*.py"))


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_a_module_is_at_most_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(SRC)}: {lines} lines; split it by responsibility"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_a_function_is_at_most_60_lines(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{f.name} ({(f.end_lineno or f.lineno) - f.lineno + 1} lines, line {f.lineno})"
            for f in _functions(tree) if (f.end_lineno or f.lineno) - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(SRC)}: " + "; ".join(long)


def test_the_limits_see_every_module() -> None:
    assert len(MODULES) > 30 and SRC / "api.py" in MODULES  # a moved tree would otherwise pass vacuously
