"""The SQLite plan store, the embedded default: one file, no server.

Plans, people, the due index, the outbox and poll cursors live in one
database file; every ``commit`` is one transaction. See ``store.SqliteStore``.
"""
