"""Answering: a standalone question -> scored evidence sentences -> an ``Answer`` with ``[n]``.

``qtype`` says what kind of fact a question asks for, ``retrieve`` fuses dense and BM25 chunk
rankings and scores sentences, ``compose`` turns the evidence into a cited answer or abstains.

May import: ``ikqa.config``, ``ikqa.errors``, ``ikqa.types``, ``ikqa.indexing`` and itself.
"""
