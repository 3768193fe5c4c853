"""The platform checks themselves (tests/platform_specs): each catches what the platform
refuses, so a clean run of the fakes means something; plus the Slack app manifest against
Slack's manifest schema."""

from __future__ import annotations

import copy
from typing import Any

import aiohttp
import pytest

from tests.discord_fake import APP_ID, FakeDiscord
from tests.platform_specs import (
    DISCORD_SPEC_MISSING,
    FORMATS,
    SLACK_SPEC_MISSING,
    discord_limits,
    discord_spec,
    discord_violations,
    load_manifest,
    slack_manifest_violations,
    slack_message,
)
from tests.platform_specs import SLACK_MANIFEST_SCHEMA as MANIFEST_SCHEMA
from tests.slack_fake import FakeSlack

CALLBACK = "/interactions/1/tok/callback"
FLAG = "\U0001f1eb\U0001f1f7"  # 2 code points, 4 UTF-16 units

needs_discord_spec = pytest.mark.skipif(discord_spec() is None, reason=DISCORD_SPEC_MISSING)
needs_manifest_schema = pytest.mark.skipif(
    not MANIFEST_SCHEMA.is_file(), reason=SLACK_SPEC_MISSING
)


def good_message() -> dict[str, Any]:
    return {
        "type": 4,
        "data": {
            "content": "shared by <@700000000000000004>",
            "embeds": [
                {
                    "title": "Nosferatu (1922)",
                    "description": "“A shadow.”\n— Ada Brook, Reel Weekly",
                    "url": "https://example.org/review",
                    "color": 0x5865F2,
                    "fields": [{"name": "Year", "value": "1922", "inline": True}],
                    "footer": {"text": "Also: /review"},
                }
            ],
            "components": [
                {"type": 1, "components": [
                    {"type": 2, "style": 1, "label": "Post", "custom_id": "pq:post:1"},
                    {"type": 2, "style": 2, "label": "Cancel", "custom_id": "pq:cancel:1"},
                ]}
            ],
            "allowed_mentions": {"parse": []},
            "flags": 64,
        },
    }


def with_embed(**changes: Any) -> dict[str, Any]:
    body = good_message()
    body["data"]["embeds"][0].update(changes)
    return body


def test_uri_format_is_really_checked() -> None:
    """jsonschema skips a format whose checker library is missing: make sure it is not."""
    assert FORMATS.conforms("https://example.org/a%7Cb", "uri")
    for bad in ("https://example.org/a|b", 'https://example.org/"', "https://example.org/é",
                "https://exa mple.org/", "https://example.org/%zz"):
        assert not FORMATS.conforms(bad, "uri"), bad


# -- Discord: the OpenAPI description ---------------------------------------------------------


@needs_discord_spec
def test_a_good_message_passes_the_description() -> None:
    assert discord_violations("POST", CALLBACK, good_message()) == []
    assert discord_violations("POST", f"/webhooks/{APP_ID}/tok", good_message()["data"]) == []
    assert discord_violations("POST", "/channels/1/messages", good_message()["data"]) == []
    edit = good_message()["data"]
    assert discord_violations("PATCH", f"/webhooks/{APP_ID}/tok/messages/@original", edit) == []
    assert discord_violations("POST", CALLBACK, {"type": 6}) == []
    assert discord_violations("DELETE", f"/webhooks/{APP_ID}/tok/messages/@original", None) == []


@needs_discord_spec
@pytest.mark.parametrize(
    ("body", "expect"),
    [
        (with_embed(url="https://example.org/a|b"), "is not a 'uri'"),
        (with_embed(url="https://example.org/ü"), "is not a 'uri'"),
        (with_embed(title="T" * 257), "is too long"),
        (with_embed(description="D" * 4097), "is too long"),
        (with_embed(color=-1), "less than the minimum"),
        (with_embed(fields=[{"name": "n"}]), "'value' is a required property"),
        ({"type": 99}, "type 99 is not one this route accepts"),
    ],
)
def test_the_description_catches(body: dict[str, Any], expect: str) -> None:
    problems = discord_violations("POST", CALLBACK, body)
    assert any(expect in p for p in problems), problems


@needs_discord_spec
def test_unknown_routes_and_components_are_caught() -> None:
    assert discord_violations("POST", "/nowhere/1", {})[0].endswith("no such route in "
                                                                     "Discord's API description")
    body = good_message()
    body["data"]["components"][0]["components"][0]["label"] = "L" * 81
    assert discord_violations("POST", CALLBACK, body)
    autocomplete = {"type": 8, "data": {"choices": [{"name": "", "value": "#1"}]}}
    assert any("too short" in p or "empty" in p
               for p in discord_violations("POST", CALLBACK, autocomplete))


