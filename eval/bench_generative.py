"""Generative answers: time to the first streamed token and to the checked answer, per question.

Over a fresh index of the seed brief, every ``--every``-th question of ``eval/questions.jsonl``
is asked in generative mode through ``Assistant.explain`` (the path ``ikqa ask``, ``ikqa chat``
and the page take), after one warm-up question that loads the model. For each question:
seconds to the first piece of the draft (retrieval + reading the prompt + the first token),
seconds to the checked answer, the number of model calls it took, and whether it stayed
generative or fell back (no model needed, the model declined, every claim struck). Beside
them, in the same run and process, a raw ``xllamacpp`` streaming call on the same generation
prompt (same server, same knobs) gives the floor: what the first token and the draft cost
without ikqa around them. Goals (issue 14): first token p50 <= 2.5 s, whole answer p50 <= 6 s.

Run it from the repository root with nothing else heavy running (a few minutes on 2 cores)::

    .venv/bin/python eval/bench_generative.py
    .venv/bin/python eval/bench_generative.py --every 4 --json-out /tmp/bench-generative.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import REPO, log, p50_p95, peak_mib, print_rows, write_figures

GOALS = {"first token p50": 2.5, "whole answer p50": 6.0}


class Counting:
    """Counts the model calls of one answer (judge, claim check, generation)."""

    def __init__(self, llm: Any) -> None:
        self.llm, self.calls = llm, 0

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.llm, name)
        if name in {"yes_probability", "complete", "stream"}:
            self.calls += 1
        return call


def _questions(every: int) -> list[str]:
    rows = [json.loads(line) for line in
            (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r["question"] for r in rows[::every]]


def _ikqa_runs(assistant: Any, questions: list[str]) -> list[dict[str, Any]]:
    from ikqa.llm import LanguageModel

    real: LanguageModel = assistant.llm()
    runs = []
    for question in questions:
        counting = Counting(real)
        assistant._llm = counting  # noqa: SLF001 - count the calls of this one answer
        first: list[float] = []
        started = time.perf_counter()
        answer, _ = assistant.explain(question, "generative", on_token=lambda piece: first.append(
            time.perf_counter() - started) if piece and not first else None)
        runs.append({"question": question, "first_s": first[0] if first else None,
                     "whole_s": time.perf_counter() - started, "calls": counting.calls,
                     "outcome": _outcome(answer, bool(first))})
        log(f"  {runs[-1]['whole_s']:5.1f} s {runs[-1]['outcome']:<9} {question[:60]}")
    assistant._llm = real
    return runs


def _outcome(answer: Any, drafted: bool) -> str:
    if not drafted:
        return "no model" if not answer.note.startswith("Not written") else "failed"
    if "checked extractive answer" in answer.note:
        return "fallback"
    return "written"


def _raw_runs(assistant: Any, questions: list[str]) -> list[dict[str, Any]]:
    """The same generation prompts, streamed by the same xllamacpp server directly."""
    from ikqa.answering.generate import MAX_TOKENS, addresses_a_model, generation_prompt
    from ikqa.answering.verify import candidates
    from ikqa.llm.base import as_dicts
    from ikqa.llm.local import load_server, model_file

    settings = assistant.settings
    server = load_server(model_file(settings), settings)
    runs = []
    for question in questions:
        retrieval = assistant.retrieve(question)
        pool = [e for e in candidates(retrieval, settings.verify_candidates + 3)
                if not addresses_a_model(e.text)][:settings.verify_candidates]
        if not pool:
            continue
        payload = {"messages": as_dicts(generation_prompt(question, pool, retrieval.previous,
                                                                  retrieval.evidence)),
                   "max_tokens": MAX_TOKENS, "temperature": 0.0, "stream": True}
        first: list[float] = []
        started = time.perf_counter()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            if not first and any((c.get("delta") or {}).get("content")
                                 for c in chunk.get("choices") or ()):
                first.append(time.perf_counter() - started)
            return False

        server.handle_chat_completions(payload, on_chunk)
        runs.append({"first_s": first[0] if first else None,
                     "draft_s": time.perf_counter() - started})
    return runs


def _ms(values: list[float | None]) -> dict[str, float]:
    kept = [1000 * v for v in values if v is not None]
    return p50_p95(kept) if kept else {"p50_ms": float("nan"), "p95_ms": float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=3, help="ask every n-th seed question")
    parser.add_argument("--json-out", type=Path, help="write the figures here")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    import ikqa

    questions = _questions(args.every)
    with tempfile.TemporaryDirectory(prefix="ikqa-bench-generative-") as work:
        shutil.copytree(REPO / "sources", Path(work) / "sources")
        settings = ikqa.Settings(sources_dir=Path(work) / "sources",
                                 index_dir=Path(work) / "index", llm="local")
        assistant = ikqa.Assistant(settings)
        assistant.ingest()
        log("warming up (loads the model)")
        assistant.explain("What is FORGE?", "generative")
        log(f"ikqa, {len(questions)} questions")
        ours = _ikqa_runs(assistant, questions)
        log("raw xllamacpp, the same generation prompts")
        raw = _raw_runs(assistant, questions)
    drafted = [r for r in ours if r["first_s"] is not None]
    figures = {
        "questions": len(ours), "drafted": len(drafted),
        "outcomes": {o: sum(r["outcome"] == o for r in ours) for o in
                     ("written", "fallback", "no model", "failed")},
        "first token (drafted)": _ms([r["first_s"] for r in drafted]),
        "whole answer (drafted)": _ms([r["whole_s"] for r in drafted]),
        "whole answer (all)": _ms([r["whole_s"] for r in ours]),
        "model calls per drafted answer (mean)": sum(r["calls"] for r in drafted) / max(1, len(drafted)),
        "raw first token": _ms([r["first_s"] for r in raw]),
        "raw draft": _ms([r["draft_s"] for r in raw]),
        "peak RSS MiB": peak_mib(),
    }
    rows = [(name, f"{v['p50_ms'] / 1000:.2f} s", f"{v['p95_ms'] / 1000:.2f} s")
            for name, v in figures.items() if isinstance(v, dict) and "p50_ms" in v]
    print_rows("generative answers (seconds)", rows, headers=("figure", "p50", "p95"))
    print(f"outcomes: {figures['outcomes']}; model calls per drafted answer "
          f"{figures['model calls per drafted answer (mean)']:.1f}; peak {figures['peak RSS MiB']:.0f} MiB")
    write_figures(figures, args.json_out)


if __name__ == "__main__":
    main()
