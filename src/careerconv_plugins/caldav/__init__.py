"""CalDAV calendars (RFC 4791): conditional writes, idempotent sync, free/busy."""
