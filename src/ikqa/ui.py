"""The web page: a Gradio chat that shows each answer and, under it, the sentences it cites.

Display only: every question goes through ``Assistant`` (one ``Conversation`` per
browser session, so follow-ups work and sessions never mix).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import gradio as gr

    from .assistant import Assistant
    from .chat import Conversation
    from .types import Answer

__all__ = ["build_ui", "render_answer"]

EXAMPLES = [
    "Where is the India Korea Centre for Research & Innovation based?",
    "What is FORGE?",
    "Who launched it?",
    "What does the cross-border payment linkage allow?",
]


def render_answer(answer: "Answer") -> str:
    """Markdown for one answer: the text, then its cited sentences with their source."""
    lines = [answer.text]
    if answer.citations:
        lines.append("")
        lines.append("**Sources**")
        for c in answer.citations:
            lines.append(f"- **[{c.marker}]** *{c.title}* (`{c.source}`, "
                         f"chars {c.start}–{c.end}): “{c.text}”")
    elif answer.abstained and answer.related:
        lines.append("")
        lines.append("**Related, but not an answer**")
        lines.extend(f"- *{c.title}* (`{c.source}`): “{c.text}”" for c in answer.related)
    return "\n".join(lines)


def build_ui(assistant: "Assistant") -> "gr.Blocks":
    """The chat page, wired to ``assistant``."""
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]],
                conversation: "Conversation | None") -> tuple[str, list[dict[str, Any]], Any]:
        conversation = conversation or assistant.conversation()
        if not message.strip():
            return "", history, conversation
        answer = conversation.ask(message)
        history = [*history, {"role": "user", "content": message},
                   {"role": "assistant", "content": render_answer(answer)}]
        return "", history, conversation

    def new_conversation() -> tuple[list[dict[str, Any]], None]:
        return [], None

    with gr.Blocks(title="ikqa: cited answers from policy briefings") as demo:
        gr.Markdown("## ikqa\nAsk about the indexed briefings. Every answer cites the exact "
                    "sentences it rests on, or says the briefings don't answer it.")
        conversation = gr.State(None)
        chatbot = gr.Chatbot(label="Conversation", height=520, elem_id="ikqa-chat")
        with gr.Row():
            box = gr.Textbox(placeholder="Ask a question…", show_label=False, scale=8,
                             elem_id="ikqa-question")
            send = gr.Button("Ask", variant="primary", scale=1)
            clear = gr.Button("New conversation", scale=1)
        gr.Examples(EXAMPLES, inputs=box)
        io = ([box, chatbot, conversation], [box, chatbot, conversation])
        box.submit(respond, *io, api_name="chat")
        send.click(respond, *io, api_visibility="private")
        clear.click(new_conversation, None, [chatbot, conversation], api_name="new_conversation")
    return demo
