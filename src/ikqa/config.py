"""Settings: the one object that says where things are and how retrieval behaves.

Built once (``Settings.from_env()``) and passed explicitly to every part; tests
build their own. Every field can be overridden with an ``IKQA_<FIELD>`` variable.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import SettingsError

__all__ = ["Settings", "ANSWER_MODES", "LLM_BACKENDS", "CONDENSE_MODES"]

# How answers are made: ``extractive`` picks, trims and cites source sentences (no language model).
# ``verified`` has a language model confirm the sentence before it is given; ``generative`` has it
# write a short answer from the best sentences, each claim checked against the sentence it cites.
ANSWER_MODES = ("extractive", "verified", "generative")
# Where the language model runs (``ikqa.llm.open_llm`` picks the backend from this one setting).
LLM_BACKENDS = ("local", "openai", "ollama", "none")
# How a follow-up is made standalone: ikqa's rules, or the language model (in the model modes).
CONDENSE_MODES = ("rules", "model")



def _describe(default: Any, text: str) -> Any:
    return field(default=default, metadata={"help": text})


@dataclass(frozen=True)
class Settings:
    """Where the sources and the index live, and the knobs of retrieval and answering."""

    sources_dir: Path = _describe(Path("sources"), "Folder of source briefs to index.")
    index_dir: Path = _describe(Path("index"), "Folder holding the built index.")
    chroma_url: str = _describe("", "URL of a Chroma server; empty means the embedded store.")
    collection: str = _describe("ikqa", "Prefix of the Chroma collection names.")
    chunk_words: int = _describe(120, "Target size of a retrieval chunk, in words.")
    chunk_overlap: int = _describe(1, "Sentences shared by neighbouring chunks.")
    top_chunks: int = _describe(6, "Chunks kept after fusing dense and BM25 results.")
    candidates: int = _describe(20, "Results asked of each retriever before fusion.")
    rrf_k: int = _describe(60, "The k constant of reciprocal rank fusion.")
    max_answer_sentences: int = _describe(3, "Most evidence sentences an answer may use.")
    max_answer_words: int = _describe(60, "Word budget of a short answer.")
    abstain_threshold: float = _describe(0.36, "Evidence score below which we abstain.")
    min_confidence: float = _describe(
        0.30, "Confidence (0-1) under which ikqa abstains; chosen on the dev splits "
             "(eval/calibrate.py): higher answers less often and is wrong less often.")
    verify_candidates: int = _describe(
        3, "Verified mode: how many of the best sentences the model may judge, in rank order.")
    verify_cutoff: float = _describe(
        0.75, "Verified mode: the model's probability of 'yes' a sentence needs to be the answer "
              "(chosen on the dev splits, eval/calibrate_verify.py: higher abstains more often).")
    claim_cutoff: float = _describe(
        0.7, "Generative mode: the model's probability of 'yes' a claim's sentence needs; when "
             "no claim stands, the verified answer is held to this plus 0.05.")
    answer_mode: str = _describe(
        "generative", "How answers are made: " + ", ".join(ANSWER_MODES) + " (generative measured "
                      "best on right answers among those given; extractive is the fast one).")
    condense: str = _describe(
        "model", "How a follow-up is rewritten to stand alone: model (the language model, in "
                 "the verified and generative modes; ikqa's rules otherwise) or rules (always).")
    host: str = _describe("127.0.0.1", "Interface the web UI binds to.")
    port: int = _describe(7860, "Port of the web UI.")
    max_upload_mb: float = _describe(20.0, "Largest file Assistant.add_source accepts, in MB.")
    max_source_mb: float = _describe(20.0, "Larger files in the sources folder are skipped, in MB.")
    max_unpacked_mb: float = _describe(64.0, "Most bytes one source may decompress to (DOCX XML, "
                                             "each PDF stream), in MB; checked while unpacking.")
    max_source_chars: int = _describe(4_000_000, "Most characters of text one source may give "
                                                 "(a 500-page report has about 2 M).")
    max_source_paragraphs: int = _describe(15_000, "Most paragraphs one source may give "
                                                   "(30 a page on 500 pages).")
    max_source_chunks: int = _describe(15_000, "Most retrieval chunks one source may give.")
    ingest_int8: bool = _describe(True, "Embed sources with int8 weights: about 2x faster ingest, "
                                        "vectors within cosine ~0.99 of fp32 (queries stay fp32).")
    model_cache: Path = _describe(Path("~/.cache/ikqa"),
                                  "Folder where the ONNX export of the embedding model and the "
                                  "joined, hash-checked language model file are kept.")
    llm: str = _describe("local", "Language model: " + ", ".join(LLM_BACKENDS) + " (local = the packaged "
                                  "Qwen2.5-Coder-1.5B in-process; openai = any OpenAI-compatible server).")
    llm_url: str = _describe("", "Base URL of the model server (openai: e.g. http://127.0.0.1:8080/v1; "
                                 "ollama: default http://127.0.0.1:11434).")
    llm_model: str = _describe("", "Model name on the server; with llm=local, a GGUF file to use "
                                   "instead of the packaged model.")
    llm_api_key: str = field(default="", repr=False,
                             metadata={"help": "API key of the model server (never printed)."})
    llm_timeout: float = _describe(60.0, "Seconds to wait for the model server before giving up.")
    llm_threads: int = _describe(2, "CPU threads of the local model.")
    llm_context: int = _describe(4096, "Context window of the local model per request, in tokens.")
    llm_parallel: int = _describe(2, "Requests the local model serves at once (llama.cpp slots).")

    @classmethod
    def from_env(cls, **overrides: Any) -> "Settings":
        """Defaults, then ``IKQA_*`` variables, then explicit keyword overrides."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = os.environ.get(f"IKQA_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.default, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources_dir", Path(self.sources_dir))
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        object.__setattr__(self, "model_cache", Path(self.model_cache).expanduser())
        if self.answer_mode not in ANSWER_MODES:
            raise SettingsError(f"unknown answer mode {self.answer_mode!r} "
                             f"(IKQA_ANSWER_MODE): choose one of {', '.join(ANSWER_MODES)}")
        if self.condense not in CONDENSE_MODES:
            raise SettingsError(f"unknown condense step {self.condense!r} (IKQA_CONDENSE): "
                                f"choose one of {', '.join(CONDENSE_MODES)}")
        if self.llm not in LLM_BACKENDS:
            raise SettingsError(f"unknown language model backend {self.llm!r} (IKQA_LLM): "
                                f"choose one of {', '.join(LLM_BACKENDS)}")

    @staticmethod
    def help() -> dict[str, str]:
        """Field name -> description, for documentation and ``--help``."""
        return {f.name: f.metadata.get("help", "") for f in fields(Settings)}


def _coerce(default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw
