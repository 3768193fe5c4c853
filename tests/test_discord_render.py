"""Rendering Cards as Discord embeds: every limit, escaping, attribution kept; plus the
declaration-to-slash-command mapping and the `pullquote discord` CLI."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from typer.testing import CliRunner

from adapters.discord.cli import client_id_from_token, discord_app, invite_url
from adapters.discord.commands import build_commands
from adapters.discord.render import TOTAL, escape, fit, render_card
from bot.cards import Card, CardField
from bot.commands import COMMANDS, Command, Option
from tests import hostile


def sizes(embed: discord.Embed) -> dict[str, Any]:
    data = embed.to_dict()
    return {
        "title": len(data.get("title", "")),
        "description": len(data.get("description", "")),
        "fields": data.get("fields", []),
        "footer": len(data.get("footer", {}).get("text", "")),
        "total": len(embed),
    }


def test_every_limit_holds_for_an_oversized_card() -> None:
    card = Card(
        kind="film",
        title="T" * 1000,
        body="Word " * 3000,
        fields=tuple(CardField("N" * 500, "v " * 2000) for _ in range(40)),
        footer="F" * 5000,
    )
    s = sizes(render_card(card).embed)
    assert s["title"] <= 256 and s["description"] <= 4096 and s["footer"] <= 2048
    assert len(s["fields"]) <= 25
    assert all(len(f["name"]) <= 256 and len(f["value"]) <= 1024 for f in s["fields"])
    assert s["total"] <= TOTAL


def test_a_long_quote_is_cut_at_a_sentence_and_keeps_attribution() -> None:
    body = "“" + " ".join(f"Sentence number {i} is here." for i in range(600)) + "”"
    card = Card(kind="critic_quote", title="Film (2000)", body=body,
                attribution="Ada Brook, The Long Review", snippet_id=1)
    description = render_card(card).embed.description or ""
    assert len(description) <= 4096
    assert description.endswith("”\n— Ada Brook, The Long Review")
    assert description.split("\n— ")[0].endswith("is here.”")


def test_escaping_happens_after_shortening_and_still_fits() -> None:
    # Every character escapes to two, so a naive "shorten then escape" would overflow.
    card = Card(kind="critic_quote", title="x", body="“" + "*_" * 5000 + "”",
                attribution="A", snippet_id=1)
    description = render_card(card).embed.description or ""
    assert len(description) <= 4096 and description.endswith("\n— A")


def test_escape_breaks_mentions_and_markdown() -> None:
    out = escape("@everyone **hi** <@&123456789012345678> ||x||")
    assert "@everyone" not in out and "\\*\\*hi\\*\\*" in out and "\\|\\|x\\|\\|" in out
    assert "<@&123456789012345678>" not in out


def test_fit_never_exceeds_budget() -> None:
    for budget in (0, 1, 2, 5, 50):
        assert len(fit("a b c d e f g h " * 10, budget)) <= budget


def test_search_results_each_keep_their_attribution() -> None:
    results = tuple(
        Card(kind="critic_quote", title="F", body="“" + "long words " * 500 + "”",
             attribution=f"Critic {i}, Outlet", snippet_id=i)
        for i in range(5)
    )
    card = Card(kind="search", title="Search: long", body="ignored", results=results)
    description = render_card(card).embed.description or ""
    assert len(description) <= 4096
    for i in range(5):
        assert f"— Critic {i}, Outlet" in description


def test_odd_urls_are_dropped() -> None:
    card = Card(kind="excerpt", title="x", body="“y”", url="javascript:alert(1)")
    assert render_card(card).embed.url is None
    ok = Card(kind="excerpt", title="x", body="“y”", url="https://example.com/r")
    assert render_card(ok).embed.url == "https://example.com/r"


def test_commands_come_from_the_single_declaration() -> None:
    built = {c.name: c for c in build_commands()}
    declared = {c.name for c in COMMANDS}
    assert set(built) == (declared - {"help"}) | {"pullquote"}
    group = built["pullquote"]
    assert isinstance(group, discord.app_commands.Group)
    assert [c.name for c in group.commands] == ["help"]
    quote = built["quote"]
    assert isinstance(quote, discord.app_commands.Command)
    assert [p.name for p in quote.parameters] == ["film", "critic", "outlet", "public"]
    assert all(len(c.description) <= 100 for c in built.values())


def test_admin_commands_default_to_manage_server_and_are_checked() -> None:
    decl = Command("ingest", "Add reviews", (Option("url", "Where", required=True),),
                   access="admin")
    (cmd,) = build_commands((decl,))
    assert isinstance(cmd, discord.app_commands.Command)
    assert cmd.default_permissions == discord.Permissions(manage_guild=True)
    assert cmd.checks  # checked again when run, not only hidden by default
    assert cmd.guild_only


def test_choices_from_the_declaration() -> None:
    from bot.commands import Choice

    decl = Command("pick", "Pick", (Option("kind", "Kind", choices=(
        Choice("Critic quote", "critic_quote"), Choice("Excerpt", "excerpt"))),))
    (cmd,) = build_commands((decl,))
    assert isinstance(cmd, discord.app_commands.Command)
    assert [c.value for c in cmd.parameters[0].choices] == ["critic_quote", "excerpt"]
    assert cmd.parameters[0].autocomplete is False


def test_invite_url_has_scopes_and_permissions() -> None:
    url = invite_url(123456789012345678)
    assert "client_id=123456789012345678" in url
    assert "scope=bot+applications.commands" in url
    perms = discord.Permissions(int(url.split("permissions=")[1].split("&")[0]))
    assert perms.send_messages and perms.embed_links and perms.view_channel
    assert not perms.administrator and not perms.mention_everyone


def test_client_id_is_read_from_the_token() -> None:
    import base64

    head = base64.b64encode(b"123456789012345678").decode().rstrip("=")
    assert client_id_from_token(f"{head}.abc.def") == 123456789012345678
    assert client_id_from_token("not-a-token") is None


def test_invite_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    result = CliRunner().invoke(discord_app, ["invite", "--client-id", "42"])
    assert result.exit_code == 0, result.output
    assert "client_id=42" in result.output and "applications.commands" in result.output


def shown(text: str) -> str:
    """What Discord shows of escaped text: a backslash before a non-alphanumeric character
    shows that character as it is; the zero-width space that breaks @everyone is invisible."""
    return re.sub(r"\\([^0-9A-Za-z\s])", r"\1", text).replace("\u200b", "")


@pytest.mark.parametrize(
    "text",
    [
        "plain words, no markup at all",
        "snake_case and *stars* and `code` and ~~strike~~ and ||spoiler||",
        "> a quote\n# a heading\n - a list\n-# subtext\n2001. a year\n[link](https://example.org/a_b)",
        "https://example.org/under_score stays a link",
        "ping @everyone and @here and <@123456789012345678> <#1> </quote:1> <t:1> <a:x:1>",
        "back\\slash — em dash “curly” well-made",
        *hostile.TEXTS,
    ],
)
def test_escaped_text_shows_as_written(text: str) -> None:
    """Escaping changes nothing a reader sees, and leaves nothing for markdown to act on."""
    out = escape(text)
    assert shown(out) == text.replace("\u200b", "")
    assert hostile.discord_entities(out) == []
    if "https://" not in text:
        bare = re.sub(r"\\[^0-9A-Za-z\s]", "E", out)
        assert not re.search(r"[*_~|`\[<]|^[ \t]*[>#-]|^[ \t]*\d+[.)] ", bare, re.MULTILINE)


def test_links_in_text_stay_whole() -> None:
    out = escape("see https://example.org/a_b*c and [x](https://example.org/y_z)")
    assert "https://example.org/a_b*c" in out and "https://example.org/y_z" in out
    assert out.startswith("see https://") and "\\[x](" in out


def test_escaping_is_linear_on_pathological_markdown() -> None:
    # discord.utils.escape_markdown takes seconds on this; ours does a few regex passes.
    text = "[x](" * 1024 + "_*" * 2000
    out = escape(text)
    assert out.count("\\[") == 1024 and shown(out) == text
