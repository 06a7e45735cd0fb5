"""Evaluation: gold question sets, judge-free metrics, runs, reports and the recipe baseline.

``metrics`` loads and validates the sets and scores answers against gold annotations, ``run``
drives ``ikqa eval``, ``report`` writes the table, ``results.json``, ``report.md`` and plots,
``baseline`` is the plain llama-index recipe measured beside ikqa.

May import: ``ikqa.config``, ``ikqa.errors``, ``ikqa.types``, ``ikqa.assistant``, ``ikqa.chat``,
``ikqa.indexing``, ``ikqa.answering`` and itself; never ``ikqa.ui``.
"""
