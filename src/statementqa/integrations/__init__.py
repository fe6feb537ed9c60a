"""Adapters that let other frameworks use a statementqa index (``llama_index``)."""
