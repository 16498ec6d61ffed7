"""The use cases: poll a feed into the outbox, publish what is due, preview without state.

The daemon and the CLI both call these; nothing is published except from the outbox.
Clock, HTTP session and publishers are passed in, so tests control them.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from syndicator.errors import ExtractionError, FeedError
from syndicator.feeds.fetch import fetch_feed, is_url
from syndicator.feeds.parse import parse_feed
from syndicator.models import Article, Platform, Post, Quote
from syndicator.pacing import Pacing, blocked, local_day_start, local_month_start, post_cost
from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Duplicate,
    Found,
    NotFound,
    Outcome,
    Published,
    Publisher,
    RateLimited,
    Rejected,
    Transient,
)
from syndicator.store import Delivery, NewArticle, Store, link_key

if TYPE_CHECKING:
    import requests

    from syndicator.compose import ComposeSettings
    from syndicator.config import FeedConfig

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for failures where nothing was created; a publisher never sleeps."""

    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 10

    def next_attempt(self, attempts: int, now: datetime, rng: random.Random) -> datetime | None:
        if attempts >= self.max_attempts:
            return None
        delay = min(self.cap, self.base * 2 ** max(attempts - 1, 0))
        return now + delay * (0.8 + 0.4 * rng.random())


@dataclass(frozen=True, slots=True)
class AccountSetup:
    """What the pipeline needs of one account: how to compose, how to pace."""

    name: str
    compose: ComposeSettings
    pacing: Pacing = field(default_factory=Pacing)
    fingerprint: str = ""
    charges: bool = False  # X bills per post: track the cost against the budget
    attach_card: bool = False  # render the quote card and attach it to the post


@dataclass
class PollResult:
    feed: str
    status: str  # "ok" | "not_modified" | "error"
    items: int = 0
    new: int = 0
    queued: int = 0
    posts: list[tuple[Article, list[Post]]] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class PublishResult:
    delivery: Delivery
    status: str  # the delivery's new status
    detail: str


