"""End to end through the real Bolt app over HTTP on 127.0.0.1, against the loopback Slack."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.slack import SlackAdapter, build_slack_adapter, make_client, web_app
from bot.app import App
from bot.config import Settings
from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.conftest import TODAY
from tests.slack_fake import (
    BOT_TOKEN,
    SIGNING_SECRET,
    Call,
    FakeSlack,
    action_body,
    command_body,
    sign,
    trigger_id,
)


def slack_settings(fake: FakeSlack, db: Path, **extra: Any) -> Settings:
    """Settings for HTTP mode against the fake (no .env, no environment surprises)."""
    values: dict[str, Any] = {
        "pullquote_db": db,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def open_store(path: Path) -> SQLiteStore:
    """A real SQLite store with the sample corpus."""
    store = await SQLiteStore.open(path)
    await load_sample_if_empty(store)
    return store


class Harness:
    """The fake Slack, the core over a temp database, and the Bolt app served on loopback."""

    def __init__(
        self,
        fake: FakeSlack,
        core: App,
        url: str,
        http: aiohttp.ClientSession,
        adapter: SlackAdapter | None = None,
    ):
        self.fake = fake
        self.core = core
        self.url = url
        self.http = http
        self._adapter = adapter

    @property
    def adapter(self) -> SlackAdapter:
        assert self._adapter is not None
        return self._adapter

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str, float]:
        t0 = time.perf_counter()
        async with self.http.post(self.url, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.text(), time.perf_counter() - t0

    async def command(
        self, text: str, *, retry: int | None = None, **kwargs: Any
    ) -> tuple[int, str]:
        """Send a signed /pullquote command; returns (status, body) of the ack. A reply in
        the ack is recorded with the fake's calls (kind "ack"), like a response_url one."""
        kwargs.setdefault("response_url", self.fake.response_url())
        body = command_body(text, **kwargs)
        headers = sign(body)
        if retry is not None:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, text_, elapsed = await self.post(body, headers)
        assert elapsed < 3.0, "Slack needs the ack within 3 seconds"
        if status == 200 and text_:
            await self.fake.record_ack(json.loads(text_))
        return status, text_

    async def click(self, action_id: str, **kwargs: Any) -> tuple[int, str]:
        """Send a signed block_actions click on a preview button."""
        kwargs.setdefault("response_url", self.fake.response_url())
        body = action_body(action_id, **kwargs)
        status, text_, _ = await self.post(body, sign(body))
        return status, text_

    async def reply(self, n: int = 1) -> Call:
        """Wait for the n-th reply (in an ack or via response_url) and return it."""
        await self.fake.wait_for(lambda: len(self.fake.replies()) >= n)
        return self.fake.replies()[n - 1]

    async def preview(self, text: str) -> tuple[Call, dict[str, str]]:
        """Run a previewable command; the preview and its buttons by verb."""
        before = len(self.fake.replies())
        status, _ = await self.command(text)
        assert status == 200
        call = await self.reply(before + 1)
        return call, buttons(call.data)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Action ids of a message's buttons, keyed by verb (post / another / cancel)."""
    out = {}
    for block in message.get("blocks", []):
        if block["type"] == "actions":
            for el in block["elements"]:
                out[el["action_id"].split(":")[1]] = el["action_id"]
    return out


