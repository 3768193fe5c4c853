"""The fetcher against a loopback review site, with the private-address check on (DNS answers
controlled by the test; one loopback address stands in for a public site) and off."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot import __version__
from bot.web import AddressPolicy, AddressRefused, Fetcher, FetchError, FetchLimits
from bot.web.addresses import parse_numeric_host, why_not_public
from tests.web_fake import ReviewSite, StaticResolver, serve

PUBLIC_STANDIN = "127.0.0.2"  # serves "reviews.example"; trusted like a public address


@pytest.fixture
async def site() -> AsyncIterator[tuple[ReviewSite, int]]:
    s = ReviewSite()
    async with serve(s.app, PUBLIC_STANDIN) as port:
        yield s, port


@pytest.fixture
async def inside() -> AsyncIterator[tuple[ReviewSite, int]]:
    """A site on 127.0.0.1: what an attacker would like the bot to reach."""
    s = ReviewSite()
    async with serve(s.app, "127.0.0.1") as port:
        yield s, port


def guarded(**limits: float) -> Fetcher:
    resolver = StaticResolver(
        {
            "reviews.example": [PUBLIC_STANDIN],
            "evil.example": ["127.0.0.1"],
            "intranet.example": ["10.0.0.5"],
            "metadata.example": ["169.254.169.254"],
            "v6loop.example": ["::1"],
            "mapped.example": ["::ffff:127.0.0.1"],
            "mixed.example": [PUBLIC_STANDIN, "192.168.1.20"],
        }
    )
    policy = AddressPolicy(trusted=(ipaddress.ip_network(f"{PUBLIC_STANDIN}/32"),))
    return Fetcher(policy=policy, resolver=resolver, limits=FetchLimits(**limits))  # type: ignore[arg-type]


# -- addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0.0.5.", "10.0.0.5"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("reviews.example", None),
        ("0xfilm.example", None),
    ],
)
def test_numeric_hosts_parse_as_browsers_do(host: str, address: str | None) -> None:
    expected = ipaddress.ip_address(address) if address else None
    assert parse_numeric_host(host) == expected


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.1.1.1", "0x1.0x100.1.1", "09.1.1.1"])
def test_malformed_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(AddressRefused, match="not a valid address"):
        parse_numeric_host(host)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.20.1.1", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("::ffff:10.0.0.5", "private"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::a00:5", "private"),
        ("fe80::1", "link-local"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public"),
    ],
)
def test_addresses_off_limits(address: str, reason: str) -> None:
    found = why_not_public(ipaddress.ip_address(address))
    assert found is not None and reason in found


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert why_not_public(ipaddress.ip_address(address)) is None


# -- the check on ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("evil.example", "refused: evil.example resolves to 127.0.0.1, a loopback address"),
        ("intranet.example", "refused: intranet.example resolves to 10.0.0.5, a private address"),
        ("metadata.example", "169.254.169.254, the cloud metadata address"),
        ("v6loop.example", "resolves to ::1, a loopback address"),
        ("mapped.example", "resolves to ::ffff:127.0.0.1, a loopback address"),
        ("mixed.example", "resolves to 192.168.1.20, a private address"),
    ],
)
async def test_names_resolving_inside_are_refused(
    inside: tuple[ReviewSite, int], host: str, message: str
) -> None:
    s, port = inside
    async with guarded() as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.fetch(f"http://{host}:{port}/film/glass-orchard-review")
    assert str(caught.value) == message or message in str(caught.value)
    assert s.hits == {}


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/film/glass-orchard-review",
        "http://2130706433:{port}/film/glass-orchard-review",
        "http://0x7f.1:{port}/film/glass-orchard-review",
        "http://017700000001:{port}/film/glass-orchard-review",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://10.0.0.5/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
    ],
)
async def test_addresses_inside_are_refused(inside: tuple[ReviewSite, int], target: str) -> None:
    s, port = inside
    async with guarded() as fetcher:
        with pytest.raises(AddressRefused, match=r"^refused: .* is (a|an|the|not) "):
            await fetcher.fetch(target.format(port=port))
    assert s.hits == {}


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{inside}/film/glass-orchard-review",
        "http://mapped.example:{inside}/",
        "http://[::ffff:7f00:1]:{inside}/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://0x7f.1:{inside}/",
        "http://evil.example:{inside}/",
    ],
)
async def test_redirects_inside_are_refused(
    site: tuple[ReviewSite, int], inside: tuple[ReviewSite, int], target: str
) -> None:
    outer, port = site
    victim, inside_port = inside
    url = target.format(inside=inside_port)
    async with guarded() as fetcher:
        with pytest.raises(FetchError, match=r"^(refused|cannot find)"):
            await fetcher.fetch(f"http://reviews.example:{port}/go?to={url}")
    assert outer.hits == {"/go": 1}
    assert victim.hits == {}


async def test_public_standin_is_fetched_with_the_check_on(site: tuple[ReviewSite, int]) -> None:
    s, port = site
    async with guarded() as fetcher:
        page = await fetcher.fetch(f"http://reviews.example:{port}/old-link")
    assert page.url.endswith("/film/glass-orchard-review")
    assert page.requested_url.endswith("/old-link")
    assert "The Glass Orchard" in page.text and page.content_type == "text/html"
    assert s.user_agents and all(f"Pullquote/{__version__}" in ua for ua in s.user_agents)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://reviews.example/x", "only http and https"),
        ("gopher://127.0.0.1:70/", "only http and https"),
        ("http://user:pw@reviews.example/", "user name or password"),
        ("http:///nohost", "no host"),
    ],
)
async def test_only_plain_web_urls(url: str, message: str) -> None:
    async with guarded() as fetcher:
        with pytest.raises(FetchError, match=message):
            await fetcher.fetch(url)


async def test_real_dns_for_localhost_is_refused(inside: tuple[ReviewSite, int]) -> None:
    s, port = inside
    async with Fetcher() as fetcher:  # the system resolver, the check on
        with pytest.raises(AddressRefused, match="refused: localhost resolves to"):
            await fetcher.fetch(f"http://localhost:{port}/")
    assert s.hits == {}


async def test_allow_private_lifts_the_check(inside: tuple[ReviewSite, int]) -> None:
    _, port = inside
    async with Fetcher(policy=AddressPolicy(allow_private=True)) as fetcher:
        page = await fetcher.fetch(f"http://127.0.0.1:{port}/film/glass-orchard-review")
    assert "Lena Korvath" in page.text


# -- what comes back -----------------------------------------------------------------------------


async def test_gzip_is_decoded(site: tuple[ReviewSite, int]) -> None:
    _, port = site
    async with guarded() as fetcher:
        page = await fetcher.fetch(f"http://reviews.example:{port}/gzip")
    assert "‘The Glass Orchard’ review" in page.text


@pytest.mark.parametrize("path", ["/bomb", "/huge", "/huge-declared"])
async def test_size_cap_while_reading(site: tuple[ReviewSite, int], path: str) -> None:
    _, port = site
    async with guarded() as fetcher:
        with pytest.raises(FetchError, match=r"^too large: over 5 MB$"):
            await fetcher.fetch(f"http://reviews.example:{port}{path}")


@pytest.mark.parametrize(
    ("path", "message", "status"),
    [
        ("/paper.pdf", "not a web page: application/pdf", None),
        ("/missing", "not found (HTTP 404)", 404),
        ("/broken", "the site answered HTTP 500 Internal Server Error", 500),
        ("/loop/0", "too many redirects (more than 5)", None),
        ("/nowhere-at-all", "not found (HTTP 404)", 404),
    ],
)
async def test_failures_are_one_clear_line(
    site: tuple[ReviewSite, int], path: str, message: str, status: int | None
) -> None:
    _, port = site
    async with guarded() as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(f"http://reviews.example:{port}{path}")
    assert str(caught.value) == message
    assert caught.value.status == status


async def test_redirect_limit_counts_hops(site: tuple[ReviewSite, int]) -> None:
    s, port = site
    async with guarded() as fetcher:
        with pytest.raises(FetchError, match="too many redirects"):
            await fetcher.fetch(f"http://reviews.example:{port}/loop/0")
    assert sum(n for p, n in s.hits.items() if p.startswith("/loop/")) == 6


async def test_total_timeout(site: tuple[ReviewSite, int]) -> None:
    _, port = site
    async with guarded(total_timeout=0.3) as fetcher:
        with pytest.raises(FetchError, match=r"^timed out after 0.3 s$"):
            await fetcher.fetch(f"http://reviews.example:{port}/slow")


async def test_unknown_host(site: tuple[ReviewSite, int]) -> None:
    _, port = site
    async with guarded() as fetcher:
        with pytest.raises(FetchError, match=r"cannot find the host nowhere\.example"):
            await fetcher.fetch(f"http://nowhere.example:{port}/")


@pytest.mark.parametrize(
    "path", ["/cp1252-labelled-utf8", "/utf8-labelled-latin1", "/no-charset"]
)
async def test_charsets_from_header_document_or_detection(
    site: tuple[ReviewSite, int], path: str
) -> None:
    _, port = site
    async with guarded() as fetcher:
        page = await fetcher.fetch(f"http://reviews.example:{port}{path}")
    assert "Café Müller’s Last Summer" in page.text
    assert "a waiter’s shrug" in page.text


async def test_at_most_two_requests_per_host(site: tuple[ReviewSite, int]) -> None:
    s, port = site
    async with guarded() as fetcher:
        pages = await asyncio.gather(
            *(fetcher.fetch(f"http://reviews.example:{port}/busy") for _ in range(8))
        )
    assert len(pages) == 8
    assert s.in_flight_max == 2


async def test_robots_txt(site: tuple[ReviewSite, int]) -> None:
    s, port = site
    base = f"http://reviews.example:{port}"
    async with guarded() as fetcher:
        assert await fetcher.allowed_by_robots(f"{base}/film/glass-orchard-review")
        assert not await fetcher.allowed_by_robots(f"{base}/drafts/next-week")
        assert await fetcher.allowed_by_robots(f"{base}/private/x")  # our group overrides *
    assert s.hits["/robots.txt"] == 1


async def test_robots_missing_allows_and_unreachable_forbids() -> None:
    missing = web.Application()
    async with serve(missing, PUBLIC_STANDIN) as port, guarded() as fetcher:
        assert await fetcher.allowed_by_robots(f"http://reviews.example:{port}/a")
    broken = web.Application()

    async def fail(_: web.Request) -> web.Response:
        raise web.HTTPServiceUnavailable()

    broken.router.add_get("/robots.txt", fail)
    async with serve(broken, PUBLIC_STANDIN) as port, guarded() as fetcher:
        assert not await fetcher.allowed_by_robots(f"http://reviews.example:{port}/a")
