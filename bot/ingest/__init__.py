"""Ingest review files into the store: readers for each format and the per-file pipeline."""
