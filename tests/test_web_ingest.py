"""Ingest from the web: review pages from a loopback review site and articles from a
loopback MediaWiki API, read, extracted and stored for real; files, URLs and wikipedia:
targets mixed in one call."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ingest.readers import Defaults
from bot.ingest.targets import (
    WebSettings,
    expand_targets,
    ingest_targets,
    prepare_url,
    prepare_wikipedia,
)
from bot.ingest.wikipedia import WikipediaClient, WikipediaError
from bot.service import Service
from bot.web import AddressPolicy, Fetcher
from storage.records import NewReview
from storage.sqlite import SQLiteStore
from tests.mediawiki_fake import MediaWikiFake
from tests.web_fake import ReviewSite, StaticResolver, serve

BOILERPLATE = (
    "Sign up",
    "newsletter",
    "Read more",
    "Related articles",
    "ranked from worst to best",
    "Photograph: Harbour",
    "silent breakfast",
    "walked out after forty minutes",
    "masterpiece and everyone",
    "All rights reserved",
    "free articles",
    "Share this review",
    "stormy night",
)


@pytest.fixture
async def site() -> AsyncIterator[str]:
    async with serve(ReviewSite().app, "127.0.0.1") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
async def wiki() -> AsyncIterator[tuple[MediaWikiFake, str]]:
    fake = MediaWikiFake()
    async with serve(fake.app, "127.0.0.1") as port:
        yield fake, f"http://127.0.0.1:{port}/w/api.php"


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(policy=AddressPolicy(allow_private=True)) as f:
        yield f


def snippets(review: NewReview, kind: str) -> list[tuple[str, str | None, str | None]]:
    return [(s.text, s.critic, s.outlet) for s in review.snippets if s.kind == kind]


# -- review pages --------------------------------------------------------------------------------


async def test_json_ld_review_page(site: str, fetcher: Fetcher) -> None:
    [review] = await prepare_url(f"{site}/film/glass-orchard-review", fetcher, Defaults())
    assert (review.film.title, review.film.year) == ("The Glass Orchard", 2023)
    assert review.film.director == "Lena Korvath"
    assert review.film.cast[:2] == ("Ada Voss", "Tomas Reyne")
    assert (review.critic, review.outlet) == ("Maren Holt", "The Northern Lantern")
    assert review.url == "https://lantern.example/film/glass-orchard-review"  # canonical
    assert str(review.published) == "2024-03-08" and review.rating == "4/5"
    assert (
        "a film that aches like a bruise you keep pressing,",
        "Jonah Pike",
        "The Harbour Review",
    ) in snippets(review, "critic_quote")
    dates = {(r.region, r.year, r.month, r.day) for r in review.releases}
    assert ("GB", 2024, 3, 22) in dates
    assert not review.text.startswith("‘The Glass Orchard’ review")  # the headline is not text


@pytest.mark.parametrize(
    "path", ["/film/glass-orchard-review", "/reviews/tin-lantern", "/culture/saltmarsh", "/gzip"]
)
async def test_boilerplate_never_becomes_a_snippet(site: str, fetcher: Fetcher, path: str) -> None:
    [review] = await prepare_url(site + path, fetcher, Defaults())
    assert review.snippets
    for text in [review.text, *(s.text for s in review.snippets)]:
        for noise in BOILERPLATE:
            assert noise.lower() not in text.lower(), (noise, text)


async def test_microdata_review_page(site: str, fetcher: Fetcher) -> None:
    [review] = await prepare_url(f"{site}/reviews/tin-lantern", fetcher, Defaults())
    assert (review.film.title, review.film.year, review.film.director) == (
        "The Tin Lantern",
        1998,
        "Oskar Brandl",
    )
    assert (review.critic, review.outlet, str(review.published)) == (
        "Celia Marsh",
        "Cinema Ledger",
        "2019-11-02",
    )
    assert review.rating == "3/4"
    assert ("the quietest horror film ever made, and the most frightening,", "Henrik Sand",
            "Nordlicht Post") in snippets(review, "critic_quote")


async def test_opengraph_page_film_from_headline(site: str, fetcher: Fetcher) -> None:
    [review] = await prepare_url(f"{site}/culture/saltmarsh", fetcher, Defaults())
    assert review.film.title == "Saltmarsh"
    assert (review.critic, review.outlet, str(review.published)) == (
        "Rosa Lindqvist",
        "Weekend Picture Post",
        "2022-06-17",
    )
    assert review.url == "https://picturepost.example/culture/saltmarsh"


async def test_flags_override_the_page(site: str, fetcher: Fetcher) -> None:
    flags = Defaults(film="Orchard of Glass", year=2022, critic="M. Holt", outlet="Lantern")
    [review] = await prepare_url(f"{site}/film/glass-orchard-review", fetcher, flags)
    assert (review.film.title, review.film.year) == ("Orchard of Glass", 2022)
    assert (review.critic, review.outlet) == ("M. Holt", "Lantern")


async def test_page_with_no_film_is_rejected_and_stores_nothing(
    site: str, store: SQLiteStore
) -> None:
    targets = [f"{site}/blog/no-film", f"{site}/paper.pdf", f"{site}/missing", f"{site}/huge"]
    report = await ingest_targets(targets, store, Defaults(), web=WebSettings(allow_private=True))
    assert dict(report.rejected) == {
        f"{site}/blog/no-film": "no film named and none recognised in the text: "
        "pass --film (and --year)",
        f"{site}/paper.pdf": "not a web page: application/pdf",
        f"{site}/missing": "not found (HTTP 404)",
        f"{site}/huge": "too large: over 5 MB",
    }
    assert (await store.counts()).reviews == 0
    # ... and with --film the same page goes in.
    report = await ingest_targets(
        [f"{site}/blog/no-film"], store, Defaults(film="Cinema Paradiso", year=1988),
        web=WebSettings(allow_private=True),
    )
    assert report.reviews_added == 1 and not report.rejected


async def test_private_urls_refused_by_default(site: str, store: SQLiteStore) -> None:
    port = site.rsplit(":", 1)[1]
    targets = [f"{site}/film/glass-orchard-review", f"http://0x7f.1:{port}/reviews/tin-lantern"]
    report = await ingest_targets(targets, store, Defaults())
    assert [reason for _, reason in report.rejected] == [
        "refused: 127.0.0.1 is a loopback address",
        "refused: 127.0.0.1 is a loopback address",
    ]
    assert (await store.counts()).reviews == 0


async def test_redirect_to_inside_refused_through_ingest(store: SQLiteStore) -> None:
    site = ReviewSite()
    async with serve(site.app, "127.0.0.2") as port:
        resolver = StaticResolver({"reviews.example": ["127.0.0.2"]})
        policy = AddressPolicy(trusted=(ipaddress.ip_network("127.0.0.2/32"),))
        async with Fetcher(policy=policy, resolver=resolver) as fetcher:
            report = await ingest_targets(
                [
                    f"http://reviews.example:{port}/go?to=http://169.254.169.254/latest/",
                    f"http://reviews.example:{port}/go?to=http://127.0.0.1:{port}/",
                    f"http://reviews.example:{port}/film/glass-orchard-review",
                ],
                store,
                Defaults(),
                fetcher=fetcher,
            )
    assert [reason for _, reason in report.rejected] == [
        "refused: 169.254.169.254 is the cloud metadata address",
        "refused: 127.0.0.1 is a loopback address",
    ]
    assert report.reviews_added == 1


# -- Wikipedia ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "wikipedia:The Glass Orchard (film)",
        "wikipedia:the_Glass Orchard (film)",  # normalised by the API
        "wikipedia:Glass Orchard (film)",  # a redirect
        "wikipedia:The Glass Orchard",  # a disambiguation page: searched
        "wikipedia:The Glass Orchard 2023",  # a year: searched
        "Wikipedia: The Glass Orchard (2023)",
    ],
)
async def test_wikipedia_targets_find_the_film(
    wiki: tuple[MediaWikiFake, str], fetcher: Fetcher, target: str
) -> None:
    _, api = wiki
    [review] = await prepare_wikipedia(target, WikipediaClient(fetcher, api), Defaults())
    assert (review.film.title, review.film.year) == ("The Glass Orchard", 2023)
    assert review.url == "https://en.wiki.example/wiki/The_Glass_Orchard_(film)"
    assert review.source == "wikipedia:The Glass Orchard (film)"


async def test_wikipedia_article_read(wiki: tuple[MediaWikiFake, str], fetcher: Fetcher) -> None:
    fake, api = wiki
    [review] = await prepare_wikipedia(
        "wikipedia:The Glass Orchard (film)", WikipediaClient(fetcher, api), Defaults()
    )
    assert (review.outlet, review.critic) == ("Wikipedia", None)
    assert review.film.director == "Lena Korvath"
    assert review.film.cast == ("Ada Voss", "Tomas Reyne", "Mirela Sand")
    text = review.text
    for gone in ("<ref", "cite web", "{{", "}}", "[[", "'''", "Category", "wikitable",
                 "not kept", "citation needed", "check the number", "Plot", "Accolades"):
        assert gone not in text, gone
    assert text.startswith("_The Glass Orchard_ is a 2023 British drama film")
    for kept in ("Release\n\n", "Home media\n\n", "Box office\n\n", "Critical response\n\n",
                 "grossed $11.6 million", "12 acre"):
        assert kept in text, kept
    quotes = snippets(review, "critic_quote")
    assert ("a patient, beautifully acted and quietly devastating piece of work", "Maren Holt",
            "The Northern Lantern") in quotes
    assert any(q[0].startswith("It is a film that aches like a bruise") for q in quotes)
    releases = {(r.region, r.year, r.month, r.day, r.event) for r in review.releases}
    assert ("GB", 2024, 3, 22, "theatrical") in releases
    assert any(r[1:4] == (2023, 9, 14) and r[4] in ("festival", "premiere") for r in releases)
    assert any(r[4] == "home_media" and r[1:4] == (2024, 7, 8) for r in releases)
    assert all(c.get("formatversion") == "2" and c.get("format") == "json" for c in fake.calls)


async def test_wikipedia_infobox_ubl_and_festival_link(
    wiki: tuple[MediaWikiFake, str], fetcher: Fetcher
) -> None:
    _, api = wiki
    [review] = await prepare_wikipedia(
        "wikipedia:Tin Lantern", WikipediaClient(fetcher, api), Defaults()
    )
    assert (review.film.title, review.film.year) == ("The Tin Lantern", 1998)
    assert review.film.cast == ("Henrik Aalto", "Jens Morrow")
    assert "premiered at the Berlin International Film Festival on 13 February 1998" in (
        review.text
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("wikipedia:A Film Nobody Made", "no Wikipedia article found for “A Film Nobody Made”"),
        ("wikipedia:Server Trouble", "the site answered HTTP 503 Service Unavailable"),
    ],
)
async def test_wikipedia_failures(
    wiki: tuple[MediaWikiFake, str], fetcher: Fetcher, target: str, message: str
) -> None:
    _, api = wiki
    with pytest.raises((WikipediaError, Exception), match=message):
        await prepare_wikipedia(target, WikipediaClient(fetcher, api), Defaults())


# -- everything at once ---------------------------------------------------------------------------


async def test_files_urls_and_wikipedia_in_one_call(
    site: str, wiki: tuple[MediaWikiFake, str], store: SQLiteStore, tmp_path: Path
) -> None:
    _, api = wiki
    (tmp_path / "reviews").mkdir()
    (tmp_path / "reviews" / "lamplighter.md").write_text(
        "_The Lamplighter_ is a 1931 Austrian silent drama film directed by Ilse Marrow.\n\n"
        'Hal Dorsey of The Evening Projector called it "a small film that glows like a lit '
        'window".\n'
    )
    targets, found = expand_targets(
        [
            str(tmp_path / "reviews"),
            f"{site}/film/glass-orchard-review",
            "wikipedia:The Tin Lantern",
            f"{site}/paper.pdf",
            "wikipedia:A Film Nobody Made",
        ]
    )
    assert not found.skipped and not found.rejected
    seen: list[str] = []
    report = await ingest_targets(
        targets,
        store,
        Defaults(),
        web=WebSettings(allow_private=True, wikipedia_api_url=api),
        on_item=seen.append,
    )
    assert report.files == 5 and len(seen) == 5
    assert report.reviews_added == 3
    assert [r[0] for r in report.rejected] == [f"{site}/paper.pdf", "wikipedia:A Film Nobody Made"]
    films = {(f.title, f.year) for f in await store.films()}
    assert films == {
        ("The Lamplighter", 1931),
        ("The Glass Orchard", 2023),
        ("The Tin Lantern", 1998),
    }
    again = await ingest_targets(
        targets, store, Defaults(), web=WebSettings(allow_private=True, wikipedia_api_url=api)
    )
    assert again.reviews_added == 0 and again.duplicates == 3


async def test_cards_from_wikipedia_credit_it(
    wiki: tuple[MediaWikiFake, str], store: SQLiteStore, service: Service
) -> None:
    _, api = wiki
    report = await ingest_targets(
        ["wikipedia:The Glass Orchard (film)"],
        store,
        Defaults(),
        web=WebSettings(allow_private=True, wikipedia_api_url=api),
    )
    assert report.reviews_added == 1
    card = await service.quote(film="the glass orchard", outlet="The Northern Lantern")
    assert card.attribution == "Maren Holt, The Northern Lantern"
    assert card.footer == "from Wikipedia (CC BY-SA)"
    assert card.url == "https://en.wiki.example/wiki/The_Glass_Orchard_(film)"


async def _cli(db: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    full_env.update(
        {"PULLQUOTE_DB": str(db), "PULLQUOTE_SAMPLE": "false", "COLUMNS": "200"}, **(env or {})
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=full_env,
        cwd=db.parent,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_cli_ingests_urls_and_wikipedia(
    site: str, wiki: tuple[MediaWikiFake, str], tmp_path: Path
) -> None:
    _, api = wiki
    db = tmp_path / "web.db"
    env = {"PULLQUOTE_ALLOW_PRIVATE_URLS": "true", "WIKIPEDIA_API_URL": api}
    code, out, err = await _cli(
        db, "ingest", f"{site}/reviews/tin-lantern", "wikipedia:The Glass Orchard 2023",
        f"{site}/paper.pdf", "--json", env=env,
    )
    report = json.loads(out)
    assert code == 1 and report["reviews_added"] == 2, err
    assert report["rejected"] == [[f"{site}/paper.pdf", "not a web page: application/pdf"]]
    code, out, err = await _cli(
        db, "quote", "the tin lantern", "--outlet", "Nordlicht Post", "--json", env=env
    )
    card = json.loads(out)
    assert (card["critic"], card["film"]["year"]) == ("Henrik Sand", 1998), err
    assert card["url"] == "https://ledger.example/reviews/tin-lantern"


async def test_cli_refuses_private_urls_without_the_setting(
    site: str, tmp_path: Path
) -> None:
    db = tmp_path / "web.db"
    port = site.rsplit(":", 1)[1]
    code, out, err = await _cli(
        db, "ingest", f"{site}/reviews/tin-lantern", f"http://localhost:{port}/culture/saltmarsh",
        env={"PULLQUOTE_ALLOW_PRIVATE_URLS": "false"},
    )
    assert code == 1
    assert f"rejected {site}/reviews/tin-lantern: refused: 127.0.0.1 is a loopback address" in err
    assert "refused: localhost resolves to" in err
    assert "Traceback" not in err + out


async def test_bad_targets_get_one_line_each(store: SQLiteStore) -> None:
    targets, found = expand_targets(
        ["ftp://x.example/a", "file:///etc/passwd", "wikipedia:", "http://[::1", "https://"]
    )
    assert not found.skipped and not found.rejected
    report = await ingest_targets(targets, store, Defaults())
    assert [reason for _, reason in report.rejected] == [
        "refused: only http and https URLs can be fetched, not ftp",
        "refused: only http and https URLs can be fetched, not file",
        "name an article: wikipedia:Her (film)",
        "not a valid URL: http://[::1",
        "not a valid URL (no host): https://",
    ]
