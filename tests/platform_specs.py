"""What Discord and Slack themselves say they accept, as checks on what Pullquote sends.

Discord: each request body is validated against the request-body schema of its route in
Discord's OpenAPI description (JSON Schema 2020-12, $refs resolved, formats checked, "uri"
included), plus the documented limits that description leaves out (`discord_limits`).
Slack: each message payload is parsed with slack_sdk's Block Kit models (the closest thing
to a published schema) and checked against Slack's documented limits (`slack_limits`); the
app manifest is validated against Slack's manifest JSON Schema.

Lengths are checked both in code points (what JSON Schema counts) and in UTF-16 units
(what JavaScript counts): a flag emoji is 2 code points and 4 units.

The schemas are the platforms' own, published under the MIT licence: Discord's
discord-api-spec repository (specs/openapi.json, saved as discord-openapi.json) and
Slack's manifest-schema repository (its schemas/ folder, saved as slack-manifest-schema/).
They are looked for in $PULLQUOTE_SPECS, else in shared/specs beside the checkout; where
they are absent, the schema checks are skipped (`DISCORD_SPEC_MISSING`,
`SLACK_SPEC_MISSING` say why) and the documented limits still apply. The fakes
(tests/discord_fake.py, tests/slack_fake.py) run these checks on every request they
receive."""

from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

SPECS = Path(
    os.environ.get("PULLQUOTE_SPECS")
    or Path(__file__).resolve().parents[1].parent / "shared" / "specs"
)
DISCORD_OPENAPI = SPECS / "discord-openapi.json"
SLACK_MANIFEST_SCHEMA = SPECS / "slack-manifest-schema" / "manifest.schema.json"
SLACK_MANIFEST = Path(__file__).resolve().parents[1] / "deploy" / "slack-manifest.yml"

DISCORD_SPEC_MISSING = (
    f"Discord's OpenAPI description is not at {DISCORD_OPENAPI} (set PULLQUOTE_SPECS to "
    "a folder holding discord-api-spec's specs/openapi.json as discord-openapi.json): "
    "schema checks skipped"
)
SLACK_SPEC_MISSING = (
    f"Slack's manifest JSON Schema is not at {SLACK_MANIFEST_SCHEMA} (set PULLQUOTE_SPECS "
    "to a folder holding manifest-schema's schemas/ as slack-manifest-schema/): manifest "
    "check skipped"
)

FORMATS = FormatChecker()
"""Format checking; "uri" needs rfc3987 or rfc3986-validator installed (test extra)."""

JSON = Any


def units(text: str) -> int:
    """Length in UTF-16 code units (JavaScript's `length`)."""
    return len(text.encode("utf-16-le")) // 2


def _over(text: str, limit: int) -> bool:
    return len(text) > limit or units(text) > limit


def _blank(text: str) -> bool:
    return not text.strip()


def _length(where: str, value: Any, limit: int, *, minimum: int = 0) -> list[str]:
    """`value` (a string) within `limit` in both counts, and not blank if `minimum`."""
    if not isinstance(value, str):
        return [f"{where}: expected a string, got {type(value).__name__}"]
    out = []
    if _over(value, limit):
        out.append(
            f"{where}: {len(value)} code points / {units(value)} UTF-16 units, limit {limit}"
        )
    if minimum and _blank(value):
        out.append(f"{where}: empty or blank")
    return out


# == Discord: the OpenAPI description ==========================================================


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    literals: int
    schema: str | None
    """JSON pointer of the application/json request-body schema, if the route takes one."""
    required: bool


