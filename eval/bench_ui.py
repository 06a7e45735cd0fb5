"""Web UI latency through gradio_client: question -> first streamed answer token -> full answer.

Starts the real page (``ikqa serve`` in a child process, on a free 127.0.0.1 port, over a
fresh index of ``sources/`` built in a work folder) unless ``--url`` names a running one.
Then, with one ``gradio_client.Client``, for each of the first ``--n`` questions of the
gold set (after one warm-up question that is not counted) it starts a new conversation
and submits the question to the ``/chat`` endpoint, timing:

* **first token**: until the first streamed update that holds answer text (the update
  that only echoes the question does not count);
* **full answer**: until the job is finished (the last update has arrived).

It prints p50 and p90 of both, in milliseconds. Figures, not a test: nothing is asserted
except that every question got an answer. Run from the repository root::

    .venv/bin/python eval/bench_ui.py
    .venv/bin/python eval/bench_ui.py --n 20 --url http://127.0.0.1:7860/
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from benchlib import free_port, log, percentile

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def _server(sources: Path) -> Iterator[str]:
    """``ikqa serve`` over a fresh index of ``sources`` in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="ikqa-bench-ui-") as work:
        port = free_port()
        cmd = [sys.executable, "-m", "ikqa", "serve", "--sources", str(sources),
               "--index", str(Path(work) / "index"), "--port", str(port)]
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


def time_one(client: Any, question: str) -> tuple[float, float, str]:
    """Seconds to the first streamed answer text and to the finished job, and the answer."""
    client.predict(api_name="/new_conversation")
    started = time.perf_counter()
    first = None
    job = client.submit(question, api_name="/chat")
    for update in job:
        history = update[1]
        if first is None and len(history) >= 2 and _text(history[-1]).strip():
            first = time.perf_counter() - started
    job.result()
    full = time.perf_counter() - started
    history = job.outputs()[-1][1]
    return (first if first is not None else full), full, _text(history[-1])


def _questions(path: Path, n: int) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    if len(questions) < n + 1:
        raise SystemExit(f"{path} has {len(questions)} questions; need {n + 1}")
    return questions[: n + 1]


def run(url: str, questions: list[str]) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    time_one(client, questions[0])  # warm-up: opens the index and the encoder
    firsts, fulls = [], []
    for question in questions[1:]:
        first, full, answer = time_one(client, question)
        if "ikqa-answer" not in answer:
            raise SystemExit(f"no answer shown for {question!r}: {answer[:200]!r}")
        firsts.append(first * 1000)
        fulls.append(full * 1000)
        log(f"  {first * 1000:7.1f} ms first token, {full * 1000:7.1f} ms full   {question[:60]}")
    n = len(firsts)
    print(f"web UI via gradio_client, {n} questions, {url}")
    print(f"first streamed token: p50 {percentile(firsts, 50):.0f} ms, p90 {percentile(firsts, 90):.0f} ms")
    print(f"full answer:          p50 {percentile(fulls, 50):.0f} ms, p90 {percentile(fulls, 90):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="questions timed (after one warm-up)")
    parser.add_argument("--url", help="a running ikqa page; default: start one")
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    args = parser.parse_args()
    questions = _questions(args.questions, args.n)
    if args.url:
        run(args.url, questions)
        return
    with _server(args.sources) as url:
        run(url, questions)


if __name__ == "__main__":
    main()
