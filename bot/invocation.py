"""What the core is asked to run: a declared command with its options (`Invocation`), and
who asks from where (`Caller`); plus the typed grammar (`/quote her outlet:"LA Times"`).

The console and Slack's `/pullquote <subcommand> ...` share this grammar: `name:value` sets
an option by name, loose words fill the first unnamed option, quotes group words. Discord
builds Invocations from its typed slash options instead."""

from __future__ import annotations

import shlex
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bot.commands import COMMANDS, Command, Option, command
from bot.errors import BadInput

MAX_LINE = 2000


Value = str | bool | int
AdminCheck = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Invocation:
    """A declared command and the values of its options."""

    command: Command
    args: dict[str, Value] = field(default_factory=dict)
    parent: Command | None = None
    """The group a subcommand was run under (`daily` for `/daily set ...`)."""

    @property
    def root(self) -> Command:
        """The top-level command: the group for a subcommand, else the command itself."""
        return self.parent or self.command

    @property
    def name(self) -> str:
        """The command as typed: `quote`, `daily set`."""
        if self.parent is None:
            return self.command.name
        return f"{self.parent.name} {self.command.name}"

    def text(self, name: str) -> str | None:
        """The option `name` as non-empty text, or None."""
        value = self.args.get(name)
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs a command or clicks a button, and where, as the front end read it from its
    platform. `admin` is what the platform says the user may do: a bool, or a check the core
    awaits only when a command needs it (on Slack it costs an API call)."""

    platform: str
    """"discord", "slack", "console", "cli": schedules are kept per platform."""
    channel: str
    user: str | None = None
    workspace: str | None = None
    """The Discord server or Slack workspace, when there is one."""
    admin: bool | AdminCheck = False
    admins: str = "admins"
    """Who counts as an admin on this platform, for the refusal message."""

    async def is_admin(self) -> bool:
        """Whether the platform lets this user run admin commands."""
        if isinstance(self.admin, bool):
            return self.admin
        return await self.admin()


def _coerce(opt: Option, raw: str) -> Value:
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


def _spread(cmd: Command, positional: list[str], args: dict[str, Value]) -> None:
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
    args: dict[str, Value] = {}
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


def named(
    cmd: Command, values: Mapping[str, str], *, parent: Command | None = None
) -> Invocation:
    """An Invocation from option values given by name (a submitted form): unknown names
    are ignored, blank values left out, the rest checked as typed values are."""
    args: dict[str, Value] = {}
    for opt in cmd.options:
        raw = values.get(opt.name)
        if raw is not None and raw.strip():
            args[opt.name] = _coerce(opt, raw)
    missing = [o.name for o in cmd.options if o.required and o.name not in args]
    if missing:
        label = f"{parent.name} {cmd.name}" if parent else cmd.name
        raise BadInput(f"/{label} needs {', '.join(missing)}.", hint=usage(cmd, parent))
    return Invocation(cmd, args, parent=parent)


def usage(cmd: Command, parent: Command | None = None) -> str:
    """One-line usage, e.g. `/release <film> [region]`, `/daily set|off|...`."""
    if cmd.subcommands:
        return f"/{cmd.name} " + "|".join(c.name for c in cmd.subcommands)
    if parent is not None:
        return f"/{parent.name} " + usage(cmd).removeprefix("/")
    parts = [f"<{o.name}>" if o.required else f"[{o.name}]" for o in cmd.options]
    return " ".join([f"/{cmd.name}", *parts])
