"""The Chat tab: a streamed, multi-turn conversation whose ``[n]`` markers open a side panel.

Display only. Each browser session holds its own ``Conversation`` in a ``gr.State`` (so
follow-ups resolve against that session's turns and sessions never mix); the chat
history shown is always rebuilt from those turns. The turns are also kept in the browser's
own storage (``gr.BrowserState``), so a page reload brings the conversation back until
"New conversation". Each session also picks its answer mode (fast = extractive, verified,
any other in ``ANSWER_MODES``; default ``settings.answer_mode``; kept in the browser too); a
mode that calls a language model shows a "checking…" placeholder until its answer is ready.
In generative mode the model's draft streams in instead, each ``[n]`` a link to its sentence as
soon as it is complete, then "checking…" until the checked answer replaces it (the claims
the check removed shown struck through). Everything goes through ``Assistant``.
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Generator, Iterator
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import gradio as gr

from ..chat import Conversation
from ..config import ANSWER_MODES
from ..errors import IkqaError
from ..types import Answer, Citation, Turn
from .render import (PANEL_EMPTY, answer_html, answer_plain, checking_html, draft_html,
                     mode_choices, mode_help, parse_ref, passage_html, safe,
                     stream_answer_html)

if TYPE_CHECKING:
    from ..assistant import Assistant

__all__ = ["build_chat", "saved_turns", "restored_turns", "EXAMPLES", "BRIDGE_JS", "COPY_JS"]

STORAGE_KEY = "ikqa-conversation"  # the browser's localStorage entry holding the turns
MODE_KEY = "ikqa-mode"  # ... and the one holding the answer mode the user picked
INSTANT_MODES = ("extractive",)  # modes that answer at once (no "checking…" placeholder)
DRAFTED_MODES = ("generative",)  # modes whose answer the model writes: its draft streams in
# Chat answers in progress at once, across sessions (more wait in the queue, in order). Above
# the page's default: an answer that waits for the language model's slots uses no CPU, and
# each of 8 sessions should see its "checking…" at once rather than wait unseen in the queue.
ANSWERS_AT_ONCE = 8
SAVED_TURNS = 30  # the most recent turns kept there

EXAMPLES = [
    "Where is the India Korea Centre for Research & Innovation based?",
    "What is FORGE?",
    "What does the cross-border payment linkage allow?",
    "Which agencies form the space Joint Working Group?",
]

# Runs once in the page: a click on an answer's [n] link (or the passage drawer's close
# button) is handed to Python through the hidden bridge component (its value becomes the
# link's target, or "close", then its click event fires); a cited sentence, once shown, is
# scrolled into view.
BRIDGE_JS = """
if (!window.__ikqaCiteBridge) {
  window.__ikqaCiteBridge = true;
  document.addEventListener('click', (event) => {
    const target = event.target.closest ? event.target : null;
    const link = target ? target.closest('a.ikqa-cite') : null;
    const close = target ? target.closest('#ikqa-passage .ikqa-close') : null;
    if (!link && !close) return;
    event.preventDefault();
    event.stopPropagation();
    window.__ikqaClicked = link;
    props.value = link ? link.getAttribute('href').slice(1) : 'close';
    trigger('click');
  }, true);
  // A newly shown cited sentence is scrolled into view (inside the phone drawer, or the page);
  // on a phone the clicked marker then stays in sight above the drawer (its scroll margin).
  new MutationObserver(() => {
    const mark = document.querySelector('#ikqa-passage mark.ikqa-hl:not([data-shown])');
    if (!mark) return;
    mark.setAttribute('data-shown', '1');
    mark.scrollIntoView({block: 'nearest'});
    if (window.__ikqaClicked && window.__ikqaClicked.isConnected) {
      window.__ikqaClicked.scrollIntoView({block: 'nearest'});
    }
  }).observe(document.body, {childList: true, subtree: true});
}
"""

COPY_JS = """
(text) => {
  if (!text) return;
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text);
  } else {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}
