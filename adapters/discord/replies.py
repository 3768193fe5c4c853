"""Delivering the core's Replies as interaction responses, in time.

Discord wants an answer within 3 seconds: `in_time` defers only when the core gets slow, so
fast answers go out in one callback. A command's reply is sent (ephemeral unless public); a
click's reply replaces or deletes the preview it came from, and a shared card is posted
"shared by @user". Every message carries allowed_mentions none."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord

from adapters.discord.errors import tell
from adapters.discord.forms import FormModal
from adapters.discord.render import CONTENT, NO_MENTIONS, error_text, fit, render_card
from adapters.discord.views import buttons_view
from adapters.wire import units
from bot.reply import Reply

T = TypeVar("T")

DEFER_AFTER = 1.5
"""Seconds of work after which we defer: well inside Discord's 3-second deadline, while
fast answers still go out in one callback (no "thinking..." flash)."""
EMBEDS = 10
TOTAL = 6000
"""Discord's limits: embeds per message, and characters over all of a message's embeds."""


async def in_time(
    defer_after: float, work: Awaitable[T], defer: Callable[[], Awaitable[object]]
) -> T:
    """Await `work`; if it takes longer than `defer_after`, acknowledge the interaction
    with `defer` meanwhile, so Discord never says the application did not respond."""
    loop = asyncio.get_running_loop()
    deferring: asyncio.Task[object] | None = None

    def start_deferring() -> None:
        nonlocal deferring
        deferring = loop.create_task(_call(defer))

    # A timer rather than a task around `work`: the fast path runs inline, with no extra hop.
    timer = loop.call_later(defer_after, start_deferring)
    try:
        result = await work
    except BaseException:
        if deferring is not None:
            # Let the defer land, so the error reply goes out as a followup.
            await asyncio.gather(deferring, return_exceptions=True)
        raise
    finally:
        timer.cancel()
    if deferring is not None:
        await deferring
    return result


async def _call(defer: Callable[[], Awaitable[object]]) -> object:
    return await defer()


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send/edit: the cards as embeds (within Discord's limits), the
    note or "shared by" line as content, the buttons as components."""
    embeds: list[discord.Embed] = []
    total = 0
    for card in reply.cards[:EMBEDS]:
        embed = render_card(card).embed
        if embeds and total + len(embed) > TOTAL:
            break
        embeds.append(embed)
        total += len(embed)
    lines = [f"shared by <@{reply.shared_by}>"] if reply.shared_by else []
    if reply.text and reply.text.strip():
        # The note is cut to what the "shared by" line leaves of the content limit.
        room = CONTENT - sum(units(line) + 1 for line in lines)
        lines.insert(0, fit(reply.text, room))
    kwargs: dict[str, Any] = {"embeds": embeds, "allowed_mentions": NO_MENTIONS}
    content = "\n".join(lines)
    if content.strip():
        kwargs["content"] = content
    view = buttons_view(reply.actions)
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def answer_command(
    interaction: discord.Interaction[Any], reply: Reply, *, deferred_public: bool
) -> None:
    """Send a command's reply: a form opens a modal, anything else is a message (private
    unless the reply is public). After a public "thinking..." defer, a private reply first
    removes that placeholder, so the answer stays private."""
    if reply.form is not None:
        if interaction.response.is_done():
            await tell(interaction, "That took too long to open its form; please try again.")
        else:
            await interaction.response.send_modal(FormModal(reply.form))
        return
    if reply.visibility == "none":
        return
    if reply.private and deferred_public and interaction.response.is_done():
        await interaction.delete_original_response()
    if reply.visibility == "error":
        await tell(interaction, error_text(reply.text or ""))
        return
    kwargs = message(reply)
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.private, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=reply.private, **kwargs)


async def answer_click(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """Deliver a click's reply: an error to the clicker alone; the preview replaced in
    place or deleted; a shared card posted to the channel."""
    if reply.visibility == "error":
        await tell(interaction, error_text(reply.text or ""))
        return
    if reply.original == "replace":
        kwargs = message(reply)
        kwargs.setdefault("content", None)
        kwargs.setdefault("view", None)
        if interaction.response.is_done():
            await interaction.edit_original_response(**kwargs)
        else:
            await interaction.response.edit_message(**kwargs)
        return
    if not interaction.response.is_done():
        await interaction.response.defer()
    if reply.visibility == "public":
        await interaction.followup.send(ephemeral=False, **message(reply))
    elif reply.visibility != "none":
        await interaction.followup.send(ephemeral=True, **message(reply))
    if reply.original == "delete":
        await interaction.delete_original_response()
