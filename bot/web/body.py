"""A response body: which content types we take, capped decompression, and bytes to text.

Decompression is ours (aiohttp's is switched off) so that the size cap counts decompressed
bytes: a small gzip bomb stops at the cap instead of filling memory."""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes

from bot.web.errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
)
XML_TYPES = frozenset({"application/xml", "text/xml"})
PAGE_TYPES = HTML_TYPES | FEED_TYPES | XML_TYPES
"""What a URL typed by a person or found in a feed may be: web pages and feeds."""
JSON_TYPES = frozenset({"application/json"})
TEXT_TYPES = frozenset({"text/plain"})

_SNIFF_CHARS = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.()-]+)""", re.I
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Servers that never set a charset often send latin-1 or windows-1252 by default while the
# document is UTF-8; a UTF-8 body with multi-byte sequences is UTF-8 whatever the header says.
_DEFAULTISH = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii"})


def media_type(header: str | None) -> tuple[str | None, str | None]:
    """`text/html; charset=UTF-8` -> ("text/html", "UTF-8")."""
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for p in parts[1:]:
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return parts[0].lower() or None, charset


def check_type(kind: str | None, accept: frozenset[str], sniff: bytes) -> str:
    """The media type if `accept` takes it; a missing type is sniffed from the first bytes.
    Anything else raises "not a web page: application/pdf"."""
    if kind is None:
        head = sniff.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head == b"<" and accept & HTML_TYPES:
            return "text/html"
        if head in (b"{", b"[") and accept & JSON_TYPES:
            return "application/json"
        raise FetchError("not a web page: the server did not say what it sent")
    if kind in accept:
        return kind
    if kind.endswith("+xml") and accept & XML_TYPES:
        return kind
    raise FetchError(f"not a web page: {kind}")


class CappedDecoder:
    """Content-Encoding undone chunk by chunk, refusing once the output passes `cap` bytes."""

    def __init__(self, encoding: str | None, cap: int) -> None:
        self._cap = cap
        self._size = 0
        self._chunks: list[bytes] = []
        enc = (encoding or "identity").strip().lower()
        self._zlib: zlib._Decompress | None
        self._raw_fallback = False
        if enc in ("identity", ""):
            self._zlib = None
        elif enc in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_fallback = True
        else:
            raise FetchError(f"not a web page: unsupported content encoding {enc}")

    def feed(self, chunk: bytes) -> None:
        """Add a chunk of the body as received."""
        if self._zlib is None:
            self._add(chunk)
            return
        room = self._cap - self._size + 1
        try:
            out = self._zlib.decompress(chunk, room)
        except zlib.error:
            if not (self._raw_fallback and self._size == 0):
                raise FetchError("the page is damaged: its compression is broken") from None
            self._raw_fallback = False
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(chunk, room)
        self._raw_fallback = False
        self._add(out)
        if self._zlib.unconsumed_tail:
            self._too_large()

    def finish(self) -> bytes:
        """The whole decoded body."""
        if self._zlib is not None:
            self._add(self._zlib.flush())
        return b"".join(self._chunks)

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._cap:
            self._too_large()
        self._chunks.append(data)

    def _too_large(self) -> None:
        raise too_large(self._cap)


def too_large(cap: int) -> FetchError:
    """"too large: over 5 MB" (or KB for small caps)."""
    size = f"{cap // (1024 * 1024)} MB" if cap >= 1024 * 1024 else f"{cap // 1024} KB"
    return FetchError(f"too large: over {size}")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _try(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def declared_charset(body: bytes) -> str | None:
    """The encoding the document itself declares: an XML declaration or an HTML meta tag."""
    head = body[:_SNIFF_CHARS]
    m = _XML_ENCODING.match(head.lstrip()) or _META_CHARSET.search(head)
    return _codec(m.group(1).decode("ascii", "replace")) if m else None


def decode_body(body: bytes, header_charset: str | None) -> str:
    """Bytes to text: the BOM, else the header's charset, else the document's own declaration,
    else UTF-8, else detection. A charset that cannot decode the bytes is skipped."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_codec, "replace")
    header = _codec(header_charset)
    if header in _DEFAULTISH and not body.isascii():
        as_utf8 = _try(body, "utf-8")
        if as_utf8 is not None:
            return as_utf8
    for codec in (header, declared_charset(body), "utf-8"):
        text = _try(body, codec)
        if text is not None:
            return text
    best = from_bytes(body[: 512 * 1024]).best()
    detected = _codec(best.encoding) if best is not None else None
    return body.decode(detected or "cp1252", "replace")
