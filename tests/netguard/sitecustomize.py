"""Loaded by test subprocesses (via PYTHONPATH): refuse and record every network attempt.

Any socket connect other than a Unix socket, and any DNS look-up, is appended to the
file named by IKQA_NETGUARD_LOG and then refused.
"""

import os
import socket
import sys

_LOG = os.environ.get("IKQA_NETGUARD_LOG")


def _record(what: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")


def _guard(event: str, args: tuple) -> None:
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None):
            return
        _record(f"connect {address!r}")
        raise ConnectionRefusedError(f"network disabled by test: connect {address!r}")
    if event == "socket.getaddrinfo":
        _record(f"getaddrinfo {args[0]!r}")
        raise socket.gaierror(f"network disabled by test: lookup {args[0]!r}")


if _LOG:
    sys.addaudithook(_guard)
