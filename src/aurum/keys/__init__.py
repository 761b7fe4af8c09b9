"""Signing-key lifecycle: rotation, retirement, and each instance keeping its keys current."""
