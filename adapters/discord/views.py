"""Preview buttons (Post / Another / Cancel) and what a click does.

The buttons are discord.py DynamicItems: a click is matched by its custom_id, which carries
everything needed (bot.preview), so buttons keep working after a restart and no view is
kept in memory per preview."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import discord

from adapters.discord.errors import handle_error, tell
from adapters.discord.render import NO_MENTIONS, render_card, shared_by
from adapters.discord.replies import Host, edit, host_of, in_time
from bot.cards import Action, Card
from bot.preview import PREFIX, Click, parse_click, preview_actions

PREVIEW_TTL = dt.timedelta(minutes=15)
"""How long a preview's buttons act; Discord's interaction tokens live as long."""

EXPIRED = "This preview has expired. Run the command again for a fresh one."
ALREADY_POSTED = "That one has already been posted."

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "danger": discord.ButtonStyle.danger,
}


class PreviewButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(rf"{PREFIX}:.+"),
):
    """One preview button; `click` is None when its id is ours but no longer parses."""

    def __init__(self, action: Action, click: Click | None) -> None:
        super().__init__(
            discord.ui.Button(
                label=action.label, style=_STYLES[action.style], custom_id=action.id
            )
        )
        self.click = click

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PreviewButton:
        """Rebuild the button from a click on any message, before or after a restart."""
        custom_id = match.group(0)
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(Action(custom_id, label or "?"), parse_click(custom_id))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Act on the click; any failure goes to the one error handler."""
        try:
            await on_click(interaction, self.click)
        except Exception as exc:
            await handle_error(interaction, exc)


class PreviewComponents(discord.ui.View):
    """The prebuilt buttons under a preview: an already stopped View, so discord.py never
    keeps it in its ViewStore. Nothing per preview needs to live in memory: a click is
    dispatched by `PreviewButton` (registered once on the client) from its custom_id.

    Sending an unstopped View would make discord.py store it and start a 15-minute timeout
    task for every ephemeral preview: a View and a sleeping task alive per preview, for
    nothing. The components are the ones `PreviewButton`s render (tests compare them)."""

    def __init__(self, actions: tuple[Action, ...]) -> None:
        super().__init__(timeout=None)
        self._rows: list[dict[str, Any]] = [
            {"type": 1, "components": [_button(action) for action in actions]}
        ]
        self.stop()

    def to_components(self) -> list[dict[str, Any]]:
        """The action row with the buttons, as sent to Discord."""
        return self._rows


def _button(action: Action) -> dict[str, Any]:
    # discord.ui.Button(label=, style=, custom_id=).to_component_dict(), without building it.
    return {
        "type": 2,
        "style": _STYLES[action.style].value,
        "disabled": False,
        "label": action.label,
        "custom_id": action.id,
    }


def preview_view(card: Card, nonce: str) -> discord.ui.View | None:
    """The Post / Another / Cancel buttons for a preview of `card` (None if it has none)."""
    actions = preview_actions(card, nonce)
    if not actions:
        return None
    return PreviewComponents(actions)


def _expired(message: discord.Message | None) -> bool:
    if message is None:
        return True
    shown = message.edited_at or message.created_at
    return discord.utils.utcnow() - shown > PREVIEW_TTL


async def on_click(interaction: discord.Interaction[Any], click: Click | None) -> None:
    """Cancel removes the preview; Another swaps in a different pick; Post publishes it
    once (claimed in the store) with "shared by @user"."""
    host = host_of(interaction)
    if click is not None and click.verb == "cancel":
        await interaction.response.defer()
        await interaction.delete_original_response()
        return
    if click is None or _expired(interaction.message):
        await tell(interaction, EXPIRED)
        return
    channel = str(interaction.channel_id)
    if click.verb == "another":
        card = await in_time(
            host,
            host.service.another(click.snippet_id, channel=channel),
            interaction.response.defer,
        )
        await edit(interaction, render_card(card), view=preview_view(card, click.nonce))
        return
    await _post(host, interaction, click)


async def _post(host: Host, interaction: discord.Interaction[Any], click: Click) -> None:
    async def claimed_card() -> Card | None:
        if not await host.service.claim(click.claim_key):
            return None
        return await host.service.card_for(click.snippet_id)

    card = await in_time(host, claimed_card(), interaction.response.defer)
    if card is None:
        await tell(interaction, ALREADY_POSTED)
        return
    if not interaction.response.is_done():
        await interaction.response.defer()
    message = shared_by(card, interaction.user)
    await interaction.followup.send(
        content=message.content or "",
        embed=message.embed,
        ephemeral=False,
        allowed_mentions=NO_MENTIONS,
    )
    await interaction.delete_original_response()