class DiscordSpec:
    """Discord's OpenAPI description: routes and their request-body validators."""

    URI = "urn:discord-openapi"

    def __init__(self, path: Path = DISCORD_OPENAPI) -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(self.URI, resource)
        self._doc = doc
        self._routes: list[_Route] = []
        for template, ops in doc["paths"].items():
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            literals = sum(1 for seg in template.split("/") if seg and "{" not in seg)
            for method, op in ops.items():
                if not isinstance(op, dict) or method.startswith("x-") or method == "parameters":
                    continue
                body = op.get("requestBody") or {}
                schema = None
                if "application/json" in body.get("content", {}):
                    schema = (
                        f"/paths/{_escape_pointer(template)}/{method}/requestBody/content/"
                        "application~1json/schema"
                    )
                self._routes.append(
                    _Route(method.upper(), template, re.compile(f"^{regex}$"), literals,
                           schema, bool(body.get("required")))
                )
        self._routes.sort(key=lambda r: -r.literals)
        self._validators: dict[str, Draft202012Validator] = {}

    def route(self, method: str, path: str) -> str | None:
        """The route template `method path` belongs to, or None if Discord has no such."""
        found = self._route(method, path)
        return found.template if found else None

    def _route(self, method: str, path: str) -> _Route | None:
        return next(
            (r for r in self._routes if r.method == method and r.pattern.match(path)), None
        )

    def _validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{self.URI}#{pointer}"},
                registry=self._registry,
                format_checker=FORMATS,
            )
        return self._validators[pointer]

    def _resolve(self, pointer: str) -> Any:
        node: Any = self._doc
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def violations(self, method: str, path: str, body: JSON) -> list[str]:
        """Why Discord's description rejects `body` for `method path` (empty: it accepts)."""
        route = self._route(method, path)
        if route is None:
            return [f"{method} {path}: no such route in Discord's API description"]
        if route.schema is None:
            return []
        if body is None:
            return ["the route requires a JSON body"] if route.required else []
        pointers = self._branches(route.schema, body)
        if not pointers:
            return [f"type {body.get('type')!r} is not one this route accepts"]
        best: list[ValidationError] | None = None
        for pointer in pointers:
            errors = list(self._validator(pointer).iter_errors(body))
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        assert best is not None
        return [_describe(error) for error in best]

    def _branches(self, pointer: str, body: JSON) -> list[str]:
        """The schema's anyOf branches that `body`'s "type" can belong to (all of them
        when there is no such discriminator); the schema itself when it is no anyOf. Only
        for readable errors and speed: a branch left out would fail on "type"."""
        schema = self._resolve(pointer)
        if "anyOf" not in schema or not isinstance(body, dict) or "type" not in body:
            return [pointer]
        out = []
        for i, branch in enumerate(schema["anyOf"]):
            target = branch["$ref"][1:] if "$ref" in branch else f"{pointer}/anyOf/{i}"
            enum = self._resolve(target).get("properties", {}).get("type", {}).get("enum")
            if enum is None or body["type"] in enum:
                out.append(target)
        return out


