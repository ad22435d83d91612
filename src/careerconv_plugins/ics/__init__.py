"""iCalendar files on disk: the embedded calendar backend and the shared RFC 5545 mapping."""
