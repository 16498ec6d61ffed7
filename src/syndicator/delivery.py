"""Publishing from the outbox: pacing, the publish call, and what each outcome means.

``Outbox.publish_due`` is the only caller of publishers. A delivery is claimed (attempt
committed) before the request goes out, and ``_record`` is the one place where a
publish outcome becomes outbox state; ``_reconcile`` looks for a post on the account
before anything that may already exist is sent again.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from syndicator.errors import StateError
from syndicator.logs import log_context
from syndicator.pacing import Pacing, blocked, local_day_start, local_month_start, post_cost
from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Duplicate,
    Found,
    NotFound,
    Outcome,
    PostKey,
    Published,
    Publisher,
    RateLimited,
    Rejected,
    Transient,
)
from syndicator.store import Delivery, Store, link_key

if TYPE_CHECKING:
    from syndicator.compose import ComposeSettings

log = logging.getLogger(__name__)

# Longer than the slowest send (media upload, post and link reply, each bounded by the
# account's timeout): a live worker's lease never runs out mid-send. A dead worker on this
# host is recognised by its pid at once; the lease only matters across hosts.
LEASE = timedelta(minutes=15)
# one worker's hold on an account's sending (shared state), renewed before every send
ACCOUNT_LEASE = timedelta(minutes=5)
RECONCILE_PER_PASS = 5

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
    quote_min_confidence: float | None = None  # None: the quote engine's default
    # Mastodon: the instance's own limit (Publisher.text_limit) replaces the default
    # max_length, and caps one the config sets
    limit_from_platform: bool = False
    max_length_set: bool = False


@dataclass(frozen=True, slots=True)
class PublishResult:
    delivery: Delivery
    status: str  # the delivery's new status
    detail: str


def post_key(delivery: Delivery) -> PostKey:
    """The key a resend of this delivery repeats (Mastodon's Idempotency-Key, Bluesky's
    record key); no other delivery, in this state or a fresh one, shares it."""
    return PostKey(serial=delivery.id, created=delivery.created_at, account=delivery.account)


class Outbox:
    """Sends due deliveries of every account and records each outcome."""

    def __init__(self, store: Store, *, accounts: Mapping[str, AccountSetup],
                 publishers: Mapping[str, Publisher], clock: Clock = utc_now,
                 worker: str = "worker", retry: RetryPolicy | None = None,
                 settle: timedelta = timedelta(seconds=20),
                 rng: random.Random | None = None,
                 is_dead: Callable[[str], bool] | None = None) -> None:
        self.store = store
        self.is_dead = is_dead  # a lease holder gone from this host frees its account
        self.accounts = accounts
        self.publishers = publishers
        self.clock = clock
        self.worker = worker
        self.retry = retry or RetryPolicy()
        self.settle = settle
        self.rng = rng or random.Random()

    def recover(self, is_dead: Callable[[str], bool]) -> int:
        """Deliveries a dead process left mid-send become ``unknown``: checked, never resent."""
        return self.store.recover_interrupted(self.clock(), is_dead=is_dead)

    def publish_due(self, *, limit_per_account: int = 20) -> list[PublishResult]:
        """One pass: reconcile unknown deliveries, then send what is due on each account."""
        results: list[PublishResult] = []
        for name, publisher in self.publishers.items():
            try:
                self._publish_account(name, publisher, limit_per_account, results)
            except StateError:
                raise  # not this account's fault: the state is down for all of them
            except Exception:  # one account's bug must not starve the others
                # a delivery it held stays leased and is reconciled once the lease ends
                log.exception("account %s: publishing failed; the other accounts go on", name)
        return results

    def _publish_account(self, name: str, publisher: Publisher, limit: int,
                         results: list[PublishResult]) -> None:
        if not self.store.shared:  # one daemon per SQLite file
            self._publish_claimed_account(name, publisher, limit, results)
            return
        # one worker at a time sends for an account, so its pacing holds across workers
        if not self._hold_account(name):
            return
        try:
            self._publish_claimed_account(name, publisher, limit, results)
        finally:
            self.store.release_account(name, self.worker)

    def _hold_account(self, name: str) -> bool:
        """Take or extend this worker's hold on the account (shared state only): short,
        and renewed before each send, so a worker that dies elsewhere frees it soon."""
        if not self.store.shared:
            return True
        return self.store.claim_account(name, self.worker, self.clock(), lease=ACCOUNT_LEASE,
                                        is_dead=self.is_dead)

    def _publish_claimed_account(self, name: str, publisher: Publisher, limit: int,
                                 results: list[PublishResult]) -> None:
        if not self._account_ready(name):
            return
        results.extend(self._reconcile(name, publisher))
        for _ in range(limit):
            if not self._account_ready(name) or not self._hold_account(name):
                break
            claimed = self.store.claim_due(self.worker, self.clock(), accounts=[name],
                                           lease=LEASE)
            if not claimed:
                break
            results.append(self._send(claimed[0], publisher))

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
        with log_context(account=delivery.account, feed=delivery.feed,
                         article=delivery.article_link, delivery=delivery.id):
            outcome = publisher.publish(delivery.post, post_key(delivery))
            return self._record(delivery, outcome, publisher)

    def _record(self, delivery: Delivery, outcome: Outcome,
                publisher: Publisher) -> PublishResult:
        """The one place where a publish outcome becomes outbox state."""
        now = self.clock()
        d, name = delivery, delivery.account
        match outcome:
            case Published(remote_id=remote_id, url=url):
                self._finish(d, status="sent", now=now, outcome="published",
                                  remote_id=remote_id, remote_url=url, cost=self._cost(d))
                log.info("account %s: posted %s (%s)", name, d.article_link, url or remote_id)
                return PublishResult(d, "sent", url or remote_id)
            case Duplicate(reason=reason):
                found = publisher.find(_posted_url(d), self._since(d), d.text, post_key(d))
                found_id = found.remote_id if isinstance(found, Found) else None
                found_url = found.url if isinstance(found, Found) else None
                if isinstance(found, Found):
                    note = None
                elif isinstance(found, NotFound):
                    note = f"{reason}; the earlier post was not found"
                else:  # never a resend: only the id is missing
                    note = f"{reason}; could not look for the earlier post ({found.reason})"
                self._finish(d, status="sent", now=now, outcome="duplicate",
                                  error=note, remote_id=found_id, remote_url=found_url)
                log.warning("account %s: %s for %s; not resending", name, reason, d.article_link)
                return PublishResult(d, "sent", f"duplicate: {reason}")
            case RateLimited(retry_at=retry_at, reason=reason):
                self._finish(d, status="waiting", now=now, outcome="rate_limited",
                                  error=reason, due_at=retry_at, count_attempt=False)
                self.store.pause_account(name, until=retry_at, reason=f"rate limited: {reason}")
                log.warning("account %s: rate limited until %s", name, f"{retry_at:%H:%M:%SZ}")
                return PublishResult(d, "waiting", f"rate limited until {retry_at:%H:%M:%SZ}")
            case Transient(reason=reason):
                due = self.retry.next_attempt(d.attempts, now, self.rng)
                status = "waiting" if due else "failed"
                self._finish(d, status=status, now=now, outcome="transient",
                                  error=reason, due_at=due)
                log.warning("account %s: %s; %s", name, reason,
                            f"retry at {due:%H:%M:%SZ}" if due else "giving up")
                return PublishResult(d, status, reason)
            case Ambiguous(reason=reason):
                self._finish(d, status="unknown", now=now, outcome="ambiguous",
                                  error=reason, due_at=now)
                log.warning("account %s: %s; will check the account before any resend",
                            name, reason)
                return PublishResult(d, "unknown", reason)
            case AuthFailed(reason=reason):
                self._finish(d, status="queued", now=now, outcome="auth_failed",
                                  error=reason, count_attempt=False)
                self.store.pause_account(name, until=None, reason=reason,
                                         fingerprint=self.accounts[name].fingerprint
                                         if name in self.accounts else None)
                log.error("account %s paused: %s", name, reason)
                return PublishResult(d, "queued", f"account paused: {reason}")
            case Rejected(reason=reason, pause_until=pause_until):
                self._finish(d, status="failed", now=now, outcome="rejected",
                                  error=reason)
                if pause_until is not None:
                    self.store.pause_account(name, until=pause_until, reason=reason)
                log.error("account %s rejected the post for %s: %s", name, d.article_link,
                          reason)
                return PublishResult(d, "failed", reason)
        raise TypeError(f"unknown publish outcome {outcome!r}")  # a programmer error

    def _finish(self, d: Delivery, **outcome: Any) -> None:
        """``store.finish`` under our lease; a lost lease means another worker owns it now."""
        if not self.store.finish(d.id, worker=self.worker, **outcome):
            log.warning("account %s: delivery %d: our lease ran out before the outcome (%s) "
                        "could be recorded; another worker has taken it over",
                        d.account, d.id, outcome.get("outcome"))

    def _cost(self, delivery: Delivery) -> float:
        setup = self.accounts.get(delivery.account)
        if setup is None or not setup.charges:
            return 0.0
        return post_cost(delivery.text, delivery.reply_text, setup.pacing)

    def _since(self, delivery: Delivery) -> datetime:
        started = self.store.first_attempt_started(delivery.id) or delivery.created_at
        return started - timedelta(minutes=5)

    def _reconcile(self, name: str, publisher: Publisher) -> list[PublishResult]:
        """Unknown deliveries: look for the post on the account before anything is resent."""
        results = []
        for _ in range(RECONCILE_PER_PASS):
            if not self._hold_account(name):  # renewed before each lookup, as each send
                break
            # one at a time, each under its own lease: a slow lookup never outlives it
            claimed = self.store.claim_unknown(self.worker, self.clock(), accounts=[name],
                                               settle=self.settle, lease=LEASE, limit=1)
            if not claimed:
                break
            d = claimed[0]
            with log_context(account=name, feed=d.feed, article=d.article_link, delivery=d.id):
                results.append(self._reconcile_one(d, publisher))
        return results

    def _reconcile_one(self, d: Delivery, publisher: Publisher) -> PublishResult:
        name = d.account
        found = publisher.find(_posted_url(d), self._since(d), d.text, post_key(d))
        now = self.clock()
        if isinstance(found, Found):
            self._finish(d, status="sent", now=now, outcome="reconciled",
                              remote_id=found.remote_id, remote_url=found.url,
                              cost=self._cost(d))
            log.info("account %s: found %s already posted (%s)", name, d.article_link,
                     found.remote_id)
            return PublishResult(d, "sent", f"found already posted: "
                                            f"{found.url or found.remote_id}")
        if isinstance(found, NotFound):
            self._finish(d, status="queued", now=now, outcome="not_found",
                              error="not on the account; will send again",
                              count_attempt=False)
            log.info("account %s: %s is not on the account; resending", name, d.article_link)
            return PublishResult(d, "queued", "not found on the account; resend")
        retry_at = found.retry_at if isinstance(found, RateLimited) \
            else now + timedelta(minutes=2)
        self._finish(d, status="unknown", now=now, outcome="check_failed",
                          error=f"could not check the account: {found.reason}",
                          due_at=retry_at)
        if isinstance(found, AuthFailed):
            self.store.pause_account(name, until=None, reason=found.reason,
                                     fingerprint=self.accounts[name].fingerprint
                                     if name in self.accounts else None)
        return PublishResult(d, "unknown", found.reason)


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
