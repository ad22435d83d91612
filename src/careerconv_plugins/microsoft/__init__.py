"""Microsoft 365 calendars through Microsoft Graph."""
