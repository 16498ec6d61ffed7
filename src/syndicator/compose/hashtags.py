"""Hashtags from an article's categories: mapped, CamelCased, de-punctuated, stop-listed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

# A word for hashtag purposes: letters, digits, marks and underscores (what X links).
_WORD = re.compile(r"[^\W_]+(?:_[^\W_]+)*")
MAX_HASHTAG_CHARS = 40  # longer tags read as noise and eat the budget


def hashtag_for(category: str, mapping: Mapping[str, str], stoplist: frozenset[str]) -> str | None:
    """The hashtag for one category, or None when it is stop-listed or unusable.

    ``mapping`` (keys casefolded) wins: ``"vladimir putin" -> "#Putin"``; a value of ``""``
    suppresses the category. Otherwise words are CamelCased ("climate change" ->
    "#ClimateChange") and punctuation dropped ("U.S. politics" -> "#USPolitics").
    """
    key = " ".join(category.split()).casefold()
    if key in mapping:
        mapped = mapping[key].strip()
        if not mapped:
            return None
        return _validated("#" + mapped.lstrip("#＃"))
    if not key or key in stoplist:
        return None
    words = _WORD.findall(unicodedata.normalize("NFC", category.replace(".", "")))
    if not words:
        return None
    # One word keeps its own case ("iPhone"); several are CamelCased for readability.
    body = words[0] if len(words) == 1 else "".join(w[:1].upper() + w[1:] for w in words)
    return _validated("#" + body)


def _validated(tag: str) -> str | None:
    """X links #word only if the word has a non-digit and no punctuation; else drop it."""
    body = tag[1:]
    if len(body) < 2 or len(body) > MAX_HASHTAG_CHARS:  # "C++" -> "#C" says nothing
        return None
    if not _WORD.fullmatch(body) or body.isdigit():
        return None
    return tag


def hashtags_for(
    categories: Iterable[str],
    mapping: Mapping[str, str],
    stoplist: frozenset[str],
    limit: int,
) -> list[str]:
    """Up to *limit* distinct hashtags, in the feed's category order."""
    out: list[str] = []
    seen: set[str] = set()
    if limit <= 0:
        return out
    for category in categories:
        tag = hashtag_for(category, mapping, stoplist)
        if tag is None or tag.casefold() in seen:
            continue
        seen.add(tag.casefold())
        out.append(tag)
        if len(out) == limit:
            break
    return out
