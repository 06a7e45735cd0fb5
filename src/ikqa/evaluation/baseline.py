"""The plain llama-index recipe, run on the same questions so every gain is measured.

Default ``SentenceSplitter``, the same MiniLM through ``HuggingFaceEmbedding``, a Chroma
collection, dense top-k retrieval; the answer is the top chunk's first 60 words, its
citation the whole chunk, and it never abstains.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable

from ..types import Answer, Citation

__all__ = ["LlamaIndexBaseline"]

ANSWER_WORDS = 60
TOP_K = 5


class LlamaIndexBaseline:
    """A ``System`` for ``evaluation.evaluate``: the recipe most RAG tutorials start from."""

    name = "llama-index recipe"

    def __init__(self, sources_dir: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ..indexing.embed import _quiet_transformers, model_dir

        _quiet_transformers()
        self._folder = tempfile.TemporaryDirectory(prefix="ikqa-baseline-")
        client = chromadb.PersistentClient(path=self._folder.name,
                                           settings=ChromaSettings(anonymized_telemetry=False))
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("baseline"))
        docs = SimpleDirectoryReader(str(sources_dir), filename_as_id=True).load_data()
        embed = HuggingFaceEmbedding(model_name=str(model_dir()))
        index = VectorStoreIndex.from_documents(
            docs, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embed)
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)

    def answer(self, question: str) -> tuple[Answer, list[tuple[str, int, int]], None]:
        nodes = self._retriever.retrieve(question)
        spans = [_span(n) for n in nodes]
        if not nodes:
            return Answer(question=question, text=""), [], None
        top = nodes[0]
        words = top.node.get_content().split()
        text = " ".join(words[:ANSWER_WORDS]) + " [1]"
        source, start, end = spans[0]
        citation = Citation(marker=1, source=source, title=top.node.metadata.get("file_name", source),
                            text=top.node.get_content(), start=start, end=end,
                            score=float(top.score or 0.0))
        return Answer(question=question, text=text, citations=[citation]), spans, None

    def conversation(self) -> Callable[[str], Answer]:
        """No memory: each turn is asked as it stands."""
        return lambda question: self.answer(question)[0]


def _span(scored: Any) -> tuple[str, int, int]:
    node = scored.node
    return (node.metadata.get("file_name", ""), int(node.start_char_idx or 0),
            int(node.end_char_idx or 0))
