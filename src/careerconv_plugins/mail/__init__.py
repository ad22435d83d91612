"""Mail adapters: iMIP invites over SMTP (``calendar_adapter``), and notices over SMTP or as
``.eml`` files (``notifier_adapter``); ``mapping`` builds the messages, ``client`` speaks SMTP."""
