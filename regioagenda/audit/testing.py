"""Watchers over the whole test run: secrets in logs, stack traces and missing headers in responses."""
