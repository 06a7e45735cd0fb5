"""Web UI latency through gradio_client: question -> first streamed answer token -> full answer.

Starts the real page (``ikqa serve`` in a child process, on a free 127.0.0.1 port, over a
fresh index of ``sources/`` built in a work folder; with ``--mode`` as its default answer
mode) unless ``--url`` names a running one. Then, with one ``gradio_client.Client``, for each
of the first ``--n`` questions of the gold set (after one warm-up question that is not
counted: it opens the index, and in a model mode waits for the model) it starts a new
conversation and submits the question in ``--mode`` to the ``/chat`` endpoint, timing:

* **first reply**: until the first update that shows anything in the answer's place (the
  "checking…" placeholder of a model mode, else the answer's first words);
* **first token**: until the first streamed update that holds answer text (the update
  that only echoes the question, or shows "checking…", does not count);
* **full answer**: until the job is finished (the last update has arrived).

With ``--sessions N`` (N > 1), N clients, each its own page session, ask at the same moment,
each its share of the questions one after another; every answer is checked to sit in the
session that asked it, under its own question (none mixed up). It prints p50, p90 and p95
in milliseconds. Figures, not a test: nothing is asserted except that every question got
an answer in its own session. Run from the repository root::

    .venv/bin/python eval/bench_ui.py
    .venv/bin/python eval/bench_ui.py --n 20 --url http://127.0.0.1:7860/
    .venv/bin/python eval/bench_ui.py --mode verified --sessions 8
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from benchlib import free_port, log, percentile, stopwatch

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def _server(sources: Path, mode: str) -> Iterator[str]:
    """``ikqa serve --mode MODE`` over a fresh index of ``sources`` in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="ikqa-bench-ui-") as work:
        port = free_port()
        cmd = [sys.executable, "-m", "ikqa", "serve", "--sources", str(sources),
               "--index", str(Path(work) / "index"), "--port", str(port), "--mode", mode]
        env = {**os.environ, "IKQA_HOST": "127.0.0.1"}
        env.pop("IKQA_AUTH", None)
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_until_up(url, child)
            yield url
        finally:
            child.terminate()
            child.wait(timeout=30)


def _wait_until_up(url: str, child: subprocess.Popen[bytes], timeout: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"ikqa serve exited: {child.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"ikqa serve did not come up on {url} within {timeout:.0f} s")


def _text(message: dict[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    return " ".join(p.get("text", "") for p in content if isinstance(p, dict))


@dataclass
class Timing:
    """One question through the page: seconds to the first reply, the first answer text and
    the finished job; the final chat history."""

    question: str
    reply: float
    first: float
    full: float
    history: list[dict[str, Any]]

    @property
    def answer(self) -> str:
        return _text(self.history[-1]) if self.history else ""


def time_one(client: Any, question: str, mode: str) -> Timing:
    """Ask ``question`` in ``mode`` in a new conversation of ``client``'s session, timed."""
    client.predict(api_name="/new_conversation")
    started = time.perf_counter()
    reply = first = None
    job = client.submit(question, mode, api_name="/chat")
    for update in job:
        history = update[1]
        shown = _text(history[-1]) if len(history) >= 2 else ""
        if reply is None and shown.strip():
            reply = time.perf_counter() - started
        if first is None and "ikqa-answer" in shown:
            first = time.perf_counter() - started
    job.result()
    full = time.perf_counter() - started
    return Timing(question, reply or full, first or full, full, job.outputs()[-1][1])


def _check(t: Timing) -> None:
    """Stop unless ``t``'s session shows exactly its own question and an answer to it."""
    asked = [_text(m) for m in t.history if m.get("role") == "user"]
    if asked != [t.question]:
        raise SystemExit(f"mixed up: asked {t.question!r}, the session shows {asked!r}")
    if "ikqa-answer" not in t.answer:
        raise SystemExit(f"no answer shown for {t.question!r}: {t.answer[:200]!r}")


def _questions(path: Path, n: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    if len(questions) < n + 1:
        raise SystemExit(f"{path} has {len(questions)} questions; need {n + 1}")
    return questions[: n + 1]


def _session(url: str, questions: list[str], mode: str, start: threading.Barrier
             ) -> list[Timing]:
    """One page session asking ``questions`` in turn, once every session is ready."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    start.wait(timeout=300)
    timings = []
    for question in questions:
        t = time_one(client, question, mode)
        _check(t)
        log(f"  {t.reply * 1000:7.0f} ms reply, {t.first * 1000:7.0f} ms first token, "
            f"{t.full * 1000:7.0f} ms full   {question[:60]}")
        timings.append(t)
    return timings


def _line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name:<21} p50 {percentile(ms, 50):.0f} ms, p90 {percentile(ms, 90):.0f} ms, "
            f"p95 {percentile(ms, 95):.0f} ms")


def run(url: str, questions: list[str], mode: str, sessions: int = 1) -> None:
    from gradio_client import Client

    _check(time_one(Client(url, verbose=False), questions[0], mode))  # warm-up (not counted)
    shares = [questions[1 + i::sessions] for i in range(sessions)]
    start = threading.Barrier(sessions)
    with stopwatch() as elapsed, ThreadPoolExecutor(sessions) as pool:
        done = list(pool.map(lambda share: _session(url, share, mode, start), shares))
        wall = elapsed()
    timings = [t for share in done for t in share]
    print(f"web UI via gradio_client, mode {mode}, {len(timings)} questions, "
          f"{sessions} session(s) at once, {url}")
    print(f"all answered, each in its own session under its own question; "
          f"{wall:.1f} s wall, {len(timings) / wall:.2f} answers/s")
    print(_line("first reply shown:", [t.reply for t in timings]))
    print(_line("first streamed token:", [t.first for t in timings]))
    print(_line("full answer:", [t.full for t in timings]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="questions timed (after one warm-up)")
    parser.add_argument("--url", help="a running ikqa page; default: start one")
    parser.add_argument("--mode", default="extractive",
                        help="answer mode asked for (and the started page's default)")
    parser.add_argument("--sessions", type=int, default=1,
                        help="page sessions asking at the same moment (each its share)")
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    args = parser.parse_args()
    questions = _questions(args.questions, max(args.n, args.sessions))
    if args.url:
        run(args.url, questions, args.mode, args.sessions)
        return
    with _server(args.sources, args.mode) as url:
        run(url, questions, args.mode, args.sessions)


if __name__ == "__main__":
    main()
