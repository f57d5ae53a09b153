"""Helpers of the reliability tests (tests/test_reliability_*.py): the local SMTP server,
the script that runs a scheduled action in a process of its own, and set-based loaders of
committed test data for the reliability database."""
