"""The plain llama-index recipes, run on the same questions so every gain is measured.

Both index the sources the way most RAG tutorials do: default ``SentenceSplitter``, the same
MiniLM through ``HuggingFaceEmbedding``, a Chroma collection, a ``VectorStoreIndex``.

* ``LlamaIndexBaseline`` retrieves only: the answer is the top chunk's first 60 words, its
  citation the whole chunk, and it never abstains.
* ``LlamaIndexLLMBaseline`` is the recipe with a language model:
  ``index.as_query_engine(similarity_top_k=2)`` with llama-index's default prompt, answered by
  *the same model ikqa uses* (a thin llama-index ``CustomLLM`` over ikqa's ``LanguageModel``
  seam, so the local model is shared, not loaded twice). Its citations are the two chunks
  the answer was written from.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..types import Answer, Citation

if TYPE_CHECKING:
    from ..llm import LanguageModel

__all__ = ["LlamaIndexBaseline", "LlamaIndexLLMBaseline", "seam_llm"]

ANSWER_WORDS = 60
TOP_K = 5
QUERY_TOP_K = 2  # as_query_engine(similarity_top_k=2): the recipe with a model
RECIPE_OUTPUT_TOKENS = 256


def _vector_index(sources_dir: Path, folder: str) -> Any:
    """A ``VectorStoreIndex`` of ``sources_dir`` the tutorial way, in a Chroma under ``folder``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from ..indexing.embed import _quiet_transformers, model_dir

    _quiet_transformers()
    client = chromadb.PersistentClient(path=folder,
                                       settings=ChromaSettings(anonymized_telemetry=False))
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("baseline"))
    docs = SimpleDirectoryReader(str(sources_dir), filename_as_id=True).load_data()
    embed = HuggingFaceEmbedding(model_name=str(model_dir()))
    return VectorStoreIndex.from_documents(
        docs, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embed)


class LlamaIndexBaseline:
    """A ``System`` for ``evaluation.evaluate``: the recipe most RAG tutorials start from."""

    name = "llama-index recipe"

    def __init__(self, sources_dir: Path) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="ikqa-baseline-")
        self._retriever = _vector_index(sources_dir, self._folder.name).as_retriever(
            similarity_top_k=TOP_K)

    def answer(self, question: str) -> tuple[Answer, list[tuple[str, int, int]], None]:
        nodes = self._retriever.retrieve(question)
        spans = [_span(n) for n in nodes]
        if not nodes:
            return Answer(question=question, text=""), [], None
        top = nodes[0]
        words = top.node.get_content().split()
        text = " ".join(words[:ANSWER_WORDS]) + " [1]"
        return Answer(question=question, text=text, citations=[_chunk_citation(1, top)]), spans, None

    def conversation(self) -> Callable[[str], Answer]:
        """No memory: each turn is asked as it stands."""
        return lambda question: self.answer(question)[0]


class LlamaIndexLLMBaseline:
    """The recipe with a model: ``as_query_engine(similarity_top_k=2)``, default prompt, the
    same language model as ikqa (``llm``)."""

    name = "llama-index + same model"

    def __init__(self, sources_dir: Path, llm: "LanguageModel", context_window: int) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="ikqa-baseline-llm-")
        index = _vector_index(sources_dir, self._folder.name)
        self._engine = index.as_query_engine(similarity_top_k=QUERY_TOP_K,
                                             llm=seam_llm(llm, context_window))

    def answer(self, question: str) -> tuple[Answer, list[tuple[str, int, int]], None]:
        response = self._engine.query(question)
        nodes = list(response.source_nodes or [])
        text = str(response.response or "").strip()
        citations = [_chunk_citation(n, node) for n, node in enumerate(nodes, 1)]
        markers = " ".join(f"[{c.marker}]" for c in citations)  # it answers from these chunks
        answer = Answer(question=question, text=f"{text} {markers}".strip(), citations=citations,
                        abstained=not text or text == "Empty Response", mode="llama-index")
        return answer, [_span(n) for n in nodes], None

    def conversation(self) -> Callable[[str], Answer]:
        """No memory: each turn is asked as it stands."""
        return lambda question: self.answer(question)[0]


def seam_llm(llm: "LanguageModel", context_window: int) -> Any:
    """A llama-index ``CustomLLM`` whose every completion is ``llm.complete`` (one user message)."""
    from llama_index.core.llms import (CompletionResponse, CompletionResponseGen, CustomLLM,
                                       LLMMetadata)
    from llama_index.core.llms.callbacks import llm_completion_callback

    from ..llm import Message

    class SeamLLM(CustomLLM):
        """ikqa's language model as llama-index sees an LLM."""

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=context_window, num_output=RECIPE_OUTPUT_TOKENS,
                               model_name=llm.name)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
            return CompletionResponse(text=llm.complete([Message("user", prompt)],
                                                        max_tokens=RECIPE_OUTPUT_TOKENS))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False,
                            **kwargs: Any) -> CompletionResponseGen:
            text = ""
            for piece in llm.stream([Message("user", prompt)], max_tokens=RECIPE_OUTPUT_TOKENS):
                text += piece
                yield CompletionResponse(text=text, delta=piece)

    return SeamLLM()


def _chunk_citation(marker: int, scored: Any) -> Citation:
    source, start, end = _span(scored)
    return Citation(marker=marker, source=source,
                    title=scored.node.metadata.get("file_name", source),
                    text=scored.node.get_content(), start=start, end=end,
                    score=float(scored.score or 0.0))


def _span(scored: Any) -> tuple[str, int, int]:
    node = scored.node
    return (node.metadata.get("file_name", ""), int(node.start_char_idx or 0),
            int(node.end_char_idx or 0))
