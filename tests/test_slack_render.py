"""Block Kit rendering: Slack's limits, shortening that keeps the attribution, escaping."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from adapters.slack import render
from bot.app import App
from bot.cards import Action, Card, CardField
from bot.commands import COMMANDS
from bot.preview import preview_actions
from storage.records import NewFilm, NewReview, NewSnippet
from tests.platform_specs import slack_message

ROOT = Path(__file__).resolve().parents[1]
WORDS = "The camera lingers patiently over every harbour roof and every shuttered window"
LONG = " ".join([f"{WORDS} in scene {i}." for i in range(200)])[:10_000]
assert len(LONG) == 10_000


async def add_review(
    core: App, *, film: str, text: str, critic: str, outlet: str = "The Long Review"
) -> None:
    """Store one review whose only snippet is a critic quote of `text`."""
    review_text = f"{critic} wrote: “{text}”"
    await core.store.add_reviews(
        [
            NewReview(
                film=NewFilm(film, 2001),
                text=review_text,
                content_hash=hashlib.sha256(review_text.encode()).hexdigest(),
                outlet=outlet,
                critic=critic,
                snippets=(
                    NewSnippet(
                        "critic_quote",
                        text,
                        len(critic) + 9,
                        len(critic) + 9 + len(text),
                        critic=critic,
                        outlet=outlet,
                        score=1.0,
                    ),
                ),
            )
        ]
    )
    core.service.invalidate()


def assert_within_limits(message: dict[str, Any]) -> None:
    """Slack's Block Kit models and documented limits (tests/platform_specs)."""
    assert slack_message(message) == []


def quote(body: str, attribution: str | None = "Ada Brook, Reel Weekly", **kw: Any) -> Card:
    return Card(
        kind="critic_quote",
        title="Nosferatu (1922)",
        body=body,
        attribution=attribution,
        snippet_id=7,
        **kw,
    )


def test_escape_and_unescape() -> None:
    assert render.escape("a & b <!here> <@U1>") == "a &amp; b &lt;!here&gt; &lt;@U1&gt;"
    assert render.unescape("&lt;b&gt; &amp;amp;") == "<b> &amp;"
    assert render.unescape(render.escape("x &lt; <y>")) == "x &lt; <y>"


def test_long_quote_is_cut_at_a_sentence_keeping_the_attribution() -> None:
    blocks = render.card_blocks(quote(LONG))
    assert_within_limits({"blocks": blocks})
    text = blocks[1]["text"]["text"]
    body, attribution = text.rsplit("\n", 1)
    assert attribution == "— _Ada Brook, Reel Weekly_"
    assert body.endswith(".")  # cut at a sentence end
    assert LONG.startswith(body)


def test_one_huge_word_is_cut_with_an_ellipsis() -> None:
    text = render.snippet_text(quote("word " * 10 + "x" * 5000))
    assert len(text) <= 3000
    assert text.endswith("— _Ada Brook, Reel Weekly_")


def test_escaping_cannot_push_a_section_over_the_limit() -> None:
    text = render.snippet_text(quote("<&> " * 2000))
    assert len(text) <= 3000
    assert "<" not in text.replace("&lt;", "")
    assert not re.search(r"&(?!amp;|lt;|gt;)", text)  # never half an entity


def test_huge_attribution_is_shortened_not_dropped() -> None:
    text = render.snippet_text(quote("Short.", attribution="Critic " * 1000))
    assert len(text) <= 3000
    assert "— _Critic Critic" in text


def test_header_is_plain_text_within_150() -> None:
    card = Card(kind="film", title="<!channel> " + "Very Long Title " * 30, body="x")
    header = render.card_blocks(card)[0]
    assert header["text"]["type"] == "plain_text"  # never parsed for mentions
    assert len(header["text"]["text"]) <= 150