"""

Message = dict[str, Any]


def _history(conversation: Conversation | None) -> list[Message]:
    """The chat as Gradio messages, rebuilt from the conversation's turns."""
    messages: list[Message] = []
    for turn, t in enumerate(conversation.turns if conversation else []):
        messages.append({"role": "user", "content": t.question})
        messages.append({"role": "assistant", "content": answer_html(t.answer, turn)})
    return messages


def _answer_at(conversation: Conversation | None, turn: int) -> Answer | None:
    if conversation is None or not 0 <= turn < len(conversation.turns):
        return None
    return conversation.turns[turn].answer


def _cited(conversation: Conversation | None, ref: str) -> tuple[Citation, str] | None:
    """The citation (or related passage) a link target names, with its panel label."""
    parsed = parse_ref(ref or "")
    answer = _answer_at(conversation, parsed[1]) if parsed else None
    if parsed is None or answer is None:
        return None
    kind, _, n = parsed
    pool = answer.citations if kind == "c" else answer.related
    found = next((c for c in pool if c.marker == n), None)
    if found is None:
        return None
    label = (f"[{n}] · characters {found.start}–{found.end}" if kind == "c"
             else "Related, but not an answer")
    return found, label


def saved_turns(conversation: Conversation | None) -> list[dict[str, Any]]:
    """The conversation's recent turns as JSON for the browser's storage."""
    turns = conversation.turns[-SAVED_TURNS:] if conversation else []
    return [{"question": t.question, "standalone_question": t.standalone_question,
             "answer": t.answer.to_dict()} for t in turns]


def _citation_from(data: dict[str, Any]) -> Citation:
    names = {f.name for f in fields(Citation)}
    return Citation(**{k: v for k, v in data.items() if k in names})


def _answer_from(data: dict[str, Any]) -> Answer:
    names = {f.name for f in fields(Answer)} - {"citations", "related", "confidence"}
    return Answer(**{k: v for k, v in data.items() if k in names},
                  confidence=float(data.get("confidence") or 0.0),
                  citations=[_citation_from(c) for c in data.get("citations") or []],
                  related=[_citation_from(c) for c in data.get("related") or []])


def restored_turns(saved: Any) -> list[Turn]:
    """Turns back from ``saved_turns``'s JSON; none when it is missing or malformed (the
    browser's storage is the user's to edit)."""
    try:
        return [Turn(question=str(t["question"]),
                     standalone_question=str(t.get("standalone_question") or t["question"]),
                     answer=_answer_from(t["answer"])) for t in (saved or [])[-SAVED_TURNS:]]
    except (TypeError, KeyError, ValueError, AttributeError):
        return []


