"""Test support for logging in: staff in tests pass the second factor like real staff do."""
