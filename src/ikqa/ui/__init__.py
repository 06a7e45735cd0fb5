"""The web page: a Gradio app with Chat and Sources tabs, and how it is served safely.

``app`` builds and launches the page, ``chat_tab`` and ``sources_tab`` are its tabs, ``render``
turns answers, passages and sources into escaped HTML. Display only: every question and change
goes through ``ikqa.assistant.Assistant`` (and ``ikqa.chat`` for conversations).

May import: ``ikqa.config``, ``ikqa.errors``, ``ikqa.types``, ``ikqa.assistant``, ``ikqa.chat``,
``ikqa.feedback`` and itself; never ``indexing``, ``answering`` or ``evaluation`` directly.
"""
