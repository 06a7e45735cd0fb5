"""Language-model speed: ikqa's calls beside raw xllamacpp calls on the same prompts, same run.

Both run the packaged Qwen2.5-Coder-1.5B (joined and hash-checked in the model cache first)
with the same llama.cpp knobs (``llm_threads`` threads, ``llm_parallel`` slots of
``llm_context`` tokens):

* **ikqa** is the seam a caller uses: ``open_llm(Settings(llm="local"))``, ``check()`` (load),
  ``yes_probability`` on 3 candidates per question (a judge call), ``complete``, ``stream``.
* **raw** is a second ``xllamacpp.Server(params)`` in the same process, called with
  ``handle_chat_completions(payload)`` and the same payloads (a judge call is its three
  one-token calls one after another; streaming uses a callback). Its replies' ``usage`` gives
  the token counts used for both sides' tokens/s (greedy decoding: the same prompt gives the
  same tokens; the run fails if the texts differ).

The two are paired call by call (ikqa first on even calls, raw first on odd ones) inside one
fresh process per round, so a busy machine slows both alike and the ratio stays meaningful;
each side has its own server and prompt cache, fed the same prompts in the same order.
**raw, 3 slots at once** sends a judge call's three prompts at the same time to a 3-slot
server: what batching would buy over ikqa's one-after-another (which lets a slot reuse the
shared prefix). Peak RSS is measured in a separate process that runs only ikqa's side.

Figures: model load (file already joined; in the paired process, whose side loads first
alternates by round, and in a fresh process of ikqa alone; ``--join`` also times the one-off
join + sha256 into a temporary cache), judge-call p50/p95 (ms per question of 3 candidates), prompt tokens/s
of judge calls, generated tokens/s of ``complete`` and ``stream``, time to the first streamed
piece, peak RSS. Goal: ikqa >= 90 % of raw tokens/s.

Run it from the repository root, ideally with nothing else heavy running (5-10 minutes on 2
cores with the defaults)::

    .venv/bin/python eval/bench_llm.py
    .venv/bin/python eval/bench_llm.py --rounds 3 --questions 16 --json-out /tmp/bench-llm.json

Progress goes to stderr; stdout gets the table and, unless ``--json-out`` is given, the
figures as JSON on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from benchlib import REPO, log, p50_p95, peak_mib, print_rows, run_child

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


# --------------------------------------------------------------------------- the two sides

def _settings(threads: int, parallel: int, context: int) -> Any:
    import ikqa

    return ikqa.Settings(llm="local", llm_threads=threads, llm_parallel=parallel,
                         llm_context=context)


def _msgs(dicts: list[dict[str, str]]) -> list[Any]:
    from ikqa.llm import Message

    return [Message(d["role"], d["content"]) for d in dicts]


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


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


class _Ikqa:
    """ikqa's side: the calls a caller of the seam makes."""

    def __init__(self, knobs: tuple[int, int, int]) -> None:
        from ikqa.llm import open_llm

        self.llm = open_llm(_settings(*knobs))
        self.load_s, _ = _timed(self.llm.check)

    def judge(self, candidates: list) -> dict[str, Any]:
        return {"probs": self.llm.yes_probability([_msgs(c) for c in candidates])}

    def complete(self, messages: list) -> dict[str, Any]:
        return {"text": self.llm.complete(_msgs(messages), max_tokens=GEN_TOKENS)}

    def stream(self, messages: list) -> dict[str, Any]:
        started, first, pieces = time.perf_counter(), None, []
        for piece in self.llm.stream(_msgs(messages), max_tokens=GEN_TOKENS):
            first = first if first is not None else time.perf_counter() - started
            pieces.append(piece)
        return {"text": "".join(pieces), "first_s": first or 0.0}


class _Raw:
    """The reference: the same payloads straight to an ``xllamacpp.Server``."""

    def __init__(self, knobs: tuple[int, int, int]) -> None:
        self.load_s, self.server = _timed(lambda: _raw_server(*knobs))

    def judge(self, candidates: list) -> dict[str, Any]:
        replies = [self.server.handle_chat_completions(_judge_payload(c)) for c in candidates]
        return {"prompt_tokens": sum(r["usage"]["prompt_tokens"] for r in replies),
                "computed_tokens": sum(r["timings"]["prompt_n"] for r in replies)}

    def complete(self, messages: list) -> dict[str, Any]:
        reply = self.server.handle_chat_completions(
            {"messages": messages, "max_tokens": GEN_TOKENS, "temperature": 0.0})
        return {"text": reply["choices"][0]["message"]["content"],
                "tokens": reply["usage"]["completion_tokens"]}

    def stream(self, messages: list) -> dict[str, Any]:
        started, pieces, first, timings = time.perf_counter(), [], [], {}

        def on_chunk(chunk: dict[str, Any]) -> bool:
            for choice in chunk.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    first.append(time.perf_counter() - started)
                    pieces.append(text)
            timings.update(chunk.get("timings") or {})
            return False

        self.server.handle_chat_completions(
            {"messages": messages, "max_tokens": GEN_TOKENS, "temperature": 0.0, "stream": True},
            on_chunk)
        return {"text": "".join(pieces), "first_s": first[0] if first else 0.0,
                "tokens": timings.get("predicted_n", 0)}


