"""Jira tracker adapter: GROW actions as Jira Cloud or Data Center issues."""
