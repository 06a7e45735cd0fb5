"""The index on disk, read side: Chroma collections of chunks and sentences, BM25 side indexes.

Each ingest writes a new *snapshot* folder (``index/gen-*``, see ``snapshots.py``) and
then points ``index/CURRENT`` at it with an atomic rename, so a reader never sees a
half-built index and an interrupted ingest leaves the previous one in use. ``Store``
opens the current snapshot; ``Store.is_stale`` tells when a newer one has appeared.
The ONNX query encoder lives in ``index/encoder/`` and is shared by snapshots.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..config import Settings
from ..errors import IndexCorruptError, IndexMissingError
from ..types import brief_key, parse_sentence_id

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Store", "StoredSentence", "index_exists", "encoder_path", "current_manifest",
           "current_snapshot", "manifest_of", "chroma_client", "collection_names", "damaged",
           "open_chroma", "REPAIR_COMMAND"]

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
IDS = "ids.json"
REPAIR_COMMAND = "ikqa ingest"
_REASON_CHARS = 160


def damaged(what: str, reason: object) -> IndexCorruptError:
    """The one-line error for a damaged part of the index, naming the command that repairs it."""
    text = " ".join(str(reason).split()) or type(reason).__name__
    if len(text) > _REASON_CHARS:
        text = text[:_REASON_CHARS - 3] + "..."
    return IndexCorruptError(f"the index is damaged ({what}: {text}); "
                             f"run `{REPAIR_COMMAND}` to repair it")


def open_chroma(settings: Settings, snapshot: Path) -> Any:
    """``chroma_client``, its failure as one line: an unreachable server, or a damaged store."""
    try:
        return chroma_client(settings, snapshot)
    except Exception as err:  # chromadb raises ValueError, InternalError, Rust errors...
        if settings.chroma_url:
            reason = " ".join(str(err).split())[:_REASON_CHARS]
            raise IndexCorruptError(f"cannot reach the Chroma server at {settings.chroma_url} "
                                    f"({reason}); start it and try again") from err
        raise damaged(f"Chroma store of {snapshot.name}", err) from err


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Turn any failure of the storage libraries inside the block into ``damaged(what, ...)``."""
    try:
        yield
    except IndexCorruptError:
        raise
    except Exception as err:  # chromadb, its Rust bindings and bm25s raise many types
        raise damaged(what, err) from err


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
    page: int | None = None


def encoder_path(settings: Settings, *, int8: bool = False) -> Path:
    """Where the ONNX query encoder (fp32) or the int8 ingest encoder is kept."""
    from .embed import MODEL_NAME

    return settings.index_dir / "encoder" / f"{MODEL_NAME}{'-int8' if int8 else ''}.onnx"


def index_exists(settings: Settings) -> bool:
    """True when ``index/CURRENT`` names a snapshot with a manifest."""
    try:
        return (current_snapshot(settings) / MANIFEST).exists()
    except IndexMissingError:
        return False


def current_snapshot(settings: Settings) -> Path:
    """The folder ``index/CURRENT`` points at (``IndexMissingError`` when there is none)."""
    pointer = settings.index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(f"no index in {settings.index_dir}: run `ikqa ingest` first") from None
    return settings.index_dir / name


def manifest_of(snapshot: Path) -> dict[str, Any] | None:
    """The manifest of ``snapshot``, or None when it has none (incomplete) or it is unreadable."""
    try:
        return json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def current_manifest(settings: Settings) -> dict[str, Any] | None:
    """The manifest of the current snapshot, or None when there is no usable index."""
    try:
        return manifest_of(current_snapshot(settings))
    except IndexMissingError:
        return None


def chroma_client(settings: Settings, snapshot: Path) -> Any:
    """A Chroma client: the server at ``settings.chroma_url``, else the snapshot's own folder."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=chroma_settings)
    return chromadb.PersistentClient(path=str(snapshot / "chroma"), settings=chroma_settings)


def collection_names(settings: Settings, snapshot: Path) -> tuple[str, str]:
    """Names of a snapshot's chunk and sentence collections (unique per snapshot)."""
    base = f"{settings.collection}-{snapshot.name}"
    return f"{base}-chunks", f"{base}-sentences"


