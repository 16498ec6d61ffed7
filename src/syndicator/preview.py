"""`syndicate preview`: the posts a feed or an article would get, touching no state or API."""

from __future__ import annotations

import hashlib
from pathlib import Path

from syndicator.config import FeedConfig, LoadedConfig
from syndicator.errors import SyndicatorError
from syndicator.feeds.fetch import is_url
from syndicator.models import Article, Post
from syndicator.pipeline import AccountSetup, Pipeline
from syndicator.store import Store


def _pipeline(loaded: LoadedConfig | None, cards: Path | None = None
              ) -> tuple[Pipeline, tuple[str, ...]]:
    from syndicator.app import account_setup

    if loaded is not None:
        accounts = {name: account_setup(loaded, name) for name in loaded.config.accounts}
        timeout = loaded.config.fetch_timeout.total_seconds()
        agent = loaded.config.user_agent
    else:
        accounts = _default_accounts()
        timeout, agent = 20.0, None
    pipeline = Pipeline(Store(":scratch:"), accounts=accounts, publishers={},
                        fetch_timeout=timeout, user_agent=agent, cards_dir=cards)
    return pipeline, tuple(accounts)


def _default_accounts() -> dict[str, AccountSetup]:
    from syndicator.compose import ComposeSettings
    from syndicator.models import Platform

    return {
        "x": AccountSetup("x", ComposeSettings(platform=Platform.TWITTER)),
        "facebook": AccountSetup("facebook", ComposeSettings(platform=Platform.FACEBOOK)),
        "mastodon": AccountSetup("mastodon", ComposeSettings(platform=Platform.MASTODON)),
        "bluesky": AccountSetup("bluesky", ComposeSettings(platform=Platform.BLUESKY)),
    }


def preview_feed(loaded: LoadedConfig | None, location: str, *, limit: int,
                 cards: Path | None = None) -> list[tuple[Article, list[Post], str | None]]:
    pipeline, accounts = _pipeline(loaded, cards)
    feed = _feed_for(loaded, location, accounts)
    return pipeline.preview_feed(feed, limit=limit)


def _feed_for(loaded: LoadedConfig | None, location: str, accounts: tuple[str, ...]
              ) -> FeedConfig:
    if loaded is not None:
        for feed in loaded.config.feeds:
            if location == feed.name:
                return feed
    if not is_url(location) and not Path(location).exists():
        raise SyndicatorError(f"{location} is neither a feed name from the config, a URL, "
                              "nor an existing file")
    return FeedConfig(name="preview", url=location, post_to=accounts, fetch_article="never"
                      if not is_url(location) else "auto")


def preview_article(loaded: LoadedConfig | None, location: str, *,
                    cards: Path | None = None) -> tuple[Article, list[Post]]:
    """One article page or text file, as if it had arrived in a feed."""
    from syndicator.article import fetch_article, html_to_text, looks_like_html

    pipeline, accounts = _pipeline(loaded, cards)
    if is_url(location):
        fetched = fetch_article(location, allow_private=True)  # the operator's own URL
        text, link = fetched.text, fetched.url
    else:
        try:
            raw = Path(location).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise SyndicatorError(f"cannot read {location}: {exc.strerror}") from None
        text = html_to_text(raw) if looks_like_html(raw) else raw
        link = Path(location).resolve().as_uri()
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first_line if len(first_line) <= 120 else first_line[:117].rsplit(" ", 1)[0] + "…"
    article = Article(id=hashlib.sha1(link.encode()).hexdigest(), feed="preview", title=title,
                      link=link, content_html=None, summary=None)
    feed = FeedConfig(name="preview", url=location, post_to=accounts, fetch_article="never")
    return article, pipeline.compose_from_text(article, text, feed)
