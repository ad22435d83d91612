"""Embedded defaults that need no server: a folder of ticket files as the tracker, and
a folder of summary files as the HR record."""
