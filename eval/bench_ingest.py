"""Ingest throughput, re-ingest time and query latency at scale; figures, not pass/fail tests.

Parts (each measured in its own child process, so model and thread pools never overlap):

* **throughput**: a generated corpus of policy-brief-like text files (>= 2,000 chunks of
  about 100 words) ingested by ``Assistant.ingest`` into a fresh index, and by the plain
  llama-index recipe (``SimpleDirectoryReader`` -> ``VectorStoreIndex.from_documents``
  with ``HuggingFaceEmbedding`` of the same packaged MiniLM, into Chroma, its splitter set
  to chunks of the same size) in the same run. Chunks/s counts each side's own chunks over
  its whole call (model load included). ikqa runs the model once per sentence (the answer
  step cites sentences) and pools each chunk's vector from its sentences' token vectors.
  ikqa embeds with int8 weights by default (``ingest_int8``), so it is run three times
  into fresh indexes: with an empty model cache (the first index on a new machine pays the
  one-time ONNX export and quantisation), then as every later index does, then with fp32
  weights, the configuration the ~65 chunks/s fp32 ceiling speaks of.
* **reingest**: ``ikqa ingest`` (a real process) on the unchanged corpus, minus the
  start-up of ``ikqa --version``; then the corpus with one brief changed.
* **query**: ``Assistant.ask`` p50/p95 and the process's peak RSS over indexes of 10k and
  100k chunks (2 sentences each) whose vectors are generated, not embedded; embedded
  Chroma and, with ``--server``, a real ``chroma run`` on 127.0.0.1.

Run from the repository root (the full run takes roughly 25-40 minutes on 2 cores)::

    .venv/bin/python eval/bench_ingest.py                     # all parts
    .venv/bin/python eval/bench_ingest.py --parts throughput --briefs 250
    .venv/bin/python eval/bench_ingest.py --parts query --sizes 10000 --server

The machine's load matters: close other work first, and read the figures as this run's.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import log, p50_p95, peak_mib, run_child, time_calls_ms, write_figures

REPO = Path(__file__).resolve().parents[1]
IKQA = Path(sys.executable).with_name("ikqa")
CEILING = 65.0  # chunks/s: MiniLM fp32 on this machine's 2 cores, 100-word chunks (issue 5)
WORDS = ("trade port battery hydrogen research grant ministry treaty corridor semiconductor "
         "university export tariff logistics satellite vaccine rail shipyard fisheries climate "
         "finance startup defence energy water skills standards customs pilot investment").split()


def make_corpus(folder: Path, briefs: int, paragraphs: int = 8) -> None:
    """``briefs`` files of a title, a byline and ``paragraphs`` paragraphs of ~100 words."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(briefs):
        rng = random.Random(i)
        paras = []
        for p in range(paragraphs):
            sentences = []
            for s in range(5):
                words = [rng.choice(WORDS) for _ in range(14)]
                sentences.append(f"In {2020 + s} the {words[0]} office {i}-{p} " + " ".join(words) + ".")
            paras.append(" ".join(sentences))
        text = f"Generated brief {i} on {WORDS[i % len(WORDS)]}\nAnalyst {i}\n\n" + "\n\n".join(paras)
        (folder / f"brief-{i:04d}.txt").write_text(text + "\n", encoding="utf-8")


def vocabulary(size: int = 20000) -> list[str]:
    """Pseudo-words for synthetic text: a realistic spread of term frequencies for BM25."""
    rng = random.Random(7)
    letters = "etaoinshrdlcumwfgypbvk"
    made = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size * 2)}
    return WORDS + sorted(made)[:size]


def zipf_words(rng: random.Random, vocab: list[str], count: int) -> list[str]:
    """``count`` words drawn with Zipf-like frequencies (rank r has weight 1/r)."""
    picks = rng.choices(range(len(vocab)), cum_weights=_cum_weights(len(vocab)), k=count)
    return [vocab[i] for i in picks]


_CUM: dict[int, list[float]] = {}


