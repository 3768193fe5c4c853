"""Settings from the environment and an optional `.env`, validated once at start-up."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import UserError
from storage.paths import default_db_path

_HOST_NAME = re.compile(r"(?:(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)*(?!-)[A-Za-z0-9-]{1,63}(?<!-)\.?")


class ConfigError(UserError):
    """Configuration that cannot work; the message says which variable to set or fix."""


class Settings(BaseSettings):
    """Every setting Pullquote reads; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    pullquote_db: Path | None = Field(
        default=None, description="SQLite database file; default: the user data dir."
    )
    pullquote_sample: bool = Field(
        default=True, description="Load the bundled sample reviews into an empty database."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["plain", "json"] = "plain"

    discord_token: SecretStr | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    slack_admin_ids: str | None = Field(
        default=None,
        description="Slack user ids (comma or space separated) allowed to run admin commands "
        "besides workspace admins and owners.",
    )
    host: str = Field(
        default="0.0.0.0",
        description="The address Slack's HTTP mode listens on: 0.0.0.0 (every IPv4 interface, "
        "right in a container), :: (every interface), 127.0.0.1 behind a local proxy, or a "
        "host name of this machine.",
    )
    port: int = Field(default=3000, ge=1, le=65535)
    daily_grace_hours: float = Field(
        default=6.0,
        ge=0,
        le=23,
        description="A daily post missed while the bot was down still goes out if it is at "
        "most this many hours late; otherwise that day is skipped (and recorded).",
    )
    daily_concurrency: int = Field(
        default=64, ge=1, le=1000, description="Daily posts sent at once (within rate limits)."
    )
    pullquote_allow_private_urls: bool = Field(
        default=False,
        description="Let fetches reach loopback, private and link-local addresses (for tests "
        "and self-hosted sites on a private network). Off: such URLs are refused.",
    )
    wikipedia_api_url: str = Field(
        default="https://en.wikipedia.org/w/api.php",
        description="The MediaWiki Action API that `wikipedia:` targets are read from.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "discord_token",
        "slack_bot_token",
        "slack_app_token",
        "slack_signing_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("host", mode="before")
    @classmethod
    def _check_host(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        host = value.strip()
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]  # [::1] as in a URL
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            pass
        if len(host) > 253 or not _HOST_NAME.fullmatch(host):
            raise ValueError(
                "must be an IP address (0.0.0.0, ::, 127.0.0.1) or a host name, "
                "without a scheme or a port (the port is PORT)"
            )
        return host.lower()

    @field_validator("discord_api_base", "discord_gateway_url", "slack_api_url", mode="before")
    @classmethod
    def _check_endpoint(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str) or not value.strip():
            return None if isinstance(value, str) else value
        url = value.strip()
        schemes = ("ws", "wss") if info.field_name == "discord_gateway_url" else ("http", "https")
        parts = urlsplit(url)
        if parts.scheme not in schemes or not parts.hostname:
            raise ValueError(f"must be a {' or '.join(schemes)} URL with a host")
        if info.field_name == "slack_api_url" and not url.endswith("/"):
            url += "/"  # slack_sdk appends the method name
        return url

    @model_validator(mode="after")
    def _check_slack(self) -> Settings:
        bot = self.slack_bot_token.get_secret_value() if self.slack_bot_token else None
        app = self.slack_app_token.get_secret_value() if self.slack_app_token else None
        if bot and not bot.startswith("xoxb-"):
            raise ValueError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        if app and not app.startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        if bot and not (app or self.slack_signing_secret):
            raise ValueError(
                "SLACK_BOT_TOKEN is set: also set SLACK_APP_TOKEN (Socket Mode) "
                "or SLACK_SIGNING_SECRET (HTTP mode)"
            )
        if (app or self.slack_signing_secret) and not bot:
            raise ValueError("Slack is half configured: set SLACK_BOT_TOKEN as well")
        return self

    @property
    def discord_enabled(self) -> bool:
        """Whether `pullquote run` should start the Discord bot."""
        return self.discord_token is not None

    @property
    def slack_enabled(self) -> bool:
        """Whether `pullquote run` should start the Slack app."""
        return self.slack_bot_token is not None

    def db_path(self) -> Path:
        """The database file: PULLQUOTE_DB, else the platform's user data dir."""
        if self.pullquote_db is not None:
            return self.pullquote_db.expanduser()
        return default_db_path()


def load_settings() -> Settings:
    """Read and validate settings, turning validation errors into one clear message."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            msg = str(err["msg"]).removeprefix("Value error, ")
            lines.append(f"{where}: {msg}" if where != "settings" else msg)
        raise ConfigError("Configuration problem: " + "; ".join(lines)) from None
