"""The load and fault test (tests/load/README.md)."""
