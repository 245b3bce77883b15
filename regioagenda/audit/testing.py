"""Watchers over the whole test run: secrets in logs, stack traces and headers in responses."""
