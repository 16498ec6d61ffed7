"""Each platform's own length rule: what its limit is measured in (docs/design.md, issue 11).

- X: the weighted length of twitter-text v3 (``weighted.py``).
- Facebook: characters (code points); the limit is far beyond any post we build.
- Mastodon: grapheme clusters, with every http(s) URL counted as the instance's
  ``characters_reserved_per_url`` (23) and a remote mention ``@user@domain`` as ``@user``
  (Mastodon's ``StatusLengthValidator``; docs/mastodon-api.md).
- Bluesky: grapheme clusters (the post lexicon's ``maxGraphemes: 300``), and at most 3,000
  UTF-8 bytes (``maxLength``); a link counts as the text shown for it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import regex

from syndicator.compose.weighted import find_urls, weighted_length
from syndicator.models import Platform

MASTODON_URL_LENGTH = 23
BLUESKY_MAX_BYTES = 3000
_GRAPHEME = regex.compile(r"\X")
_REMOTE_MENTION = regex.compile(r"(?<![\w/=])(@\w+)@[\w.-]+\w", regex.ASCII)
_NOT_A_URL_END = "=%&~$,."
# Bluesky's app shows a link as its host and the first characters of its path
_SHORT_PATH = 15

LengthCounter = Callable[[str], int]


def graphemes(text: str) -> int:
    """User-perceived characters: ``é`` written as e + U+0301 is one, so is a ZWJ family."""
    if text.isascii():
        return len(text) - text.count("\r\n")  # CR LF is one grapheme cluster
    return len(_GRAPHEME.findall(text))


def mastodon_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """The length Mastodon checks against ``max_characters``."""
    total, pos = 0, 0
    for start, end in find_urls(text):
        if not text[start:end].lower().startswith(("http://", "https://")):
            continue  # Mastodon links only URLs with a scheme; a bare domain is plain text
        # Mastodon's URL pattern ends a path before these, twitter-text's does not: counted
        # as text, they can only make us count more than Mastodon does, never less
        end = start + len(text[start:end].rstrip(_NOT_A_URL_END))
        total += graphemes(text[pos:start]) + url_length
        pos = end
    rest = _REMOTE_MENTION.sub(r"\1", text[pos:]) if "@" in text else text[pos:]
    return total + graphemes(rest)


def bluesky_length(text: str) -> int:
    """Graphemes, or more than any limit when the text passes Bluesky's byte limit."""
    if len(text.encode("utf-8")) > BLUESKY_MAX_BYTES:
        return BLUESKY_MAX_BYTES + 1
    return graphemes(text)


def length_counter(platform: Platform) -> LengthCounter:
    """The function that measures a post for *platform* in the units of its limit."""
    counters: dict[Platform, LengthCounter] = {
        Platform.TWITTER: weighted_length,
        Platform.FACEBOOK: len,
        Platform.MASTODON: mastodon_length,
        Platform.BLUESKY: bluesky_length,
    }
    return counters[platform]


def short_link(url: str) -> str:
    """How a Bluesky post shows *url*: the host and the start of the path (the facet
    carries the whole URL, as Bluesky's own app writes links)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url
    host = parts.netloc.removeprefix("www.")
    path = (parts.path if parts.path != "/" else "") + (f"?{parts.query}" if parts.query else "")
    if len(path) > _SHORT_PATH:
        return host + path[: _SHORT_PATH - 2] + "…"
    return host + path
