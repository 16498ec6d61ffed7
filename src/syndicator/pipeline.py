"""The use cases: poll a feed into the outbox, publish what is due, preview without state.

Polling, extraction and composition live here; publishing lives in ``delivery.py``.

The daemon and the CLI both call these; nothing is published except from the outbox.
Clock, HTTP session and publishers are passed in, so tests control them.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from syndicator.delivery import (
    AccountSetup,
    Clock,
    Outbox,
    PublishResult,
    RetryPolicy,
    utc_now,
)
from syndicator.errors import ExtractionError, FeedError
from syndicator.feeds.fetch import fetch_feed, is_url
from syndicator.feeds.parse import parse_feed
from syndicator.filters import FeedFilter
from syndicator.models import Article, Platform, Post, Quote
from syndicator.store import NewArticle, Store

if TYPE_CHECKING:
    import requests

    from syndicator.compose import ComposeSettings
    from syndicator.config import FeedConfig
    from syndicator.platforms.base import Publisher

log = logging.getLogger(__name__)

# a poll's hold on its feed; one that runs longer only risks a second, harmless poll (the
# articles' and deliveries' unique keys keep it from queuing anything twice)
POLL_LEASE = timedelta(minutes=10)

__all__ = ["AccountSetup", "Clock", "Pipeline", "PollResult", "PublishResult", "RetryPolicy",
           "utc_now"]


@dataclass
class PollResult:
    feed: str
    status: str  # "ok" | "not_modified" | "error" | "busy" (another worker has it)
    items: int = 0
    new: int = 0
    queued: int = 0
    posts: list[tuple[Article, list[Post]]] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    moved_to: str | None = None


class Pipeline:
    """The two use cases over one store: ``poll`` (feed -> outbox) and ``publish_due``
    (outbox -> platforms, in ``delivery.Outbox``)."""

    def __init__(self, store: Store, *, accounts: Mapping[str, AccountSetup],
                 publishers: Mapping[str, Publisher], clock: Clock = utc_now,
                 session: requests.Session | None = None, worker: str = "worker",
                 fetch_timeout: float = 20.0, max_feed_bytes: int = 10_000_000,
                 user_agent: str | None = None, retry: RetryPolicy | None = None,
                 settle: timedelta = timedelta(seconds=20),
                 rng: random.Random | None = None, cards_dir: Path | None = None,
                 allow_private_article_hosts: bool = False,
                 is_dead: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self.is_dead = is_dead
        self.worker = worker
        self.accounts = accounts
        self.clock = clock
        self.session = session
        self.fetch_timeout = fetch_timeout
        self.max_feed_bytes = max_feed_bytes
        self.user_agent = user_agent
        self.cards_dir = cards_dir
        self.allow_private_article_hosts = allow_private_article_hosts
        self.outbox = Outbox(store, accounts=accounts, publishers=publishers, clock=clock,
                             worker=worker, retry=retry, settle=settle, rng=rng,
                             is_dead=is_dead)

    @property
    def publishers(self) -> Mapping[str, Publisher]:
        return self.outbox.publishers

    def publish_due(self, *, limit_per_account: int = 20) -> list[PublishResult]:
        """One publish pass (see ``Outbox.publish_due``)."""
        return self.outbox.publish_due(limit_per_account=limit_per_account)

    def recover(self, is_dead: Callable[[str], bool]) -> int:
        """Deliveries a dead process left mid-send become ``unknown`` (``Outbox.recover``)."""
        return self.outbox.recover(is_dead)

    def account_block(self, name: str) -> str | None:
        return self.outbox.account_block(name)

    # -- poll ---------------------------------------------------------------------------------

    def poll(self, feed: FeedConfig, *, min_interval: timedelta | None = None) -> PollResult:
        """Fetch, parse, detect new articles, build posts, enqueue: one transaction.

        On a shared state (PostgreSQL) the feed is leased first: one worker polls it at a
        time, and
        with ``min_interval`` (the daemon's schedule) not again until that has passed since
        anyone polled it. Otherwise the result is ``busy`` and nothing is fetched."""
        now = self.clock()
        if not self.store.shared:  # one daemon per SQLite file: no one to share with
            return self._poll(feed, now)
        if not self.store.claim_feed(feed.name, feed.url, self.worker, now, lease=POLL_LEASE,
                                     polled_before=now - min_interval if min_interval
                                     else None, is_dead=self.is_dead):
            return PollResult(feed.name, "busy")
        try:
            return self._poll(feed, now)
        finally:
            self.store.release_feed(feed.name, self.worker)

    def _poll(self, feed: FeedConfig, now: datetime) -> PollResult:
        state = self.store.feed_state(feed.name)
        first_poll = state is None or state.first_poll_at is None
        # validators only apply to the URL they came from
        same_url = state is not None and state.url == feed.url
        try:
            fetched = fetch_feed(
                feed.name, feed.url,
                etag=state.etag if state and same_url and not first_poll else None,
                last_modified=state.last_modified if state and same_url and not first_poll
                else None,
                session=self.session, timeout=self.fetch_timeout,
                max_bytes=self.max_feed_bytes, user_agent=self.user_agent)
            if fetched.not_modified:
                self.store.record_not_modified(feed.name, feed.url, now)
                return PollResult(feed.name, "not_modified", items=state.items if state else 0,
                                  moved_to=fetched.moved_to)
            assert fetched.content is not None
            parsed = parse_feed(feed.name, fetched.content, url=fetched.url,
                                content_type=fetched.content_type)
        except FeedError as exc:
            self.store.record_feed_error(feed.name, feed.url, exc.reason, now)
            return PollResult(feed.name, "error", error=exc.reason)
        fresh = self.store.unseen(feed.name, parsed.articles)
        chosen = self._choose(feed, fresh, first_poll=first_poll, now=now)
        new: list[NewArticle] = []
        built: list[tuple[Article, list[Post]]] = []
        broken = 0
        for article in fresh:
            posts: list[Post] = []
            why = self.left_out(feed, article) if article.id in chosen else None
            if why is not None:
                log.info("feed %s: %s left out by the feed's filter (%s); not posted",
                         feed.name, article.link or article.id, why)
            elif article.id in chosen:
                try:
                    posts = self.build_posts(article, feed, site=parsed.title)
                except Exception:  # a bug on one article must not block the feed or lose it
                    log.exception("feed %s: could not build the posts for %s; it stays new "
                                  "and is tried again at the next poll", feed.name,
                                  article.link or article.id)
                    broken += 1
                    continue
            new.append(NewArticle(article, posts))
            if posts:
                built.append((article, posts))
        # with an article left unrecorded, the next poll must fetch the feed in full again
        queued = self.store.save_poll(
            feed.name, feed.url, etag=None if broken else fetched.etag,
            last_modified=None if broken else fetched.last_modified,
            items=len(parsed.articles), new=new, now=now)
        warning = parsed.warning
        if broken:
            warning = "; ".join(filter(None, [warning, f"{broken} article(s) could not be "
                                                       "built; retrying next poll"]))
        return PollResult(feed.name, "ok", items=len(parsed.articles), new=len(fresh),
                          queued=queued, posts=built, warning=warning,
                          moved_to=fetched.moved_to)

    @staticmethod
    def _choose(feed: FeedConfig, fresh: Sequence[Article], *, first_poll: bool,
                now: datetime) -> set[str]:
        """Which new articles get posted: never older than max_age; on a first poll only
        the ``backfill`` newest, so adding a feed never floods the accounts."""
        eligible = [a for a in fresh
                    if feed.max_age is None or a.published is None
                    or a.published >= now - feed.max_age]
        if first_poll:
            oldest = datetime.min.replace(tzinfo=UTC)
            eligible.sort(key=lambda a: a.published or oldest, reverse=True)
            eligible = eligible[:feed.backfill]
        return {a.id for a in eligible}

    def build_posts(self, article: Article, feed: FeedConfig, *,
                    site: str | None = None) -> list[Post]:
        text, url = self.article_body(article, feed)
        return self.compose_from_text(article, text, feed, site=site, url=url)

    def compose_from_text(self, article: Article, text: str, feed: FeedConfig, *,
                          site: str | None = None, url: str | None = None) -> list[Post]:
        """Find the pull-quote candidates once, then fit a post for each account."""
        from dataclasses import replace

        from syndicator.compose import PostDoesNotFit, card_alt_text, compose_post
        from syndicator.quotes import DEFAULT_MIN_CONFIDENCE, detect_language

        language = article.language or (detect_language(text) if text else None)
        found = self.quote_candidates(text, language)
        article = replace(article, summary=_summary_text(article.summary))
        posts = []
        for account in feed.post_to:
            setup = self.accounts[account]
            floor = setup.quote_min_confidence
            floor = DEFAULT_MIN_CONFIDENCE if floor is None else floor
            # a wrong name under a quote is worse than no quote: below the floor, none
            candidates = tuple(q for q in found if q.confidence >= floor)
            settings = setup.compose
            if site and settings.site is None:
                settings = _with_site(settings, site)
            if setup.limit_from_platform and account in self.publishers:
                limit = self.publishers[account].text_limit()  # read once, then cached
                if limit and setup.max_length_set:
                    limit = min(limit, settings.max_length or limit)
                if limit:
                    settings = replace(settings, max_length=limit)
            try:
                post = compose_post(article, candidates, settings, account=account, url=url)
            except PostDoesNotFit as exc:
                log.warning("feed %s: article %s: no post fits account %s (%s); not posted "
                            "there", feed.name, article.link, account, exc)
                continue
            post = replace(post, language=language)
            if setup.attach_card and candidates and self.cards_dir is not None:
                card = str(self._card(article, account, settings, candidates[0]))
                post = replace(post, media=(card,),
                               alt_text=card_alt_text(candidates[0], settings.site))
                if post.platform == Platform.FACEBOOK and post.link:
                    # a photo post has no link preview: the caption carries the link
                    text = f"{post.text}\n\n{post.link}"
                    post = replace(post, text=text, weighted_length=len(text))
            posts.append(post)
        return posts

    @staticmethod
    def quote_candidates(text: str, language: str | None) -> tuple[Quote, ...]:
        """Every postable quote, best first, read with the backbone of the article's
        language (the feed's tag, else detected); each account applies its own floor."""
        from syndicator.backbones import backbone_for
        from syndicator.quotes import analyse, detect_language

        if not text:
            return ()
        backbone = backbone_for(language or detect_language(text))
        return analyse(text, min_confidence=0.0, backbone=backbone).candidates

    def _card(self, article: Article, account: str, settings: ComposeSettings,
              quote: Quote) -> Path:
        """Render the quote card once per article and account, into ``cards_dir``."""
        from syndicator.compose import card_size, render_card

        assert self.cards_dir is not None and settings.card is not None
        name = hashlib.sha1(f"{account}\0{article.feed}\0{article.id}".encode()).hexdigest()
        path = self.cards_dir / f"{name[:20]}.png"
        if not path.exists():
            self.cards_dir.mkdir(parents=True, exist_ok=True)
            png = render_card(quote, settings.card, size=card_size(settings.platform),
                              site=settings.site)
            partial = path.with_suffix(".part")
            partial.write_bytes(png)
            partial.replace(path)
        return path

    def article_body(self, article: Article, feed: FeedConfig) -> tuple[str, str | None]:
        """The article's clean text (the feed's own content when complete, else the page)
        and the URL to post (the page's canonical URL when the page was fetched)."""
        from syndicator.article import fetch_article

        body = article.content_html or ""
        text = _item_text(body) if body else ""
        wants_page = feed.fetch_article == "always" or (
            feed.fetch_article == "auto" and _looks_incomplete(text))
        if wants_page and article.link and is_url(article.link):
            try:
                fetched = fetch_article(article.link, timeout=self.fetch_timeout,
                                        allow_private=self.allow_private_article_hosts)
                return fetched.text, fetched.url
            except ExtractionError as exc:
                log.warning("feed %s: article %s: %s; using the feed's text", feed.name,
                            article.link, exc)
        if text:
            return text, None
        return (_item_text(article.summary) if article.summary else ""), None

    # -- preview ------------------------------------------------------------------------------

    def left_out(self, feed: FeedConfig, article: Article) -> str | None:
        """Why the feed's filter keeps ``article`` from being posted (its title and the
        item's own text), or None."""
        if feed.filter is None:
            return None
        return feed_filter(feed).left_out(
            article, _item_text(article.content_html or article.summary or ""))

    def preview_feed(self, feed: FeedConfig, *, limit: int
                     ) -> list[tuple[Article, list[Post], str | None]]:
        """The posts the newest ``limit`` items would get (none, and why, for an item the
        feed's filter leaves out); touches no state."""
        fetched = fetch_feed(feed.name, feed.url, session=self.session,
                             timeout=self.fetch_timeout, max_bytes=self.max_feed_bytes,
                             user_agent=self.user_agent)
        assert fetched.content is not None
        parsed = parse_feed(feed.name, fetched.content, url=fetched.url,
                            content_type=fetched.content_type)
        if parsed.warning:
            log.warning("feed %s: %s", feed.name, parsed.warning)
        oldest = datetime.min.replace(tzinfo=UTC)
        newest = sorted(parsed.articles, key=lambda a: a.published or oldest, reverse=True)
        out: list[tuple[Article, list[Post], str | None]] = []
        for article in newest[:limit]:
            why = self.left_out(feed, article)
            out.append((article, [] if why else self.build_posts(article, feed,
                                                                  site=parsed.title), why))
        return out


def feed_filter(feed: FeedConfig) -> FeedFilter:
    """The feed's compiled filter (compiled once per set of rules)."""
    rules = feed.filter
    if rules is None:
        return FeedFilter()
    return _compiled_filter(feed.name, rules.include, rules.exclude, rules.include_categories,
                            rules.exclude_categories, rules.include_authors,
                            rules.exclude_authors)


@lru_cache(maxsize=256)
def _compiled_filter(name: str, *rules: tuple[str, ...]) -> FeedFilter:
    include, exclude, include_categories, exclude_categories, include_authors, \
        exclude_authors = rules
    return FeedFilter.build(name, include=include, exclude=exclude,
                            include_categories=include_categories,
                            exclude_categories=exclude_categories,
                            include_authors=include_authors, exclude_authors=exclude_authors)


def _summary_text(summary: str | None) -> str | None:
    """The feed summary as plain text, boilerplate dropped; its first paragraph only
    (many feeds repeat the whole article there)."""
    if not summary:
        return None
    first = _item_text(summary).split("\n\n", 1)[0].strip()
    return first or None


# An item's markup is read up to here (the story comes first; the quote engine reads the
# first 60,000 characters of its text): a 9 MB item costs what a 1 MB one does.
MAX_ITEM_HTML = 1_000_000


def _item_text(markup: str) -> str:
    """An item's markup as text, read up to ``MAX_ITEM_HTML``."""
    return _html_text(markup[:MAX_ITEM_HTML])


@lru_cache(maxsize=16)
def _html_text(markup: str) -> str:
    """``html_to_text``, remembered: a feed's summary is often its content again, and the
    article's text is extracted just before its summary."""
    from syndicator.article import html_to_text

    return html_to_text(markup)


_SITE_SETTINGS: dict[tuple[int, str], tuple[ComposeSettings, ComposeSettings]] = {}


def _with_site(settings: ComposeSettings, site: str) -> ComposeSettings:
    """``settings`` with the feed's site name, made once per account and site."""
    key = (id(settings), site)
    hit = _SITE_SETTINGS.get(key)
    if hit is None or hit[0] is not settings:
        if len(_SITE_SETTINGS) >= 256:
            _SITE_SETTINGS.clear()
        from dataclasses import replace

        hit = _SITE_SETTINGS[key] = (settings, replace(settings, site=site))
    return hit[1]


def _looks_incomplete(text: str) -> bool:
    """A feed body that is a teaser, not the article: empty, or ending in 'read more'."""
    if not text.strip():
        return True
    tail = text[-80:].lower()
    return tail.endswith(("[…]", "[...]", "…", "...")) or "read more" in tail \
        or "continue reading" in tail

