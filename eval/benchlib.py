"""What every benchmark in ``eval/`` shares: timing, peak memory, child processes, printing.

Benchmarks print figures beside a reference measured in the same run; they assert nothing
but that the work succeeded. Import it from a script in this folder (``import benchlib``):
the script's own folder is on ``sys.path`` when it runs as ``python eval/bench_x.py``.
"""

from __future__ import annotations

import json
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the figures."""
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0-100) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def p50_p95(values_ms: Sequence[float]) -> dict[str, float]:
    """``{"p50_ms", "p95_ms"}`` of latencies in milliseconds."""
    return {"p50_ms": percentile(values_ms, 50), "p95_ms": percentile(values_ms, 95)}


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """``with stopwatch() as elapsed: ...; elapsed()`` -> seconds since the block began."""
    started = time.perf_counter()
    yield lambda: time.perf_counter() - started


def time_calls_ms(call: Callable[[Any], Any], inputs: Sequence[Any], n: int) -> list[float]:
    """Milliseconds of ``n`` calls of ``call``, cycling over ``inputs``."""
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return times


@dataclass(frozen=True)
class ChildRun:
    """One finished child process: its wall time, its own peak RSS and what it printed."""

    wall_s: float
    peak_rss_mib: float
    stdout: str


def run_measured(cmd: Sequence[str], env: dict[str, str] | None = None,
                 cwd: Path = REPO) -> ChildRun:
    """Run ``cmd`` to completion, failing loudly on a non-zero exit.

    ``os.wait4`` reaps exactly this child and returns its rusage, so ``ru_maxrss`` is this
    process's peak, not a maximum over every child ever started.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}:\n{stderr[-3000:]}")
    return ChildRun(wall_s=wall, peak_rss_mib=usage.ru_maxrss / 1024, stdout=stdout)


def run_child(module: str, function: str, *args: Any, timeout: float = 7200) -> dict[str, Any]:
    """Call ``module.function(*args)`` (a module in ``eval/``) in a fresh Python process.

    Arguments and the returned dict travel as JSON; each child has its own model and thread
    pools, so two systems are never timed next to each other's.
    """
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import {module} as m; "
            f"print('RESULT' + json.dumps(m.{function}(*json.loads(sys.argv[1]))))")
    plain = [str(a) if isinstance(a, Path) else a for a in args]
    done = subprocess.run([sys.executable, "-c", code, json.dumps(plain)], capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{function} failed: {done.stderr[-2000:]}")
    return json.loads(line[len("RESULT"):])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ikqa_cli() -> Path:
    """The ``ikqa`` console script of the interpreter running the benchmark."""
    cli = Path(sys.executable).with_name("ikqa")
    if not cli.exists():
        raise SystemExit(f"no ikqa console script next to {sys.executable}; run with the venv's python")
    return cli


def print_rows(title: str, rows: Sequence[tuple[str, str, str]],
               headers: tuple[str, str, str] = ("figure", "ikqa", "reference")) -> None:
    """A plain three-column table (figure, this system, the reference of the same run)."""
    width = max(len(headers[0]), *(len(r[0]) for r in rows))
    print(title)
    print(f"  {headers[0]:<{width}}  {headers[1]:>14}  {headers[2]:>14}")
    for name, ours, reference in rows:
        print(f"  {name:<{width}}  {ours:>14}  {reference:>14}")


def write_figures(figures: dict[str, Any], json_out: Path | None) -> None:
    """The figures as indented JSON: into ``json_out`` when given, else on stdout."""
    text = json.dumps(figures, indent=1)
    if json_out:
        json_out.write_text(text, encoding="utf-8")
    else:
        print(text)
