"""BambooHR: the directory and 'Reporting to' as an HRIS source, webhooks, summary files."""
