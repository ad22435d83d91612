"""The SQLite plan store, the embedded default: one file, no server.

Plans, people, the due index, the outbox and poll cursors live in one
database file; every ``commit`` is one transaction. The store's semantics are
shared with every SQL store (``careerconv_plugins.sql``); this folder holds
only what SQLite does its own way: ``client`` (the connection, ``BEGIN
IMMEDIATE``, error translation), ``mapping`` (how values are stored),
``schema`` (the migrations) and ``adapter.SqliteStore``.
"""