# -- Discord: documented limits the description leaves out ------------------------------------


@pytest.mark.parametrize(
    ("body", "expect"),
    [
        ({"type": 4, "data": {"content": "x" * 2001}}, "content: 2001 code points"),
        ({"type": 4, "data": {"content": FLAG * 501}}, "2004 UTF-16 units, limit 2000"),
        (with_embed(description=FLAG * 1025), "4100 UTF-16 units, limit 4096"),
        (with_embed(fields=[{"name": "n", "value": "v" * 1000}] * 6), "in all"),
        (with_embed(fields=[{"name": " ", "value": "v"}]), "empty or blank"),
        (with_embed(url="ftp://example.org/"), "only http(s) links"),
        ({"type": 4, "data": {"content": "", "embeds": []}}, "an empty message"),
        ({"type": 8, "data": {"choices": [{"name": "n", "value": "v" * 101}]}}, "limit 100"),
        ({"type": 8, "data": {"choices": [{"name": "n", "value": "v"}] * 26}}, "limit 25"),
    ],
)
def test_documented_limits(body: dict[str, Any], expect: str) -> None:
    problems = discord_limits("POST", CALLBACK, body)
    assert any(expect in p for p in problems), problems


def test_duplicate_custom_ids_and_too_many_rows() -> None:
    body = good_message()
    row = body["data"]["components"][0]
    row["components"][1]["custom_id"] = row["components"][0]["custom_id"]
    body["data"]["components"] = [copy.deepcopy(row) for _ in range(6)]
    problems = discord_limits("POST", CALLBACK, body)
    assert any("not unique" in p for p in problems)
    assert any("6 action rows" in p for p in problems)


def command(**changes: Any) -> dict[str, Any]:
    return {
        "name": "quote",
        "description": "A quote",
        "type": 1,
        "options": [
            {"name": "film", "description": "Film", "type": 3, "required": True},
            {"name": "public", "description": "Post", "type": 5},
        ],
        **changes,
    }


@pytest.mark.parametrize(
    ("commands", "expect"),
    [
        ([command(name="Quote")], "name pattern"),
        ([command(name="two words")], "name pattern"),
        ([command(description="")], "empty or blank"),
        ([command(), command()], "used twice"),
        ([command(options=[{"name": "a", "description": "A", "type": 3},
                           {"name": "b", "description": "B", "type": 3, "required": True}])],
         "required option after an optional"),
        ([command(options=[{"name": "k", "description": "K", "type": 3,
                            "choices": [{"name": "n", "value": "v" * 101}]}])], "limit 100"),
        ([command(description="d" * 100, options=[
            {"name": f"o{i}", "description": "x" * 100, "type": 3,
             "choices": [{"name": "n" * 100, "value": "v" * 100}] * 2} for i in range(9)])],
         "characters in all"),
    ],
)
def test_command_limits(commands: list[dict[str, Any]], expect: str) -> None:
    problems = discord_limits("PUT", f"/applications/{APP_ID}/commands", commands)
    assert any(expect in p for p in problems), problems
    assert discord_limits("PUT", f"/applications/{APP_ID}/commands", [command()]) == []


def test_non_latin_command_names_follow_the_pattern() -> None:
    for name in ("citation", "引用", "उद्धरण", "อ้างอิง", "it's_a-name"):
        assert discord_limits("PUT", "/applications/1/commands", [command(name=name)]) == []


# -- the Discord fake refuses what Discord refuses -------------------------------------------


async def test_the_discord_fake_answers_a_bad_body_as_discord_does() -> None:
    fake = FakeDiscord()
    async with fake:
        async with aiohttp.ClientSession() as http:
            url = f"{fake.api_base}/interactions/1/tok/callback"
            async with http.post(url, json={"type": 4, "data": {"content": "x" * 2001}}) as r:
                assert r.status == 400
                assert (await r.json())["code"] == 50035
            async with http.post(url, json={"type": 4, "data": {"content": "fine"}}) as r:
                assert r.status == 200
        assert fake.violations and all("content" in v for v in fake.violations)
        with pytest.raises(AssertionError, match="Discord would refuse"):
            fake.assert_valid()
        fake.violations.clear()