def _pair(kind: str, item: Any, sides: dict[str, Any], n: int) -> dict[str, dict[str, Any]]:
    """One call of ``kind`` on both sides, in alternating order; each result gets its ``s``."""
    order = ["ikqa", "raw"] if n % 2 == 0 else ["raw", "ikqa"]
    out = {}
    for name in order:
        seconds, result = _timed(lambda side=sides[name]: getattr(side, kind)(item))
        out[name] = {**result, "s": seconds}
    return out


def paired_round(sets: list, threads: int, parallel: int, context: int,
                 raw_first: bool) -> dict[str, Any]:
    """In a fresh process: load both sides (which first alternates by round), then every call
    on both, paired. The second load finds the model's pages already in memory."""
    knobs = (threads, parallel, context)
    if raw_first:
        raw = _Raw(knobs)
        sides = {"ikqa": _Ikqa(knobs), "raw": raw}
    else:
        sides = {"ikqa": _Ikqa(knobs), "raw": _Raw(knobs)}
    calls: dict[str, list[dict[str, Any]]] = {"judge": [], "complete": [], "stream": []}
    n = 0
    for candidates in sets:
        calls["judge"].append(_pair("judge", candidates, sides, n))
        n += 1
    for prompt in GENERATE:
        calls["complete"].append(_pair("complete", _gen(prompt), sides, n))
        # A different prompt for streaming, so it is not read whole from the prompt cache.
        calls["stream"].append(_pair("stream", _gen(prompt + " Be brief."), sides, n + 1))
        n += 2
    return {"load_s": {k: v.load_s for k, v in sides.items()}, "calls": calls}


def raw_parallel(sets: list, threads: int, context: int) -> dict[str, Any]:
    """In a fresh process: each judge call's 3 prompts sent at once to a 3-slot server."""
    server = _raw_server(threads, 3, context)
    judge_ms = []
    for candidates in sets:
        workers = [threading.Thread(target=server.handle_chat_completions,
                                    args=(_judge_payload(c),)) for c in candidates]
        started = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        judge_ms.append((time.perf_counter() - started) * 1000)
    return {"judge_ms": judge_ms}


def ikqa_memory(sets: list, threads: int, parallel: int, context: int) -> dict[str, Any]:
    """In a fresh process: ikqa's side alone (load, judge calls, one reply); its peak RSS."""
    side = _Ikqa((threads, parallel, context))
    for candidates in sets:
        side.judge(candidates)
    side.complete(_gen(GENERATE[0]))
    return {"load_s": side.load_s, "peak_mib": peak_mib()}


def join_once() -> dict[str, Any]:
    """In a fresh process: the one-off join + sha256 of the 22 parts into a temporary cache."""
    from ikqa.llm.packaged import packaged_model

    with tempfile.TemporaryDirectory(prefix="ikqa-join-") as cache:
        seconds, _ = _timed(lambda: packaged_model(Path(cache)))
    return {"join_s": seconds}


# --------------------------------------------------------------------------- the figures

def _check_same(calls: dict[str, list[dict[str, Any]]]) -> None:
    """A broken run is not a fast run: both sides must have produced the same text."""
    for kind in ("complete", "stream"):
        for pair in calls[kind]:
            if pair["ikqa"]["text"] != pair["raw"]["text"]:
                raise SystemExit(f"ikqa and raw replies differ ({kind}):\n"
                                 f"{pair['ikqa']['text']!r}\n{pair['raw']['text']!r}")
    if any(p == 0.5 for pair in calls["judge"] for p in pair["ikqa"]["probs"]):
        raise SystemExit("a judge call read neither yes nor no from the log-probabilities")


