"""The PostgreSQL plan store: the shared store when one machine is not enough.

Same port and same contract as the SQLite store, and the same semantics
(``careerconv_plugins.sql``). Several dispatchers may run against one
database: claiming leases rows picked with ``SELECT ... FOR UPDATE SKIP
LOCKED``, so no entry is delivered twice. This folder holds only what
PostgreSQL does its own way: ``client``, ``mapping``, ``schema`` and
``adapter.PostgresStore``. Needs the ``postgres`` extra (psycopg 3).
"""
