"""Benchmarks: run by `make bench` (pytest tests/benchmarks), never by `make test`."""
