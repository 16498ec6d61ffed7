"""Article text: feed HTML or a fetched page to clean paragraphs.

``html_to_text`` is pure; ``fetch_article_text`` (in ``fetch.py``) is the one I/O entry
and is imported lazily so the pure parts never pull in ``requests``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from syndicator.article.summary import summary_text
from syndicator.article.text import html_to_text, looks_like_html

if TYPE_CHECKING:
    from syndicator.article.fetch import FetchedArticle, fetch_article, fetch_article_text

__all__ = ["FetchedArticle", "fetch_article", "fetch_article_text", "html_to_text",
           "looks_like_html", "summary_text"]


def __getattr__(name: str) -> Any:
    if name in ("FetchedArticle", "fetch_article", "fetch_article_text"):
        from syndicator.article import fetch

        return getattr(fetch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
