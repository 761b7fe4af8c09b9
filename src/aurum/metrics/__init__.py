"""Prometheus metrics: the instruments, the request middleware, and what a scrape returns.

One set of instruments per process. Under `aurum serve` with metrics on, every worker
writes its values to files in one directory (the client library's multiprocess mode) and a
scrape, answered by any process, adds them up.
"""
