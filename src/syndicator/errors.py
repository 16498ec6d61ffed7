"""One error root, grouped by how the caller reacts.

SyndicatorError
├── ConfigError      bad YAML / failed validation     -> exit 2, fix the config
├── StateError       state file damaged, gone, unwritable -> exit 2 / daemon stops
│   └── StateUnavailable  disk full, locked for now   -> nothing written; try again later
├── FeedError        feed unreachable or unparsable   -> log, record on the feed, next poll
└── ExtractionError  article text unusable            -> post without a quote

Platform failures are not exceptions: publishers return typed outcomes
(see ``platforms/base.py``) so the outbox reacts to them in exactly one place.
Programmer errors (ValueError, TypeError, assert) never inherit from here.
"""

from __future__ import annotations


class SyndicatorError(Exception):
    """Root of every error that is the world's fault, not ours."""

    exit_code = 1


class ConfigError(SyndicatorError):
    """The configuration cannot be used; the message names file, line and fix."""

    exit_code = 2


class StateError(SyndicatorError):
    """The state database cannot be used (locked by another daemon, unreadable)."""

    exit_code = 2


class StateUnavailable(StateError):
    """The state cannot be written just now (disk full, locked by another process).

    The transaction was rolled back, so nothing is half-written; the daemon logs it and
    its next job tries again, a one-off command exits 2."""


class FeedError(SyndicatorError):
    """A feed could not be fetched or yielded no entries; only that feed is affected."""

    def __init__(self, feed: str, reason: str) -> None:
        super().__init__(f"feed {feed}: {reason}")
        self.feed = feed
        self.reason = reason


class ExtractionError(SyndicatorError):
    """An article's text could not be extracted."""
