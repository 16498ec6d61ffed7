"""The publisher port: what every platform adapter promises, and the outcomes it returns.

Outcomes are return values, not exceptions, so the outbox reacts to each class in one
place (``store``/``pipeline``). A publisher never lets a library exception escape and
never sleeps.
"""

from __future__ import annotations

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


class Publisher(Protocol):
    """One account on one platform.

    ``publish`` sends one post and returns an ``Outcome``; it raises nothing but
    programmer errors. ``find`` looks for a post carrying ``url`` among the account's
    own posts since ``since`` (reconciliation after an ambiguous send), or failing
    that one whose text is exactly ``text``: an X post with its link in a reply (or
    none) carries no URL to look for. ``check``
    verifies credentials and returns None when fine, else a one-line reason with the fix.
    """

    account: str

    def publish(self, post: Post) -> Outcome: ...

    def find(self, url: str, since: datetime, text: str | None = None) -> LookupOutcome: ...

    def check(self) -> str | None: ...
