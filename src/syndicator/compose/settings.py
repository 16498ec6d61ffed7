"""Per-account compose settings: everything `compose_post` needs, built once from the config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from syndicator.models import Platform

# Facebook's documented limit for a Page post's message.
FACEBOOK_MAX_LENGTH = 63206
X_MAX_LENGTH = 280
# Mastodon's default ``max_characters`` (an instance may allow more: the publisher reads it)
MASTODON_MAX_LENGTH = 500
# app.bsky.feed.post's ``maxGraphemes``
BLUESKY_MAX_LENGTH = 300

DEFAULT_MAX_LENGTH: Mapping[Platform, int] = MappingProxyType({
    Platform.TWITTER: X_MAX_LENGTH,
    Platform.FACEBOOK: FACEBOOK_MAX_LENGTH,
    Platform.MASTODON: MASTODON_MAX_LENGTH,
    Platform.BLUESKY: BLUESKY_MAX_LENGTH,
})
# hashtags are how readers find posts on X, Mastodon and Bluesky; Facebook barely uses them
DEFAULT_HASHTAGS: Mapping[Platform, int] = MappingProxyType({
    Platform.TWITTER: 2, Platform.FACEBOOK: 0, Platform.MASTODON: 2, Platform.BLUESKY: 2,
})

# Feed categories that say nothing about the story; never turned into hashtags.
DEFAULT_HASHTAG_STOPLIST: frozenset[str] = frozenset(
    {
        "uncategorized",
        "uncategorised",
        "news",
        "latest",
        "latest news",
        "featured",
        "top stories",
        "breaking",
        "breaking news",
        "home",
        "main",
        "general",
        "blog",
        "article",
        "articles",
        "world",
        "other",
        "misc",
    }
)


class LinkPlacement(StrEnum):
    """Where an X post carries the article link."""

    IN_POST = "in_post"  # in the text (X counts it as 23)
    IN_REPLY = "in_reply"  # in Post.reply_text; the publisher posts it as a reply
    NONE = "none"  # nowhere


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class CardSettings:
    """How a quote card looks. Colours are ``#rrggbb``; ``font`` is a TTF/OTF path or None
    for the font bundled with Pillow, so cards render on a bare machine."""

    background: str = "#111827"
    foreground: str = "#f9fafb"
    accent: str = "#f59e0b"
    font: str | None = None
    logo_png: bytes | None = None
    margin: int = 64


@dataclass(frozen=True, slots=True)
class ComposeSettings:
    """Everything one account needs to turn an article into a post.

    ``max_length`` and ``hashtags`` default by platform (X: 280 and 2; Facebook: 63206 and 0;
    Mastodon: 500 and 2; Bluesky: 300 and 2), each measured in the platform's own units
    (``lengths.length_counter``).
    ``hashtag_map`` keys match categories case-insensitively; a value of ``""`` suppresses
    the category. ``link`` applies to X only: Facebook always attaches the link as ``Post.link``.
    ``utm`` (e.g. ``{"utm_source": "x"}``) is added to the link; empty means off.
    """

    platform: Platform
    template: str | None = None
    max_length: int | None = None
    hashtags: int | None = None
    hashtag_map: Mapping[str, str] = field(default_factory=_empty)
    hashtag_stoplist: frozenset[str] = DEFAULT_HASHTAG_STOPLIST
    link: LinkPlacement | str = LinkPlacement.IN_POST
    utm: Mapping[str, str] = field(default_factory=_empty)
    site: str | None = None
    card: CardSettings | None = None

    def __post_init__(self) -> None:
        platform = Platform(self.platform)
        if self.max_length is None:
            object.__setattr__(self, "max_length", DEFAULT_MAX_LENGTH[platform])
        if self.hashtags is None:
            object.__setattr__(self, "hashtags", DEFAULT_HASHTAGS[platform])
        object.__setattr__(self, "link", LinkPlacement(self.link))  # ValueError on a typo
        # Frozen copies, so the settings hash and nobody mutates them behind our back.
        hmap = {k.casefold(): v for k, v in self.hashtag_map.items()}
        object.__setattr__(self, "hashtag_map", MappingProxyType(hmap))
        object.__setattr__(self, "utm", MappingProxyType(dict(self.utm)))
        stop = frozenset(s.casefold() for s in self.hashtag_stoplist)
        object.__setattr__(self, "hashtag_stoplist", stop)
        if self.max_length is not None and self.max_length <= 0:
            raise ValueError("max_length must be positive")
        if self.hashtags is not None and self.hashtags < 0:
            raise ValueError("hashtags must be >= 0")
