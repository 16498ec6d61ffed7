"""Platform adapters. Only this package imports tweepy or facebook-sdk.

The concrete publishers are imported lazily (``from syndicator.platforms.twitter
import TwitterPublisher``) so that modules needing only the outcome types do not pay
for tweepy and facebook-sdk at import time.
"""

from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Duplicate,
    Found,
    LookupOutcome,
    NotFound,
    Outcome,
    Published,
    Publisher,
    RateLimited,
    Rejected,
    Transient,
)

__all__ = [
    "Ambiguous",
    "AuthFailed",
    "Duplicate",
    "Found",
    "LookupOutcome",
    "NotFound",
    "Outcome",
    "Published",
    "Publisher",
    "RateLimited",
    "Rejected",
    "Transient",
]
