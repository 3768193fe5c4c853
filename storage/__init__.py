"""Persistence: the Store protocol, its records and the aiosqlite implementation."""
