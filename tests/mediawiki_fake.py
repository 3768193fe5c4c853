"""A loopback MediaWiki Action API answering as Wikipedia does (JSON, formatversion=2):
action=query with prop=revisions|pageprops|info, redirects, missing pages, and list=search.
The wikitext it serves is in tests/wiki_pages, written for these tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiohttp import web

WIKI = Path(__file__).parent / "wiki_pages"
REDIRECTS = {
    "Glass Orchard (film)": "The Glass Orchard (film)",
    "Tin Lantern": "The Tin Lantern",
}


def _normalise(title: str) -> str:
    title = " ".join(title.replace("_", " ").split())
    return title[:1].upper() + title[1:]


class MediaWikiFake:
    """/w/api.php over the pages in tests/wiki_pages; `calls` records every request's query."""

    def __init__(self, host: str = "en.wiki.example") -> None:
        self.host = host
        self.pages = {p.stem: p.read_text(encoding="utf-8") for p in WIKI.glob("*.wiki")}
        self.calls: list[dict[str, str]] = []
        self.app = web.Application()
        self.app.router.add_get("/w/api.php", self._api)

    def _page(self, title: str) -> dict[str, Any]:
        text = self.pages[title]
        page: dict[str, Any] = {
            "pageid": 1000 + sorted(self.pages).index(title),
            "ns": 0,
            "title": title,
            "contentmodel": "wikitext",
            "pagelanguage": "en",
            "fullurl": f"https://{self.host}/wiki/{title.replace(' ', '_')}",
            "canonicalurl": f"https://{self.host}/wiki/{title.replace(' ', '_')}",
            "revisions": [
                {
                    "slots": {
                        "main": {
                            "contentmodel": "wikitext",
                            "contentformat": "text/x-wiki",
                            "content": text,
                        }
                    }
                }
            ],
        }
        if "{{disambiguation}}" in text:
            page["pageprops"] = {"disambiguation": ""}
        return page

    async def _api(self, request: web.Request) -> web.Response:
        q = dict(request.query)
        self.calls.append(q)
        if q.get("format") != "json" or q.get("formatversion") != "2":
            return web.json_response({"error": {"code": "badformat", "info": "JSON v2 only"}})
        if q.get("action") != "query":
            return web.json_response(
                {"error": {"code": "badvalue", "info": "Unrecognized value for action."}}
            )
        if q.get("list") == "search":
            return web.json_response(self._search(q.get("srsearch", "")))
        asked = q.get("titles", "")
        if asked == "Server Trouble":
            raise web.HTTPServiceUnavailable(text="Wikimedia Error")
        query: dict[str, Any] = {}
        title = _normalise(asked)
        if title != asked:
            query["normalized"] = [{"fromencoded": False, "from": asked, "to": title}]
        if q.get("redirects") and title in REDIRECTS:
            query["redirects"] = [{"from": title, "to": REDIRECTS[title]}]
            title = REDIRECTS[title]
        if title in self.pages:
            query["pages"] = [self._page(title)]
        else:
            query["pages"] = [{"ns": 0, "title": title, "missing": True}]
        return web.json_response({"batchcomplete": True, "query": query})

    def _search(self, terms: str) -> dict[str, Any]:
        words = [w.lower() for w in re.findall(r"\w+", terms) if w.lower() != "film"]
        hits = []
        for title, text in sorted(self.pages.items()):
            haystack = (title + " " + text).lower()
            if all(w in haystack for w in words):
                lead = re.sub(r"\{\{.*?\}\}|\[\[|\]\]|'''?", "", text, flags=re.S).strip()
                snippet = lead[:150]
                for w in words:
                    snippet = re.sub(
                        rf"\b({re.escape(w)})\b",
                        r'<span class="searchmatch">\1</span>',
                        snippet,
                        flags=re.I,
                    )
                hits.append({"ns": 0, "title": title, "pageid": 1, "snippet": snippet})
        return {
            "batchcomplete": True,
            "query": {"searchinfo": {"totalhits": len(hits)}, "search": hits},
        }
