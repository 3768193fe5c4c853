"""Who may run admin commands on Slack: workspace admins and owners, plus listed user ids."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

log = logging.getLogger(__name__)

CACHE_SECONDS = 300.0


def admin_ids(settings: Settings) -> frozenset[str]:
    """Extra admin user ids from SLACK_ADMIN_IDS (comma or space separated)."""
    raw = settings.slack_admin_ids or ""
    return frozenset(i.upper() for i in re.split(r"[\s,]+", raw) if i)


class AdminCheck:
    """Answers "may this user run admin commands?" with users.info, cached for a while so
    that a burst of admin commands costs one API call per user."""

    def __init__(
        self, client: AsyncWebClient, extra: Iterable[str] = (), *, ttl: float = CACHE_SECONDS
    ) -> None:
        self._client = client
        self._extra = frozenset(extra)
        self._ttl = ttl
        self._cache: dict[str, tuple[float, bool]] = {}

    async def is_admin(self, user_id: str) -> bool:
        """True for listed ids and for workspace admins, owners and the primary owner."""
        if user_id in self._extra:
            return True
        now = time.monotonic()
        hit = self._cache.get(user_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            resp = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            # Unknown is not admin; not cached, so the next attempt asks again.
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return False
        user = resp.get("user") or {}
        allowed = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        self._cache[user_id] = (now, allowed)
        return allowed