def _cum_weights(n: int) -> list[float]:
    if n not in _CUM:
        total, out = 0.0, []
        for rank in range(1, n + 1):
            total += 1.0 / rank
            out.append(total)
        _CUM[n] = out
    return _CUM[n]


# --- throughput ---------------------------------------------------------------------------

def child_ikqa_ingest(corpus: Path, index: Path, model_cache: Path, int8: bool = True) -> dict[str, Any]:
    import ikqa

    started = time.perf_counter()
    settings = ikqa.Settings(sources_dir=Path(corpus), index_dir=Path(index), model_cache=Path(model_cache),
                             ingest_int8=int8)
    summary = ikqa.Assistant(settings).ingest()
    seconds = time.perf_counter() - started
    return {"chunks": summary.chunks, "sentences": summary.sentences, "seconds": seconds,
            "chunks_per_s": summary.chunks / seconds, "peak_mib": peak_mib()}


def child_recipe_ingest(corpus: Path, index: Path) -> dict[str, Any]:
    import ikqa  # noqa: F401  (offline switches)
    import chromadb
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from ikqa.indexing.embed import model_dir

    started = time.perf_counter()
    documents = SimpleDirectoryReader(str(corpus)).load_data()
    client = chromadb.PersistentClient(path=str(index))
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("recipe"))
    embed = HuggingFaceEmbedding(model_name=str(model_dir()), device="cpu")
    built = VectorStoreIndex.from_documents(
        documents, storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=embed, transformations=[SentenceSplitter(chunk_size=160, chunk_overlap=0)])
    seconds = time.perf_counter() - started
    chunks = len(built.index_struct.nodes_dict) or store._collection.count()
    return {"chunks": chunks, "seconds": seconds, "chunks_per_s": chunks / seconds, "peak_mib": peak_mib()}


def part_throughput(work: Path, briefs: int) -> dict[str, Any]:
    corpus = work / "corpus"
    make_corpus(corpus, briefs)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.iterdir())
    recipe = run_child("bench_ingest", "child_recipe_ingest", corpus, work / "recipe-index")
    cache = work / "model-cache"  # empty: the first index on a new machine exports the model
    first = run_child("bench_ingest", "child_ikqa_ingest", corpus, work / "ikqa-first-index", cache)
    ours = run_child("bench_ingest", "child_ikqa_ingest", corpus, work / "ikqa-index", cache)
    fp32 = run_child("bench_ingest", "child_ikqa_ingest", corpus, work / "ikqa-fp32-index", cache, False)
    for side in (ours, first, fp32, recipe):
        side["words_per_s"] = words / side["seconds"]
    return {"ikqa": ours, "ikqa_first": first, "ikqa_fp32": fp32, "recipe": recipe,
            "ratio_fp32": fp32["chunks_per_s"] / recipe["chunks_per_s"],
            "fp32_share_of_ceiling": fp32["chunks_per_s"] / CEILING,
            "ratio": ours["chunks_per_s"] / recipe["chunks_per_s"],
            "ratio_first": first["chunks_per_s"] / recipe["chunks_per_s"],
            "share_of_ceiling": ours["chunks_per_s"] / CEILING, "corpus_words": words}


# --- re-ingest ----------------------------------------------------------------------------

