"""The core's Forms as Discord modals; a submission goes back to the core through the
client's `on_submit`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord

from adapters.discord.render import plain
from bot.reply import Form

TITLE = 45
LABEL = 45
PLACEHOLDER = 100
INPUT = 4000
INPUTS = 5
"""Discord's limits: modal title, input label and placeholder, input length, inputs."""
TIMEOUT = 15 * 60.0

OnSubmit = Callable[[discord.Interaction[Any], str, Mapping[str, str]], Awaitable[None]]


def _cut(text: str, limit: int) -> str:
    """`text` within `limit` UTF-16 units (Discord counts those), never blank."""
    return plain(text, limit).strip() or "…"


class FormModal(discord.ui.Modal):
    """A modal with one text input per field of `form`."""

    def __init__(self, form: Form) -> None:
        super().__init__(title=_cut(form.title, TITLE), custom_id=form.id, timeout=TIMEOUT)
        self.form = form
        self.inputs: dict[str, discord.ui.TextInput[FormModal]] = {}
        for field in form.fields[:INPUTS]:
            text_input: discord.ui.TextInput[FormModal] = discord.ui.TextInput(
                label=_cut(field.label, LABEL),
                style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
                required=field.required,
                max_length=min(field.max_length, INPUT),
                placeholder=_cut(field.placeholder, PLACEHOLDER) if field.placeholder else None,
            )
            self.inputs[field.name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Hand the values to the client, which runs the form's command in the core."""
        on_submit: OnSubmit = interaction.client.on_submit
        values = {name: text_input.value for name, text_input in self.inputs.items()}
        await on_submit(interaction, self.form.id, values)
