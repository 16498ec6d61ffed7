"""A publisher that publishes nothing: ``dry_run: true`` and previews go through it."""

from __future__ import annotations

import logging
from datetime import datetime

from syndicator.models import Post
from syndicator.platforms.base import LookupOutcome, NotFound, Outcome, PostKey, Published

log = logging.getLogger(__name__)


class DryRunPublisher:
    """Records each post it is asked to publish and reports success; sends nothing."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.posts: list[Post] = []

    def publish(self, post: Post, key: PostKey | None = None) -> Outcome:
        """Log and record ``post``; always ``Published(remote_id="dry-run")``."""
        self.posts.append(post)
        log.info("dry run: would post to %s (%d chars): %s", self.account,
                 post.weighted_length, post.text)
        return Published(remote_id="dry-run", url=None)

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome:
        """Nothing was ever sent, so nothing can be found."""
        return NotFound()

    def text_limit(self) -> int | None:
        """The limit is fixed (the account's ``max_length``)."""
        return None

    def check(self) -> str | None:
        """No credentials to verify."""
        return None
