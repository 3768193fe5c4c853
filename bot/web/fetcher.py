"""The fetcher: every web request Pullquote makes (CLI, chat, feeds, Wikipedia) goes through it.

Built on aiohttp (already used by the adapters, so no second HTTP stack): its connector takes
a resolver, which is where the address check lives (see addresses.py), and it lets us follow
redirects by hand so every hop is checked. One Fetcher holds one session; open it with
`async with Fetcher(...) as fetcher:` and share it."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver
from multidict import CIMultiDict, CIMultiDictProxy
from protego import Protego
from yarl import URL

from bot import __version__
from bot.web.addresses import AddressPolicy, GuardedResolver, parse_numeric_host
from bot.web.body import (
    PAGE_TYPES,
    TEXT_TYPES,
    CappedDecoder,
    check_type,
    decode_body,
    media_type,
    too_large,
)
from bot.web.errors import FetchError

USER_AGENT = f"Pullquote/{__version__} (film review bot)"
ROBOTS_AGENT = "Pullquote"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much a fetch may take, and how hard we lean on one host."""

    total_timeout: float = 10.0
    connect_timeout: float = 5.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    robots_ttl: float = 3600.0
    robots_max_bytes: int = 512 * 1024


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched document: its final URL (after redirects), type and decoded text.
    `status` is 200, or 304 when a conditional request found nothing new (`text` empty)."""

    url: str
    requested_url: str
    status: int
    content_type: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str | None:
        """The ETag to send back as If-None-Match next time."""
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified to send back as If-Modified-Since next time."""
        return self.headers.get("Last-Modified")


def _seconds(limit: float) -> str:
    return f"{limit:g} s"


def check_url(url: str | URL) -> URL:
    """Parse a URL a person typed: http(s) with a host, or a clear FetchError."""
    try:
        parsed = url if isinstance(url, URL) else URL(url.strip())
    except (ValueError, TypeError):
        raise FetchError(f"not a valid URL: {url}") from None
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "no scheme"
        raise FetchError(f"refused: only http and https URLs can be fetched, not {shown}")
    if not parsed.raw_host:
        raise FetchError(f"not a valid URL (no host): {url}")
    if parsed.user or parsed.password:
        raise FetchError("refused: URLs with a user name or password are not fetched")
    return parsed.with_fragment(None)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class Fetcher:
    """Fetches pages safely: http(s) only; every host's addresses checked (first request and
    every redirect); connect and total timeouts; a size cap while reading; web-page types
    only; at most `limits.per_host` requests at a time per host; robots.txt on request."""

    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolver: AbstractResolver | None = None,
        limits: FetchLimits | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.policy = policy or AddressPolicy()
        self.limits = limits or FetchLimits()
        self._inner_resolver = resolver
        self._user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None
        self._robots: dict[str, tuple[float, Protego | bool]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.policy, self._inner_resolver),
                limit=64,
                limit_per_host=self.limits.per_host,
                ttl_dns_cache=60,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                trust_env=False,  # no proxy from the environment: the check must see the host
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self._user_agent, "Accept-Encoding": "gzip, deflate"},
            )
        return self._session

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self,
        url: str,
        *,
        accept: frozenset[str] = PAGE_TYPES,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> Page:
        """GET `url`, following at most `limits.max_redirects` redirects; raises FetchError
        with one line for people ("refused: 10.0.0.5 is a private address", "timed out after
        10 s", "not a web page: application/pdf", "too large: over 5 MB")."""
        start = check_url(url)
        total = self.limits.total_timeout
        try:
            async with asyncio.timeout(total):
                return await self._follow(start, accept, headers or {}, max_bytes)
        except TimeoutError:
            raise FetchError(f"timed out after {_seconds(total)}") from None

    async def _follow(
        self, url: URL, accept: frozenset[str], headers: Mapping[str, str], cap: int | None
    ) -> Page:
        session = self._open()
        requested = str(url)
        for _hop in range(self.limits.max_redirects + 1):
            url = self._checked(url)
            try:
                async with session.get(
                    url,
                    headers=headers,
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(sock_connect=self.limits.connect_timeout),
                ) as resp:
                    if resp.status in _REDIRECTS and "Location" in resp.headers:
                        url = _next_hop(url, resp.headers["Location"])
                        continue
                    return await self._page(resp, requested, accept, cap)
            except aiohttp.ClientError as exc:
                raise _client_error(exc, url, self.limits) from None
        raise FetchError(f"too many redirects (more than {self.limits.max_redirects})")

    def _checked(self, url: URL) -> URL:
        """Check a host written as an address before connecting (aiohttp does not resolve
        those), and write odd notations (0x7f.1) in the usual form."""
        host = url.raw_host or ""
        ip = parse_numeric_host(host)
        if ip is None:
            return url
        self.policy.check(ip)
        return url.with_host(str(ip)) if host.strip("[]") != str(ip) else url

    async def _page(
        self,
        resp: aiohttp.ClientResponse,
        requested: str,
        accept: frozenset[str],
        cap: int | None,
    ) -> Page:
        headers = _plain(resp.headers)
        if resp.status == 304:
            return Page(str(resp.url), requested, 304, "", "", headers)
        if resp.status >= 400 or resp.status in _REDIRECTS:
            raise _status_error(resp)
        if resp.status != 200:
            message = f"the site answered HTTP {resp.status}, not a page"
            raise FetchError(message, status=resp.status)
        limit = cap or self.limits.max_bytes
        if resp.content_length is not None and resp.content_length > limit and not (
            resp.headers.get("Content-Encoding")
        ):
            raise too_large(limit)
        kind, charset = media_type(resp.headers.get("Content-Type"))
        if kind is not None:
            check_type(kind, accept, b"")
        decoder = CappedDecoder(resp.headers.get("Content-Encoding"), limit)
        async for chunk in resp.content.iter_chunked(64 * 1024):
            decoder.feed(chunk)
        body = decoder.finish()
        kind = check_type(kind, accept, body[:64])
        return Page(str(resp.url), requested, 200, kind, decode_body(body, charset), headers)

    async def allowed_by_robots(self, url: str) -> bool:
        """Whether the site's robots.txt lets Pullquote fetch `url` (cached per site for
        `limits.robots_ttl`). No robots.txt (4xx) allows everything; a site that cannot be
        asked (5xx, network error) allows nothing, as RFC 9309 says."""
        target = check_url(url)
        origin = str(target.origin())
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached is None or cached[0] < time.monotonic():
                rules = await self._read_robots(origin)
                cached = (time.monotonic() + self.limits.robots_ttl, rules)
                self._robots[origin] = cached
        rules = cached[1]
        if isinstance(rules, bool):
            return rules
        return bool(rules.can_fetch(str(target), ROBOTS_AGENT))

    async def _read_robots(self, origin: str) -> Protego | bool:
        try:
            page = await self.fetch(
                origin + "/robots.txt",
                accept=TEXT_TYPES | PAGE_TYPES,
                max_bytes=self.limits.robots_max_bytes,
            )
        except FetchError as exc:
            # No robots.txt (4xx) allows everything; so does one we cannot read as text.
            if exc.status is not None:
                return 400 <= exc.status < 500
            return exc.message.startswith(("not a web page", "too large"))
        return Protego.parse(page.text)


