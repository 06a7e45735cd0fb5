"""Language-model speed: ikqa's calls beside raw xllamacpp calls on the same prompts, same run.

Each side runs in its own fresh process (``benchlib.run_child``), one after the other and
alternating over ``--rounds``, so neither is timed next to the other's threads and machine
load drifts hit both alike. Both run the packaged Qwen2.5-Coder-1.5B (joined and hash-checked
in the model cache first) with the same llama.cpp knobs (``llm_threads`` threads,
``llm_parallel`` slots of ``llm_context`` tokens) and the same prompts in the same order, so
their prompt caches behave alike:

* **ikqa** is the seam a caller uses: ``open_llm(Settings(llm="local")).check()`` (load),
  ``yes_probability`` on 3 candidates per question (a judge call), ``complete`` and ``stream``.
* **raw** is ``xllamacpp.Server(params).handle_chat_completions(payload)`` with the same
  payloads (the judge's three one-token calls one after another; the streaming call with a
  callback). Its reply's ``usage`` gives the token counts used for both sides' tokens/s (greedy
  decoding: the same prompt gives the same tokens; the run fails if the texts differ).
* **raw, 3 slots at once** sends a judge call's three prompts at the same time to 3 slots: what
  batching would buy over ikqa's one-after-another (which lets a slot reuse the shared prefix).

Figures: model load (fresh process, file already joined; ``--join`` also times the one-off
join + sha256 into a temporary cache), judge-call p50/p95 (ms per question of 3 candidates),
prompt tokens/s of judge calls, generated tokens/s of ``complete`` and ``stream``, time to the
first streamed piece, peak RSS of each process. Goal: ikqa >= 90 % of raw tokens/s.

Run it from the repository root with nothing else heavy running (a few minutes on 2 cores)::

    .venv/bin/python eval/bench_llm.py
    .venv/bin/python eval/bench_llm.py --rounds 3 --questions 16 --json-out /tmp/bench-llm.json

Progress goes to stderr; stdout gets the table and, unless ``--json-out`` is given, the
figures as JSON on its last line.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Sequence

from benchlib import HERE, REPO, log, p50_p95, peak_mib, print_rows, run_child

BRIEF = REPO / "sources" / "india-rok-scientific-cooperation.txt"
JUDGE_SYSTEM = ("You check evidence. Answer only yes or no: does the passage state the answer "
                "to the question?")
GENERATE = [
    "In two sentences, what does a science and technology centre between two countries do?",
    "Write a three-item list of reasons two countries cooperate on space research.",
    "Explain in two sentences what a memorandum of understanding is.",
]
GEN_TOKENS = 64
GOAL = 0.90


# --------------------------------------------------------------------------- the workload

def _sentences(text: str) -> list[str]:
    """Sentences of six words or more, never across a paragraph break."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        found += [s.strip() for s in segmenter.segment(" ".join(paragraph.split()))
                  if len(s.split()) >= 6]
    return found


def judge_sets(n: int) -> list[list[list[dict[str, str]]]]:
    """``n`` questions about the brief, each with 3 candidate passages: its evidence, 2 others."""
    sentences = _sentences(BRIEF.read_text(encoding="utf-8"))
    sets = []
    for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if not item.get("answerable") or not item.get("evidence"):
            continue
        hits = [i for i, s in enumerate(sentences) if item["evidence"][0] in s]
        if not hits:
            continue
        i = hits[0]
        others = [sentences[(i + 7) % len(sentences)], sentences[(i + 13) % len(sentences)]]
        sets.append([_judge(item["question"], s) for s in [sentences[i], *others]])
        if len(sets) == n:
            break
    return sets


def _judge(question: str, passage: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": f"Question: {question}\nPassage: {passage}\n"
                                        "Answer yes or no."}]


