"""The org file: a TOML or CSV list of people, the embedded default HRIS source."""