def figures(rounds: list[dict[str, Any]], par: list[dict[str, Any]],
            memory: dict[str, Any]) -> dict[str, Any]:
    """Sums over every round's paired calls; token counts from raw's replies for both sides."""
    def total(kind: str, side: str, key: str) -> float:
        return sum(pair[side][key] for r in rounds for pair in r["calls"][kind])

    prompt_tok = total("judge", "raw", "computed_tokens")
    gen_tok, stream_tok = total("complete", "raw", "tokens"), total("stream", "raw", "tokens")

    def side(name: str) -> dict[str, float]:
        judge_ms = [pair[name]["s"] * 1000 for r in rounds for pair in r["calls"]["judge"]]
        firsts = [pair[name]["first_s"] * 1000 for r in rounds for pair in r["calls"]["stream"]]
        return {"load_s": statistics.median(r["load_s"][name] for r in rounds),
                **{f"judge_{k}": v for k, v in p50_p95(judge_ms).items()},
                "judge_prompt_tok_s": prompt_tok / total("judge", name, "s"),
                "complete_tok_s": gen_tok / total("complete", name, "s"),
                "stream_tok_s": stream_tok / total("stream", name, "s"),
                "first_piece_p50_ms": statistics.median(firsts)}

    result: dict[str, Any] = {"ikqa": side("ikqa"), "raw": side("raw")}
    result["ikqa"]["peak_mib"] = memory["peak_mib"]
    result["ikqa_alone_load_s"] = memory["load_s"]
    result["raw_3_slots_judge"] = p50_p95([ms for r in par for ms in r["judge_ms"]])
    result["tokens"] = {"judge_prompt_total": total("judge", "raw", "prompt_tokens"),
                        "judge_prompt_computed": prompt_tok, "complete_generated": gen_tok,
                        "stream_generated": stream_tok}
    result["ratio"] = {k: result["ikqa"][k] / result["raw"][k]
                       for k in ("judge_prompt_tok_s", "complete_tok_s", "stream_tok_s")}
    result["load_average_1min"] = os.getloadavg()[0]
    return result


def report(fig: dict[str, Any], args: argparse.Namespace) -> None:
    ours, raw = fig["ikqa"], fig["raw"]
    rows = [
        ("model load, paired process (s)", f"{ours['load_s']:.2f}", f"{raw['load_s']:.2f}"),
        ("model load, fresh process alone (s)", f"{fig['ikqa_alone_load_s']:.2f}", "-"),
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
        ("peak RSS, ikqa alone (MiB)", f"{ours['peak_mib']:.0f}", "-"),
    ]
    print_rows(f"language model, {args.threads} threads, {args.parallel} slots, "
               f"{args.questions} judge calls x {args.rounds} rounds", rows, ("figure", "ikqa", "raw"))
    par, tok = fig["raw_3_slots_judge"], fig["tokens"]
    print(f"  raw, 3 candidates at once on 3 slots: judge p50 {par['p50_ms']:.0f} ms, "
          f"p95 {par['p95_ms']:.0f} ms")
    print(f"  tokens: judge prompts {tok['judge_prompt_total']} ({tok['judge_prompt_computed']} "
          f"computed, the rest reused from the prompt cache); generated {tok['complete_generated']}"
          f" (complete), {tok['stream_generated']} (stream)")
    if "join_s" in fig:
        print(f"  first use: join + sha256 of the 22 parts {fig['join_s']:.1f} s")
    print(f"  1-minute load average at the end: {fig['load_average_1min']:.2f} (2 cores)")
    for name, ratio in fig["ratio"].items():
        print(f"  {'PASS' if ratio >= GOAL else 'MISS'} {name}: ikqa at {ratio:.0%} of raw "
              f"(goal >= {GOAL:.0%})")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="fresh paired processes")
    parser.add_argument("--questions", type=int, default=12, help="judge calls per round")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=2, help="llama.cpp slots (llm_parallel)")
    parser.add_argument("--context", type=int, default=4096, help="tokens per slot")
    parser.add_argument("--join", action="store_true", help="also time the one-off join")
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    knobs = (args.threads, args.parallel, args.context)
    sets = judge_sets(args.questions)
    log(f"{len(sets)} judge calls of 3 candidates; the model file is joined and checked first")
    extra = run_child("bench_llm", "join_once") if args.join else {}
    memory = run_child("bench_llm", "ikqa_memory", sets, *knobs)  # also joins if needed
    rounds, par = [], []
    for n in range(args.rounds):
        log(f"round {n + 1}/{args.rounds}: ikqa and raw paired, then raw on 3 slots")
        rounds.append(run_child("bench_llm", "paired_round", sets, *knobs, n % 2 == 1))
        _check_same(rounds[-1]["calls"])
        par.append(run_child("bench_llm", "raw_parallel", sets, args.threads, args.context))
    fig = {**figures(rounds, par, memory), **extra}
    report(fig, args)
    if args.json_out:
        args.json_out.write_text(json.dumps(fig, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json_out}")
    else:
        print(json.dumps(fig))
    return 0


if __name__ == "__main__":
    sys.exit(main())
