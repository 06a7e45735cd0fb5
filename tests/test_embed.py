"""The ONNX query encoder and sentence-transformers give the same vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ikqa.indexing.embed import DocumentEncoder, QueryEncoder, export_onnx

pytestmark = pytest.mark.slow

TEXTS = [
    "Where is IKCRI based?",
    "India Korea Centre for Research & Innovation (IKCRI), which is based in New Delhi.",
    "The FORGE is a United States-led multinational initiative launched in February 2026 "
    "to secure and diversify global supply chains for critical minerals.",
    "defence start-ups",
    "x",
]


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_onnx(tmp_path_factory.mktemp("enc") / "model.onnx")


def test_onnx_and_sentence_transformers_vectors_agree(onnx_file: Path) -> None:
    fast = QueryEncoder(onnx_file).encode(TEXTS)
    reference = DocumentEncoder().encode(TEXTS)
    assert fast.shape == reference.shape == (len(TEXTS), 384)
    cosines = (fast * reference).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_query_vectors_are_unit_length_and_batch_independent(onnx_file: Path) -> None:
    enc = QueryEncoder(onnx_file)
    batch = enc.encode(TEXTS)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    alone = enc.encode([TEXTS[2]])[0]
    assert float(alone @ batch[2]) >= 0.9999


def test_query_encoder_exports_its_model_when_missing(tmp_path: Path) -> None:
    target = tmp_path / "enc" / "model.onnx"
    vec = QueryEncoder(target).encode(["hello"])
    assert target.exists() and vec.shape == (1, 384)
    assert not list(target.parent.glob(".*tmp"))


def test_batched_onnx_document_encoder_matches_sentence_transformers(onnx_file: Path) -> None:
    from ikqa.indexing.embed import OnnxDocumentEncoder

    long_text = " ".join(["The corridor links ports, universities and start-ups."] * 60)  # > 256 tokens
    texts = [*TEXTS, long_text, *(f"Sentence {i} about trade." for i in range(40))]
    batched = OnnxDocumentEncoder(onnx_file, batch_tokens=256).encode(texts)
    reference = DocumentEncoder().encode(texts)
    assert batched.shape == reference.shape == (len(texts), 384)
    assert (batched * reference).sum(axis=1).min() >= 0.999


def test_token_sums_give_the_same_sentence_vectors_as_encoding(onnx_file: Path) -> None:
    from ikqa.indexing.embed import OnnxDocumentEncoder, normalise

    enc = OnnxDocumentEncoder(onnx_file)
    sums, counts = enc.token_sums(TEXTS)
    assert counts.tolist() == [len(enc._tokenizer.encode(t).ids) for t in TEXTS]
    assert np.allclose(normalise(sums / counts[:, None]), enc.encode(TEXTS), atol=1e-6)


def test_chunk_vector_pooled_from_its_sentences_is_close_to_embedding_the_chunk(
        onnx_file: Path, brief_text: str) -> None:
    """Ingest pools chunk vectors from sentence token sums: near what a second pass would give."""
    from ikqa.indexing.embed import OnnxDocumentEncoder, pool
    from ikqa.indexing.briefs import parse_brief

    brief = parse_brief("brief.txt", brief_text)
    enc = OnnxDocumentEncoder(onnx_file)
    paragraphs: dict[int, list[int]] = {}
    for n, s in enumerate(brief.sentences):
        if s.kind == "body":
            paragraphs.setdefault(s.paragraph, []).append(n)
    groups = [rows for rows in paragraphs.values() if len(rows) > 1]
    sums, counts = enc.token_sums([s.text for s in brief.sentences])
    pooled = pool(sums, counts, groups)
    whole = enc.encode([" ".join(brief.sentences[r].text for r in rows) for rows in groups])
    cosines = (pooled * whole).sum(axis=1)
    assert len(groups) >= 5 and cosines.min() >= 0.85, cosines
    # and it still picks out its own paragraph: each pooled vector is nearest its own chunk
    assert ((pooled @ whole.T).argmax(axis=1) == np.arange(len(groups))).all()


def test_onnx_export_is_cached_once_per_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ikqa.indexing.embed as embed

    calls: list[Path] = []
    real_export = embed.export_onnx

    def counting_export(path: Path) -> Path:
        calls.append(path)
        return real_export(path)

    monkeypatch.setattr(embed, "export_onnx", counting_export)
    cache = tmp_path / "cache"
    first = embed.cached_onnx(tmp_path / "a" / "model.onnx", cache)
    second = embed.cached_onnx(tmp_path / "b" / "model.onnx", cache)
    assert len(calls) == 1 and calls[0].parent == cache
    assert first.read_bytes() == second.read_bytes()
    assert not list((tmp_path / "b").glob(".*tmp"))


def test_unwritable_cache_falls_back_to_exporting_into_the_index(tmp_path: Path) -> None:
    import ikqa.indexing.embed as embed

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    target = embed.cached_onnx(tmp_path / "index" / "model.onnx", blocker / "cache")
    assert target.exists() and QueryEncoder(target).encode(["hello"]).shape == (1, 384)


def test_int8_ingest_encoder_stays_close_to_fp32(onnx_file: Path, tmp_path: Path, brief_text: str) -> None:
    from ikqa.indexing.embed import OnnxDocumentEncoder, quantize_onnx
    from ikqa.indexing.briefs import parse_brief

    int8 = quantize_onnx(onnx_file, tmp_path / "int8.onnx")
    assert int8.stat().st_size < onnx_file.stat().st_size / 3
    texts = [s.text for s in parse_brief("brief.txt", brief_text).sentences] + TEXTS
    fp32 = OnnxDocumentEncoder(onnx_file).encode(texts)
    quantized = OnnxDocumentEncoder(int8).encode(texts)
    cosines = (fp32 * quantized).sum(axis=1)
    assert cosines.min() >= 0.97 and cosines.mean() >= 0.99, cosines
    # neighbours do not move: each quantised vector is still nearest its own fp32 vector
    assert ((quantized @ fp32.T).argmax(axis=1) == np.arange(len(texts))).all()
    assert not list(tmp_path.glob(".*"))
