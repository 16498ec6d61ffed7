"""Plain data that travels between the layers. No I/O, no behaviour beyond invariants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


def as_utc(moment: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC; aware ones are converted to UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class Platform(StrEnum):
    TWITTER = "twitter"
    FACEBOOK = "facebook"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"


class QuoteKind(StrEnum):
    FULL = "full"  # a sentence or more of speech
    PARTIAL = "partial"  # a fragment inside the writer's sentence


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation found in an article's plain text.

    ``start``/``end`` are offsets of the quoted span (including its marks) in the text
    the engine read; ``text`` is what stands inside the marks, interrupted parts joined
    by one space.
    """

    text: str
    speaker: str | None
    kind: QuoteKind
    start: int
    end: int
    score: float = 0.0
    role: str | None = None
    # how far the speaker can be trusted (0: no speaker), and why, line by line
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "speaker": self.speaker,
            "kind": str(self.kind),
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True, slots=True)
class Article:
    """One feed entry, normalised. ``id`` is stable across polls (guid, else link)."""

    id: str
    feed: str
    title: str
    link: str
    published: datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()
    content_html: str | None = None
    summary: str | None = None
    image: str | None = None
    guid: str | None = None
    language: str | None = None  # the feed's language tag (``en``, ``fr-CA``), if it has one

    def __post_init__(self) -> None:
        object.__setattr__(self, "published", as_utc(self.published))


@dataclass(frozen=True, slots=True)
class Post:
    """A post fitted to one account, ready for the outbox.

    ``link`` is the URL the platform attaches as a preview card (Facebook's link, Bluesky's
    external embed; None on X and Mastodon, where the URL is only in ``text``);
    ``reply_text`` is a follow-up reply on X (link placement ``in_reply``). ``alt_text``
    describes the media (the quote and its speaker) for readers who cannot see it;
    ``language`` is the article's (``en``), for platforms that tag posts with one;
    ``link_title`` and ``link_description`` are what a link card shows.
    """

    account: str
    platform: Platform
    text: str
    weighted_length: int
    link: str | None = None
    reply_text: str | None = None
    media: tuple[str, ...] = field(default_factory=tuple)
    alt_text: str | None = None
    language: str | None = None
    link_title: str | None = None
    link_description: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "account": self.account,
            "platform": str(self.platform),
            "text": self.text,
            "weighted_length": self.weighted_length,
            "link": self.link,
            "reply_text": self.reply_text,
            "media": list(self.media),
            "alt_text": self.alt_text,
            "language": self.language,
            "link_title": self.link_title,
            "link_description": self.link_description,
        }
