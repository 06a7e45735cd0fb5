"""The index on disk: Chroma collections of chunks and sentences, BM25 side indexes, a manifest.

Each ingest writes a new *generation* folder (``index/gen-*``) and then points
``index/CURRENT`` at it with an atomic rename, so a reader never sees a half-built index
and an interrupted ingest leaves the previous one in use. The ONNX query encoder lives
in ``index/encoder/`` and is shared by generations.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .config import Settings
from .errors import IndexCorruptError, IndexMissingError
from .lexical import terms
from .types import Brief, Chunk, Sentence

if TYPE_CHECKING:
    import numpy as np

    from .embed import Encoder

__all__ = ["Store", "StoredSentence", "build_index", "index_exists", "encoder_path"]

_CURRENT = "CURRENT"
_MANIFEST = "manifest.json"
_KEEP_GENERATIONS = 2
_ADD_BATCH = 1000


@dataclass(frozen=True)
class StoredSentence:
    """A sentence as read back from the index, with its embedding."""

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    kind: str
    embedding: "np.ndarray"


def encoder_path(settings: Settings) -> Path:
    """Where the ONNX query encoder is kept."""
    return settings.index_dir / "encoder" / "all-MiniLM-L6-v2.onnx"


def index_exists(settings: Settings) -> bool:
    """True when ``index/CURRENT`` names a generation with a manifest."""
    try:
        return (_current_generation(settings) / _MANIFEST).exists()
    except IndexMissingError:
        return False


def _current_generation(settings: Settings) -> Path:
    pointer = settings.index_dir / _CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {settings.index_dir}: run `ikqa ingest` first") from None
    return settings.index_dir / name


def _chroma_client(settings: Settings, generation: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    return chromadb.PersistentClient(path=str(generation / "chroma"), settings=chroma_settings)


def _collection_names(settings: Settings, generation: Path) -> tuple[str, str]:
    base = f"{settings.collection}-{generation.name}"
    return f"{base}-chunks", f"{base}-sentences"


def _sentence_search_text(s: Sentence, title: str) -> str:
    """What is embedded for a sentence: header lines say what they are, so "who wrote it" finds the byline."""
    if s.kind == "title":
        return f"Title of the brief: {s.text}"
    if s.kind in {"byline", "header"}:
        return f"Author of the brief {title}: {s.text}"
    return s.text


def build_index(settings: Settings, briefs: Sequence[Brief], chunks: Sequence[Chunk],
                encoder: "Encoder", *, failed: Sequence[tuple[str, str]] = (),
                progress: Callable[[int, int], None] | None = None) -> Path:
    """Embed and store ``chunks`` and the briefs' sentences as a new generation; make it current."""
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    generation = settings.index_dir / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    generation.mkdir()
    titles = {b.source: b.title for b in briefs}
    sentences = [s for b in briefs for s in b.sentences]
    client = _chroma_client(settings, generation)
    chunk_name, sentence_name = _collection_names(settings, generation)
    _write_chunks(client, chunk_name, chunks, encoder, progress)
    _write_sentences(client, sentence_name, sentences, titles, encoder)
    _write_bm25(generation / "bm25-chunks", [c.text for c in chunks])
    _write_bm25(generation / "bm25-sentences",
                [_sentence_search_text(s, titles[s.source]) for s in sentences])
    manifest = _manifest(settings, briefs, chunks, sentences, failed)
    (generation / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    _make_current(settings, generation)
    return generation


def _write_chunks(client: Any, name: str, chunks: Sequence[Chunk], encoder: "Encoder",
                  progress: Callable[[int, int], None] | None) -> None:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
    store = ChromaVectorStore(chroma_collection=collection)
    for i in range(0, len(chunks), _ADD_BATCH):
        batch = chunks[i:i + _ADD_BATCH]
        vectors = encoder.encode([f"{c.title}\n{c.text}" for c in batch])
        nodes = [TextNode(id_=c.id, text=c.text, embedding=v.tolist(), metadata=_chunk_meta(c),
                          excluded_embed_metadata_keys=list(_chunk_meta(c)))
                 for c, v in zip(batch, vectors)]
        store.add(nodes)
        if progress:
            progress(min(i + _ADD_BATCH, len(chunks)), len(chunks))


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    return {"source": c.source, "title": c.title, "author": c.author, "start": c.start,
            "end": c.end, "sentence_ids": json.dumps(list(c.sentence_ids)),
            "sentence_spans": json.dumps([list(span) for span in c.sentence_spans]),
            "sha256": c.sha256}


def _write_sentences(client: Any, name: str, sentences: Sequence[Sentence],
                     titles: dict[str, str], encoder: "Encoder") -> None:
    collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
    for i in range(0, len(sentences), _ADD_BATCH):
        batch = sentences[i:i + _ADD_BATCH]
        vectors = encoder.encode([_sentence_search_text(s, titles[s.source]) for s in batch])
        collection.add(
            ids=[s.id for s in batch],
            embeddings=vectors,
            documents=[s.text for s in batch],
            metadatas=[{"source": s.source, "title": titles[s.source], "start": s.start,
                        "end": s.end, "kind": s.kind, "position": s.position} for s in batch],
        )


def _write_bm25(folder: Path, texts: list[str]) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([terms(t) or ["_"] for t in texts], show_progress=False)
    retriever.save(str(folder))


def _manifest(settings: Settings, briefs: Sequence[Brief], chunks: Sequence[Chunk],
              sentences: Sequence[Sentence], failed: Sequence[tuple[str, str]]) -> dict[str, Any]:
    from .embed import MODEL_NAME

    per_source: dict[str, int] = {}
    for c in chunks:
        per_source[c.source] = per_source.get(c.source, 0) + 1
    return {
        "format": 1,
        "model": MODEL_NAME,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "collection": settings.collection,
        "sources": [{"source": b.source, "title": b.title, "author": b.author,
                     "sha256": b.sha256, "chunks": per_source.get(b.source, 0),
                     "sentences": len(b.sentences)} for b in briefs],
        "failed": [{"source": s, "reason": r} for s, r in failed],
        "chunk_ids": [c.id for c in chunks],
        "sentence_ids": [s.id for s in sentences],
    }


def _make_current(settings: Settings, generation: Path) -> None:
    pointer = settings.index_dir / _CURRENT
    tmp = settings.index_dir / f".{_CURRENT}.{os.getpid()}"
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    os.replace(tmp, pointer)
    old = sorted(p for p in settings.index_dir.glob("gen-*") if p != generation)
    for stale in old[: max(0, len(old) - (_KEEP_GENERATIONS - 1))]:
        _drop_generation(settings, stale)


def _drop_generation(settings: Settings, generation: Path) -> None:
    """Delete an old generation: its folder and, on a Chroma server, its collections."""
    if settings.chroma_url:
        client = _chroma_client(settings, generation)
        for name in _collection_names(settings, generation):
            try:
                client.delete_collection(name)
            except Exception:  # already gone: nothing to free
                pass
    shutil.rmtree(generation, ignore_errors=True)


class Store:
    """Read side of one index generation: dense and BM25 search, chunk and sentence look-ups."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.generation = _current_generation(settings)
        try:
            self.manifest = json.loads((self.generation / _MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise IndexCorruptError(f"cannot read index {self.generation}: {err}") from err
        client = _chroma_client(settings, self.generation)
        chunk_name, sentence_name = _collection_names(settings, self.generation)
        try:
            self._chunks = client.get_collection(chunk_name)
            self._sentences = client.get_collection(sentence_name)
        except Exception as err:  # chromadb raises several types for a missing collection
            raise IndexCorruptError(f"index {self.generation.name} is incomplete: {err}") from err
        self._bm25_chunks = _load_bm25(self.generation / "bm25-chunks")
        self._bm25_sentences = _load_bm25(self.generation / "bm25-sentences")
        self.chunk_ids: list[str] = self.manifest["chunk_ids"]
        self.sentence_ids: list[str] = self.manifest["sentence_ids"]

    def is_stale(self) -> bool:
        """True when another ingest has made a newer generation current."""
        try:
            return _current_generation(self.settings) != self.generation
        except IndexMissingError:
            return False

    @property
    def sources(self) -> list[dict[str, Any]]:
        return list(self.manifest["sources"])

    def dense_chunks(self, vector: "np.ndarray", n: int) -> list[tuple[str, float]]:
        """Chunk ids by cosine similarity to ``vector``, best first."""
        n = min(n, len(self.chunk_ids))
        if n == 0:
            return []
        res = self._chunks.query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def dense_sentences(self, vector: "np.ndarray", n: int) -> list[tuple[str, float]]:
        """Sentence ids by cosine similarity to ``vector``, best first."""
        n = min(n, len(self.sentence_ids))
        if n == 0:
            return []
        res = self._sentences.query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def bm25_chunks(self, query_terms: list[str], n: int) -> list[tuple[str, float]]:
        """Chunk ids by BM25 score, best first (zero scores dropped)."""
        return _top(self._bm25_chunks.get_scores(query_terms), self.chunk_ids, n)

    def bm25_sentence_scores(self, query_terms: list[str]) -> dict[str, float]:
        """BM25 score of every sentence that shares a term with the query."""
        scores = self._bm25_sentences.get_scores(query_terms)
        return {self.sentence_ids[i]: float(scores[i]) for i in scores.nonzero()[0]}

    def knows_term(self, term: str) -> bool:
        """True when the analysed ``term`` occurs anywhere in the indexed sentences."""
        return term in self._bm25_sentences.vocab_dict

    def chunk_sentence_ids(self, chunk_ids: list[str]) -> dict[str, list[str]]:
        """For each chunk id, the ids of its sentences in order."""
        if not chunk_ids:
            return {}
        res = self._chunks.get(ids=chunk_ids, include=["metadatas"])
        return {i: json.loads(m["sentence_ids"]) for i, m in zip(res["ids"], res["metadatas"])}

    def sentences(self, ids: list[str]) -> list[StoredSentence]:
        """Sentences with their text, span and embedding, in the order of ``ids``."""
        if not ids:
            return []
        res = self._sentences.get(ids=ids, include=["documents", "metadatas", "embeddings"])
        found = {
            i: StoredSentence(id=i, source=m["source"], title=m["title"], text=d, start=m["start"],
                              end=m["end"], kind=m.get("kind", "body"), embedding=e)
            for i, d, m, e in zip(res["ids"], res["documents"], res["metadatas"], res["embeddings"])
        }
        return [found[i] for i in ids if i in found]


def _load_bm25(folder: Path) -> Any:
    import bm25s

    try:
        return bm25s.BM25.load(str(folder))
    except (OSError, ValueError) as err:
        raise IndexCorruptError(f"cannot read BM25 index {folder}: {err}") from err


def _top(scores: "np.ndarray", ids: list[str], n: int) -> list[tuple[str, float]]:
    import numpy as np

    nonzero = np.flatnonzero(scores)
    best = nonzero[np.argsort(-scores[nonzero], kind="stable")][:n]
    return [(ids[i], float(scores[i])) for i in best]
