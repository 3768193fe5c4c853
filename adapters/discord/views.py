"""Buttons: the core's Actions as Discord components, and clicks handed back to the core.

The buttons are discord.py DynamicItems: a click is matched by its custom_id, which carries
everything the core needs (bot/preview.py), so buttons keep working after a restart and no
view is kept in memory per preview."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.cards import Action
from bot.preview import PREFIX

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
}
MAX_BUTTONS = 25

OnClick = Callable[[discord.Interaction[Any], str], Awaitable[None]]


class PreviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(rf"{PREFIX}:.+"),
):
    """Any button of ours, on any message, before or after a restart; a click goes to the
    client's `on_click` with the button's id."""

    def __init__(self, action: Action) -> None:
        super().__init__(
            discord.ui.Button(
                label=action.label, style=_STYLES[action.style], custom_id=action.id
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PreviewButton:
        """Rebuild the button from a click."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(Action(match.group(0), label or "?"))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand the click to the client (which asks the core and answers)."""
        on_click: OnClick = interaction.client.on_click
        await on_click(interaction, self.item.custom_id or "")


def buttons_view(actions: tuple[Action, ...]) -> discord.ui.View | None:
    """The buttons for `actions` (None when there are none), in an already stopped View:
    discord.py keeps an unstopped View in memory with a 15-minute timeout task for every
    message it is sent with, for nothing here, since clicks are dispatched by the
    `PreviewButton` registered once on the client."""
    if not actions:
        return None
    view = discord.ui.View(timeout=None)
    for action in actions[:MAX_BUTTONS]:
        view.add_item(PreviewButton(action))
    view.stop()
    return view
