"""What the core answers: a Reply says everything a front end needs to render and deliver.

Every command, button click and form submission ends in one Reply. Front ends render its
cards within their platform's limits and deliver it as `visibility` says; they decide
nothing else. The cases a front end handles:

- `preview`: shown only to the user, with `actions` (buttons) under the cards;
- `public`: in the channel for everyone; `shared_by` names who shared it (a preview's Post,
  `public:yes`), so the platform shows it as a post of its own "shared by @user";
- `private`: shown only to the user (help, /daily answers);
- `error`: `text` shown only to the user;
- `none`: nothing to show (Cancel; a click whose only effect is on the original preview).

For clicks, `original` says what becomes of the message the button sat on. `form` asks the
user for a command's options in a dialog; its submission comes back through `Core.submit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.cards import Action, Card

Visibility = Literal["preview", "public", "private", "error", "none"]
Original = Literal["keep", "replace", "delete"]

__all__ = ["Action", "Form", "FormField", "Original", "Reply", "Visibility"]


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a form; `name` is the command option it fills."""

    name: str
    label: str
    required: bool = False
    long: bool = False
    """Several lines (a pasted review) rather than one."""
    max_length: int = 200
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """A dialog asking for a command's options (Discord modal, Slack modal, console
    prompts). `id` names the command (`form_id`); the values come back through
    `Core.submit(id, values, caller)` and run that command with them as its options."""

    id: str
    title: str
    fields: tuple[FormField, ...]
    submit: str = "Submit"


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything a front end needs to answer one command, click or form submission."""

    visibility: Visibility
    cards: tuple[Card, ...] = ()
    text: str | None = None
    """The message of an error; with cards, a note shown above them."""
    actions: tuple[Action, ...] = ()
    shared_by: str | None = None
    """The platform user id of whoever shared a public card."""
    original: Original = "keep"
    form: Form | None = None

    @property
    def card(self) -> Card | None:
        """The first card, if any (most replies carry one)."""
        return self.cards[0] if self.cards else None

    @property
    def private(self) -> bool:
        """Whether only the user who acted sees this reply."""
        return self.visibility != "public"

    @classmethod
    def error(cls, text: str) -> Reply:
        """A private error message; the original message (if any) stays as it was."""
        return cls("error", text=text)
