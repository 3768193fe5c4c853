"""The YAML front-matter header of a review file, read as plain data and nothing more.

A header is a few `key: value` lines, so its reader allows only that: every scalar stays a
string (so `published: 2013-13-45` reaches the date check instead of crashing YAML's own,
`film: Yes` stays a title, and a 5,000-digit year is just text), no tags (so nothing can
build a Python object), no aliases (so no "billion laughs"), a small nesting depth (so no
RecursionError) and no key given twice. Problems are yaml.MarkedYAMLError with a position."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

MAX_DEPTH = 4
"""A header needs two levels (a mapping holding lists); four leaves room and no more."""

_PLAIN_TAGS = frozenset(
    {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
)
_NULLS = frozenset({"~", "null", "Null", "NULL"})


class HeaderLoader(yaml.BaseLoader):
    """BaseLoader (every scalar a string) with the limits above."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            raise ComposerError(
                None, None, "aliases (`*name`) are not allowed; write the value out", mark
            )
        if self._depth >= MAX_DEPTH:
            raise ComposerError(
                None, None, f"values are nested more than {MAX_DEPTH} levels deep", mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise ConstructorError(
                None, None, f"tags like `{node.tag}` are not allowed; write plain values",
                node.start_mark,
            )
        if isinstance(node, ScalarNode) and node.style is None and node.value in _NULLS:
            return None
        return super().construct_object(node, deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                key = key_node.value.strip().lower()
                if key in seen:
                    raise ConstructorError(
                        None, None, f"`{key[:40]}` is given twice", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


def load_header(text: str) -> Any:
    """The header's data: None, or strings, lists and dicts of them (raises YAMLError)."""
    loader = HeaderLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