def _next_hop(url: URL, location: str) -> URL:
    try:
        nxt = url.join(URL(location))
    except ValueError:
        raise FetchError(f"the site redirected to an invalid URL: {location[:200]}") from None
    return check_url(nxt)


def _plain(headers: CIMultiDictProxy[str]) -> CIMultiDict[str]:
    return CIMultiDict(headers)


def _status_error(resp: aiohttp.ClientResponse) -> FetchError:
    status = resp.status
    wait = retry_after(resp.headers.get("Retry-After")) if status in (429, 503) else None
    if status == 404 or status == 410:
        message = f"not found (HTTP {status})"
    elif status in (401, 403):
        message = f"the site refused access (HTTP {status})"
    elif status == 429:
        message = "the site asks us to slow down (HTTP 429)"
    elif status in _REDIRECTS:
        message = f"the site redirected (HTTP {status}) without saying where"
    else:
        message = f"the site answered HTTP {status} {resp.reason or ''}".rstrip()
    return FetchError(message, status=status, retry_after=wait)


def _client_error(exc: aiohttp.ClientError, url: URL, limits: FetchLimits) -> FetchError:
    host = url.host or url.raw_host or str(url)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        after = _seconds(limits.connect_timeout)
        return FetchError(f"timed out connecting to {host} after {after}")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError(f"cannot find the host {host}")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return FetchError(f"cannot connect to {host} securely (TLS certificate problem)")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return FetchError(f"cannot connect to {host}")
    if isinstance(exc, aiohttp.InvalidURL):
        return FetchError(f"not a valid URL: {exc}")
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return FetchError(f"{host} closed the connection before sending the whole page")
    return FetchError(f"the fetch from {host} failed ({type(exc).__name__})")
