"""adapters.wire: lengths as the platforms count them, shortening within them, and links
made RFC 3986 URIs."""

from __future__ import annotations

import pytest

from adapters.wire import cut, fit, one_line, units, web_url
from tests import hostile
from tests.platform_specs import FORMATS


def test_units_count_utf16_code_units() -> None:
    assert units("abc") == 3
    assert units(hostile.FLAG) == 4 and len(hostile.FLAG) == 2
    assert units("é") == 1 and units("e\u0301") == 2
    assert units(hostile.FAMILY) == 11


@pytest.mark.parametrize("budget", [-3, 0, 1, 2, 5, 17, 100, 1000])
def test_fit_and_cut_never_exceed_the_budget(budget: int) -> None:
    for text in hostile.TEXTS:
        for render in (str, lambda t: t.replace("*", "\\*"), lambda t: f"||{t}||"):
            out = fit(text, budget, render)
            assert units(out) <= max(budget, 0), (text[:20], budget)
        assert units(cut(text, budget)) <= max(budget, 0)


def test_fit_cuts_at_a_word_and_keeps_what_fits() -> None:
    assert fit("one two three", 100) == "one two three"
    assert fit("one two three four", 12) == "one two…"
    assert fit(hostile.FLAG * 10, 9) == hostile.FLAG * 2 + "…"  # one enormous word, cut
    assert fit("a " * 50, 20, lambda t: t.upper()).startswith("A A")


def test_one_line() -> None:
    assert one_line(" Ada\n\nBrook,\tReel  Weekly ") == "Ada Brook, Reel Weekly"
    assert one_line("\n \u2028") == "" and one_line(None) == ""


@pytest.mark.parametrize("url", [u for u in hostile.URLS if u])
def test_web_url_gives_a_valid_uri_or_nothing(url: str) -> None:
    out = web_url(url)
    if out is not None:
        assert FORMATS.conforms(out, "uri"), out
        assert out.startswith(("http://", "https://")) and len(out) <= 2048
        assert web_url(out) == out  # encoding twice changes nothing


def test_web_url_limit_and_what_it_drops() -> None:
    assert web_url("https://example.org/" + "p" * 100, limit=50) is None
    for bad in ("mailto:a@example.org", "https:///nohost", "https://ex ample.org",
                "https://example.org:99999/", "https://[::1/", "https://" + "a" * 64 + ".org",
                "https://-bad-.org/"):
        assert web_url(bad) is None, bad
    assert web_url("HTTPS://Example.ORG") == "https://example.org/"
    assert web_url("https://example.org/a?b=1&c=%41#top") == "https://example.org/a?b=1&c=%41#top"