# -- Slack ------------------------------------------------------------------------------------


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def good_slack() -> dict[str, Any]:
    return {
        "response_type": "ephemeral",
        "text": "Nosferatu: a shadow",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Nosferatu", "emoji": True}},
            section("“A shadow.”\n— _Ada Brook_"),
            {"type": "context", "elements": [
                {"type": "mrkdwn", "text": "<https://example.org/r?a=1&amp;b=2|Read the review>",
                 "verbatim": True}]},
            {"type": "actions", "block_id": "pq-preview", "elements": [
                {"type": "button", "action_id": "pq:post:1", "value": "pq:post:1",
                 "style": "primary", "text": {"type": "plain_text", "text": "Post",
                                              "emoji": True}}]},
        ],
    }


def test_a_good_slack_message_passes() -> None:
    assert slack_message(good_slack()) == []
    assert slack_message({"delete_original": True}) == []
    assert slack_message({"text": "just text"}) == []


def slack_with(index: int, block: dict[str, Any]) -> dict[str, Any]:
    message = good_slack()
    message["blocks"][index] = block
    return message


@pytest.mark.parametrize(
    ("message", "expect"),
    [
        (slack_with(1, section("x" * 3001)), "slack_sdk: text attribute cannot exceed 3000"),
        (slack_with(1, section(FLAG * 751)), "3004 UTF-16 units, limit 3000"),
        (slack_with(1, section("   ")), "empty or blank"),
        (slack_with(2, {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "x" * 3001}]}), "limit 3000"),
        (slack_with(0, {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}),
         "cannot exceed 150"),
        (slack_with(0, {"type": "header", "text": {"type": "mrkdwn", "text": "h"}}),
         "plain_text"),
        (slack_with(1, {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "f" * 2001}]}), "limit 2000"),
        (slack_with(1, {"type": "section", "text": {"type": "mrkdwn", "text": "x"},
                        "bogus": 1}), "round trip changed it"),
        (slack_with(2, {"type": "context", "elements": [
            {"type": "mrkdwn", "text": "<https://example.org/a b|Read>"}]}), "RFC 3986"),
        (slack_with(1, {"type": "nonsense"}), "does not know this block"),
        ({"text": "x", "blocks": [section("x")] * 51}, "51 blocks"),
        ({"text": "x" * 40001}, "limit 40000"),
        ({"blocks": []}, "neither text nor blocks"),
        ({"text": "x", "response_type": "public"}, "response_type"),
    ],
)
def test_slack_checks_catch(message: dict[str, Any], expect: str) -> None:
    problems = slack_message(message)
    assert any(expect in p for p in problems), problems


def test_slack_button_limits() -> None:
    message = good_slack()
    button = message["blocks"][3]["elements"][0]
    button.update(text={"type": "plain_text", "text": "b" * 76}, action_id="a" * 256,
                  value="v" * 2001)
    message["blocks"][3]["elements"].append(dict(button))
    problems = " | ".join(slack_message(message))
    for expect in ("limit 75", "limit 255", "limit 2000", "not unique"):
        assert expect in problems, expect


async def test_the_slack_fake_refuses_invalid_blocks_as_slack_does() -> None:
    fake = await FakeSlack().start()
    try:
        async with aiohttp.ClientSession() as http:
            bad = {"channel": "C1", "text": "x", "blocks": [section("x" * 3001)]}
            headers = {"Authorization": "Bearer xoxb-test-token"}
            async with http.post(f"{fake.api_url}chat.postMessage", json=bad,
                                 headers=headers) as r:
                assert (await r.json())["error"] == "invalid_blocks"
            async with http.post(fake.response_url(), json=bad) as r:
                assert r.status == 400
        assert {v.split(":")[0] for v in fake.violations} == {"chat.postMessage", "response_url"}
    finally:
        with pytest.raises(AssertionError, match="Slack would refuse"):
            await fake.close()


# -- the app manifest -------------------------------------------------------------------------


@needs_manifest_schema
def test_the_app_manifest_follows_slacks_schema() -> None:
    assert slack_manifest_violations(load_manifest()) == []


@needs_manifest_schema
def test_the_manifest_check_catches_mistakes() -> None:
    manifest = load_manifest()
    manifest["features"]["slash_commands"][0]["command"] = "pullquote"  # no leading slash
    manifest["settings"]["made_up"] = True
    manifest["display_information"]["name"] = "x" * 40
    problems = " | ".join(slack_manifest_violations(manifest))
    assert "slash_commands[0].command: 'pullquote' does not match" in problems
    assert "'made_up' was unexpected" in problems
    assert "display_information.name" in problems and "is too long" in problems