def texts(message: dict[str, Any]) -> list[str]:
    """Every text string in a message's blocks (and its fallback text)."""
    found: list[str] = [message.get("text", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return found


def all_text(message: dict[str, Any]) -> str:
    return "\n".join(texts(message))


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def core(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[App]:
    settings = slack_settings(fake, tmp_path / "pullquote.db")
    store = await open_store(settings.db_path())
    try:
        yield App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(7)))
    finally:
        await store.close()


@pytest.fixture
async def slack(fake: FakeSlack, core: App) -> AsyncIterator[Harness]:
    async with aiohttp.ClientSession() as http:
        adapter = build_slack_adapter(core, client=make_client(core.settings, session=http))
        assert adapter.bolt is not None
        runner = web.AppRunner(web_app(adapter), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            yield Harness(fake, core, f"http://127.0.0.1:{port}/slack/events", http, adapter)
        finally:
            await runner.cleanup()
            await adapter.drain()


# -- subcommands ------------------------------------------------------------------------------


async def test_quote_previews_privately_in_the_ack(slack: Harness) -> None:
    status, body = await slack.command("quote nosferatu")
    assert status == 200
    msg = json.loads(body)  # the answer is the HTTP response itself: no response_url trip
    assert slack.fake.acks()[0].data == msg
    assert msg["response_type"] == "ephemeral"
    assert msg["blocks"][0]["type"] == "header"
    assert "Nosferatu (1922)" in msg["blocks"][0]["text"]["text"]
    assert "— _" in all_text(msg)  # the attribution line
    assert set(buttons(msg)) == {"post", "another", "cancel"}
    styles = {
        el["action_id"].split(":")[1]: el.get("style")
        for b in msg["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
    }
    assert styles == {"post": "primary", "another": None, "cancel": "danger"}
    assert slack.fake.posts() == []  # nothing public until Post
    await slack.fake.settle(0.1)
    assert slack.fake.responses() == []


async def test_slow_answer_acks_empty_then_goes_via_response_url(
    slack: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    quote = slack.core.service.quote

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.3)
        return await quote(*args, **kwargs)

    monkeypatch.setattr(slack.adapter, "ack_budget", 0.05)
    monkeypatch.setattr(slack.core.service, "quote", slow)
    t0 = time.perf_counter()
    status, body = await slack.command("quote nosferatu")
    assert (status, body) == (200, "")  # acked empty at the budget, not after the work
    assert time.perf_counter() - t0 < 0.25
    assert slack.fake.acks() == []
    msg = (await slack.reply()).data
    assert slack.fake.responses()[0].data == msg
    assert msg["response_type"] == "ephemeral"
    assert set(buttons(msg)) == {"post", "another", "cancel"}


async def test_slow_error_goes_via_response_url(
    slack: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack.adapter, "ack_budget", 0.0)  # even help misses a zero budget
    status, body = await slack.command("quote the godfather")
    assert (status, body) == (200, "")
    msg = (await slack.reply()).data
    assert slack.fake.responses()[0].data == msg
    assert msg["response_type"] == "ephemeral"
    assert "No film called “the godfather”" in msg["text"]


async def test_quote_filters_by_outlet(slack: Harness) -> None:
    from tests.test_slack_render import add_review

    await add_review(
        slack.core, film="Her", text="A bit wonderful.", critic="Kay Ray", outlet="LA Times"
    )
    await add_review(
        slack.core, film="Her", text="Dull as dishwater.", critic="Bo Li", outlet="Daily Bugle"
    )
    for _ in range(3):
        call, buttons_ = await slack.preview('quote her outlet:"LA Times"')
        assert buttons_
        assert "A bit wonderful." in all_text(call.data)
        assert "— _Kay Ray, LA Times_" in all_text(call.data)


async def test_review_previews_an_excerpt(slack: Harness) -> None:
    call, buttons_ = await slack.preview("review metropolis")
    assert set(buttons_) == {"post", "another", "cancel"}
    assert "Metropolis" in call.data["blocks"][0]["text"]["text"]


async def test_release_answers_in_the_channel(slack: Harness) -> None:
    await slack.command('release "night of the living dead"')
    msg = (await slack.reply()).data
    assert msg["response_type"] == "in_channel"  # as on Discord and in the console
    assert msg["blocks"][0]["text"]["text"].startswith("Release dates: Night of the Living Dead")
    assert buttons(msg) == {}


async def test_film_overview_has_fields(slack: Harness) -> None:
    await slack.command("film the general")
    msg = (await slack.reply()).data
    fields = [
        f["text"] for b in msg["blocks"] if b["type"] == "section" for f in b.get("fields", [])
    ]
    assert any(f.startswith("*Reviews*") for f in fields)
    assert "Buster Keaton" in all_text(msg)


async def test_search_shows_matches_with_attribution(slack: Harness) -> None:
    await slack.command("search pulse")
    msg = (await slack.reply()).data
    assert msg["blocks"][0]["text"]["text"] == "Search: pulse"
    assert "very, very seldom" in all_text(msg)


@pytest.mark.parametrize("text", ["", "help", "  help me  "])
async def test_help_lists_subcommands_in_slack_syntax(slack: Harness, text: str) -> None:
    await slack.command(text)
    msg = (await slack.reply()).data
    body = all_text(msg)
    assert "/pullquote quote [film] [critic] [outlet] [public]" in body
    assert "/pullquote release &lt;film&gt; [region]" in body  # escaped mrkdwn
    assert msg["response_type"] == "ephemeral"


async def test_unknown_subcommand_shows_usage(slack: Harness) -> None:
    await slack.command("frobnicate now")
    msg = (await slack.reply()).data
    body = all_text(msg)
    assert "There is no “frobnicate” command" in body
    assert "/pullquote search &lt;text&gt; [film]" in body


async def test_bad_input_is_a_private_hint(slack: Harness) -> None:
    await slack.command("release")
    msg = (await slack.reply()).data
    assert msg["response_type"] == "ephemeral"
    assert "/pullquote release needs film" in msg["text"]


async def test_unknown_film_is_a_private_error(slack: Harness) -> None:
    await slack.command("quote the godfather")
    msg = (await slack.reply()).data
    assert msg["response_type"] == "ephemeral"
    assert "No film called “the godfather”" in msg["text"]


async def test_unexpected_error_is_logged_with_a_generic_reply(
    slack: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(*_: Any, **__: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(slack.core.service, "quote", boom)
    await slack.command("quote")
    msg = (await slack.reply()).data
    assert "Something went wrong on our side" in msg["text"]
    assert "database on fire" not in msg["text"]
    assert "database on fire" in caplog.text


# -- preview buttons -------------------------------------------------------------------------


async def test_post_publishes_as_the_app_and_removes_the_preview(slack: Harness) -> None:
    preview, buttons_ = await slack.preview("quote nosferatu")
    status, _ = await slack.click(buttons_["post"], user="U0BOB")
    assert status == 200
    await slack.fake.wait_for(lambda: len(slack.fake.replies()) >= 2)
    post = slack.fake.posts()[0]
    assert post.data["channel"] == "C0GENERAL"
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "shared by <@U0BOB>" in all_text(post.data)
    assert post.data["unfurl_links"] is False
    assert buttons(post.data) == {}  # no buttons on the public message
    body = next(b for b in preview.data["blocks"] if b["type"] == "section")["text"]["text"]
    assert body in all_text(post.data)
    assert slack.fake.replies()[1].data == {"delete_original": True}
    assert slack.fake.responses()[0].data == {"delete_original": True}  # buttons: response_url


async def test_double_clicked_post_posts_once(slack: Harness) -> None:
    _, buttons_ = await slack.preview("quote")
    await slack.click(buttons_["post"])
    await slack.click(buttons_["post"])
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) >= 1)
    await slack.reply(3)
    await slack.fake.settle()
    assert len(slack.fake.posts()) == 1
    texts_ = [all_text(r.data) for r in slack.fake.replies()[1:]]
    assert any("already been posted" in t for t in texts_)


async def test_retried_click_acts_once(slack: Harness) -> None:
    _, buttons_ = await slack.preview("quote")
    trigger = trigger_id()
    await slack.click(buttons_["another"], trigger=trigger)
    await slack.click(buttons_["another"], trigger=trigger)
    await slack.reply(2)
    await slack.fake.settle()
    assert len(slack.fake.replies()) == 2


async def test_another_replaces_the_preview_with_a_different_pick(slack: Harness) -> None:
    _, first = await slack.preview("quote nosferatu")
    await slack.click(first["another"])
    msg = (await slack.reply(2)).data
    assert msg["replace_original"] is True
    assert msg["response_type"] == "ephemeral"
    second = buttons(msg)
    assert set(second) == {"post", "another", "cancel"}
    assert second["post"].split(":")[2] != first["post"].split(":")[2]  # another snippet


async def test_cancel_deletes_the_preview(slack: Harness) -> None:
    _, buttons_ = await slack.preview("review")
    await slack.click(buttons_["cancel"])
    assert (await slack.reply(2)).data == {"delete_original": True}
    assert slack.fake.posts() == []


async def test_public_yes_posts_at_once(slack: Harness) -> None:
    status, body = await slack.command("quote nosferatu public:yes", user="U0CAROL")
    assert (status, body) == (200, "")  # posted as the app: nothing to say in the ack
    assert len(slack.fake.posts()) == 1  # already out when the ack came back
    assert "shared by <@U0CAROL>" in all_text(slack.fake.posts()[0].data)
    await slack.fake.settle()
    assert slack.fake.replies() == []


async def test_unknown_and_expired_buttons_answer_politely(slack: Harness) -> None:
    status, _ = await slack.click("pq:post:abc:nonce")
    assert status == 200  # ours by prefix, malformed: acked, answered as expired
    msg = (await slack.reply(1)).data
    assert msg["response_type"] == "ephemeral" and msg["replace_original"] is False
    assert "expired" in msg["text"]
    _, buttons_ = await slack.preview("quote")
    old = f"{time.time() - 20 * 60:.6f}"
    await slack.click(buttons_["post"], message_ts=old)
    assert "expired" in (await slack.reply(3)).data["text"]
    status, _ = await slack.click("someone_elses_button")
    assert status == 404  # no listener matches
    await slack.fake.settle(0.1)
    assert slack.fake.posts() == []


# -- signatures, retries, rate limits, channel errors ----------------------------------------


async def test_bad_signature_is_401_without_side_effects(slack: Harness) -> None:
    body = command_body("quote public:yes", response_url=slack.fake.response_url())
    headers = sign(body, secret="not-the-secret")
    status, _, _ = await slack.post(body, headers)
    assert status == 401
    tampered = sign(body) | {"X-Slack-Signature": sign(body + "x")["X-Slack-Signature"]}
    status, _, _ = await slack.post(body, tampered)
    assert status == 401
    await slack.fake.settle()
    assert slack.fake.calls == []


async def test_stale_timestamp_is_401_without_side_effects(slack: Harness) -> None:
    trigger = trigger_id()
    body = command_body("quote public:yes", response_url=slack.fake.response_url(), trigger=trigger)
    status, _, _ = await slack.post(body, sign(body, ts=int(time.time()) - 5 * 60 - 30))
    assert status == 401
    await slack.fake.settle()
    assert slack.fake.calls == []
    # The refused request claimed nothing: the same delivery, fresh, still works.
    status, _, _ = await slack.post(body, sign(body))
    assert status == 200
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)


async def test_retried_command_posts_once(slack: Harness) -> None:
    trigger = trigger_id()
    url = slack.fake.response_url()
    await slack.command("quote public:yes", trigger=trigger, response_url=url)
    await slack.command("quote public:yes", trigger=trigger, response_url=url, retry=1)
    await slack.command("quote public:yes", trigger=trigger, response_url=url, retry=2)
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)
    await slack.fake.settle()
    assert len(slack.fake.posts()) == 1
    assert slack.fake.replies() == []


async def test_retried_preview_answers_once(slack: Harness) -> None:
    trigger = trigger_id()
    url = slack.fake.response_url()
    _, first = await slack.command("quote", trigger=trigger, response_url=url)
    _, again = await slack.command("quote", trigger=trigger, response_url=url, retry=1)
    assert set(buttons(json.loads(first))) == {"post", "another", "cancel"}
    assert again == ""
    await slack.fake.settle()
    assert len(slack.fake.replies()) == 1


async def test_rate_limited_post_is_retried_after_retry_after(slack: Harness) -> None:
    _, buttons_ = await slack.preview("quote")
    slack.fake.rate_limit("chat.postMessage", retry_after=0)
    await slack.click(buttons_["post"])
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)
    attempts = slack.fake.api("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert (await slack.reply(2)).data == {"delete_original": True}


async def test_rate_limited_response_url_is_retried(
    slack: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack.adapter, "ack_budget", 0.0)  # the answer goes to response_url
    slack.fake.rate_limit("response_url", retry_after=0)
    await slack.command("help")
    await slack.reply()
    refused = [c for c in slack.fake.calls if c.kind == "response_refused"]
    assert [c.status for c in refused] == [429]


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
async def test_post_outside_the_channel_hints_to_invite(slack: Harness, error: str) -> None:
    _, first = await slack.preview("quote")
    slack.fake.fail("chat.postMessage", error)
    await slack.click(first["post"])
    msg = (await slack.reply(2)).data
    assert msg["replace_original"] is True
    assert "/invite @Pullquote" in all_text(msg)
    second = buttons(msg)
    assert second["post"] != first["post"]  # a fresh preview: Post works after the invite
    await slack.click(second["post"])
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)


