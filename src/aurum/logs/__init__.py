"""Logs: one setup per process, request ids, and one access line per request."""
