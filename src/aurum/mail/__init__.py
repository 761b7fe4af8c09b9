"""Outgoing email: message building, senders (console, file, SMTP) and the delivery queue."""
