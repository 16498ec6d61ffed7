"""Mastodon publisher: Mastodon.py 2.x over the project's own ``requests`` session.

Every Mastodon.py/requests failure becomes one typed outcome; nothing escapes
``publish``/``find``/``check``. The session carries a ``RerouteAdapter`` (a deadline for
the whole call; docs/design.md). Each create carries an ``Idempotency-Key`` derived from
the delivery, so a resend after a lost answer returns the first status instead of a second
one (Mastodon keeps the key an hour; after that ``find`` reconciles on the timeline).
"""

from __future__ import annotations

import html
import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import requests
from mastodon import Mastodon
from mastodon import errors as mastodon_errors

from syndicator.compose.lengths import graphemes
from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    AccountCache,
    Ambiguous,
    AuthFailed,
    Found,
    LookupOutcome,
    NotFound,
    Outcome,
    PostKey,
    Published,
    RateLimited,
    Rejected,
    Transient,
)
from syndicator.platforms.http import (
    RerouteAdapter,
    describe_network_error,
    install_log_scrubber,
    may_have_arrived,
    normalise_url,
    scrub,
)

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 500
DEFAULT_RATE_WAIT = timedelta(minutes=5)
LOOKUP_MARGIN = timedelta(minutes=5)
LOOKUP_PAGES = 20
LIMITS_RETRY = timedelta(minutes=5)  # an unreachable server is not asked at every article
LIMITS_KEY = "mastodon.limits"
LIMITS_MAX_AGE = timedelta(days=1)
ALT_TEXT_CHARS = 1500  # Mastodon's limit for a media description
MEDIA_POLLS = 5  # a card is processed in well under a second; a video would not be
_HREF = re.compile(r"""href=["']([^"']+)["']""")
_TAG = re.compile(r"<[^>]+>")

AUTH_401 = ("Mastodon rejected the access token (401); create a new one under Preferences > "
            "Development > your application, with the write:statuses and write:media scopes")
AUTH_403 = ("Mastodon refused the action (403): the token lacks the write:statuses or "
            "write:media scope, or the account is suspended or limited; create a token with "
            "those scopes")