class Pipeline:
    def __init__(self, store: Store, *, accounts: Mapping[str, AccountSetup],
                 publishers: Mapping[str, Publisher], clock: Clock = utc_now,
                 session: requests.Session | None = None, worker: str = "worker",
                 fetch_timeout: float = 20.0, max_feed_bytes: int = 10_000_000,
                 user_agent: str | None = None, retry: RetryPolicy | None = None,
                 settle: timedelta = timedelta(seconds=20),
                 rng: random.Random | None = None, cards_dir: Path | None = None) -> None:
        self.store = store
        self.accounts = accounts
        self.publishers = publishers
        self.clock = clock
        self.session = session
        self.worker = worker
        self.fetch_timeout = fetch_timeout
        self.max_feed_bytes = max_feed_bytes
        self.user_agent = user_agent
        self.retry = retry or RetryPolicy()
        self.settle = settle
        self.rng = rng or random.Random()
        self.cards_dir = cards_dir

    # -- poll ---------------------------------------------------------------------------------

    def poll(self, feed: FeedConfig) -> PollResult:
        """Fetch, parse, detect new articles, build posts, enqueue: one transaction."""
        now = self.clock()
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
        for article in fresh:
            posts = self.build_posts(article, feed, site=parsed.title) \
                if article.id in chosen else []
            new.append(NewArticle(article, posts))
            if posts:
                built.append((article, posts))
        queued = self.store.save_poll(
            feed.name, feed.url, etag=fetched.etag, last_modified=fetched.last_modified,
            items=len(parsed.articles), new=new, now=now)
        return PollResult(feed.name, "ok", items=len(parsed.articles), new=len(fresh),
                          queued=queued, posts=built, warning=parsed.warning,
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

        from syndicator.compose import PostDoesNotFit, compose_post
        from syndicator.quotes import analyse

        candidates = analyse(text).candidates if text else ()
        article = replace(article, summary=_summary_text(article.summary))
        posts = []
        for account in feed.post_to:
            setup = self.accounts[account]
            settings = setup.compose
            if site and settings.site is None:
                settings = _with_site(settings, site)
            try:
                post = compose_post(article, candidates, settings, account=account, url=url)
            except PostDoesNotFit as exc:
                log.warning("feed %s: article %s: no post fits account %s (%s); not posted "
                            "there", feed.name, article.link, account, exc)
                continue
            if setup.attach_card and candidates and self.cards_dir is not None:
                card = str(self._card(article, account, settings, candidates[0]))
                post = replace(post, media=(card,))
                if post.platform == Platform.FACEBOOK and post.link:
                    # a photo post has no link preview: the caption carries the link
                    text = f"{post.text}\n\n{post.link}"
                    post = replace(post, text=text, weighted_length=len(text))
            posts.append(post)
        return posts

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
        text = _html_text(body) if body else ""
        wants_page = feed.fetch_article == "always" or (
            feed.fetch_article == "auto" and _looks_incomplete(text))
        if wants_page and article.link and is_url(article.link):
            try:
                fetched = fetch_article(article.link, timeout=self.fetch_timeout,
                                        session=self.session)
                return fetched.text, fetched.url
            except ExtractionError as exc:
                log.warning("feed %s: article %s: %s; using the feed's text", feed.name,
                            article.link, exc)
        if text:
            return text, None
        return (_html_text(article.summary) if article.summary else ""), None

    # -- publish ------------------------------------------------------------------------------

    def recover(self, is_dead: Callable[[str], bool]) -> int:
        """Deliveries a dead process left mid-send become ``unknown``: checked, never resent."""
        return self.store.recover_interrupted(self.clock(), is_dead=is_dead)

    def publish_due(self, *, limit_per_account: int = 20) -> list[PublishResult]:
        """One pass: reconcile unknown deliveries, then send what is due on each account."""
        results: list[PublishResult] = []
        for name, publisher in self.publishers.items():
            if not self._account_ready(name):
                continue
            results.extend(self._reconcile(name, publisher))
            for _ in range(limit_per_account):
                if not self._account_ready(name):
                    break
                claimed = self.store.claim_due(self.worker, self.clock(), accounts=[name])
                if not claimed:
                    break
                results.append(self._send(claimed[0], publisher))
        return results

    def _account_ready(self, name: str) -> bool:
        return self.account_block(name) is None

    def account_block(self, name: str) -> str | None:
        """Why this account may not post right now (paused, pacing, budget), or None."""
        now = self.clock()
        state = self.store.account_state(name)
        setup = self.accounts.get(name)
        if state.paused_until is not None:
            if (state.pause_fingerprint and setup is not None
                    and state.pause_fingerprint != setup.fingerprint):
                log.info("account %s: config changed since it was paused (%s); resuming",
                         name, state.pause_reason)
                self.store.resume_account(name)
            elif state.paused_until > now:
                return f"paused: {state.pause_reason}"
            else:
                self.store.resume_account(name)
        if setup is None:
            return None
        pacing = setup.pacing
        next_cost = 0.0
        if setup.charges and pacing.monthly_budget is not None:
            upcoming = self.store.deliveries(statuses=("queued", "waiting"), account=name,
                                             limit=1, newest_first=False)
            if upcoming:
                next_cost = post_cost(upcoming[0].text, upcoming[0].reply_text, pacing)
        reason = blocked(
            pacing, now, last_post_at=state.last_post_at,
            sent_today=self.store.sent_since(name, local_day_start(now, pacing.timezone))
            if pacing.max_per_day else 0,
            spent_this_month=self.store.cost_since(name, local_month_start(now, pacing.timezone))
            if pacing.monthly_budget is not None else 0.0,
            next_cost=next_cost)
        return reason[0] if reason else None

    def _send(self, delivery: Delivery, publisher: Publisher) -> PublishResult:
        outcome = publisher.publish(delivery.post)
        return self._record(delivery, outcome, publisher)

    def _record(self, delivery: Delivery, outcome: Outcome,
                publisher: Publisher) -> PublishResult:
        """The one place where a publish outcome becomes outbox state."""
        now = self.clock()
        d, name = delivery, delivery.account
        match outcome:
            case Published(remote_id=remote_id, url=url):
                self.store.finish(d.id, status="sent", now=now, outcome="published",
                                  remote_id=remote_id, remote_url=url, cost=self._cost(d))
                log.info("account %s: posted %s (%s)", name, d.article_link, url or remote_id)
                return PublishResult(d, "sent", url or remote_id)
            case Duplicate(reason=reason):
                found = publisher.find(_posted_url(d), self._since(d), d.text)
                remote_id = found.remote_id if isinstance(found, Found) else None
                url = found.url if isinstance(found, Found) else None
                if isinstance(found, Found):
                    note = None
                elif isinstance(found, NotFound):
                    note = f"{reason}; the earlier post was not found"
                else:  # never a resend: only the id is missing
                    note = f"{reason}; could not look for the earlier post ({found.reason})"
                self.store.finish(d.id, status="sent", now=now, outcome="duplicate",
                                  error=note, remote_id=remote_id, remote_url=url)
                log.warning("account %s: %s for %s; not resending", name, reason, d.article_link)
                return PublishResult(d, "sent", f"duplicate: {reason}")
            case RateLimited(retry_at=retry_at, reason=reason):
                self.store.finish(d.id, status="waiting", now=now, outcome="rate_limited",
                                  error=reason, due_at=retry_at, count_attempt=False)
                self.store.pause_account(name, until=retry_at, reason=f"rate limited: {reason}")
                log.warning("account %s: rate limited until %s", name, f"{retry_at:%H:%M:%SZ}")
                return PublishResult(d, "waiting", f"rate limited until {retry_at:%H:%M:%SZ}")
            case Transient(reason=reason):
                due = self.retry.next_attempt(d.attempts, now, self.rng)
                status = "waiting" if due else "failed"
                self.store.finish(d.id, status=status, now=now, outcome="transient",
                                  error=reason, due_at=due)
                log.warning("account %s: %s; %s", name, reason,
                            f"retry at {due:%H:%M:%SZ}" if due else "giving up")
                return PublishResult(d, status, reason)
            case Ambiguous(reason=reason):
                self.store.finish(d.id, status="unknown", now=now, outcome="ambiguous",
                                  error=reason, due_at=now)
                log.warning("account %s: %s; will check the account before any resend",
                            name, reason)
                return PublishResult(d, "unknown", reason)
            case AuthFailed(reason=reason):
                self.store.finish(d.id, status="queued", now=now, outcome="auth_failed",
                                  error=reason, count_attempt=False)
                self.store.pause_account(name, until=None, reason=reason,
                                         fingerprint=self.accounts[name].fingerprint
                                         if name in self.accounts else None)
                log.error("account %s paused: %s", name, reason)
                return PublishResult(d, "queued", f"account paused: {reason}")
            case Rejected(reason=reason, pause_until=pause_until):
                self.store.finish(d.id, status="failed", now=now, outcome="rejected",
                                  error=reason)
                if pause_until is not None:
                    self.store.pause_account(name, until=pause_until, reason=reason)
                log.error("account %s rejected the post for %s: %s", name, d.article_link,
                          reason)
                return PublishResult(d, "failed", reason)
        raise TypeError(f"unknown publish outcome {outcome!r}")  # a programmer error

    def _cost(self, delivery: Delivery) -> float:
        setup = self.accounts.get(delivery.account)
        if setup is None or not setup.charges:
            return 0.0
        return post_cost(delivery.text, delivery.reply_text, setup.pacing)

    def _since(self, delivery: Delivery) -> datetime:
        started = self.store.last_attempt_started(delivery.id) or delivery.created_at
        return started - timedelta(minutes=5)

    def _reconcile(self, name: str, publisher: Publisher) -> list[PublishResult]:
        """Unknown deliveries: look for the post on the account before anything is resent."""
        results = []
        now = self.clock()
        for d in self.store.claim_unknown(self.worker, now, accounts=[name],
                                          settle=self.settle):
            found = publisher.find(_posted_url(d), self._since(d), d.text)
            now = self.clock()
            if isinstance(found, Found):
                self.store.finish(d.id, status="sent", now=now, outcome="reconciled",
                                  remote_id=found.remote_id, remote_url=found.url,
                                  cost=self._cost(d))
                log.info("account %s: found %s already posted (%s)", name, d.article_link,
                         found.remote_id)
                results.append(PublishResult(d, "sent", f"found already posted: "
                                                        f"{found.url or found.remote_id}"))
            elif isinstance(found, NotFound):
                self.store.finish(d.id, status="queued", now=now, outcome="not_found",
                                  error="not on the account; will send again",
                                  count_attempt=False)
                log.info("account %s: %s is not on the account; resending", name,
                         d.article_link)
                results.append(PublishResult(d, "queued", "not found on the account; resend"))
            else:
                retry_at = found.retry_at if isinstance(found, RateLimited) \
                    else now + timedelta(minutes=2)
                self.store.finish(d.id, status="unknown", now=now, outcome="check_failed",
                                  error=f"could not check the account: {found.reason}",
                                  due_at=retry_at)
                if isinstance(found, AuthFailed):
                    self.store.pause_account(name, until=None, reason=found.reason,
                                             fingerprint=self.accounts[name].fingerprint
                                             if name in self.accounts else None)
                results.append(PublishResult(d, "unknown", found.reason))
        return results

    # -- preview ------------------------------------------------------------------------------

    def preview_feed(self, feed: FeedConfig, *, limit: int) -> list[tuple[Article, list[Post]]]:
        """The posts the newest ``limit`` items would get; touches no state."""
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
        return [(a, self.build_posts(a, feed, site=parsed.title)) for a in newest[:limit]]


def _summary_text(summary: str | None) -> str | None:
    """The feed summary as plain text, boilerplate dropped; its first paragraph only
    (many feeds repeat the whole article there)."""
    if not summary:
        return None
    first = _html_text(summary).split("\n\n", 1)[0].strip()
    return first or None


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


_URL_IN_TEXT = re.compile(r"https?://\S+")


def _posted_url(delivery: Delivery) -> str:
    """The article URL exactly as it went out, which reconciliation looks for.

    An X post carries its link in the text (or the reply), with utm parameters and
    %-encoding added by compose: searching for the feed's spelling of the link could miss
    the post and send it again.
    """
    if delivery.link:
        return delivery.link
    from syndicator.compose.links import as_uri

    wanted = {link_key(delivery.article_link), link_key(as_uri(delivery.article_link))}
    for text in (delivery.reply_text, delivery.text):
        for url in _URL_IN_TEXT.findall(text or ""):
            for candidate in (url, url.rstrip(".,;:!?)]}…'\"")):
                if link_key(candidate) in wanted:
                    return candidate
    return delivery.article_link


def _looks_incomplete(text: str) -> bool:
    """A feed body that is a teaser, not the article: empty, or ending in 'read more'."""
    if not text.strip():
        return True
    tail = text[-80:].lower()
    return tail.endswith(("[…]", "[...]", "…", "...")) or "read more" in tail \
        or "continue reading" in tail