class Store:
    """Read side of one index snapshot: dense and BM25 search, chunk and sentence look-ups."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.snapshot = current_snapshot(settings)
        self._client = None
        self._brief_count: int | None = None
        self._headings: dict[str, list[tuple[int, str]]] | None = None
        self._labels: dict[str, list[tuple[int, str]]] = {}
        with _reading(f"manifest of {self.snapshot.name}"):
            self.manifest = json.loads((self.snapshot / MANIFEST).read_text(encoding="utf-8"))
            ids = self.manifest if "chunk_ids" in self.manifest else json.loads(
                (self.snapshot / IDS).read_text(encoding="utf-8"))
            self.chunk_ids: list[str] = ids["chunk_ids"]
            self.sentence_ids: list[str] = ids["sentence_ids"]
        chunk_name, sentence_name = collection_names(settings, self.snapshot)
        self._check_files()
        self._client = open_chroma(settings, self.snapshot)
        with _reading(self._chroma_part):
            self._chunks = self._client.get_collection(self.manifest.get("chunk_collection", chunk_name))
            self._sentences = self._client.get_collection(
                self.manifest.get("sentence_collection", sentence_name))
        self._bm25_chunks = _load_bm25(self.snapshot / "bm25-chunks")
        self._bm25_sentences = _load_bm25(self.snapshot / "bm25-sentences")

    def _check_files(self) -> None:
        """Refuse HNSW files cut short before Chroma loads them: its native code may crash on them."""
        if not self.settings.chroma_url:
            from .chroma_files import hnsw_problem

            problem = hnsw_problem(self.snapshot / "chroma")
            if problem:
                raise damaged(self._chroma_part, problem)

    @property
    def _chroma_part(self) -> str:
        where = self.settings.chroma_url or self.snapshot.name
        return f"Chroma store of {where}"

    def close(self) -> None:
        """Release the Chroma client (the embedded store keeps files open until then)."""
        client, self._client = getattr(self, "_client", None), None
        if client is not None and hasattr(client, "close"):
            try:
                client.close()
            except Exception:  # best effort at shutdown
                pass

    def __del__(self) -> None:
        self.close()

    @property
    def analysed_as_now(self) -> bool:
        """False when the BM25 side was built by another version of ``lexical.terms`` (an
        index from an older ikqa): ``ikqa ingest`` rewrites it from the records."""
        from .lexical import LEXICAL_VERSION

        return f"lexical-{LEXICAL_VERSION}" in self.manifest.get("fingerprint", [])

    def is_stale(self) -> bool:
        """True when another ingest has made a newer snapshot current."""
        try:
            return current_snapshot(self.settings) != self.snapshot
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
        with _reading(self._chroma_part):
            res = self._chunks.query(query_embeddings=[vector.tolist()], n_results=n,
                                     include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def dense_sentences(self, vector: "np.ndarray", n: int) -> list[tuple[str, float]]:
        """Sentence ids by cosine similarity to ``vector``, best first."""
        n = min(n, len(self.sentence_ids))
        if n == 0:
            return []
        with _reading(self._chroma_part):
            res = self._sentences.query(query_embeddings=[vector.tolist()], n_results=n,
                                        include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0])]

    def bm25_chunks(self, query_terms: list[str], n: int) -> list[tuple[str, float]]:
        """Chunk ids by BM25 score, best first (zero scores dropped)."""
        if not query_terms:  # bm25s fails on an empty query ("??", "the")
            return []
        return _top(self._bm25_chunks.get_scores(query_terms), self.chunk_ids, n)

    def bm25_sentence_scores(self, query_terms: list[str]) -> dict[str, float]:
        """BM25 score of every sentence that shares a term with the query."""
        if not query_terms:
            return {}
        scores = self._bm25_sentences.get_scores(query_terms)
        nonzero = scores.nonzero()[0].tolist()
        ids = self.sentence_ids
        return dict(zip([ids[i] for i in nonzero], scores[nonzero].tolist()))

    def knows_term(self, term: str) -> bool:
        """True when the analysed ``term`` occurs anywhere in the indexed sentences."""
        return term in self._bm25_sentences.vocab_dict

    def vocabulary(self) -> list[str]:
        """Every analysed term of the indexed sentences."""
        return list(self._bm25_sentences.vocab_dict)

    def idf(self, term: str) -> float:
        """Inverse sentence frequency of an analysed term (rare terms weigh more; unseen: max)."""
        import math

        scores = self._bm25_sentences.scores
        n = int(scores["num_docs"])
        column = self._bm25_sentences.vocab_dict.get(term)
        df = 0 if column is None else int(scores["indptr"][column + 1] - scores["indptr"][column])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def sentences_with(self, term: str) -> set[str]:
        """The ids of the indexed sentences holding the analysed ``term``."""
        scores = self._bm25_sentences.scores
        column = self._bm25_sentences.vocab_dict.get(term)
        if column is None:
            return set()
        rows = scores["indices"][scores["indptr"][column]:scores["indptr"][column + 1]]
        return {self.sentence_ids[int(i)] for i in rows}

    def brief_share(self, term: str) -> float:
        """The share of indexed briefs with a sentence holding the analysed ``term`` (a sentence
        id starts with its brief's key: ``<key>:s<n>``)."""
        briefs = {brief_key(sid) for sid in self.sentences_with(term)}
        if self._brief_count is None:
            self._brief_count = len({brief_key(sid) for sid in self.sentence_ids})
        return len(briefs) / max(1, self._brief_count)

    def chunk_sentence_ids(self, chunk_ids: list[str]) -> dict[str, list[str]]:
        """For each chunk id, the ids of its sentences in order."""
        if not chunk_ids:
            return {}
        with _reading(self._chroma_part):
            res = self._chunks.get(ids=chunk_ids, include=["metadatas"])
            return {i: json.loads(m["sentence_ids"]) for i, m in zip(res["ids"], res["metadatas"])}

    def texts(self, ids: list[str]) -> dict[str, str]:
        """The text of each of the sentences ``ids`` (no span, no embedding: cheap)."""
        if not ids:
            return {}
        with _reading(self._chroma_part):
            res = self._sentences.get(ids=ids, include=["documents"])
        return dict(zip(res["ids"], res["documents"]))

    def headings(self, ids: list[str]) -> dict[str, str]:
        """For each of the sentences ``ids``, the section heading it stands under (none for a
        sentence before its brief's first heading), after the lines above it near its
        document's top that say what the document is about ("Reference: TRIAQUA/PROC/2024/03")."""
        from bisect import bisect_left

        if self._headings is None:
            with _reading(self._chroma_part):
                res = self._sentences.get(where={"kind": "heading"}, include=["documents"])
                # a glossary's entry ("**TAG** – Technical Advisory Group.") heads the
                # sentences that describe it ("A panel of seven ...", "It is chaired by ...")
                bold = self._sentences.get(where_document={"$contains": "**"},
                                           include=["documents"])
            entries = [(i, text.replace("**", "").strip().rstrip("."))
                       for i, text in zip(bold["ids"], bold["documents"])
                       if GLOSSARY_ENTRY.match(text)]
            found: dict[str, list[tuple[int, str]]] = {}
            for i, text in [*zip(res["ids"], res["documents"]), *entries]:
                if (parsed := parse_sentence_id(i)) is not None:
                    found.setdefault(parsed[0], []).append((parsed[1], text))
            self._headings = {key: sorted(found[key]) for key in found}
            self._labels = self._labelled_header_lines()
        out = {}
        for sid in ids:
            parsed = parse_sentence_id(sid)
            above = self._headings.get(parsed[0], []) if parsed else []
            at = bisect_left(above, (parsed[1], "")) if parsed else 0
            labels = [text for n, text in self._labels.get(parsed[0], []) if n < parsed[1]] \
                if parsed else []
            heading = " ".join([*labels, above[at - 1][1]] if at else labels)
            if heading:
                out[sid] = heading
        return out

    def _labelled_header_lines(self) -> dict[str, list[tuple[int, str]]]:
        """For each brief, the lines near its top that say what the document is about:
        "Reference: TRIAQUA/PROC/2024/03", "Subject: Project TW-2020-07 (RIVERSED) ..."."""
        firsts = [sid for sid in self.sentence_ids
                  if (parsed := parse_sentence_id(sid)) is not None and parsed[1] < HEADER_REACH]
        with _reading(self._chroma_part):
            res = self._sentences.get(ids=firsts, include=["documents"]) if firsts else \
                {"ids": [], "documents": []}
        found: dict[str, list[tuple[int, str]]] = {}
        for i, text in zip(res["ids"], res["documents"]):
            if (parsed := parse_sentence_id(i)) is not None and ABOUT_LABEL.match(text):
                found.setdefault(parsed[0], []).append((parsed[1], " ".join(
                    text.replace("**", "").split())))
        return {key: sorted(lines) for key, lines in found.items()}

    def sentences(self, ids: list[str]) -> list[StoredSentence]:
        """Sentences with their text, span and embedding, in the order of ``ids``."""
        if not ids:
            return []
        with _reading(self._chroma_part):
            res = self._sentences.get(ids=ids, include=["documents", "metadatas", "embeddings"])
            found = {
                i: StoredSentence(id=i, source=m["source"], title=m["title"], text=d,
                                  start=m["start"], end=m["end"], kind=m.get("kind", "body"),
                                  embedding=e, page=m.get("page"))
                for i, d, m, e in zip(res["ids"], res["documents"], res["metadatas"],
                                      res["embeddings"])
            }
        return [found[i] for i in ids if i in found]


# A line near a document's top naming what it is about: "Reference: TRIAQUA/PROC/2024/03",
# "**Subject:** Project TW-2020-07 (RIVERSED) ..."
ABOUT_LABEL = re.compile(r"^\s*\**\s*(?i:reference|ref\.?|subject|re|title|project|programme|program|"
                         r"meeting|event)\s*\**\s*:")
HEADER_REACH = 12  # the header lines are among a document's first sentences
# A glossary entry's term in bold, then a dash or colon: "**TAG** – Technical Advisory Group."
GLOSSARY_ENTRY = re.compile(r"^\s*\*\*[^*\n]{1,60}\*\*\s*(?:[–—:-]|\(|$)")


def _load_bm25(folder: Path) -> Any:
    import bm25s

    with _reading(f"BM25 index {folder.parent.name}/{folder.name}"):
        return bm25s.BM25.load(str(folder))


def _top(scores: "np.ndarray", ids: list[str], n: int) -> list[tuple[str, float]]:
    import numpy as np

    nonzero = np.flatnonzero(scores)
    if len(nonzero) > 4 * n:  # a large index: keep the n best before sorting them
        nonzero = np.sort(nonzero[np.argpartition(-scores[nonzero], n)[:n]])
    best = nonzero[np.argsort(-scores[nonzero], kind="stable")][:n]
    return [(ids[i], float(scores[i])) for i in best]
