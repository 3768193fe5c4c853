"""Shortening for platform limits, and preview button ids."""

from __future__ import annotations

from bot.cards import Card
from bot.preview import Click, action_id, new_nonce, parse_click, preview_actions
from bot.text import shorten


def test_short_text_untouched() -> None:
    assert shorten("A fine film.", 100) == "A fine film."


def test_cuts_at_sentence_end_when_it_keeps_half() -> None:
    text = "First sentence is here. Second sentence runs on and on and on."
    assert shorten(text, 40) == "First sentence is here."


def test_cuts_at_word_boundary_with_ellipsis() -> None:
    text = "one two three four five six seven eight nine ten"
    out = shorten(text, 20)
    assert out == "one two three four…" and len(out) <= 20


def test_never_exceeds_limit_and_never_mid_word_on_huge_input() -> None:
    text = ("word " * 3000).strip()
    for limit in (10, 99, 1024, 4096):
        out = shorten(text, limit)
        assert len(out) <= limit
        assert out.endswith("word…")


def test_one_giant_word_is_cut_to_fit() -> None:
    assert len(shorten("x" * 10_000, 50)) == 50


def test_button_ids_round_trip_and_fit_discord() -> None:
    nonce = new_nonce()
    card = Card(kind="critic_quote", title="Her (2013)", body="“wonderful”", snippet_id=123)
    actions = preview_actions(card, nonce)
    assert [a.label for a in actions] == ["Post", "Another", "Cancel"]
    for a in actions:
        assert len(a.id) <= 100
        click = parse_click(a.id)
        assert click is not None and click.target == 123 and click.nonce == nonce
    assert parse_click(action_id("post", 1, "abc")).claim_key == "post:abc"  # type: ignore[union-attr]
    assert parse_click("pq:delete:1:abc") == Click("delete", 1, "abc")  # the core: expired
    assert parse_click("pq:post:abc:n0nce") is None
    assert parse_click("something else") is None
    assert preview_actions(Card(kind="help", title="h", body="b"), nonce) == ()


def test_nonces_are_short_url_safe_and_do_not_repeat() -> None:
    nonces = [new_nonce() for _ in range(2_000)]
    assert len(set(nonces)) == len(nonces)
    assert all(len(n) == 12 and parse_click(action_id("post", 1, n)) for n in nonces)
