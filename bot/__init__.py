"""Pullquote's core: extraction, picking, formatting, commands and the CLI."""

__version__ = "0.1.0"
