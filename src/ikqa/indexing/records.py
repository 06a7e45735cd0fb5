"""Per-brief records kept between ingests: what goes into Chroma and BM25 for a brief, with vectors.

A record is keyed by the brief's name, content and the chunking and model settings, and
written atomically (one ``.npz`` file, renamed into place) as soon as the brief is
embedded. So an unchanged brief is never embedded again, a new index snapshot can be
assembled from records alone, and an ingest killed half-way resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..config import Settings
from ..types import Brief, Chunk, Sentence

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Record", "record_key", "records_dir", "build_record", "load_record", "save_record",
           "sentence_search_text", "prune_records", "record_problem", "record_path"]

# what reading a truncated or garbled .npz raises (zipfile, zlib, numpy's header parser, json)
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile, zlib.error)
_VECTOR_WIDTH = 384


@dataclass
class Record:
    """One brief as stored: chunk and sentence payloads for Chroma, search texts for BM25, vectors."""

    key: str
    source: str
    chunk_ids: list[str]
    chunk_texts: list[str]
    chunk_metas: list[dict[str, Any]]
    sentence_ids: list[str]
    sentence_texts: list[str]
    sentence_search_texts: list[str]
    sentence_metas: list[dict[str, Any]]
    chunk_vectors: "np.ndarray | None" = None
    sentence_vectors: "np.ndarray | None" = None

    def chunk_title(self) -> str:
        """The brief's title as chunks carry it (their vectors include its tokens)."""
        return str(self.chunk_metas[0].get("title", "")) if self.chunk_metas else ""

    def chunk_members(self) -> list[list[int]]:
        """For each chunk, the positions of its sentences in ``sentence_ids``."""
        position = {sid: n for n, sid in enumerate(self.sentence_ids)}
        return [[position[sid] for sid in json.loads(meta["sentence_ids"]) if sid in position]
                for meta in self.chunk_metas]


def records_dir(settings: Settings) -> Path:
    return settings.index_dir / "records"


def record_path(settings: Settings, key: str) -> Path:
    return records_dir(settings) / f"{key}.npz"


def record_key(settings: Settings, brief: Brief) -> str:
    """Content address of a brief's record: changes when anything that shapes its vectors does."""
    from .briefs import PARSE_VERSION
    from .embed import MODEL_NAME

    precision = "int8" if settings.ingest_int8 else "fp32"
    head = json.dumps([4, PARSE_VERSION, MODEL_NAME, precision, settings.chunk_words, settings.chunk_overlap,
                       brief.source, brief.title, brief.author, brief.pages])
    return hashlib.sha256(head.encode("utf-8") + b"\0" + brief.text.encode("utf-8")).hexdigest()[:32]


def sentence_search_text(s: Sentence, title: str, lead: Sentence | None = None) -> str:
    """What is embedded (and BM25-indexed) for a sentence: header lines say what they are, so
    "who wrote it" finds the byline; an item of a list is read after the line leading into the
    list ("Funding: - Main funders: FCT ...")."""
    if s.kind == "title":
        return f"Title of the brief: {s.text}"
    if s.kind in {"byline", "header"}:
        return f"Author of the brief {title}: {s.text}"
    if lead is not None:
        return f"{lead.text.rstrip(':')}: {s.text}"
    return s.text


def build_record(settings: Settings, brief: Brief, chunks: list[Chunk]) -> Record:
    """The Chroma and BM25 payloads of ``brief`` (vectors still to be computed)."""
    from .briefs import list_leads

    leads = list_leads(brief.sentences)
    return Record(
        key=record_key(settings, brief),
        source=brief.source,
        chunk_ids=[c.id for c in chunks],
        chunk_texts=[c.text for c in chunks],
        chunk_metas=[_chunk_meta(c, brief) for c in chunks],
        sentence_ids=[s.id for s in brief.sentences],
        sentence_texts=[s.text for s in brief.sentences],
        sentence_search_texts=[sentence_search_text(s, brief.title, leads.get(s.id))
                               for s in brief.sentences],
        sentence_metas=[_sentence_meta(s, brief) for s in brief.sentences],
    )


