"""The PostgreSQL plan store: the shared store when one machine is not enough.

Same port and same contract as the SQLite store. Several dispatchers may run
against one database: ``claim_outbox`` leases rows with
``SELECT ... FOR UPDATE SKIP LOCKED``, so no entry is delivered twice.
Needs the ``postgres`` extra (psycopg 3). See ``store.PostgresStore``.
"""
