"""Which addresses a fetch may reach, and a resolver that refuses the others.

The check runs on the addresses the connection will actually use: the resolver below is
handed to aiohttp's connector, which connects only to what the resolver returned, so a name
cannot resolve to a public address for the check and a private one for the connection.
Hosts written as numbers are parsed the way browsers parse them (WHATWG URL: decimal, octal,
hex and short forms such as 2130706433 or 0x7f.1), so odd notations cannot slip past."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.web.errors import AddressRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _ipv4_part(part: str) -> int | None:
    """One dotted part as a number (0x.. hex, 0.. octal, else decimal); None if not numeric."""
    if part[:2].lower() == "0x":
        digits, base = part[2:], 16
        if digits == "":
            return 0
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    try:
        return int(digits, base) if digits.isascii() and digits.isalnum() else None
    except ValueError:
        return None


def parse_numeric_host(host: str) -> IPAddress | None:
    """The address a host written as an IP denotes, in any notation a browser accepts; None
    for a name. Raises AddressRefused for a host that ends in a number but is no address."""
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        if "%" in host:
            raise AddressRefused(f"refused: {host} has a zone index")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise AddressRefused(f"refused: {host} is not a valid address") from None
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not parts or _ipv4_part(parts[-1]) is None:
        return None  # a domain name: WHATWG treats a host as IPv4 only when it ends in a number
    numbers = [_ipv4_part(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise AddressRefused(f"refused: {host} is not a valid address")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise AddressRefused(f"refused: {host} is not a valid address")
    number = values[-1]
    for i, n in enumerate(values[:-1]):
        number += n << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def why_not_public(ip: IPAddress) -> str | None:
    """What makes `ip` off limits ("a private address"), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and (reason := why_not_public(inner)) is not None:
            return reason
    if ip in METADATA_ADDRESSES:
        return "the cloud metadata address"
    for test, reason in (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return reason
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be reached: public ones only, unless `allow_private` (the setting
    PULLQUOTE_ALLOW_PRIVATE_URLS). `trusted` networks are allowed even when private: for
    embedding and tests (a loopback site standing in for a public one)."""

    allow_private: bool = False
    trusted: tuple[IPNetwork, ...] = ()

    def check(self, ip: IPAddress, host: str | None = None) -> None:
        """Raise AddressRefused when `ip` (which `host` resolved to, if given) is off limits."""
        if self.allow_private or any(ip.version == n.version and ip in n for n in self.trusted):
            return
        reason = why_not_public(ip)
        if reason is None:
            return
        shown = shown_address(ip)
        if host is None or parse_numeric_host(host) == ip:
            raise AddressRefused(f"refused: {shown} is {reason}")
        raise AddressRefused(f"refused: {host} resolves to {shown}, {reason}")


def shown_address(ip: IPAddress) -> str:
    """An address as people write it (IPv4-mapped IPv6 keeps its dotted tail)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return f"::ffff:{ip.ipv4_mapped}"
    return str(ip)


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that refuses a host when ANY of its addresses is off limits, and
    returns only checked addresses (the connector connects to nothing else)."""

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve `host` with the inner resolver and check every address it gives."""
        literal = parse_numeric_host(host)
        if literal is not None:
            self._policy.check(literal)
            return [_result(host, literal, port)]
        results = await self._inner.resolve(host, port, family)
        self.check_all(host, (r["host"] for r in results))
        return results

    def check_all(self, host: str, addresses: Iterable[str]) -> None:
        """Check every resolved address of `host` (refusing on the first bad one)."""
        for address in addresses:
            self._policy.check(ipaddress.ip_address(address.split("%", 1)[0]), host)

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()


def _result(host: str, ip: IPAddress, port: int) -> ResolveResult:
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    return {
        "hostname": host,
        "host": str(ip),
        "port": port,
        "family": family,
        "proto": 0,
        "flags": socket.AI_NUMERICHOST,
    }