def _chunk_meta(c: Chunk, brief: Brief) -> dict[str, Any]:
    """Chunk metadata, in the layout llama-index's ``ChromaVectorStore`` writes and reads."""
    from .briefs import page_at

    meta: dict[str, Any] = {"source": c.source, "title": c.title, "author": c.author,
                            "start": c.start, "end": c.end,
                            "sentence_ids": json.dumps(list(c.sentence_ids)),
                            "sentence_spans": json.dumps([list(span) for span in c.sentence_spans]),
                            "sha256": c.sha256}
    page = page_at(brief.pages, c.start)
    if page is not None:
        meta["page"] = page
    node = {"id_": c.id, "metadata": dict(meta), "text": "", "class_name": "TextNode",
            "excluded_embed_metadata_keys": list(meta)}
    meta.update({"_node_content": json.dumps(node), "_node_type": "TextNode",
                 "document_id": brief.sha256, "doc_id": brief.sha256, "ref_doc_id": brief.sha256})
    return meta


def _sentence_meta(s: Sentence, brief: Brief) -> dict[str, Any]:
    meta: dict[str, Any] = {"source": s.source, "title": brief.title, "start": s.start,
                            "end": s.end, "kind": s.kind, "position": s.position}
    if s.page is not None:
        meta["page"] = s.page
    return meta


def save_record(settings: Settings, record: Record) -> None:
    """Write ``record`` with its vectors atomically."""
    import numpy as np

    folder = records_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    payload = {k: getattr(record, k) for k in ("key", "source", "chunk_ids", "chunk_texts",
                                               "chunk_metas", "sentence_ids",
                                               "sentence_texts", "sentence_search_texts",
                                               "sentence_metas")}
    blob = np.frombuffer(json.dumps(payload, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
    tmp = folder / f".{record.key}.{os.getpid()}.tmp.npz"
    np.savez(tmp, payload=blob, chunks=record.chunk_vectors, sentences=record.sentence_vectors)
    os.replace(tmp, folder / f"{record.key}.npz")


def load_record(settings: Settings, key: str, *, vectors: bool = True) -> Record | None:
    """The record stored under ``key``, or None when it is missing or unreadable."""
    import numpy as np

    try:
        with np.load(record_path(settings, key)) as data:
            payload = json.loads(bytes(data["payload"]).decode("utf-8"))
            record = Record(**payload)
            if vectors:
                record.chunk_vectors = data["chunks"]
                record.sentence_vectors = data["sentences"]
    except _UNREADABLE:
        return None
    return record


def record_problem(settings: Settings, key: str) -> str | None:
    """Why the record under ``key`` cannot be used (missing, truncated, inconsistent), or None.

    Reads the payload (its zip CRC is checked) and only the headers of the two vector
    arrays, whose declared shapes must fit the payload and the stored byte counts: cheap
    enough to run before every ingest, and it catches any truncation.
    """
    import numpy as np

    path = record_path(settings, key)
    if not path.exists():
        return "missing"
    try:
        with np.load(path) as data:
            record = Record(**json.loads(bytes(data["payload"]).decode("utf-8")))
            shapes = {name: _stored_shape(data.zip, f"{name}.npy") for name in ("chunks", "sentences")}
    except _UNREADABLE as err:
        return " ".join(str(err).split()) or type(err).__name__
    expected = {"chunks": len(record.chunk_ids), "sentences": len(record.sentence_ids)}
    for name, shape in shapes.items():
        if shape != (expected[name], _VECTOR_WIDTH):
            return f"{name} vectors have shape {shape}, expected ({expected[name]}, {_VECTOR_WIDTH})"
    return None


def _stored_shape(archive: zipfile.ZipFile, member: str) -> tuple[int, ...]:
    """Shape of an array in a ``.npz``, read from its header; ValueError if its bytes are short."""
    import numpy as np
    from numpy.lib import format as npy

    with archive.open(member) as handle:
        version = npy.read_magic(handle)
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _fortran, dtype = read_header(handle)
        needed = handle.tell() + int(np.prod(shape)) * dtype.itemsize
    if archive.getinfo(member).file_size != needed:
        raise ValueError(f"{member} holds {archive.getinfo(member).file_size} bytes, expected {needed}")
    return tuple(shape)


def iter_records(settings: Settings, keys: Iterable[str], *, vectors: bool) -> Iterator[Record]:
    """Load each of ``keys`` in turn (missing ones raise ``KeyError``)."""
    for key in keys:
        record = load_record(settings, key, vectors=vectors)
        if record is None:
            raise KeyError(key)
        yield record


def prune_records(settings: Settings, keep: set[str]) -> None:
    """Delete records no kept snapshot refers to (and leftovers of killed writes)."""
    folder = records_dir(settings)
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        key = path.name.split(".")[0] if not path.name.startswith(".") else ""
        if key not in keep:
            path.unlink(missing_ok=True)