class ChatHandlers:
    """The Python side of the chat's events, bound to one ``Assistant``."""

    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant
        # Per session, the numbered sentences of the answer being drafted: (turn, citations).
        self._drafts: weakref.WeakKeyDictionary[Conversation, tuple[int, list[Citation]]] = \
            weakref.WeakKeyDictionary()

    def mode(self, mode: str | None) -> str:
        """The session's answer mode: one of ``ANSWER_MODES``, else the settings' default."""
        return mode if mode in ANSWER_MODES else self.assistant.settings.answer_mode

    def respond(self, message: str, conversation: Conversation | None, mode: str | None = None
                ) -> Iterator[tuple[Any, ...]]:
        """Stream the answer to ``message`` in ``mode``: first the question (with a
        "checking…" placeholder while a language model reads), then the answer growing."""
        conversation = conversation or self.assistant.conversation()
        mode = self.mode(mode)
        question = (message or "").strip()
        if not question:
            yield "", _history(conversation), conversation, gr.skip()
            return
        shown = [*_history(conversation), {"role": "user", "content": question}]
        pending = [] if mode in INSTANT_MODES else [{"role": "assistant",
                                                     "content": checking_html(mode)}]
        yield "", [*shown, *pending], conversation, gr.skip()
        try:
            if mode in DRAFTED_MODES:
                answer = yield from self._drafted(conversation, question, mode, shown)
            else:
                answer = conversation.ask(question, mode)
        except IkqaError as err:
            if pending:
                yield "", shown, conversation, gr.skip()  # no "checking…" left behind
            raise gr.Error(safe(err)) from err  # the page shows it as HTML
        turn = len(conversation.turns) - 1
        if mode not in DRAFTED_MODES:  # a drafted answer has streamed already
            for html in stream_answer_html(answer, turn):
                yield "", [*shown, {"role": "assistant", "content": html}], conversation, gr.skip()
        yield "", _history(conversation), conversation, answer_plain(answer)

    def _drafted(self, conversation: Conversation, question: str, mode: str,
                 shown: list[Message]) -> Generator[tuple[Any, ...], None, Answer]:
        """Ask on a worker thread and show the model's draft as it arrives (its ``[n]``
        clickable at once), then "checking…" until the checked answer is returned."""
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        turn = len(conversation.turns)

        def numbered(sources: list[Citation]) -> None:
            self._drafts[conversation] = (turn, sources)

        def work() -> None:
            try:
                events.put(("done", conversation.ask(
                    question, mode, on_token=lambda piece: events.put(("token", piece)),
                    on_sources=numbered)))
            except Exception as err:  # noqa: BLE001 - raised again in the page's handler
                events.put(("error", err))

        threading.Thread(target=work, name="ikqa-draft", daemon=True).start()
        draft, checking = "", False
        while True:
            batch = [events.get()]
            while not events.empty():  # what arrived meanwhile is shown in one update
                batch.append(events.get_nowait())
            for kind, value in batch:
                if kind == "error":
                    raise value
                if kind == "done":
                    return value
                draft, checking = draft + value, checking or value == ""
            markers = {c.marker for c in self._drafts.get(conversation, (turn, []))[1]}
            html = draft_html(draft, turn, markers, checking)
            yield "", [*shown, {"role": "assistant", "content": html}], conversation, gr.skip()

    def restore_mode(self, saved: Any) -> Any:
        """On page load: the answer mode this browser picked last (ignored unless valid)."""
        return saved if isinstance(saved, str) and saved in ANSWER_MODES else gr.skip()

    def restore(self, saved: Any) -> tuple[list[Message], Conversation | None]:
        """On page load: the conversation kept in the browser, shown and ready for follow-ups."""
        turns = restored_turns(saved)
        if not turns:
            return [], None
        conversation = self.assistant.conversation()
        conversation.turns.extend(turns)
        return _history(conversation), conversation

    def open_citation(self, ref: str, conversation: Conversation | None) -> str:
        """The side panel for a clicked ``[n]``: the sentence highlighted in its paragraph
        ("close" or an unknown reference empties it)."""
        found = self._draft_cited(conversation, ref) or _cited(conversation, ref)
        if found is None:
            return PANEL_EMPTY
        citation, label = found
        return passage_html(self.assistant.passage(citation), label)

    def _draft_cited(self, conversation: Conversation | None, ref: str
                     ) -> tuple[Citation, str] | None:
        """The numbered sentence a draft's ``[n]`` (``#ikqa-d-<turn>-<n>``) names."""
        parsed = parse_ref(ref or "")
        if parsed is None or parsed[0] != "d" or conversation is None:
            return None
        turn, sources = self._drafts.get(conversation, (-1, []))
        found = next((c for c in sources if c.marker == parsed[2]), None)
        if turn != parsed[1] or found is None:
            return None
        return found, f"[{parsed[2]}] of the draft · not checked yet"

    def vote(self, data: gr.LikeData, conversation: Conversation | None) -> None:
        """Record a thumbs up/down on the answer it was given to."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = _answer_at(conversation, index // 2)
        if answer is None or data.liked not in (True, False):
            return
        self.assistant.record_feedback(answer, "up" if data.liked else "down")
        gr.Info("Thanks, your feedback was saved.")

    def ask_json(self, question: str, mode: str = "") -> dict[str, Any]:
        """One standalone question answered as ``ikqa ask --json`` prints it (``mode``: one
        of the answer modes; empty for the server's default)."""
        if mode and mode not in ANSWER_MODES:
            raise gr.Error(f"unknown answer mode {safe(mode)}: choose one of "
                           f"{', '.join(ANSWER_MODES)}")
        try:
            return self.assistant.explain(question, mode or None)[0].to_dict()
        except IkqaError as err:
            raise gr.Error(str(err)) from err


def _new_conversation() -> tuple[list[Message], None, str, str]:
    return [], None, PANEL_EMPTY, ""


def _picked_mode(mode: str) -> str:
    return mode


def _forget() -> list[dict[str, Any]]:
    return []


def _example_text(data: gr.SelectData) -> str:
    value = data.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def build_chat(assistant: "Assistant", demo: gr.Blocks) -> None:
    """Lay out the Chat tab inside the current ``gr.Blocks`` and wire its events."""
    h = ChatHandlers(assistant)
    conversation = gr.State(None)
    saved = gr.BrowserState([], storage_key=STORAGE_KEY)
    saved_mode = gr.BrowserState("", storage_key=MODE_KEY)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="Conversation", height=560, elem_id="ikqa-chat",
                                 examples=[{"text": q} for q in EXAMPLES], buttons=[],
                                 latex_delimiters=[],
                                 feedback_options=("Like", "Dislike"),
                                 placeholder="Ask about the indexed briefings. Every answer "
                                             "cites its sentences, or says the briefings "
                                             "don't answer it.")
            with gr.Row():
                box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=8,
                                 elem_id="ikqa-question", submit_btn=False)
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="ikqa-ask")
            with gr.Row(equal_height=False):
                mode = gr.Radio(mode_choices(ANSWER_MODES), value=h.mode(None), scale=2,
                                min_width=320, label="Answers", show_label=False, container=False,
                                elem_id="ikqa-mode", info=mode_help(ANSWER_MODES))
                new = gr.Button("New conversation", size="sm", elem_id="ikqa-new", scale=1)
                copy = gr.Button("Copy answer", size="sm", elem_id="ikqa-copy", scale=1)
        with gr.Column(scale=2):
            panel = gr.HTML(PANEL_EMPTY, elem_id="ikqa-passage", label="Cited passage")
    plain = gr.Textbox(visible="hidden", elem_id="ikqa-plain")
    bridge = gr.HTML("", html_template="", js_on_load=BRIDGE_JS, visible="hidden",
                     elem_id="ikqa-bridge")

    io = dict(fn=h.respond, inputs=[box, conversation, mode],
              outputs=[box, chatbot, conversation, plain], concurrency_id="answers",
              concurrency_limit=ANSWERS_AT_ONCE)
    keep: dict[str, Any] = dict(fn=saved_turns, inputs=conversation, outputs=saved,
                                api_visibility="private")
    forget: dict[str, Any] = dict(fn=_forget, inputs=None, outputs=saved, api_visibility="private")
    box.submit(**io, api_name="chat").then(**keep)
    send.click(**io, api_visibility="private").then(**keep)
    chatbot.example_select(_example_text, None, box, api_visibility="private").then(
        **io, api_visibility="private").then(**keep)
    fresh = [chatbot, conversation, panel, plain]
    new.click(_new_conversation, None, fresh, api_name="new_conversation").then(**forget)
    chatbot.clear(_new_conversation, None, fresh, api_visibility="private").then(**forget)
    demo.load(h.restore, saved, [chatbot, conversation], api_visibility="private")
    demo.load(h.restore_mode, saved_mode, mode, api_visibility="private", show_progress="hidden")
    mode.input(_picked_mode, mode, saved_mode, api_visibility="private", show_progress="hidden")
    copy.click(None, [plain], None, js=COPY_JS, api_visibility="private")
    bridge.click(h.open_citation, [bridge, conversation], panel, api_visibility="private")
    chatbot.like(h.vote, [conversation], None, api_visibility="private")
    gr.api(h.ask_json, api_name="ask")
