"""Indexing: sources folder -> per-brief records -> an index snapshot on disk, and its read side.

Reads files by format (``formats``), cuts briefs into sentences and chunks (``briefs``), embeds
them (``embed``), keeps per-brief records (``records``), writes and switches index snapshots
(``snapshots``) under one writer lock (``locking``), runs an ingest and shows its progress
(``run``, ``progress``), adds and removes single sources (``uploads``, ``library``), and opens the
current snapshot for reading (``store``, ``passage``). ``lexical`` is the one tokeniser shared by
the BM25 side index and the answering layer.

May import: ``ikqa.config``, ``ikqa.errors``, ``ikqa.types`` and itself. Nothing above it.
"""
