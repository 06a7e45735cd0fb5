"""A real OpenAI-compatible model server on 127.0.0.1 for tests: xllamacpp serving a GGUF file.

    python tests/llm_server.py MODEL.gguf PORT

Prints ``READY http://127.0.0.1:PORT`` once the model is loaded, then serves until its standard
input closes (the test that started it ends), so it never outlives the test run.
"""

from __future__ import annotations

import sys


def main(model: str, port: int) -> None:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.port = port
    params.n_parallel = 2
    params.n_ctx = 4096
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.n_threads_http = 2
    params.warmup = False
    params.verbosity = -1
    server = xllamacpp.Server(params)
    print(f"READY {server.listening_address}", flush=True)
    sys.stdin.read()  # returns when the parent closes the pipe or exits


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
