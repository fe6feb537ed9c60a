"""statementqa: answers over official statements with verified, quoted citations."""

from statementqa.config import apply_offline_environment

apply_offline_environment()

from statementqa.api import Index, answer, open_index  # noqa: E402
from statementqa.config import Settings, get_settings  # noqa: E402
from statementqa.filters import FilterError, QuestionTooLongError, UserInputError  # noqa: E402
from statementqa.models import Answer, Citation, IndexStats, IngestSummary, Passage  # noqa: E402
from statementqa.query import Filters, QueryOptions, Turn  # noqa: E402

__all__ = ["Answer", "Citation", "FilterError", "Filters", "Index", "IndexStats", "IngestSummary", "Passage",
           "QueryOptions", "QuestionTooLongError", "Settings", "Turn", "UserInputError", "answer", "get_settings",
           "open_index"]