def test_long_multiline_body_splits_into_sections_and_stops_at_50_blocks() -> None:
    lines = "\n".join(f"🇬🇧 United Kingdom: {i} January 1922 · a century ago" for i in range(5000))
    card = Card(kind="release", title="Release dates", body=lines, footer="footer")
    blocks = render.card_blocks(card, actions=(Action("pq:cancel:1:n", "Cancel", "danger"),))
    assert len(blocks) == 50
    assert_within_limits({"blocks": blocks})
    assert blocks[-1]["type"] == "actions"  # buttons survive the cut
    assert blocks[-3]["elements"][0]["text"].startswith("…")


def test_fields_are_chunked_ten_per_section() -> None:
    card = Card(
        kind="film",
        title="Film",
        body="Body",
        fields=tuple(CardField(f"Field {i}", "<b>" + "v" * 3000) for i in range(12)),
    )
    blocks = render.card_blocks(card)
    sections = [b for b in blocks if "fields" in b]
    assert [len(s["fields"]) for s in sections] == [10, 2]
    assert_within_limits({"blocks": blocks})
    assert "&lt;b&gt;" in sections[0]["fields"][0]["text"]


def test_links_are_web_links_only() -> None:
    ok = render.card_blocks(quote("x", url="https://example.org/a?b=1&c=2"))
    assert "<https://example.org/a?b=1&amp;c=2|Read the review>" in str(ok)
    for bad in ("!channel", "javascript:alert(1)", "https://exa mple.org/", "https://u@x.org/"):
        blocks = render.card_blocks(quote("x", url=bad))
        assert "Read the review" not in str(blocks)
    # What can be percent-encoded is: the pipe and brackets can no longer end the link.
    encoded = render.card_blocks(quote("x", url="https://x.org/|<!here>"))
    assert "<https://x.org/%7C%3C!here%3E|Read the review>" in str(encoded)


def test_shared_by_accepts_only_user_ids() -> None:
    assert "shared by <@U0BOB>" in str(render.card_blocks(quote("x"), shared_by="U0BOB"))
    assert "shared by" not in str(render.card_blocks(quote("x"), shared_by="!channel"))


def test_spoiler_is_flagged() -> None:
    blocks = render.card_blocks(quote("It was his sled.", spoiler=True))
    assert blocks[1]["type"] == "context"
    assert "Spoiler" in blocks[1]["elements"][0]["text"]


def test_preview_buttons() -> None:
    card = quote("x")
    blocks = render.card_blocks(card, actions=preview_actions(card, "abc"))
    actions = blocks[-1]
    assert [e["text"]["text"] for e in actions["elements"]] == ["Post", "Another", "Cancel"]
    assert [e["action_id"] for e in actions["elements"]] == [
        "pq:post:7:abc",
        "pq:another:7:abc",
        "pq:cancel:7:abc",
    ]


def test_fallback_text_is_escaped_and_short() -> None:
    msg = render.message(quote("<!channel> " + LONG))
    assert msg["text"].startswith("Nosferatu (1922): &lt;!channel&gt;")
    assert msg["text"].endswith(" — Ada Brook, Reel Weekly")
    assert len(msg["text"]) <= 300


def test_command_references_use_slack_syntax() -> None:
    assert render.slack_commands("Try /quote or /release her; not a/quote") == (
        "Try /pullquote quote or /pullquote release her; not a/quote"
    )


def test_manifest_creates_the_app_in_one_paste() -> None:
    manifest = yaml.safe_load((ROOT / "deploy" / "slack-manifest.yml").read_text())
    features = manifest["features"]
    (cmd,) = features["slash_commands"]
    assert cmd["command"] == "/pullquote"
    for c in COMMANDS:
        assert c.name in cmd["usage_hint"] or c.name == "help" or c.name in cmd["description"]
    assert features["bot_user"]["display_name"] == "Pullquote"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # History scopes let the daily scheduler find a post whose send outcome a crash hid.
    assert scopes == {
        "commands",
        "chat:write",
        "chat:write.public",
        "users:read",
        "channels:history",
        "groups:history",
    }
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert "event_subscriptions" not in settings
