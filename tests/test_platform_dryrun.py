"""The dry-run publisher sends nothing and says so."""

from __future__ import annotations

from datetime import UTC, datetime

from syndicator.models import Platform, Post
from syndicator.platforms.base import NotFound, Published
from syndicator.platforms.dryrun import DryRunPublisher


def test_dry_run_records_and_publishes_nothing() -> None:
    publisher = DryRunPublisher("x")
    post = Post("x", Platform.TWITTER, "text", 4)
    assert publisher.publish(post) == Published(remote_id="dry-run", url=None)
    assert publisher.posts == [post]
    assert publisher.find("https://a.example", datetime.now(UTC)) == NotFound()
    assert publisher.check() is None
