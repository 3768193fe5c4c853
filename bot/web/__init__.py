"""Fetching from the web: one SSRF-safe fetcher that every URL, feed and API call goes through."""

from bot.web.addresses import AddressPolicy
from bot.web.errors import AddressRefused, FetchError
from bot.web.fetcher import Fetcher, FetchLimits, Page

__all__ = ["AddressPolicy", "AddressRefused", "FetchError", "FetchLimits", "Fetcher", "Page"]
