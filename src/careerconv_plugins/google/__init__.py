"""Google Calendar API v3: deterministic event ids, patches of what changed, free/busy, answers."""