async def test_public_yes_outside_the_channel_hints_to_invite(slack: Harness) -> None:
    slack.fake.fail("chat.postMessage", "not_in_channel")
    await slack.command("review public:yes")
    msg = (await slack.reply()).data
    assert msg["response_type"] == "ephemeral"
    assert "/invite @Pullquote" in all_text(msg)
    assert set(buttons(msg)) == {"post", "another", "cancel"}  # Post again after the invite


# -- hostile and huge content -----------------------------------------------------------------


async def test_mentions_in_a_quote_are_escaped(slack: Harness) -> None:
    from tests.test_slack_render import add_review

    await add_review(
        slack.core,
        film="Mention Bait",
        text="Pure <!channel> & <!here> chaos, says <@U0BOSS> at <https://evil.example|x>.",
        critic="<!everyone> Critic",
        outlet="The <@U0EDITOR> Times",
    )
    await slack.command("quote mention bait public:yes")
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)
    post = slack.fake.posts()[0].data
    dumped = json.dumps(post)
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U0BOSS>", "<@U0EDITOR>", "<https"):
        assert raw not in dumped
    body = all_text(post)
    assert "&lt;!channel&gt; &amp; &lt;!here&gt;" in body
    assert "&lt;!everyone&gt; Critic" in body
    assert "<@U0ALICE>" in body  # our own shared-by mention stays a mention


async def test_ten_thousand_character_quote_fits_with_attribution(slack: Harness) -> None:
    from tests.test_slack_render import LONG, add_review, assert_within_limits

    await add_review(slack.core, film="Longest Take", text=LONG, critic="Ada Brook")
    call, buttons_ = await slack.preview("quote longest take")
    assert_within_limits(call.data)
    section = next(b for b in call.data["blocks"] if b["type"] == "section")["text"]["text"]
    assert section.endswith("— _Ada Brook, The Long Review_")
    assert 2500 < len(section) <= 3000
    await slack.click(buttons_["post"])
    await slack.fake.wait_for(lambda: len(slack.fake.posts()) == 1)
    assert_within_limits(slack.fake.posts()[0].data)


async def test_a_failing_delivery_claim_does_nothing_and_says_so(
    slack: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(key: str) -> bool:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(slack.core.core, "claim", broken)
    status, body = await slack.command("quote public:yes")
    assert (status, body) == (200, "")
    msg = (await slack.reply()).data
    assert msg["response_type"] == "ephemeral" and "Something went wrong" in msg["text"]
    assert "disk I/O error" not in msg["text"] and "disk I/O error" in caplog.text
    assert slack.fake.posts() == []  # not claimed, so not done