def _gen(prompt: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": prompt}]


# --------------------------------------------------------------------------- children

def _settings(threads: int, parallel: int, context: int) -> Any:
    import ikqa

    return ikqa.Settings(llm="local", llm_threads=threads, llm_parallel=parallel,
                         llm_context=context)


def ikqa_side(sets: list, threads: int, parallel: int, context: int) -> dict[str, Any]:
    """In a fresh process: load through the seam, then judge, complete and stream."""
    from ikqa.llm import Message, open_llm

    def msgs(dicts: list[dict[str, str]]) -> list[Message]:
        return [Message(d["role"], d["content"]) for d in dicts]

    started = time.perf_counter()
    llm = open_llm(_settings(threads, parallel, context))
    llm.check()
    load_s = time.perf_counter() - started
    judge_ms, probs = [], []
    for candidates in sets:
        t0 = time.perf_counter()
        probs.append(llm.yes_probability([msgs(c) for c in candidates]))
        judge_ms.append((time.perf_counter() - t0) * 1000)
    complete_s, texts = [], []
    for prompt in GENERATE:
        t0 = time.perf_counter()
        texts.append(llm.complete(msgs(_gen(prompt)), max_tokens=GEN_TOKENS))
        complete_s.append(time.perf_counter() - t0)
    stream_s, first_s, streamed = [], [], []
    for prompt in GENERATE:
        t0, first, pieces = time.perf_counter(), None, []
        for piece in llm.stream(msgs(_gen(prompt + " ")), max_tokens=GEN_TOKENS):
            first = first or time.perf_counter() - t0
            pieces.append(piece)
        stream_s.append(time.perf_counter() - t0)
        first_s.append(first or 0.0)
        streamed.append("".join(pieces))
    return {"load_s": load_s, "judge_ms": judge_ms, "probs": probs, "complete_s": complete_s,
            "texts": texts, "stream_s": stream_s, "first_s": first_s, "streamed": streamed,
            "peak_mib": peak_mib()}


def _raw_server(threads: int, parallel: int, context: int) -> Any:
    import xllamacpp

    from ikqa.llm.packaged import packaged_model

    params = xllamacpp.CommonParams()
    params.model.path = str(packaged_model(_settings(threads, parallel, context).model_cache))
    params.n_parallel = parallel
    params.kv_unified = False
    params.n_ctx = context * parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.warmup = False
    params.verbosity = -1
    return xllamacpp.Server(params)


def _judge_payload(messages: list[dict[str, str]]) -> dict[str, Any]:
    return {"messages": messages, "max_tokens": 1, "temperature": 0.0, "logprobs": True,
            "top_logprobs": 20}


def raw_side(sets: list, threads: int, parallel: int, context: int) -> dict[str, Any]:
    """In a fresh process: the same calls straight to ``xllamacpp.Server``."""
    started = time.perf_counter()
    server = _raw_server(threads, parallel, context)
    load_s = time.perf_counter() - started
    judge_ms, prompt_tokens, computed_tokens = [], 0, 0
    for candidates in sets:
        t0 = time.perf_counter()
        replies = [server.handle_chat_completions(_judge_payload(c)) for c in candidates]
        judge_ms.append((time.perf_counter() - t0) * 1000)
        prompt_tokens += sum(r["usage"]["prompt_tokens"] for r in replies)
        computed_tokens += sum(r["timings"]["prompt_n"] for r in replies)
    complete_s, texts, gen_tokens = [], [], []
    for prompt in GENERATE:
        payload = {"messages": _gen(prompt), "max_tokens": GEN_TOKENS, "temperature": 0.0}
        t0 = time.perf_counter()
        reply = server.handle_chat_completions(payload)
        complete_s.append(time.perf_counter() - t0)
        texts.append(reply["choices"][0]["message"]["content"])
        gen_tokens.append(reply["usage"]["completion_tokens"])
    stream_s, first_s, streamed, stream_tokens = [], [], [], []
    for prompt in GENERATE:
        t0, pieces, first, usage = time.perf_counter(), [], [], {}

        def on_chunk(chunk: dict[str, Any]) -> bool:
            for choice in chunk.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    first.append(time.perf_counter() - t0)
                    pieces.append(text)
            usage.update(chunk.get("timings") or {})
            return False

        payload = {"messages": _gen(prompt + " "), "max_tokens": GEN_TOKENS, "temperature": 0.0,
                   "stream": True}
        server.handle_chat_completions(payload, on_chunk)
        stream_s.append(time.perf_counter() - t0)
        first_s.append(first[0] if first else 0.0)
        streamed.append("".join(pieces))
        stream_tokens.append(usage.get("predicted_n", 0))
    return {"load_s": load_s, "judge_ms": judge_ms, "prompt_tokens": prompt_tokens,
            "computed_tokens": computed_tokens, "complete_s": complete_s, "texts": texts,
            "gen_tokens": gen_tokens, "stream_s": stream_s, "first_s": first_s,
            "streamed": streamed, "stream_tokens": stream_tokens, "peak_mib": peak_mib()}


def raw_parallel_side(sets: list, threads: int, context: int) -> dict[str, Any]:
    """In a fresh process: each judge call's 3 prompts sent at once to 3 slots."""
    server = _raw_server(threads, 3, context)
    judge_ms = []
    for candidates in sets:
        t0 = time.perf_counter()
        workers = [threading.Thread(target=server.handle_chat_completions,
                                    args=(_judge_payload(c),)) for c in candidates]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        judge_ms.append((time.perf_counter() - t0) * 1000)
    return {"judge_ms": judge_ms}


# --------------------------------------------------------------------------- the parent

def join_once(threads: int, parallel: int, context: int) -> dict[str, Any]:
    """In a fresh process: the one-off join + sha256 of the 22 parts into a temporary cache."""
    from ikqa.llm.packaged import packaged_model

    with tempfile.TemporaryDirectory(prefix="ikqa-join-") as cache:
        started = time.perf_counter()
        packaged_model(Path(cache))
        return {"join_s": time.perf_counter() - started, "peak_mib": peak_mib()}


def _check_same(ours: dict[str, Any], raw: dict[str, Any]) -> None:
    """A broken run is not a fast run: both sides must have produced the same text."""
    if ours["texts"] != raw["texts"] or ours["streamed"] != raw["streamed"]:
        raise SystemExit(f"ikqa and raw replies differ:\n{ours['texts']}\n{raw['texts']}")
    if not all(p != 0.5 for probs in ours["probs"] for p in probs):
        raise SystemExit("a judge call read neither yes nor no from the log-probabilities")


def _median_of(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(sum(r[key]) if isinstance(r[key], list) else r[key] for r in runs)


def figures(ours: list[dict[str, Any]], raw: list[dict[str, Any]],
            par: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-round sums, then the median over rounds; tokens from raw's usage for both sides."""
    prompt_tok = raw[0]["computed_tokens"]
    gen_tok, stream_tok = sum(raw[0]["gen_tokens"]), sum(raw[0]["stream_tokens"])

    def side(runs: list[dict[str, Any]]) -> dict[str, float]:
        judge = [ms for r in runs for ms in r["judge_ms"]]
        return {"load_s": _median_of(runs, "load_s"), **{f"judge_{k}": v for k, v in
                                                       p50_p95(judge).items()},
                "judge_prompt_tok_s": prompt_tok / (_median_of(runs, "judge_ms") / 1000),
                "complete_tok_s": gen_tok / _median_of(runs, "complete_s"),
                "stream_tok_s": stream_tok / _median_of(runs, "stream_s"),
                "first_piece_p50_ms": statistics.median(s * 1000 for r in runs
                                                        for s in r["first_s"]),
                "peak_mib": max(r["peak_mib"] for r in runs)}

    result = {"ikqa": side(ours), "raw": side(raw),
              "raw_3_slots_judge": p50_p95([ms for r in par for ms in r["judge_ms"]]),
              "tokens": {"judge_prompt_computed": prompt_tok,
                         "judge_prompt_total": raw[0]["prompt_tokens"],
                         "complete_generated": gen_tok, "stream_generated": stream_tok}}
    result["ratio"] = {k: result["ikqa"][k] / result["raw"][k]
                       for k in ("judge_prompt_tok_s", "complete_tok_s", "stream_tok_s")}
    return result


def report(fig: dict[str, Any], args: argparse.Namespace) -> None:
    ours, raw = fig["ikqa"], fig["raw"]
    rows = [
        ("model load, fresh process (s)", f"{ours['load_s']:.2f}", f"{raw['load_s']:.2f}"),
        ("judge call p50, 3 candidates (ms)", f"{ours['judge_p50_ms']:.0f}",
         f"{raw['judge_p50_ms']:.0f}"),
        ("judge call p95, 3 candidates (ms)", f"{ours['judge_p95_ms']:.0f}",
         f"{raw['judge_p95_ms']:.0f}"),
        ("judge prompt tokens/s", f"{ours['judge_prompt_tok_s']:.1f}",
         f"{raw['judge_prompt_tok_s']:.1f}"),
        ("complete: generated tokens/s", f"{ours['complete_tok_s']:.1f}",
         f"{raw['complete_tok_s']:.1f}"),
        ("stream: generated tokens/s", f"{ours['stream_tok_s']:.1f}",
         f"{raw['stream_tok_s']:.1f}"),
        ("stream: first piece p50 (ms)", f"{ours['first_piece_p50_ms']:.0f}",
         f"{raw['first_piece_p50_ms']:.0f}"),
        ("peak RSS (MiB)", f"{ours['peak_mib']:.0f}", f"{raw['peak_mib']:.0f}"),
    ]
    print_rows(f"language model, {args.threads} threads, {args.parallel} slots, "
               f"{args.questions} judge calls x {args.rounds} rounds", rows, ("figure", "ikqa", "raw"))
    par = fig["raw_3_slots_judge"]
    print(f"  raw, 3 candidates at once on 3 slots: judge p50 {par['p50_ms']:.0f} ms, "
          f"p95 {par['p95_ms']:.0f} ms")
    tok = fig["tokens"]
    print(f"  tokens: judge prompts {tok['judge_prompt_total']} ({tok['judge_prompt_computed']} "
          f"computed, the rest reused from the prompt cache); generated {tok['complete_generated']}"
          f" (complete), {tok['stream_generated']} (stream)")
    if "join_s" in fig:
        print(f"  first use: join + sha256 of the 22 parts {fig['join_s']:.1f} s")
    for name, ratio in fig["ratio"].items():
        print(f"  {'PASS' if ratio >= GOAL else 'MISS'} {name}: ikqa at {ratio:.0%} of raw "
              f"(goal >= {GOAL:.0%})")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="fresh processes of each side")
    parser.add_argument("--questions", type=int, default=12, help="judge calls per process")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=2, help="llama.cpp slots (llm_parallel)")
    parser.add_argument("--context", type=int, default=4096, help="tokens per slot")
    parser.add_argument("--join", action="store_true", help="also time the one-off join")
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    knobs = (args.threads, args.parallel, args.context)
    sys.path.insert(0, str(HERE))
    sets = judge_sets(args.questions)
    log(f"{len(sets)} judge calls of 3 candidates; making sure the model is joined and checked")
    extra = run_child("bench_llm", "join_once", *knobs) if args.join else {}
    run_child("bench_llm", "ikqa_side", sets[:1], *knobs)  # joins into the cache if needed
    ours, raw, par = [], [], []
    for n in range(args.rounds):
        log(f"round {n + 1}/{args.rounds}: ikqa, raw, raw on 3 slots")
        ours.append(run_child("bench_llm", "ikqa_side", sets, *knobs))
        raw.append(run_child("bench_llm", "raw_side", sets, *knobs))
        par.append(run_child("bench_llm", "raw_parallel_side", sets, args.threads, args.context))
        _check_same(ours[-1], raw[-1])
    fig = {**figures(ours, raw, par), **({"join_s": extra["join_s"]} if extra else {})}
    report(fig, args)
    if args.json_out:
        args.json_out.write_text(json.dumps(fig, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json_out}")
    else:
        print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