AUTH_404 = ("Mastodon answered 404 Not Found for the API route; check instance_url points at "
            "the Mastodon server itself (https://example.social)")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _reset_time(value: str | None) -> datetime | None:
    """``X-RateLimit-Reset``: an ISO 8601 time on Mastodon (an epoch on some forks)."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class MastodonPublisher:
    """One Mastodon account. ``publish`` posts ``Post.text`` with its card and alt text."""

    platform: ClassVar[Platform] = Platform.MASTODON

    def __init__(
        self,
        account: str,
        *,
        instance_url: str,
        access_token: str,
        visibility: str = "public",
        content_warning: str | None = None,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
        cache: AccountCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.account = account
        self.instance_url = instance_url.rstrip("/")
        self.visibility = visibility
        self.content_warning = content_warning
        self._clock = clock
        self._cache = cache
        self._sleep = sleep
        self._secrets = (access_token,)
        install_log_scrubber(self._secrets)
        self._adapter = RerouteAdapter(None, timeout)
        session = requests.Session()
        session.mount("https://", self._adapter)
        session.mount("http://", self._adapter)
        self._client = Mastodon(
            access_token=access_token, api_base_url=self.instance_url, session=session,
            request_timeout=timeout, ratelimit_method="throw",  # the outbox reschedules
            # a 4.x server without asking it: uploads go to /api/v2/media (v1 is deprecated)
            mastodon_version="4.0.0", version_check_mode="created",
        )
        self._account_id: str | None = None
        self._limit: int | None = None
        self._limit_failed_at: datetime | None = None

    # ---- Publisher ------------------------------------------------------------------
    def publish(self, post: Post, key: PostKey | None = None) -> Outcome:
        """Post once; a resend with the same ``key`` returns the first status."""
        media_ids: list[str] = []
        for path in post.media:
            uploaded = self._upload(path, post.alt_text)
            if isinstance(uploaded, str):
                media_ids.append(uploaded)
            elif uploaded is not None:
                return uploaded
        language = (post.language or "").split("-")[0].lower() or None
        self._adapter.forget()
        try:
            status = self._client.status_post(
                post.text, media_ids=media_ids or None, visibility=self.visibility,
                spoiler_text=self.content_warning, language=language,
                idempotency_key=key.token() if key else None)
            status_id = str(status["id"])
        except (mastodon_errors.MastodonError, requests.RequestException) as exc:
            return self._outcome(exc)
        except (KeyError, TypeError) as exc:
            return Ambiguous(f"Mastodon answered without a status id ({type(exc).__name__}); "
                             "the post may exist: reconcile before resending")
        return Published(remote_id=status_id, url=_str_or_none(status.get("url")))

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome:
        """Look for ``url`` (else exactly ``text``) among our own statuses since ``since``
        (a status id is a time, so the server stops the listing there)."""
        wanted = normalise_url(url) if url else None
        floor = since - LOOKUP_MARGIN
        since_id = str(int(floor.timestamp() * 1000) << 16)  # Mastodon's snowflake ids
        try:
            account_id = self._me()
            page: Any = self._client.account_statuses(account_id, limit=40, since_id=since_id)
            for _ in range(LOOKUP_PAGES):
                if not page:
                    return NotFound()
                for status in page:
                    created = status.get("created_at")
                    if isinstance(created, datetime) and created < floor:
                        return NotFound()
                    if self._matches(status, url, wanted, text):
                        return Found(str(status["id"]), _str_or_none(status.get("url")))
                page = self._client.fetch_next(page)
        except (mastodon_errors.MastodonError, requests.RequestException) as exc:
            outcome = self._outcome(exc)
            if isinstance(outcome, RateLimited | AuthFailed):
                return outcome
            return Transient(f"lookup on Mastodon failed: {getattr(outcome, 'reason', outcome)}")
        if not page:
            return NotFound()
        return Transient(f"more than {LOOKUP_PAGES * 40} statuses since the send; looking "
                         "again later")

    def check(self) -> str | None:
        """None when the token can read the account, else one line naming the fix."""
        try:
            self._account_id = None
            self._me()
        except (mastodon_errors.MastodonError, requests.RequestException) as exc:
            outcome = self._outcome(exc)
            return f"{self.account}: {getattr(outcome, 'reason', outcome)}"
        return None

    def text_limit(self) -> int | None:
        """What the text may hold: the instance's ``max_characters`` (read once a day and
        kept in the state; 500 when the instance does not say), less the content warning,
        which Mastodon counts with the text."""
        return self._instance_limit() - graphemes(self.content_warning or "")

    def _instance_limit(self) -> int:
        if self._limit is not None:
            return self._limit
        cached = self._cache.cached(self.account, LIMITS_KEY) if self._cache else None
        if cached:
            try:
                kept = json.loads(cached)
                fresh = self._clock() - datetime.fromisoformat(kept["read_at"]) < LIMITS_MAX_AGE
                if fresh and kept.get("instance") == self.instance_url:
                    self._limit = int(kept["max_characters"])
                    return self._limit
            except (ValueError, KeyError, TypeError):
                pass
        if self._limit_failed_at is not None and \
                self._clock() - self._limit_failed_at < LIMITS_RETRY:
            return DEFAULT_LIMIT
        try:
            instance: Any = self._client.instance_v2()
            statuses = (instance.get("configuration") or {}).get("statuses") or {}
            limit = int(statuses.get("max_characters") or DEFAULT_LIMIT)
        except (mastodon_errors.MastodonError, requests.RequestException, ValueError,
                TypeError, AttributeError) as exc:
            log.warning("mastodon account %s: could not read the instance's limits (%s); "
                        "using %d characters", self.account, self._describe(exc), DEFAULT_LIMIT)
            self._limit_failed_at = self._clock()  # asked again in a few minutes
            return DEFAULT_LIMIT
        self._limit = limit
        if self._cache is not None:
            self._cache.cache(self.account, LIMITS_KEY, json.dumps(
                {"instance": self.instance_url, "max_characters": limit,
                 "read_at": self._clock().isoformat()}))
        return limit

    # ---- helpers --------------------------------------------------------------------
    def _me(self) -> str:
        if self._account_id is None:
            me: Any = self._client.account_verify_credentials()
            account_id = me.get("id") if me is not None else None
            if not account_id:
                raise mastodon_errors.MastodonAPIError(
                    "Mastodon answered verify_credentials without an account id")
            self._account_id = str(account_id)
        return self._account_id

    @staticmethod
    def _matches(status: Any, url: str, wanted: str | None, text: str | None) -> bool:
        content = str(status.get("content") or "")
        links = [html.unescape(h) for h in _HREF.findall(content)]
        card = status.get("card") or {}
        if card.get("url"):
            links.append(str(card["url"]))
        if url and any(link == url or normalise_url(link) == wanted for link in links):
            return True
        if text and text.strip():
            shown = html.unescape(_TAG.sub(" ", content.replace("<br />", "\n")))
            return " ".join(shown.split()) == " ".join(text.split())
        return False

    def _upload(self, path: str, alt_text: str | None) -> str | Outcome | None:
        """Upload one image with its alt text; its media id, a blocking outcome, or None
        to post without it."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            log.warning("mastodon account %s: cannot read media %s (%s); posting without it",
                        self.account, path, exc.strerror)
            return None
        description = alt_text[:ALT_TEXT_CHARS] if alt_text else None
        try:
            media: Any = self._client.media_post(
                data, mime_type="image/png", description=description,
                file_name=Path(path).name)
            media_id = str(media["id"])
            for _ in range(MEDIA_POLLS):
                if media.get("url"):
                    return media_id
                self._sleep(1.0)
                media = self._client.media(media_id)
            if media.get("url"):
                return media_id
            return Transient("Mastodon is still processing the card; trying again later")
        except (mastodon_errors.MastodonError, requests.RequestException) as exc:
            outcome = self._outcome(exc)
            if isinstance(outcome, Rejected):
                log.warning("mastodon account %s: media %s refused (%s); posting without it",
                            self.account, path, outcome.reason)
                return None
            if isinstance(outcome, Ambiguous):  # nothing is on the timeline yet
                return Transient(f"media upload to Mastodon failed ({outcome.reason}); "
                                 "nothing was posted")
            return outcome
        except (KeyError, TypeError):
            return Transient("Mastodon answered the upload without a media id; nothing was "
                             "posted")

    def _describe(self, exc: BaseException) -> str:
        cause = exc.__context__ if isinstance(exc, mastodon_errors.MastodonNetworkError) else exc
        if isinstance(cause, requests.RequestException):
            return describe_network_error(cause, self._secrets)
        return scrub(str(exc), self._secrets)[:200]

    def _outcome(self, exc: Exception) -> Outcome:
        """Translate one Mastodon.py/requests error into the outbox's terms."""
        if isinstance(exc, mastodon_errors.MastodonRatelimitError):
            if self._adapter.last_status not in (None, 429):
                # Mastodon.py raises this on a 2xx whose rate-limit headers it cannot
                # read: the request was carried out
                return Ambiguous("Mastodon answered, but Mastodon.py could not read its "
                                 "rate-limit headers; the post may exist: reconcile before "
                                 "resending")
            return self._rate_limited()
        if isinstance(exc, mastodon_errors.MastodonNetworkError | requests.RequestException):
            cause = exc.__context__ if isinstance(exc, mastodon_errors.MastodonError) else exc
            if isinstance(cause, requests.RequestException) and not may_have_arrived(cause):
                return Transient(f"could not reach Mastodon ({self._describe(exc)}); nothing "
                                 "was sent")
            return Ambiguous(f"no answer from Mastodon after sending ({self._describe(exc)}); "
                             "the post may exist: reconcile before resending")
        if isinstance(exc, mastodon_errors.MastodonAPIError) and len(exc.args) >= 4:
            status, error = exc.args[1], str(exc.args[3] or exc.args[2] or "")
            return self._status_outcome(int(status), scrub(error, self._secrets)[:300])
        if isinstance(exc, mastodon_errors.MastodonIllegalArgumentError | ValueError):
            return Rejected(scrub(f"Mastodon.py refused the request: {exc}", self._secrets))
        return Ambiguous(scrub(f"unexpected {type(exc).__name__}: {exc}", self._secrets))

    def _status_outcome(self, status: int, error: str) -> Outcome:
        if status == 401:
            return AuthFailed(AUTH_401)
        if status == 403:
            return AuthFailed(f"{AUTH_403} ({error})" if error else AUTH_403)
        if status == 404:
            return AuthFailed(AUTH_404)
        if status == 429:
            return self._rate_limited()
        if status == 422:
            return Rejected(f"Mastodon refused the post (422): {error or 'Unprocessable'}")
        if 400 <= status < 500:
            return Rejected(f"Mastodon refused the request ({status}): {error}".rstrip(": "))
        return Ambiguous(f"Mastodon server error {status}; the post may exist: reconcile "
                         "before resending")

    def _rate_limited(self) -> RateLimited:
        now = self._clock()
        headers = self._adapter.last_headers
        reset = _reset_time(headers.get("X-RateLimit-Reset"))
        if reset is None and self._client.ratelimit_reset:
            reset = datetime.fromtimestamp(float(self._client.ratelimit_reset), UTC)
        retry_at = max(reset or now + DEFAULT_RATE_WAIT, now)
        return RateLimited(retry_at=retry_at, reason="Mastodon rate limit hit (429); retry after "
                                                     f"{retry_at:%Y-%m-%d %H:%M:%SZ}")


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None
