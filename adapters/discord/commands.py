"""Slash commands built from the core's single declaration (bot.commands.COMMANDS).

Each declared option becomes a typed slash option (text length limits, choices, film and
time zone autocomplete); admin commands are shown by default to members with Manage Server
only (Discord's `default_permissions`), and the core checks again when they run, with what
`interaction.permissions` says. Commands named in GROUPS live under a group, e.g.
`/pullquote help`. Running one: the options become an Invocation, the core answers, and
the reply is delivered in time (`adapters.discord.replies`)."""

from __future__ import annotations

import inspect
import logging
from typing import Any, Optional

import discord
from discord import app_commands

from adapters.discord.render import choice
from adapters.discord.replies import answer_command, in_time
from bot.commands import COMMANDS, Command, Option, shown
from bot.invocation import Caller, Invocation

log = logging.getLogger(__name__)

DESCRIPTION = 100
"""Discord's limit for command and option descriptions."""
MAX_CHOICES = 25
TYPED = 100
"""How much of what was typed autocomplete looks at (Discord sends at most 100)."""

GROUPS: dict[str, str] = {"help": "pullquote"}
"""Declared commands shown under a group on Discord: `/pullquote help`. A declared command
with subcommands (`daily`) becomes a group of its own (`build_group`)."""
GROUP_DESCRIPTIONS: dict[str, str] = {"pullquote": "About Pullquote"}

ADMIN = discord.Permissions(manage_guild=True)
ADMINS = "members with the Manage Server permission"


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


def caller(interaction: discord.Interaction[Any]) -> Caller:
    """Who runs a command or clicks, where, and whether Discord lets them manage the server
    (what admin commands ask for)."""
    return Caller(
        "discord",
        str(interaction.channel_id),
        user=str(interaction.user.id),
        workspace=str(interaction.guild_id) if interaction.guild_id else None,
        admin=interaction.guild_id is not None and interaction.permissions.manage_guild,
        admins=ADMINS,
    )


async def film_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for film options: up to 25 "Title (Year)" choices whose value ("#12")
    identifies the film, fuzzy-matched by the core."""
    try:
        found = await interaction.client.core.film_choices(current[:TYPED], MAX_CHOICES)
    except Exception:
        log.exception("film autocomplete failed for %.40r", current)
        return []
    return [
        app_commands.Choice(name=choice(label), value=choice(value))
        for label, value in found[:MAX_CHOICES]
    ]


async def zone_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete for time zone options: IANA names close to what was typed."""
    found = interaction.client.core.zone_choices(current[:TYPED], MAX_CHOICES)
    return [app_commands.Choice(name=choice(z), value=choice(z)) for z in found[:MAX_CHOICES]]


async def run_command(
    interaction: discord.Interaction[Any],
    decl: Command,
    values: dict[str, Any],
    group: Command | None = None,
) -> None:
    """Run one declared command (`group`: the group it is a subcommand of) in the core and
    deliver its reply; if the core is slow, defer first, privately unless the declaration
    says the answer is public."""
    client = interaction.client
    args = {k: v for k, v in values.items() if v is not None}
    public = shown(decl, args) == "public"
    work = client.core.run(Invocation(decl, args, parent=group), caller(interaction))

    async def defer() -> None:
        await interaction.response.defer(ephemeral=not public, thinking=True)

    reply = await in_time(client.defer_after, work, defer)
    await answer_command(interaction, reply, deferred_public=public)


def _callback(decl: Command, group: Command | None = None) -> Any:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await run_command(interaction, decl, values, group)

    callback.__name__ = callback.__qualname__ = f"pullquote_{decl.name}"
    callback.__signature__ = _signature(decl)  # type: ignore[attr-defined]
    callback = app_commands.describe(
        **{o.name: _describe(o.description) for o in decl.options}
    )(callback)
    choices = {
        o.name: [app_commands.Choice(name=choice(c.label), value=c.value) for c in o.choices]
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
    if decl.access == "admin" and group is None:
        # Subcommands take these from their group (Discord sets them per top-level).
        callback = app_commands.default_permissions(ADMIN)(callback)
        callback = app_commands.guild_only()(callback)
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
    defaults to Manage Server and is server-only; the core checks again when one runs."""
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
