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

from adapters.discord.render import choice, render_card
from adapters.discord.replies import host_of, in_time, send
from adapters.discord.views import preview_view
from bot.commands import COMMANDS, Command, Option
from bot.invocation import Invocation
from bot.preview import new_nonce
from bot.schedule.commands import DailyCommands, Where
from bot.schedule.timezones import suggest_zones

log = logging.getLogger(__name__)

DESCRIPTION = 100
"""Discord's limit for command and option descriptions."""
CHOICE = 100
"""Discord's limit for a choice's name and value."""
MAX_CHOICES = 25

GROUPS: dict[str, str] = {"help": "pullquote"}
"""Declared commands shown under a group on Discord: `/pullquote help`. A declared command
with subcommands (`daily`) becomes a group of its own (`build_group`)."""
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
        app_commands.Choice(name=choice(label), value=choice(value))
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


COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland",
)


async def zone_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for time zone options: IANA names close to what was typed."""
    found = suggest_zones(current[:CHOICE], MAX_CHOICES) if current.strip() else list(
        COMMON_ZONES
    )
    return [app_commands.Choice(name=z, value=z) for z in found[:MAX_CHOICES]]


def daily_of(interaction: discord.Interaction[Any]) -> DailyCommands:
    """The /daily command logic of the client that received `interaction`."""
    daily = getattr(interaction.client, "daily", None)
    if not isinstance(daily, DailyCommands):
        raise TypeError("this client has no daily commands")
    return daily


async def run_subcommand(
    interaction: discord.Interaction[Any], group: Command, decl: Command, values: dict[str, Any]
) -> None:
    """Run a grouped subcommand (`/daily set ...`): answers privately, except `now`, whose
    test card goes to the channel."""
    host = host_of(interaction)
    args = {k: v for k, v in values.items() if v is not None}
    where = Where(
        platform="discord",
        channel_id=str(interaction.channel_id),
        workspace_id=str(interaction.guild_id) if interaction.guild_id else None,
        user_id=str(interaction.user.id),
    )
    public = decl.name == "now"
    work = daily_of(interaction).run(Invocation(decl, args, parent=group), where)

    async def defer() -> None:
        await interaction.response.defer(ephemeral=not public, thinking=True)

    reply = await in_time(host, work, defer)
    await send(interaction, render_card(reply.card), ephemeral=not reply.public)


def _callback(decl: Command, group: Command | None = None) -> Any:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        if group is not None:
            await run_subcommand(interaction, group, decl, values)
        else:
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
    films: dict[str, Any] = {
        o.name: film_choices for o in decl.options if o.autocomplete and not o.choices
    }
    films.update({o.name: zone_choices for o in decl.options if o.type == "timezone"})
    if films:
        callback = app_commands.autocomplete(**films)(callback)
    if decl.access == "admin":
        if group is None:
            # Subcommands take these from their group (Discord sets them per top-level).
            callback = app_commands.default_permissions(ADMIN)(callback)
            callback = app_commands.guild_only()(callback)
        callback = app_commands.checks.has_permissions(manage_guild=True)(callback)
    return callback


def build_command(
    decl: Command,
    *,
    parent: app_commands.Group | None = None,
    group_decl: Command | None = None,
) -> Any:
    """The slash command for one declaration (`group_decl`: the group it belongs to)."""
    return app_commands.Command(
        name=decl.name,
        description=_describe(decl.description),
        callback=_callback(decl, group_decl),
        parent=parent,
    )


def build_group(decl: Command) -> app_commands.Group:
    """A declared group (`daily`) and its subcommands: `/daily set|off|...`. An admin group
    defaults to Manage Server and is server-only; each subcommand checks again when run."""
    admin = decl.access == "admin"
    group = app_commands.Group(
        name=decl.name,
        description=_describe(decl.description),
        default_permissions=ADMIN if admin else None,
        guild_only=admin,
    )
    for sub in decl.subcommands:
        group.add_command(build_command(sub, parent=group, group_decl=decl))
    return group


def build_commands(
    declarations: tuple[Command, ...] = COMMANDS,
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """Every top-level slash command and group, in declaration order."""
    top: list[app_commands.Command[Any, ..., Any] | app_commands.Group] = []
    groups: dict[str, app_commands.Group] = {}
    for decl in declarations:
        if decl.subcommands:
            top.append(build_group(decl))
            continue
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
