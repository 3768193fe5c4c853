"""Slash commands built from the core's single declaration (bot.commands.COMMANDS).

Each declared option becomes a typed slash option (text length limits, choices, film
autocomplete); admin commands get Manage Server as default permission and a check when run.
Commands named in GROUPS live under a group, e.g. `/pullquote help`."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Optional

import discord
from discord import app_commands

from adapters.discord.render import render_card
from adapters.discord.replies import host_of, in_time, send
from adapters.discord.views import preview_view
from bot.commands import COMMANDS, Command, Option
from bot.invocation import Invocation
from bot.preview import new_nonce

log = logging.getLogger(__name__)

DESCRIPTION = 100
"""Discord's limit for command and option descriptions."""
CHOICE = 100
"""Discord's limit for a choice's name and value."""
MAX_CHOICES = 25

GROUPS: dict[str, str] = {"help": "pullquote"}
"""Declared commands shown under a group on Discord: `/pullquote help`. Issue 6's `/daily`
subcommands (set|off|pause|resume|status|now) belong in a `daily` group built the same way."""
GROUP_DESCRIPTIONS: dict[str, str] = {"pullquote": "About Pullquote"}

ADMIN = discord.Permissions(manage_guild=True)


def _describe(text: str) -> str:
    return text if len(text) <= DESCRIPTION else text[: DESCRIPTION - 1].rstrip() + "…"


def _annotation(opt: Option) -> Any:
    base: Any
    if opt.type == "boolean":
        base = bool
    elif opt.type == "integer":
        base = int
    else:
        base = app_commands.Range[str, 1, opt.max_length]
    # discord.py reads optionality from Optional[...] and the parameter default.
    return base if opt.required else Optional[base]  # noqa: UP045


def _signature(decl: Command) -> inspect.Signature:
    params = [
        inspect.Parameter(
            "interaction",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            annotation=discord.Interaction,
        )
    ]
    params += [
        inspect.Parameter(
            opt.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_annotation(opt),
            default=inspect.Parameter.empty if opt.required else None,
        )
        for opt in decl.options
    ]
    return inspect.Signature(params)


async def film_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for film options: up to 25 "Title (Year)" choices whose value ("#12")
    identifies the film, fuzzy-matched by the core."""
    host = host_of(interaction)
    try:
        found = await host.service.film_choices(current[:CHOICE], MAX_CHOICES)
    except Exception:
        log.exception("film autocomplete failed for %.40r", current)
        return []
    return [
        app_commands.Choice(name=label[:CHOICE], value=value[:CHOICE])
        for label, value in found[:MAX_CHOICES]
    ]


async def run_command(
    interaction: discord.Interaction[Any], decl: Command, values: dict[str, Any]
) -> None:
    """Run one declared command: previewable ones answer privately with Post / Another /
    Cancel unless `public` is set; the rest answer in the channel."""
    host = host_of(interaction)
    args = {k: v for k, v in values.items() if v is not None}
    preview = decl.previewable and not args.get("public")
    work = host.service.run(Invocation(decl, args), channel=str(interaction.channel_id))

    async def defer() -> None:
        await interaction.response.defer(ephemeral=preview, thinking=True)

    card = await in_time(host, work, defer)
    view = preview_view(card, new_nonce()) if preview else None
    await send(interaction, render_card(card), ephemeral=preview and view is not None, view=view)


def _callback(decl: Command) -> Any:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await run_command(interaction, decl, values)

    callback.__name__ = callback.__qualname__ = f"pullquote_{decl.name}"
    callback.__signature__ = _signature(decl)  # type: ignore[attr-defined]
    callback = app_commands.describe(
        **{o.name: _describe(o.description) for o in decl.options}
    )(callback)
    choices = {
        o.name: [app_commands.Choice(name=c.label[:CHOICE], value=c.value) for c in o.choices]
        for o in decl.options
        if o.choices
    }
    if choices:
        callback = app_commands.choices(**choices)(callback)
    films = {o.name: film_choices for o in decl.options if o.autocomplete and not o.choices}
    if films:
        callback = app_commands.autocomplete(**films)(callback)
    if decl.access == "admin":
        callback = app_commands.default_permissions(ADMIN)(callback)
        callback = app_commands.guild_only()(callback)
        callback = app_commands.checks.has_permissions(manage_guild=True)(callback)
    return callback


def build_command(decl: Command, *, parent: app_commands.Group | None = None) -> Any:
    """The slash command for one declaration."""
    return app_commands.Command(
        name=decl.name,
        description=_describe(decl.description),
        callback=_callback(decl),
        parent=parent,
    )


def build_commands(
    declarations: tuple[Command, ...] = COMMANDS,
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """Every top-level slash command and group, in declaration order."""
    top: list[app_commands.Command[Any, ..., Any] | app_commands.Group] = []
    groups: dict[str, app_commands.Group] = {}
    for decl in declarations:
        group_name = GROUPS.get(decl.name)
        if group_name is None:
            top.append(build_command(decl))
            continue
        group = groups.get(group_name)
        if group is None:
            group = app_commands.Group(
                name=group_name,
                description=GROUP_DESCRIPTIONS.get(group_name, group_name),
            )
            groups[group_name] = group
            top.append(group)
        group.add_command(build_command(decl, parent=group))
    return top
