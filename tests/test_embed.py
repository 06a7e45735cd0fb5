"""The ONNX query encoder and sentence-transformers give the same vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ikqa.embed import DocumentEncoder, QueryEncoder, export_onnx

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
    from ikqa.embed import OnnxDocumentEncoder

    long_text = " ".join(["The corridor links ports, universities and start-ups."] * 60)  # > 256 tokens
    texts = [*TEXTS, long_text, *(f"Sentence {i} about trade." for i in range(40))]
    batched = OnnxDocumentEncoder(onnx_file, batch_tokens=256).encode(texts)
    reference = DocumentEncoder().encode(texts)
    assert batched.shape == reference.shape == (len(texts), 384)
    assert (batched * reference).sum(axis=1).min() >= 0.999
