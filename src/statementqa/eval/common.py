"""What every part of the eval suite shares: its input error and the progress bar."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


class EvalInputError(ValueError):
    """Bad eval input (question file, statement list, index dir); the message names the line or id."""


def progress_iter(items: Sequence[Any], enabled: bool, desc: str) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="q")
