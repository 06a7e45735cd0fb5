"""The web page: Chat and Sources tabs in one ``gr.Blocks``, and how it is served safely.

Display only: every question and every change to the sources goes through ``Assistant``.
``serve`` binds 127.0.0.1 by default and refuses a non-loopback address without a
login; ``read_only`` leaves out upload, delete and re-index altogether (no button, no
API route, not even Gradio's upload route). ``guard.PageGuard`` refuses foreign
``Host``/``Origin`` headers on a server without a login and throttles failed logins.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
from typing import TYPE_CHECKING, Any

from ..errors import IkqaError

if TYPE_CHECKING:
    import gradio as gr

    from ..assistant import Assistant

__all__ = ["build_ui", "launch", "serve", "parse_auth", "check_exposure", "ServeError", "CSS",
           "CONCURRENCY", "warm_model"]

log = logging.getLogger("ikqa.ui")

CONCURRENCY = 4  # answers computed at once; more users wait in the queue, in order
QUEUE_SIZE = 64
# Gradio's temp copies of uploads are deleted once handled; this sweeps any left behind
# (sent to the upload route but never handled): every 10 minutes, those older than 10 minutes.
DELETE_CACHE = (600, 600)
PHONE = "@media (max-width: 767px)"
CSS = """
#ikqa-chat a.ikqa-cite { font-weight: 600; text-decoration: none; padding: 0 1px;
  border-radius: 3px; background: var(--color-accent-soft); cursor: pointer; }