def timed(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run([str(IKQA), *args], capture_output=True, text=True, timeout=3600)
    return time.perf_counter() - started, done


def part_reingest(work: Path) -> dict[str, Any]:
    corpus, index = work / "corpus", work / "ikqa-index"
    startup = statistics.median(timed("--version")[0] for _ in range(5))
    unchanged = []
    for _ in range(5):
        seconds, done = timed("ingest", "--sources", str(corpus), "--index", str(index))
        assert done.returncode == 0 and "embedded 0 new chunk(s)" in done.stdout, done.stdout + done.stderr
        unchanged.append(seconds)
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8").replace("office", "bureau"), encoding="utf-8")
    one_changed, done = timed("ingest", "--sources", str(corpus), "--index", str(index))
    assert done.returncode == 0 and "embedded 0 new" not in done.stdout, done.stdout
    return {"startup_s": startup, "unchanged_s": statistics.median(unchanged),
            "unchanged_beyond_startup_s": statistics.median(unchanged) - startup,
            "one_changed_s": one_changed, "one_changed_beyond_startup_s": one_changed - startup}


# --- query at scale -----------------------------------------------------------------------

def child_build_synthetic(index: Path, chunks: int, chroma_url: str) -> dict[str, Any]:
    """An index of ``chunks`` generated chunks (2 sentences each) with random unit vectors."""
    import numpy as np

    import ikqa
    from ikqa.indexing.snapshots import collect_garbage, make_current, write_snapshot
    from ikqa.indexing.records import Record, save_record

    index = Path(index)
    settings = ikqa.Settings(sources_dir=index / "none", index_dir=index, chroma_url=chroma_url,
                             collection=f"bench{chunks}")
    rng = np.random.default_rng(0)
    vocab = vocabulary()
    per_brief, entries, started = 100, [], time.perf_counter()
    for b in range(chunks // per_brief):
        source, words = f"synthetic-{b:05d}.txt", random.Random(b)
        sents = [" ".join(zipf_words(words, vocab, 20)) + f" {b}-{i}." for i in range(2 * per_brief)]
        texts = [f"{sents[2 * c]} {sents[2 * c + 1]}" for c in range(per_brief)]
        vec = rng.standard_normal((3 * per_brief, 384), dtype=np.float32)
        vec /= np.linalg.norm(vec, axis=1, keepdims=True)
        record = Record(
            key=f"synthetic{chunks}-{b}", source=source,
            chunk_ids=[f"{b}:c{c}" for c in range(per_brief)], chunk_texts=texts,
            chunk_metas=[{"source": source, "title": source, "author": "", "start": 0, "end": 1,
                          "sentence_ids": json.dumps([f"{b}:s{2 * c}", f"{b}:s{2 * c + 1}"])}
                         for c in range(per_brief)],
            sentence_ids=[f"{b}:s{i}" for i in range(2 * per_brief)], sentence_texts=sents,
            sentence_search_texts=sents,
            sentence_metas=[{"source": source, "title": source, "start": 0, "end": 1, "kind": "body",
                             "position": i} for i in range(2 * per_brief)],
            chunk_vectors=vec[:per_brief], sentence_vectors=vec[per_brief:])
        save_record(settings, record)
        entries.append({"source": source, "title": source, "author": "", "key": record.key,
                        "chunks": per_brief, "sentences": 2 * per_brief, "file_sha256": "", "sha256": ""})
    from ikqa.indexing.embed import export_onnx
    from ikqa.indexing.store import encoder_path

    export_onnx(encoder_path(settings))  # here, so the query child never loads torch
    snapshot = write_snapshot(settings, entries, None, {"fingerprint": []})
    make_current(settings, snapshot)
    collect_garbage(settings)
    return {"build_s": time.perf_counter() - started}


def child_query(index: Path, chunks: int, chroma_url: str, rounds: int) -> dict[str, Any]:
    import ikqa

    index = Path(index)
    settings = ikqa.Settings(sources_dir=index / "none", index_dir=index, chroma_url=chroma_url,
                             collection=f"bench{chunks}")
    assistant = ikqa.Assistant(settings)
    rng, vocab = random.Random(1), vocabulary()
    questions = [f"What did the {' '.join(rng.choice(vocab[50:5000]) for _ in range(3))} office "
                 f"decide about {rng.choice(vocab[:2000])}?" for _ in range(rounds)]
    assistant.ask(questions[0])  # warm-up: opens the index and the query encoder
    latencies = time_calls_ms(assistant.ask, questions, len(questions))
    return {**p50_p95(latencies), "peak_mib": peak_mib()}


def part_query(work: Path, sizes: list[int], server: bool, rounds: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    modes = [("embedded", "")]
    proc = None
    if server:
        url, proc = start_chroma(work / "chroma-server")
        modes.append(("server", url))
    try:
        for mode, url in modes:
            for size in sizes:
                index = work / f"query-{mode}-{size}"
                built = run_child("bench_ingest", "child_build_synthetic", index, size, url)
                measured = run_child("bench_ingest", "child_query", index, size, url, rounds)
                results[f"{mode}-{size}"] = {**built, **measured}
                log(f"query {mode} {size}: {results[f'{mode}-{size}']}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    return results


def start_chroma(data: Path) -> tuple[str, subprocess.Popen[bytes]]:
    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path", str(data),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return url, proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("chroma server did not start")


# --- plumbing -----------------------------------------------------------------------------

def report(results: dict[str, Any]) -> None:
    if "throughput" in results:
        t = results["throughput"]
        print(f"ingest  ikqa   {t['ikqa']['chunks']} chunks (+{t['ikqa']['sentences']} sentences) in "
              f"{t['ikqa']['seconds']:.1f} s = {t['ikqa']['chunks_per_s']:.1f} chunks/s, peak {t['ikqa']['peak_mib']:.0f} MiB")
        f = t["ikqa_first"]
        print(f"ingest  ikqa, first index on the machine (exports the ONNX model): {f['seconds']:.1f} s = "
              f"{f['chunks_per_s']:.1f} chunks/s, {t['ratio_first']:.2f}x the recipe")
        f = t["ikqa_fp32"]
        print(f"ingest  ikqa with fp32 weights (IKQA_INGEST_INT8=0): {f['seconds']:.1f} s = "
              f"{f['chunks_per_s']:.1f} chunks/s, {t['ratio_fp32']:.2f}x the recipe, "
              f"{100 * t['fp32_share_of_ceiling']:.0f}% of the fp32 ceiling")
        print(f"ingest  recipe {t['recipe']['chunks']} chunks in {t['recipe']['seconds']:.1f} s = "
              f"{t['recipe']['chunks_per_s']:.1f} chunks/s, peak {t['recipe']['peak_mib']:.0f} MiB")
        print(f"corpus {t['corpus_words']} words: ikqa {t['ikqa']['words_per_s']:.0f} words/s, "
              f"recipe {t['recipe']['words_per_s']:.0f} words/s")
        print(f"ratio ikqa/recipe {t['ratio']:.2f}x (target >= 1.5x); {100 * t['share_of_ceiling']:.0f}% "
              f"of the ~{CEILING:.0f} chunks/s ceiling (target >= 80%)")
    if "reingest" in results:
        r = results["reingest"]
        print(f"re-ingest unchanged {r['unchanged_s']:.2f} s = start-up {r['startup_s']:.2f} s + "
              f"{r['unchanged_beyond_startup_s']:.2f} s (target <= 1 s); one brief changed "
              f"{r['one_changed_s']:.2f} s")
    for key, q in results.get("query", {}).items():
        print(f"query {key:>16}: p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms, peak "
              f"{q['peak_mib']:.0f} MiB (index built in {q['build_s']:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="throughput,reingest,query")
    parser.add_argument("--briefs", type=int, default=250, help="generated briefs (8 chunks each + header)")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--server", action="store_true", help="also measure queries on a chroma server")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    parts = args.parts.split(",")
    work = Path(tempfile.mkdtemp(prefix="ikqa-bench-"))
    results: dict[str, Any] = {}
    try:
        if "throughput" in parts or "reingest" in parts:
            log("throughput ...")
            results["throughput"] = part_throughput(work, args.briefs)
            log(json.dumps(results["throughput"]))
        if "reingest" in parts:
            log("re-ingest ...")
            results["reingest"] = part_reingest(work)
            log(json.dumps(results["reingest"]))
        if "query" in parts:
            results["query"] = part_query(work, [int(s) for s in args.sizes.split(",")], args.server,
                                          args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)
    write_figures(results, args.json_out)


if __name__ == "__main__":
    main()
