"""Answering interactions in time: defer only when the work gets slow, then send or edit
through whichever channel (callback or followup) is still open. Every message carries
allowed_mentions none."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

import discord

from adapters.discord.render import NO_MENTIONS, Message
from bot.service import Service

T = TypeVar("T")

DEFER_AFTER = 1.5
"""Seconds of work after which we defer: well inside Discord's 3-second deadline, while
fast answers still go out in one callback (no "thinking..." flash)."""


@runtime_checkable
class Host(Protocol):
    """What the handlers need from the client: the core service and the defer threshold."""

    service: Service
    defer_after: float


_HOST_CLASSES: set[type] = set()


def host_of(interaction: discord.Interaction[Any]) -> Host:
    """The Pullquote client that received `interaction`."""
    client = interaction.client
    # isinstance() against a runtime-checkable Protocol inspects every member each time
    # (~0.1 ms, on every interaction); a client class that passed once is remembered.
    if type(client) not in _HOST_CLASSES:
        if not isinstance(client, Host):
            raise TypeError(f"{type(client).__name__} is not a Pullquote client")
        _HOST_CLASSES.add(type(client))
    return cast(Host, client)


async def in_time(
    host: Host, work: Awaitable[T], defer: Callable[[], Awaitable[object]]
) -> T:
    """Await `work`; if it takes longer than `host.defer_after`, acknowledge the interaction
    with `defer` meanwhile, so Discord never says the application did not respond."""
    loop = asyncio.get_running_loop()
    deferring: asyncio.Task[object] | None = None

    def start_deferring() -> None:
        nonlocal deferring
        deferring = loop.create_task(_call(defer))

    # A timer rather than a task around `work`: the fast path runs inline, with no extra hop.
    timer = loop.call_later(host.defer_after, start_deferring)
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


async def send(
    interaction: discord.Interaction[Any],
    message: Message,
    *,
    ephemeral: bool,
    view: discord.ui.View | None = None,
) -> None:
    """Send `message` as the interaction's answer, or as a followup after a defer."""
    kwargs: dict[str, Any] = {"embed": message.embed, "allowed_mentions": NO_MENTIONS}
    if message.content:
        kwargs["content"] = message.content
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)


async def edit(
    interaction: discord.Interaction[Any], message: Message, *, view: discord.ui.View | None
) -> None:
    """Replace the message a clicked button sits on (in the callback, or after a defer)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(
            content=message.content, embed=message.embed, view=view,
            allowed_mentions=NO_MENTIONS,
        )
    else:
        await interaction.response.edit_message(
            content=message.content, embed=message.embed, view=view,
            allowed_mentions=NO_MENTIONS,
        )