def _escape_pointer(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


_BROKEN = {"maxLength": "is too long", "minLength": "is too short",
           "maxItems": "has too many items", "format": "is not a"}


def _describe(error: ValidationError) -> str:
    leaf = best_match([error])
    message = leaf.message
    if len(message) > 300:  # jsonschema's message repeats the whole value
        what = _BROKEN.get(str(leaf.validator), f"fails {leaf.validator}")
        message = f"{_short(leaf.instance)} {what} {_short(leaf.validator_value)}"
    return f"{leaf.json_path}: {message}"


@functools.cache
def discord_spec() -> DiscordSpec | None:
    """Discord's description, loaded once; None when the specs folder is absent."""
    return DiscordSpec() if DISCORD_OPENAPI.is_file() else None


# == Discord: documented limits the description leaves out =====================================

CONTENT = 2000
EMBED_TOTAL = 6000
EMBED = {"title": 256, "description": 4096}
FIELD_NAME, FIELD_VALUE, FOOTER, AUTHOR = 256, 1024, 2048, 256
ACTION_ROWS = 5
BUTTON_LABEL, CUSTOM_ID = 80, 100
CHOICES, CHOICE_NAME, CHOICE_VALUE = 25, 100, 100
COMMAND_DESCRIPTION, OPTIONS, COMMAND_TOTAL, GLOBAL_COMMANDS = 100, 25, 4000, 100
EPHEMERAL = 64

_CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
_WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
_CHANNEL_MESSAGES = "/channels/{channel_id}/messages"
_COMMANDS = (
    "/applications/{application_id}/commands",
    "/applications/{application_id}/guilds/{guild_id}/commands",
)
_ROUTES = (
    (re.compile(r"^/interactions/[^/]+/[^/]+/callback$"), _CALLBACK),
    (re.compile(r"^/webhooks/[^/]+/[^/]+$"), _WEBHOOK),
    (re.compile(r"^/webhooks/[^/]+/[^/]+/messages/[^/]+$"), _WEBHOOK + "/messages/*"),
    (re.compile(r"^/channels/[^/]+/messages$"), _CHANNEL_MESSAGES),
    (re.compile(r"^/applications/[^/]+(?:/guilds/[^/]+)?/commands$"), _COMMANDS[0]),
)


def discord_limits(method: str, path: str, body: JSON) -> list[str]:
    """Documented Discord limits that the OpenAPI description does not state: content
    2,000; embed strings and 6,000 per message in UTF-16 units too; non-blank fields;
    http(s) embed links; 5 action rows and unique custom ids; no empty messages;
    autocomplete choices (25, names 1-100, values <= 100); command names (pattern,
    lower case), descriptions 1-100, 25 options, required before optional, 4,000
    characters per command and 100 global commands."""
    route = next((name for pattern, name in _ROUTES if pattern.match(path)), None)
    if route is None or body is None:
        return []
    if route == _COMMANDS[0] and method == "PUT":
        return _commands(body)
    if not isinstance(body, dict):
        return []
    if route == _CALLBACK:
        kind, data = body.get("type"), body.get("data") or {}
        if kind == 8:
            return _autocomplete(data)
        if kind in (4, 7):
            return _message(data, create=kind == 4)
        return []
    if method == "POST" and route in (_WEBHOOK, _CHANNEL_MESSAGES):
        return _message(body, create=True)
    if method == "PATCH":
        return _message(body, create=False)
    return []


def _message(data: dict[str, Any], *, create: bool) -> list[str]:
    out: list[str] = []
    content = data.get("content")
    if content is not None:
        out += _length("content", content, CONTENT)
    embeds = data.get("embeds") or []
    total = 0
    for i, embed in enumerate(embeds):
        problems, size = _embed(f"embeds[{i}]", embed)
        out += problems
        total += size
    if total > EMBED_TOTAL:
        out.append(f"embeds: {total} characters in all (UTF-16 units), limit {EMBED_TOTAL}")
    out += _components(data.get("components") or [])
    if create and not (
        content or embeds or data.get("components") or data.get("sticker_ids")
        or data.get("attachments") or data.get("poll")
    ):
        out.append("an empty message (no content, embeds or components)")
    return out


def _embed(where: str, embed: dict[str, Any]) -> tuple[list[str], int]:
    out: list[str] = []
    size = 0
    for key, limit in EMBED.items():
        if embed.get(key) is not None:
            out += _length(f"{where}.{key}", embed[key], limit, minimum=1)
            size += units(str(embed[key]))
    for j, field in enumerate(embed.get("fields") or []):
        out += _length(f"{where}.fields[{j}].name", field.get("name"), FIELD_NAME, minimum=1)
        out += _length(f"{where}.fields[{j}].value", field.get("value"), FIELD_VALUE, minimum=1)
        size += units(str(field.get("name", ""))) + units(str(field.get("value", "")))
    for key, limit in (("footer", FOOTER), ("author", AUTHOR)):
        part = embed.get(key) or {}
        text = part.get("text" if key == "footer" else "name")
        if text is not None:
            out += _length(f"{where}.{key}", text, limit, minimum=1)
            size += units(str(text))
    url = embed.get("url")
    if url is not None and not re.match(r"^https?://[^/?#]", str(url), re.IGNORECASE):
        out.append(f"{where}.url: Discord takes only http(s) links, got {str(url)[:80]!r}")
    if not any(embed.get(k) for k in ("title", "description", "fields", "footer", "author",
                                      "image", "thumbnail")):
        out.append(f"{where}: an empty embed")
    return out, size


def _components(rows: list[Any]) -> list[str]:
    out: list[str] = []
    if len(rows) > ACTION_ROWS:
        out.append(f"components: {len(rows)} action rows, limit {ACTION_ROWS}")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        for j, item in enumerate((row or {}).get("components") or []):
            where = f"components[{i}].components[{j}]"
            if item.get("label") is not None:
                out += _length(f"{where}.label", item["label"], BUTTON_LABEL)
            custom_id = item.get("custom_id")
            if item.get("type") == 2 and item.get("style") == 5:
                if custom_id is not None or not item.get("url"):
                    out.append(f"{where}: a link button takes a url and no custom_id")
            elif item.get("type") == 2 and not item.get("sku_id") and not custom_id:
                out.append(f"{where}: a button needs a custom_id")
            if custom_id:
                out += _length(f"{where}.custom_id", custom_id, CUSTOM_ID)
                if custom_id in seen:
                    out.append(f"{where}.custom_id: {custom_id!r} is not unique")
                seen.add(custom_id)
    return out


def _autocomplete(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices") or []
    out = [] if len(choices) <= CHOICES else [f"choices: {len(choices)}, limit {CHOICES}"]
    for i, choice in enumerate(choices):
        out += _choice(f"choices[{i}]", choice)
    return out


def _choice(where: str, choice: dict[str, Any]) -> list[str]:
    out = _length(f"{where}.name", choice.get("name"), CHOICE_NAME, minimum=1)
    value = choice.get("value")
    if isinstance(value, str):
        out += _length(f"{where}.value", value, CHOICE_VALUE)
    return out


def _name_ok(name: str) -> bool:
    """Discord's ^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$, lower case where a
    letter has a lower-case form."""
    return (
        1 <= len(name) <= 32
        and name == name.lower()
        and all(
            c in "-_'"
            or unicodedata.category(c)[0] in "LN"
            or "\u0900" <= c <= "\u097f"
            or "\u0e00" <= c <= "\u0e7f"
            for c in name
        )
    )


def _commands(commands: JSON) -> list[str]:
    if not isinstance(commands, list):
        return ["commands: expected a list"]
    out: list[str] = []
    chat = [c for c in commands if c.get("type", 1) == 1]
    if len(chat) > GLOBAL_COMMANDS:
        out.append(f"{len(chat)} chat commands, limit {GLOBAL_COMMANDS}")
    names = [c.get("name") for c in chat]
    out += [f"command name {n!r} is used twice" for n in set(names) if names.count(n) > 1]
    for command in chat:
        where = f"/{command.get('name')}"
        out += _command_node(where, command, depth=0)
        total = sum(units(s) for s in _command_strings(command))
        if total > COMMAND_TOTAL:
            out.append(f"{where}: {total} characters in all, limit {COMMAND_TOTAL}")
    return out


def _command_node(where: str, node: dict[str, Any], *, depth: int) -> list[str]:
    out: list[str] = []
    name = node.get("name")
    if not isinstance(name, str) or not _name_ok(name):
        out.append(f"{where}: name {name!r} does not match Discord's name pattern")
    out += _length(f"{where}.description", node.get("description"), COMMAND_DESCRIPTION,
                   minimum=1)
    options = node.get("options") or []
    if len(options) > OPTIONS:
        out.append(f"{where}: {len(options)} options, limit {OPTIONS}")
    option_names = [o.get("name") for o in options]
    out += [f"{where}: option {n!r} twice" for n in set(option_names)
            if option_names.count(n) > 1]
    groups = [o for o in options if o.get("type") in (1, 2)]
    if groups and len(groups) != len(options):
        out.append(f"{where}: subcommands mixed with plain options")
    if any(o.get("type") == 2 for o in options) and depth > 0:
        out.append(f"{where}: a subcommand group nested too deep")
    seen_optional = False
    for option in options:
        sub = f"{where} {option.get('name')}"
        if option.get("type") in (1, 2):
            out += _command_node(sub, option, depth=depth + 1)
            continue
        out += _command_node(sub, {**option, "options": None}, depth=depth + 1)
        if option.get("required"):
            if seen_optional:
                out.append(f"{sub}: a required option after an optional one")
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > CHOICES:
            out.append(f"{sub}: {len(choices)} choices, limit {CHOICES}")
        if choices and option.get("autocomplete"):
            out.append(f"{sub}: choices and autocomplete together")
        for i, choice in enumerate(choices):
            out += _choice(f"{sub}.choices[{i}]", choice)
        low, high = option.get("min_length"), option.get("max_length")
        if low is not None and high is not None and low > high:
            out.append(f"{sub}: min_length {low} > max_length {high}")
    return out


def _command_strings(node: dict[str, Any]) -> Iterator[str]:
    for key in ("name", "description"):
        if isinstance(node.get(key), str):
            yield node[key]
    for choice in node.get("choices") or []:
        yield str(choice.get("name", ""))
        yield str(choice.get("value", ""))
    for option in node.get("options") or []:
        yield from _command_strings(option)


def discord_violations(method: str, path: str, body: JSON) -> list[str]:
    """Everything Discord would refuse in one request: its description's schema for the
    route (when the specs folder is there) and the documented limits."""
    spec = discord_spec()
    found = spec.violations(method, path, body) if spec is not None else []
    return found + discord_limits(method, path, body)


# == Slack =====================================================================================

MAX_BLOCKS = 50
TEXT_OBJECT = 3000
SECTION_FIELD, SECTION_FIELDS = 2000, 10
HEADER = 150
CONTEXT_ELEMENTS = 10
ACTION_ELEMENTS = 25
BUTTON_TEXT, ACTION_ID, BUTTON_VALUE, BUTTON_URL = 75, 255, 2000, 3000
BLOCK_ID = 255
MESSAGE_TEXT = 40000
_RESPONSE_TYPES = ("in_channel", "ephemeral")
_MRKDWN_LINK = re.compile(r"<([^<>|]*)(?:\|[^<>]*)?>")


def slack_message(payload: JSON) -> list[str]:
    """Why Slack would refuse (or cut) `payload`, a message as sent to chat.postMessage, a
    response_url or an ack: Block Kit as slack_sdk parses and validates it (nothing dropped
    in the round trip), and Slack's documented limits (50 blocks, text objects 3,000,
    fields 2,000 and 10 a section, header 150, 10 context elements, 25 actions, button
    text 75 / action_id 255 / value 2,000 / url 3,000, unique block and action ids, message
    text 40,000), in code points and UTF-16 units alike."""
    if not isinstance(payload, dict):
        return [f"expected a JSON object, got {type(payload).__name__}"]
    if payload.get("delete_original"):
        return []
    out: list[str] = []
    text, blocks = payload.get("text"), payload.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if text is not None:
        out += _length("text", text, MESSAGE_TEXT)
    if not blocks and not (isinstance(text, str) and text.strip()):
        out.append("a message with neither text nor blocks")
    if payload.get("response_type") not in (None, *_RESPONSE_TYPES):
        out.append(f"response_type {payload['response_type']!r}")
    if blocks:
        out += slack_blocks(blocks)
    return out


def slack_blocks(blocks: JSON) -> list[str]:
    """Block Kit checks for a list of blocks (see `slack_message`)."""
    if not isinstance(blocks, list):
        return ["blocks: expected a list"]
    out = [] if len(blocks) <= MAX_BLOCKS else [f"{len(blocks)} blocks, limit {MAX_BLOCKS}"]
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        out += [f"{where}: {p}" for p in _sdk(block)]
        if not isinstance(block, dict):
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            out += _length(f"{where}.block_id", block_id, BLOCK_ID, minimum=1)
            if block_id in block_ids:
                out.append(f"{where}.block_id {block_id!r} is not unique")
            block_ids.add(block_id)
        out += _block_limits(where, block, action_ids)
    return out


def _sdk(block: Any) -> list[str]:
    """slack_sdk's view: parse, validate every nested object, and compare the round trip
    (an unknown or unsupported key is dropped by the models, so it shows as a change)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = Block.parse(block)
            if parsed is None:
                return [f"slack_sdk does not know this block: {str(block)[:80]}"]
            parsed.validate_json()
            again = parsed.to_dict()
    except SlackObjectFormationError as exc:
        return [f"slack_sdk: {exc}"]
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        return [f"slack_sdk cannot parse it: {exc!r}"]
    if again != block:
        return [f"slack_sdk's round trip changed it: sent {_short(block)}, "
                f"parsed {_short(again)}"]
    return []


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


def _text_object(
    where: str, obj: Any, limit: int = TEXT_OBJECT, *, plain: bool = False
) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: not a text object"]
    if plain and obj["type"] != "plain_text":
        return [f"{where}: must be plain_text"]
    out = _length(f"{where}.text", obj.get("text"), limit, minimum=1)
    if obj["type"] == "mrkdwn" and isinstance(obj.get("text"), str):
        for target in _MRKDWN_LINK.findall(obj["text"]):
            if target.lower().startswith(("http:", "https:")) and not _uri(target):
                out.append(f"{where}: link {target[:80]!r} is not an RFC 3986 URI")
    return out


def _uri(text: str) -> bool:
    candidate = text.replace("&amp;", "&")
    return bool(FORMATS.conforms(candidate, "uri"))


def _block_limits(where: str, block: dict[str, Any], action_ids: set[str]) -> list[str]:
    kind = block.get("type")
    out: list[str] = []
    if kind == "header":
        out += _text_object(f"{where}.text", block.get("text"), HEADER, plain=True)
    elif kind == "section":
        if block.get("text") is not None:
            out += _text_object(f"{where}.text", block["text"])
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS:
            out.append(f"{where}.fields: {len(fields)}, limit {SECTION_FIELDS}")
        for j, f in enumerate(fields):
            out += _text_object(f"{where}.fields[{j}]", f, SECTION_FIELD)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > CONTEXT_ELEMENTS:
            out.append(f"{where}.elements: {len(elements)}, allowed 1-{CONTEXT_ELEMENTS}")
        for j, e in enumerate(elements):
            if isinstance(e, dict) and e.get("type") in ("plain_text", "mrkdwn"):
                out += _text_object(f"{where}.elements[{j}]", e)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > ACTION_ELEMENTS:
            out.append(f"{where}.elements: {len(elements)}, allowed 1-{ACTION_ELEMENTS}")
        for j, e in enumerate(elements):
            out += _element(f"{where}.elements[{j}]", e, action_ids)
    elif kind == "divider":
        pass
    else:
        out.append(f"{where}: a {kind!r} block, which these checks do not cover")
    return out


def _element(where: str, element: dict[str, Any], action_ids: set[str]) -> list[str]:
    if element.get("type") != "button":
        return [f"{where}: a {element.get('type')!r} element, which these checks do not cover"]
    out = _text_object(f"{where}.text", element.get("text"), BUTTON_TEXT, plain=True)
    action_id = element.get("action_id")
    if action_id is not None:
        out += _length(f"{where}.action_id", action_id, ACTION_ID, minimum=1)
        if action_id in action_ids:
            out.append(f"{where}.action_id {action_id!r} is not unique")
        action_ids.add(action_id)
    if element.get("value") is not None:
        out += _length(f"{where}.value", element["value"], BUTTON_VALUE)
    url = element.get("url")
    if url is not None:
        out += _length(f"{where}.url", url, BUTTON_URL)
        if not _uri(url):
            out.append(f"{where}.url is not an RFC 3986 URI")
    if element.get("style") not in (None, "primary", "danger"):
        out.append(f"{where}.style {element['style']!r}")
    return out


def slack_manifest_violations(manifest: JSON) -> list[str]:
    """Why Slack's manifest JSON Schema rejects `manifest` (its entry point refers to the
    versioned schemas by URL; they are served from the local copies beside it)."""
    folder = SLACK_MANIFEST_SCHEMA.parent
    entry = json.loads(SLACK_MANIFEST_SCHEMA.read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry()
    for ref in _refs(entry):
        local = folder / ref.rsplit("/", 1)[-1]
        contents = json.loads(local.read_text(encoding="utf-8"))
        registry = registry.with_resource(
            ref, Resource.from_contents(contents, default_specification=DRAFT7)
        )
    validator = Draft7Validator(entry, registry=registry, format_checker=FORMATS)
    if validator.is_valid(manifest):
        return []
    # The entry point only picks a version; that version's own errors say what is wrong.
    version = (manifest.get("_metadata") or {}).get("major_version", 1)
    chosen = next((r for r in _refs(entry) if r.endswith(f".{version}.0.0.json")), None)
    if chosen is not None:
        versioned = Draft7Validator({"$ref": chosen}, registry=registry, format_checker=FORMATS)
        found = [_describe(e) for e in versioned.iter_errors(manifest)]
        if found:
            return found
    return [_describe(e) for e in validator.iter_errors(manifest)]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("https://"):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def load_manifest(path: Path = SLACK_MANIFEST) -> JSON:
    """The app manifest as Slack reads it (YAML)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
