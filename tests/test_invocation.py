"""The typed-command grammar shared by the console and Slack."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, command
from bot.errors import BadInput
from bot.invocation import parse, usage


def test_loose_words_fill_the_first_option() -> None:
    inv = parse("/quote the dark knight")
    assert inv.command.name == "quote"
    assert inv.args == {"film": "the dark knight"}


def test_named_options_and_quotes() -> None:
    inv = parse('/quote her outlet:"LA Times" critic:Turan')
    assert inv.args == {"film": "her", "outlet": "LA Times", "critic": "Turan"}


def test_curly_quotes_from_phones_group_words() -> None:
    inv = parse("/release “her” region:GB")
    assert inv.args == {"film": "her", "region": "GB"}


def test_unclosed_quote_does_not_fail() -> None:
    assert parse('/search "haunting odd').args == {"text": "haunting odd"}


def test_boolean_option() -> None:
    assert parse("/review her public:yes").args == {"film": "her", "public": True}
    with pytest.raises(BadInput, match="yes or no"):
        parse("/review her public:maybe")


def test_required_option_missing_shows_usage() -> None:
    with pytest.raises(BadInput) as info:
        parse("/release")
    assert "needs film" in str(info.value)
    assert "/release <film> [region]" in str(info.value)


def test_unknown_command_lists_commands() -> None:
    with pytest.raises(BadInput, match="no /frobnicate command") as info:
        parse("/frobnicate")
    assert "/quote" in str(info.value)


def test_long_input_is_refused_with_its_length() -> None:
    with pytest.raises(BadInput, match="10,00"):
        parse("/search " + "a" * 10_000)
    with pytest.raises(BadInput, match="too long"):
        parse("/quote " + "b" * 500)


def test_every_command_has_a_usage_line() -> None:
    for cmd in COMMANDS:
        assert usage(cmd).startswith(f"/{cmd.name}")
    quote = command("quote")
    assert quote is not None and quote.option("film") is not None
    assert quote.option("film").autocomplete  # type: ignore[union-attr]