.ikqa-answer ul { margin: .4em 0 0 1.1em; font-size: .9em; }
.ikqa-abstain { font-style: italic; }
.ikqa-meta { margin-top: .35em; font-size: .82em; opacity: .9; }
.ikqa-confidence { padding: 0 .45em; border-radius: 8px; font-variant-numeric: tabular-nums; }
.ikqa-conf-high { background: #d7f0dc; color: #14532d; }
.ikqa-conf-low { background: #fde0c4; color: #7c2d12; }
.ikqa-note { margin-top: .35em; font-size: .88em; font-style: italic; opacity: .85; }
.ikqa-checking { font-style: italic; opacity: .8; animation: ikqa-pulse 1.2s ease-in-out infinite; }
@keyframes ikqa-pulse { 50% { opacity: .35; } }
.ikqa-short { font-size: 1.1em; margin-bottom: .25em; }
.ikqa-struck { margin-top: .35em; font-size: .88em; opacity: .85; }
.ikqa-struck del { text-decoration-color: #b91c1c; text-decoration-thickness: 2px; }
.ikqa-related { margin-top: .5em; font-size: .9em; opacity: .9; }
.ikqa-passage { padding: .5em .8em; }
.ikqa-passage-label { font-size: .85em; opacity: .75; }
.ikqa-passage-title { margin: .2em 0; }
.ikqa-paragraph { line-height: 1.55; }
mark.ikqa-hl { background: #ffe58a; color: #111; padding: 0 2px; border-radius: 2px; }
.ikqa-panel-empty { padding: 1em; opacity: .7; }
.ikqa-close { display: none; }
#ikqa-sources-status { min-height: 4.5em; }
.ikqa-sources-table { width: 100%; border-collapse: collapse; font-size: .92em; border: none; }
.ikqa-sources-table caption { text-align: left; font-weight: 600; padding: .3em 0 .5em; }
.ikqa-sources-table th, .ikqa-sources-table td { text-align: left; padding: .35em .6em;
  border: none; border-bottom: 1px solid var(--border-color-primary); overflow-wrap: anywhere; }
.ikqa-sources-table th { white-space: nowrap; overflow-wrap: normal; }
PHONE {
  #ikqa-passage .ikqa-passage { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000;
    max-height: 60vh; overflow-y: auto; padding: .8em 1em 1.2em;
    background: var(--background-fill-primary); border-top: 2px solid var(--color-accent);
    box-shadow: 0 -6px 18px rgba(0, 0, 0, .25); border-radius: 10px 10px 0 0; }
  #ikqa-passage .ikqa-passage-head { position: sticky; top: -.8em; display: flex;
    justify-content: space-between; align-items: center; background: inherit; z-index: 1; }
  #ikqa-passage .ikqa-close { display: block; font-size: 1.6em; line-height: 1;
    padding: 0 .3em; background: none; border: none; cursor: pointer; }
  #ikqa-chat a.ikqa-cite { scroll-margin-bottom: 62vh; }  /* kept in sight above the drawer, */
  #ikqa-passage:has(.ikqa-passage) { min-height: 62vh; }  /* with room to scroll to it */
  .ikqa-sources-table thead { display: none; }
  .ikqa-sources-table caption { display: block; }
  .ikqa-sources-table, .ikqa-sources-table tbody, .ikqa-sources-table tr,
  .ikqa-sources-table td { display: block; width: 100%; box-sizing: border-box; }
  .ikqa-sources-table tr { border: 1px solid var(--border-color-primary); border-radius: 6px;
    margin-bottom: .6em; padding: .3em 0; }
  .ikqa-sources-table td { border: none; padding: .15em .7em; }
  .ikqa-sources-table td::before { content: attr(data-label) ": "; font-weight: 600; }
}
""".replace("PHONE", PHONE)


class ServeError(IkqaError):
    """The web UI cannot start as asked (e.g. an open address with no login)."""


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"USER:PASS"`` -> ``("USER", "PASS")``; None for no login."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ServeError("--auth / IKQA_AUTH must look like USER:PASS (both non-empty)")
    return user, password


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def check_exposure(host: str, auth: tuple[str, str] | None) -> None:
    """Refuse to listen beyond this machine without a login."""
    if not _is_loopback(host) and auth is None:
        raise ServeError(f"refusing to serve on {host} without a login: pass --auth USER:PASS "
                         "or set IKQA_AUTH (or bind 127.0.0.1)")


def build_ui(assistant: "Assistant", *, read_only: bool = False) -> "gr.Blocks":
    """The page wired to ``assistant``: a Chat tab and a Sources tab."""
    import gradio as gr

    from .chat_tab import build_chat
    from .sources_tab import build_sources

    with gr.Blocks(title="ikqa: cited answers from policy briefings",
                   delete_cache=DELETE_CACHE) as demo:
        gr.Markdown("## ikqa · cited answers from policy briefings", elem_id="ikqa-header")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                build_chat(assistant, demo)
            with gr.Tab("Sources", id="sources") as sources_tab:
                build_sources(assistant, demo, sources_tab, read_only=read_only)
    return demo


def _app_kwargs(*, login: bool, read_only: bool) -> dict[str, Any]:
    """The FastAPI arguments that put ``guard.PageGuard`` in front of Gradio's routes."""
    from starlette.middleware import Middleware

    from .guard import PageGuard

    return {"middleware": [Middleware(PageGuard, login=login, read_only=read_only)]}


def launch(demo: "gr.Blocks", host: str = "127.0.0.1", port: int | None = None, *,
           auth: tuple[str, str] | None = None, max_file_mb: float = 20.0,
           read_only: bool = False, block: bool = True) -> "gr.Blocks":
    """Queue and start ``demo``; with ``block=False`` return at once (tests close it).

    Each session's events run in order; up to ``CONCURRENCY`` answers are computed at
    once across sessions and the rest wait in a bounded queue.
    """
    check_exposure(host, auth)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    launch_args: dict[str, Any] = dict(server_name=host, server_port=port, auth=auth, share=False,
                                       show_error=True, quiet=True, css=CSS,
                                       max_file_size=int(max_file_mb * 1024 * 1024),
                                       prevent_thread_lock=not block, footer_links=["api"],
                                       app_kwargs=_app_kwargs(login=auth is not None,
                                                              read_only=read_only))
    demo.launch(**launch_args)
    return demo


def warm_model(assistant: "Assistant") -> threading.Thread:
    """Load the language model in the background, so the first answer that needs it does not
    also wait for the load; a model that cannot load is one logged line (answers then fall
    back to fast ones, each with a note saying why)."""
    def load() -> None:
        try:
            assistant.llm().check()
        except IkqaError as err:
            log.warning("ikqa: the language model is not available (%s); answers fall back "
                        "to fast mode with a note", err)

    thread = threading.Thread(target=load, name="ikqa-llm-warm", daemon=True)
    thread.start()
    return thread


def serve(assistant: "Assistant", host: str, port: int, *, auth: str | None = None,
          read_only: bool = False, block: bool = True) -> "gr.Blocks":
    """Check the address and login, build the page and serve it (the ``ikqa serve`` command)."""
    login = parse_auth(auth)
    check_exposure(host, login)
    assistant.ensure_index()
    if assistant.settings.answer_mode != "extractive":
        warm_model(assistant)
    return launch(build_ui(assistant, read_only=read_only), host, port, auth=login,
                  max_file_mb=assistant.settings.max_upload_mb, read_only=read_only, block=block)
