"""Platform adapters. Only this package imports tweepy, facebook-sdk, Mastodon.py and atproto.

The concrete publishers are imported lazily (``from syndicator.platforms.twitter
import TwitterPublisher``) so that modules needing only the outcome types do not pay
for tweepy and facebook-sdk at import time.
"""

from syndicator.platforms.base import (
    AccountCache,
    Ambiguous,
    AuthFailed,
    Duplicate,
    Found,
    LookupOutcome,
    NotFound,
    Outcome,
    PostKey,
    Published,
    Publisher,
    RateLimited,
    Rejected,
    Transient,
)

__all__ = [
    "AccountCache",
    "Ambiguous",
    "AuthFailed",
    "Duplicate",
    "Found",
    "LookupOutcome",
    "NotFound",
    "Outcome",
    "PostKey",
    "Published",
    "Publisher",
    "RateLimited",
    "Rejected",
    "Transient",
]
