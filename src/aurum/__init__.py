"""Aurum Identity: the identity and user-management service of the Aurum platform."""

__version__ = "0.1.0"
