"""Outgoing email: message building, senders (console, file, SMTP), delivery as a job."""
