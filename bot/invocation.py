"""Parse a typed command line (`/quote her outlet:"LA Times"`) against the declarations.

The console and Slack's `/pullquote <subcommand> ...` share this grammar: `name:value` sets
an option by name, loose words fill the first unnamed option, quotes group words."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.commands import COMMANDS, Command, Option, command
from bot.errors import BadInput

MAX_LINE = 2000


@dataclass(frozen=True, slots=True)
class Invocation:
    command: Command
    args: dict[str, str | bool | int] = field(default_factory=dict)
    parent: Command | None = None
    """The group a subcommand was run under (`daily` for `/daily set ...`)."""


def _coerce(opt: Option, raw: str) -> str | bool | int:
    if len(raw) > opt.max_length:
        raise BadInput(
            f"The {opt.name} is too long ({len(raw):,} characters; the limit is "
            f"{opt.max_length:,})."
        )
    if opt.type == "boolean":
        low = raw.strip().lower()
        if low in ("yes", "true", "1", "on", "y"):
            return True
        if low in ("no", "false", "0", "off", "n"):
            return False
        raise BadInput(f"{opt.name} takes yes or no, not “{raw}”.")
    if opt.type == "integer":
        try:
            return int(raw)
        except ValueError:
            raise BadInput(f"{opt.name} takes a whole number, not “{raw}”.") from None
    return raw.strip()


_STRAIGHTEN = str.maketrans("“”‘’", "\"\"''")


def _split(line: str) -> list[str]:
    # Curly quotes come from phones and Slack's autocorrect; treat them as straight quotes.
    line = line.translate(_STRAIGHTEN)
    if "'" not in line and '"' not in line and "\\" not in line:
        return line.split()  # what shlex gives without quotes or escapes, ~10x faster
    try:
        return shlex.split(line)
    except ValueError:
        # An unclosed quote: fall back to plain words rather than refusing the command.
        return line.replace('"', " ").split()


def parse(line: str) -> Invocation:
    """Turn `/name args...` (leading slash optional) into an Invocation, or raise BadInput."""
    if len(line) > MAX_LINE:
        raise BadInput(f"That command is too long ({len(line):,} characters).")
    words = _split(line.strip().removeprefix("/"))
    if not words:
        raise BadInput("Type a command, e.g. /quote her. /help lists them all.")
    name = words[0].lower()
    cmd = command(name)
    if cmd is None:
        names = ", ".join(f"/{c.name}" for c in COMMANDS)
        raise BadInput(f"There is no /{name} command.", hint=f"Try one of: {names}.")
    if cmd.subcommands:
        return bind_group(cmd, words[1:])
    return bind(cmd, words[1:])


def bind_group(group: Command, words: list[str]) -> Invocation:
    """`/daily set 09:00 Europe/London`: the first word names the subcommand."""
    sub = group.subcommand(words[0].lower()) if words else None
    if sub is None:
        raise BadInput(
            f"/{group.name} needs one of: {', '.join(c.name for c in group.subcommands)}.",
            hint=usage(group),
        )
    try:
        inv = bind(sub, words[1:])
    except BadInput as exc:
        message = exc.message.replace(f"/{sub.name} ", f"/{group.name} {sub.name} ", 1)
        raise BadInput(message, hint=usage(sub, group)) from None
    return Invocation(sub, inv.args, parent=group)


def _spread(cmd: Command, positional: list[str], args: dict[str, str | bool | int]) -> None:
    """Loose words one per free required option, the last one taking the rest."""
    free = [o for o in cmd.options if o.required and o.name not in args]
    if not free:
        raise BadInput(f"/{cmd.name} takes no more words: “{' '.join(positional)}”.")
    for index, opt in enumerate(free):
        if not positional:
            break
        last = index == len(free) - 1
        take = positional if last else positional[:1]
        positional = [] if last else positional[1:]
        args[opt.name] = _coerce(opt, " ".join(take))


def bind(cmd: Command, words: list[str]) -> Invocation:
    """Assign words to `cmd`'s options: `name:value` by name, loose words to the first."""
    args: dict[str, str | bool | int] = {}
    positional: list[str] = []
    for word in words:
        key, sep, value = word.partition(":")
        opt = cmd.option(key.lower()) if sep else None
        if opt is not None:
            args[opt.name] = _coerce(opt, value)
        else:
            positional.append(word)
    if positional and cmd.word_per_option:
        _spread(cmd, positional, args)
    elif positional:
        free = [o for o in cmd.options if o.name not in args and o.type != "boolean"]
        if not free:
            raise BadInput(f"/{cmd.name} takes no more words: “{' '.join(positional)}”.")
        # Loose words fill the first free option, so `/quote the dark knight` works unquoted;
        # later options are named (`region:GB`).
        args[free[0].name] = _coerce(free[0], " ".join(positional))
    missing = [o.name for o in cmd.options if o.required and o.name not in args]
    if missing:
        raise BadInput(f"/{cmd.name} needs {', '.join(missing)}.", hint=usage(cmd))
    return Invocation(cmd, args)


def usage(cmd: Command, parent: Command | None = None) -> str:
    """One-line usage, e.g. `/release <film> [region]`, `/daily set|off|...`."""
    if cmd.subcommands:
        return f"/{cmd.name} " + "|".join(c.name for c in cmd.subcommands)
    if parent is not None:
        return f"/{parent.name} " + usage(cmd).removeprefix("/")
    parts = [f"<{o.name}>" if o.required else f"[{o.name}]" for o in cmd.options]
    return " ".join([f"/{cmd.name}", *parts])
