"""The publisher port: what every platform adapter promises, and the outcomes it returns.

Outcomes are return values, not exceptions, so the outbox reacts to each class in one
place (``store``/``pipeline``). A publisher never lets a library exception escape and
never sleeps.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from syndicator.models import Post


@dataclass(frozen=True, slots=True)
class Published:
    """The platform created the post."""

    remote_id: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The platform says it already has this post; reconcile to find its id, never resend."""

    reason: str


@dataclass(frozen=True, slots=True)
class RateLimited:
    """Nothing was created; the whole account waits until ``retry_at``."""

    retry_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Transient:
    """Nothing was created (the request never left); retry with backoff."""

    reason: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """The request may have been committed (timeout after send, 5xx): reconcile first."""

    reason: str


@dataclass(frozen=True, slots=True)
class AuthFailed:
    """Credentials or permissions are wrong: pause the account until fixed."""

    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """The platform refused this post for good; ``pause_until`` set for policy blocks."""

    reason: str
    pause_until: datetime | None = None


Outcome = Published | Duplicate | RateLimited | Transient | Ambiguous | AuthFailed | Rejected


@dataclass(frozen=True, slots=True)
class Found:
    """Reconciliation result: the post exists on the platform."""

    remote_id: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class NotFound:
    """Reconciliation result: the account's recent posts do not contain it."""


LookupOutcome = Found | NotFound | RateLimited | Transient | AuthFailed


_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class PostKey:
    """The identity of one delivery, for platforms that deduplicate on a key of ours.

    Built from the delivery's id and creation time (``delivery.post_key``), so a resend of
    the same delivery carries the same key and another delivery never does. Mastodon
    takes ``token()`` as its ``Idempotency-Key``; Bluesky takes ``tid()`` as the record key
    (a post's key is a TID: microseconds since 1970 and a 10-bit clock id, in base32).
    """

    serial: int
    created: datetime
    account: str = ""

    def token(self) -> str:
        """ASCII whatever the account's name (it travels in an HTTP header)."""
        account = hashlib.sha256(self.account.encode()).hexdigest()[:12]
        return f"syndicator-{account}-{self.serial}-{self._created_micros()}"

    def tid(self) -> str:
        """Deliveries queued by one poll share a creation time: the serial tells them
        apart in the clock id (and, past 1,024 of them, in the microseconds)."""
        micros = self._created_micros() + self.serial // 1024
        value = (micros << 10) | (self.serial % 1024)
        out = []
        for _ in range(13):
            out.append(_TID_ALPHABET[value & 31])
            value >>= 5
        return "".join(reversed(out))

    def _created_micros(self) -> int:
        return int(self.created.timestamp()) * 1_000_000 + self.created.microsecond


class AccountCache(Protocol):
    """Where a publisher keeps what its platform hands out between runs (a Bluesky
    session, a Mastodon instance's limits): the state (``Store.cached``/``Store.cache``)."""

    def cached(self, account: str, key: str) -> str | None: ...

    def cache(self, account: str, key: str, value: str | None) -> None: ...


class Publisher(Protocol):
    """One account on one platform.

    ``publish`` sends one post and returns an ``Outcome``; it raises nothing but
    programmer errors. ``key`` identifies the delivery: platforms with idempotent creates
    (Mastodon, Bluesky) derive theirs from it; the others ignore it. ``find`` looks for a
    post carrying ``url`` among the account's own posts since ``since`` (reconciliation
    after an ambiguous send), or failing that one whose text is exactly ``text``: an X
    post with its link in a reply (or none) carries no URL to look for; a platform that
    stored our ``key`` with the post looks it up by that first. ``check``
    verifies credentials and returns None when fine, else a one-line reason with the fix.
    ``text_limit`` is the limit the service itself announces (a Mastodon instance's
    ``max_characters``), or None where the limit is fixed; it never raises.
    """

    account: str

    def publish(self, post: Post, key: PostKey | None = None) -> Outcome: ...

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome: ...

    def check(self) -> str | None: ...

    def text_limit(self) -> int | None: ...
