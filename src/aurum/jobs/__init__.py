"""Durable background work: job rows written with the change that causes them, run by a
runner in every service process (see docs/jobs.md)."""
