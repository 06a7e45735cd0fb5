"""What the web server refuses before Gradio sees a request.

``PageGuard`` is an ASGI middleware with three jobs:

* on a server **without a login** (which only ever listens on loopback), a request whose
  ``Host`` or ``Origin`` is not this server's own loopback address is refused with 403: a page
  on another site that re-points its DNS name at 127.0.0.1 (DNS rebinding) reaches the port
  but cannot name it as ``127.0.0.1:<port>`` or ``localhost:<port>``;
* on a server **with a login**, failed logins are throttled per client address
  (``LoginThrottle``): a few free attempts, then a growing delay, then HTTP 429 for a while;
* on a **read-only** server, Gradio's routes that store a sent file answer 404 as if they did
  not exist, so nothing can be stored through them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["PageGuard", "LoginThrottle", "foreign_reason", "is_upload_route", "UPLOAD_ROUTES"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
LOGIN_PATHS = ("/login", "/login/")
# Last path segments of the routes that store a file sent by the client (under /gradio_api).
UPLOAD_ROUTES = frozenset({"upload", "upload_progress", "process_recording"})


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0


class LoginThrottle:
    """Failed logins per client: ``free`` attempts at full speed, then a delay doubling from
    ``base_delay`` up to ``max_delay`` seconds, and after ``lock_after`` failures every attempt
    is refused (429) until ``lock_seconds`` have passed since the last one. A success clears
    the client's count. An attempt counts as soon as it arrives, so parallel guesses add up."""

    def __init__(self, *, free: int = 3, base_delay: float = 0.25, max_delay: float = 4.0,
                 lock_after: int = 8, lock_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base_delay, self.max_delay = free, base_delay, max_delay
        self.lock_after, self.lock_seconds, self.clock = lock_after, lock_seconds, clock
        self._clients: dict[str, _Failures] = {}

    def admit(self, client: str) -> float | None:
        """Seconds to wait before checking this attempt, or None when it is refused (429)."""
        now = self.clock()
        self._forget_old(now)
        record = self._clients.setdefault(client, _Failures())
        if record.count >= self.lock_after:
            return None
        record.count += 1
        record.last = now
        over = record.count - self.free
        return 0.0 if over <= 0 else min(self.base_delay * 2 ** (over - 1), self.max_delay)

    def succeeded(self, client: str) -> None:
        """A correct login: the client starts afresh."""
        self._clients.pop(client, None)

    def retry_after(self, client: str) -> int:
        """Whole seconds until a locked-out client may try again."""
        record = self._clients.get(client)
        left = self.lock_seconds - (self.clock() - record.last) if record else 0.0
        return max(1, int(left + 0.999))

    def _forget_old(self, now: float) -> None:
        stale = [c for c, r in self._clients.items() if now - r.last >= self.lock_seconds]
        for client in stale:
            del self._clients[client]


def foreign_reason(scope: Scope) -> str:
    """Why a request does not name this loopback server (empty string: it does)."""
    headers = _headers(scope)
    port = (scope.get("server") or (None, None))[1]
    allowed = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if port in (None, 80, 443):  # a browser leaves the default port out of Host
        allowed |= set(LOOPBACK_NAMES)
    host = headers.get("host", "").lower()
    if host not in allowed:
        return f"Host {host or '(none)'} is not this server's address"
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin.lower())
        if parts.scheme not in ("http", "https") or parts.netloc not in allowed:
            return f"Origin {origin} is not this server's address"
    return ""


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in scope.get("headers") or []}


async def _plain(send: Send, status: int, text: str,
                 extra: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = (text + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"x-content-type-options", b"nosniff"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})


class PageGuard:
    """ASGI middleware: loopback-only Host/Origin without a login; throttled logins with one;
    no upload routes when read-only."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, login: bool,
                 read_only: bool = False, throttle: LoginThrottle | None = None) -> None:
        self.app = app
        self.login = login
        self.read_only = read_only
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self.login and (reason := foreign_reason(scope)):
            await self._refuse(scope, send, f"refused: {reason} (DNS-rebinding protection)")
            return
        if self.read_only and is_upload_route(scope["path"]):
            await _plain(send, 404, "not found: this server is read-only and takes no uploads")
            return
        if self.login and kind == "http" and scope["method"] == "POST" \
                and scope["path"] in LOGIN_PATHS:
            await self._login(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, text: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": text[:120]})
        else:
            await _plain(send, 403, text)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let a login attempt through after its delay, or refuse it with 429."""
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.admit(client)
        if wait is None:
            seconds = self.throttle.retry_after(client)
            await _plain(send, 429, f"too many failed logins; try again in {seconds} s",
                         ((b"retry-after", str(seconds).encode()),))
            return
        await asyncio.sleep(wait)
        status = 0

        async def watch(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status == 200:
            self.throttle.succeeded(client)


def is_upload_route(path: str) -> bool:
    """Whether ``path`` (as decoded by the server) names a route that stores a sent file."""
    return re.sub(r"/+", "/", path).rstrip("/").rsplit("/", 1)[-1] in UPLOAD_ROUTES
