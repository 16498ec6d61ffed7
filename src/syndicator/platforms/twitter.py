"""X (Twitter) publisher: tweepy 4.17 ``Client`` with OAuth 1.0a user context.

Every tweepy/requests failure becomes one typed outcome (platform-apis.md A.4, E.3);
nothing escapes ``publish``/``find``/``check``. tweepy sends to the hard-coded
``https://api.twitter.com`` with no timeout, so a ``RerouteAdapter`` on the client's
session adds the timeout and, when ``api_url`` is not X itself, reroutes there.
Media go through ``POST /2/media/upload`` by hand: tweepy has no working upload.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
import tweepy
from tweepy import errors as tweepy_errors

from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Duplicate,
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

X_HOSTS = ("api.x.com", "api.twitter.com")
UPLOAD_URL = "https://api.x.com/2/media/upload"
METADATA_URL = "https://api.x.com/2/media/metadata"
ALT_TEXT_CHARS = 1000
DEFAULT_RATE_WAIT = timedelta(minutes=15)
USAGE_CAP_WAIT = timedelta(hours=24)
LOOKUP_MARGIN = timedelta(minutes=5)
MAX_LENGTH = 280

_LINK = re.compile(r"https?://\S+")

AUTH_401 = ("X rejected the credentials (401 Unauthorized); check consumer_key/consumer_secret "
            "and regenerate the access token and secret in the developer portal")
AUTH_READ_ONLY = ("X app has read-only permission (403 oauth1-permissions); enable Read and "
                  "Write in the app's settings, then regenerate the access token and secret")
AUTH_NOT_ENROLLED = ("X app is not attached to a Project with API access (403 "
                     "client-not-enrolled); attach the app to a Project in the developer portal")
AUTH_NOT_PERMITTED = ("X refused the action (403 not permitted): the account may be suspended, "
                      "locked or restricted; log in to X as the account and resolve it")
AUTH_CREDITS = ("X API credits are depleted (402 CreditsDepleted); top up prepaid credits in "
                "the X developer console")
AUTH_404 = ("X answered 404 Not Found for the API route; check api_url points at the X API")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _body(response: Any) -> dict[str, Any]:
    """The JSON body of a tweepy error response, or {} when there is none."""
    try:
        body = response.json()
    except (ValueError, AttributeError):
        return {}
    return body if isinstance(body, dict) else {}


def _epoch(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


class TwitterPublisher:
    """One X account. ``publish`` posts ``Post.text`` (+ media, + a reply) and says how it went."""

    platform: ClassVar[Platform] = Platform.TWITTER

    def __init__(
        self,
        account: str,
        *,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        api_url: str = "https://api.x.com",
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.account = account
        self.api_url = api_url.rstrip("/")
        self._clock = clock
        self._secrets = (consumer_key, consumer_secret, access_token, access_token_secret)
        install_log_scrubber(self._secrets)
        self._client = tweepy.Client(
            consumer_key=consumer_key, consumer_secret=consumer_secret,
            access_token=access_token, access_token_secret=access_token_secret,
            wait_on_rate_limit=False,  # a publisher never sleeps: the outbox reschedules
        )
        split = urlsplit(self.api_url)
        real = split.scheme == "https" and split.hostname in X_HOSTS and split.path in ("", "/")
        # Rewriting api.twitter.com -> api.x.com would break the signature: only reroute
        # to hosts that are not X (gateways, fakes).
        self._adapter = RerouteAdapter(None if real else self.api_url, timeout)
        for host in X_HOSTS:
            self._client.session.mount(f"https://{host}/", self._adapter)
        self._auth = tweepy.OAuth1UserHandler(
            consumer_key, consumer_secret, access_token, access_token_secret).apply_auth()
        self._user_id: str | None = None

    # ---- Publisher ------------------------------------------------------------------
    def publish(self, post: Post, key: PostKey | None = None) -> Outcome:
        """Post once; never retries, never sleeps, never raises for the platform's sake."""
        media_ids: list[str] = []
        for path in post.media:
            uploaded = self._upload(path)
            if isinstance(uploaded, str):
                media_ids.append(uploaded)
                if post.alt_text:
                    self._describe(uploaded, post.alt_text)
            elif uploaded is not None:
                return uploaded
        try:
            response = self._client.create_tweet(
                text=post.text, media_ids=media_ids or None, user_auth=True)
            tweet_id = str(response.data["id"])
        except (tweepy_errors.TweepyException, requests.RequestException) as exc:
            return self._outcome(exc, post)
        except (KeyError, TypeError) as exc:
            return Ambiguous(f"X answered without a post id ({type(exc).__name__}); the post "
                             "may exist: reconcile before resending")
        if post.reply_text:
            self._reply(tweet_id, post.reply_text)
        return Published(remote_id=tweet_id, url=f"https://x.com/i/web/status/{tweet_id}")

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome:
        """Look for ``url`` (else exactly ``text``) among our own posts since ``since``."""
        try:
            user_id = self._me()
            token: str | None = None
            for _ in range(5):
                response = self._client.get_users_tweets(
                    user_id, user_auth=True, start_time=since - LOOKUP_MARGIN,
                    tweet_fields=["created_at", "entities", "referenced_tweets"],
                    max_results=100, pagination_token=token)
                found = self._match(url, response.data or [], text)
                if found is not None:
                    return found
                token = (response.meta or {}).get("next_token")
                if not token:
                    break
        except (tweepy_errors.TweepyException, requests.RequestException) as exc:
            outcome = self._outcome(exc, None)
            if isinstance(outcome, RateLimited | AuthFailed):
                return outcome
            return Transient(f"lookup on X failed: {getattr(outcome, 'reason', outcome)}")
        return NotFound()

    def text_limit(self) -> int | None:
        """The limit is fixed (the account's ``max_length``)."""
        return None

    def check(self) -> str | None:
        """None when the credentials can post, else one line naming the fix."""
        try:
            self._adapter.forget()
            self._user_id = None
            self._me()
        except (tweepy_errors.TweepyException, requests.RequestException) as exc:
            outcome = self._outcome(exc, None)
            return f"{self.account}: {getattr(outcome, 'reason', outcome)}"
        level = self._adapter.last_headers.get("x-access-level")
        if level is not None and "write" not in level:
            return f"{self.account}: {AUTH_READ_ONLY}"
        return None

    # ---- helpers --------------------------------------------------------------------
    def _me(self) -> str:
        if self._user_id is None:
            response = self._client.get_me(user_auth=True)
            data = getattr(response, "data", None)
            user_id = data.get("id") if isinstance(data, dict) else getattr(data, "id", None)
            if not user_id:  # an answer without the user: treat as the API failing
                raise tweepy_errors.TweepyException("X answered /2/users/me without a user id")
            self._user_id = str(user_id)
        return self._user_id

    def _match(self, url: str, tweets: list[Any], text: str | None = None) -> Found | None:
        wanted = normalise_url(url)
        own = {str(t.id) for t in tweets}
        for exact in (True, False):
            for tweet in tweets:
                for entity in (getattr(tweet, "entities", None) or {}).get("urls", []):
                    for key in ("expanded_url", "unwound_url"):
                        candidate = entity.get(key)
                        if not candidate:
                            continue
                        if candidate == url if exact else normalise_url(candidate) == wanted:
                            return Found(*self._ids_for(tweet, own))
        if text and text.strip():
            # No URL to go by (link in a reply that never went out, or link: none):
            # our own post with exactly our text is the one we sent.
            for tweet in tweets:
                if _same_text(_expanded_text(tweet), text):
                    return Found(str(tweet.id), f"https://x.com/i/web/status/{tweet.id}")
        return None

    @staticmethod
    def _ids_for(tweet: Any, own: set[str]) -> tuple[str, str]:
        """A matching reply of ours (link placed in a reply) stands for its parent post."""
        tweet_id = str(tweet.id)
        for ref in getattr(tweet, "referenced_tweets", None) or []:
            parent = str(getattr(ref, "id", "") or "")
            if getattr(ref, "type", None) == "replied_to" and parent in own:
                tweet_id = parent
        return tweet_id, f"https://x.com/i/web/status/{tweet_id}"

    def _reply(self, tweet_id: str, text: str) -> None:
        """The follow-up reply is best effort: logged on failure, never retried."""
        try:
            self._client.create_tweet(text=text, in_reply_to_tweet_id=tweet_id, user_auth=True)
        except (tweepy_errors.TweepyException, requests.RequestException) as exc:
            outcome = self._outcome(exc, None)
            log.warning("x account %s: reply to post %s failed (%s); not retried",
                        self.account, tweet_id, getattr(outcome, "reason", outcome))

    def _describe(self, media_id: str, alt_text: str) -> None:
        """Alt text for an uploaded card; best effort (the post is worth more than it)."""
        metadata = {"alt_text": {"text": alt_text[:ALT_TEXT_CHARS]}}
        try:
            response = self._client.session.post(
                METADATA_URL, auth=self._auth, json={"id": media_id, "metadata": metadata})
        except requests.RequestException as exc:
            log.warning("x account %s: alt text for media %s not set (%s)", self.account,
                        media_id, self._net(exc))
            return
        if response.status_code != 200:
            log.warning("x account %s: alt text for media %s not set (%d: %s)", self.account,
                        media_id, response.status_code, scrub(response.text[:200], self._secrets))

    def _upload(self, path: str) -> str | Outcome | None:
        """Upload one image; its media id, a blocking outcome, or None to post without it."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            log.warning("x account %s: cannot read media %s (%s); posting without it",
                        self.account, path, exc.strerror)
            return None
        try:
            response = self._client.session.post(
                UPLOAD_URL, auth=self._auth, data={"media_category": "tweet_image"},
                files={"media": (Path(path).name, data, _mime(path))})
        except requests.RequestException as exc:
            # Nothing is on the timeline yet, so even an ambiguous upload is safe to redo.
            return Transient(f"media upload to X failed ({self._net(exc)}); nothing was posted")
        if response.status_code == 200:
            body = _body(response)
            media_id = (body.get("data") or {}).get("id") or body.get("id") or body.get(
                "media_id_string")
            if media_id:
                return str(media_id)
        outcome = self._status_outcome(response, None)
        if isinstance(outcome, Rejected):
            log.warning("x account %s: media %s refused (%s); posting without it",
                        self.account, path, outcome.reason)
            return None
        if isinstance(outcome, Ambiguous):
            return Transient(f"media upload to X failed ({outcome.reason}); nothing was posted")
        return outcome

    def _net(self, exc: BaseException) -> str:
        return describe_network_error(exc, self._secrets)

    def _outcome(self, exc: Exception, post: Post | None) -> Outcome:
        """Translate one tweepy/requests error: the most specific class wins (MRO walk)."""
        for cls in type(exc).__mro__:
            handler = _HANDLERS.get(cls)
            if handler is not None:
                return handler(self, exc, post)
        return Ambiguous(scrub(f"unexpected {type(exc).__name__}: {exc}", self._secrets))

    def _status_outcome(self, response: requests.Response, post: Post | None) -> Outcome:
        """Map a raw response (media upload) through tweepy's own status->class rules."""
        status = response.status_code
        cls: type[tweepy_errors.HTTPException] = {
            400: tweepy_errors.BadRequest, 401: tweepy_errors.Unauthorized,
            403: tweepy_errors.Forbidden, 404: tweepy_errors.NotFound,
        }.get(status, tweepy_errors.HTTPException)
        if status == 429:
            reset = _epoch(response.headers.get("x-rate-limit-reset"))
            return self._rate_limited(tweepy_errors.TooManyRequests(
                response, reset_time=int(reset.timestamp()) if reset else None), post)
        if status >= 500:
            cls = tweepy_errors.TwitterServerError
        return self._outcome(cls(response), post)

    def _rate_limited(self, exc: Exception, post: Post | None) -> Outcome:
        response = exc.response  # type: ignore[attr-defined]
        headers = response.headers
        now = self._clock()
        candidates = [_epoch(headers.get("x-rate-limit-reset"))]
        for scope in ("user", "app"):
            # A 24-hour cap binds past the 15-minute window (platform-apis A.5).
            if headers.get(f"x-{scope}-limit-24hour-remaining", "0") == "0":
                candidates.append(_epoch(headers.get(f"x-{scope}-limit-24hour-reset")))
        known = [c for c in candidates if c is not None]
        capped = _body(response).get("title") == "UsageCapExceeded"
        fallback = now + (USAGE_CAP_WAIT if capped else DEFAULT_RATE_WAIT)
        retry_at = max(max(known) if known else fallback, now)
        what = "usage cap exceeded" if capped else "rate limit hit (429)"
        return RateLimited(retry_at=retry_at,
                           reason=f"X {what}; retry after {retry_at:%Y-%m-%d %H:%M:%SZ}")

    def _server_error(self, exc: Exception, post: Post | None) -> Outcome:
        status = exc.response.status_code  # type: ignore[attr-defined]
        return Ambiguous(f"X server error {status}; the post may exist: reconcile before "
                         "resending")

    def _unauthorized(self, exc: Exception, post: Post | None) -> Outcome:
        return AuthFailed(AUTH_401)

    def _forbidden(self, exc: Exception, post: Post | None) -> Outcome:
        body = _body(exc.response)  # type: ignore[attr-defined]
        detail = str(body.get("detail") or "")
        kind = str(body.get("type") or "")
        if "duplicate content" in detail:
            return Duplicate("X says this is duplicate content (403); an earlier copy "
                             "probably exists: reconcile, never resend")
        if kind.endswith("/oauth1-permissions") or "oauth1 app permissions" in detail:
            return AuthFailed(AUTH_READ_ONLY)
        if body.get("reason") == "client-not-enrolled" or kind.endswith("/client-forbidden"):
            return AuthFailed(AUTH_NOT_ENROLLED)
        if "too long" in detail.lower() or (
                post is not None and post.weighted_length > MAX_LENGTH
                and "not permitted" in detail):
            return Rejected("X refused the text as too long (403); shorten it below 280 "
                            "weighted characters")
        if "Reply to this conversation is not allowed" in detail:
            return Rejected("X does not allow this reply (403 reply restricted)")
        if "not permitted" in detail:
            return AuthFailed(AUTH_NOT_PERMITTED)
        return AuthFailed(scrub(f"X refused the request (403: {detail or kind or 'Forbidden'}); "
                                "check the app's access level and the account's standing",
                                self._secrets))

    def _bad_request(self, exc: Exception, post: Post | None) -> Outcome:
        messages = "; ".join(str(m) for m in exc.api_messages)  # type: ignore[attr-defined]
        return Rejected(scrub(f"X rejected the post (400): {messages or 'Bad Request'}",
                              self._secrets))

    def _not_found(self, exc: Exception, post: Post | None) -> Outcome:
        return AuthFailed(AUTH_404)

    def _http(self, exc: Exception, post: Post | None) -> Outcome:
        response = exc.response  # type: ignore[attr-defined]
        status = response.status_code
        if status == 402:
            return AuthFailed(AUTH_CREDITS)
        if 400 <= status < 500:
            return Rejected(scrub(f"X refused the request ({str(exc).splitlines()[0]}): "
                                  f"{_body(response).get('detail', '')}".rstrip(": "),
                                  self._secrets))
        return Ambiguous(f"X answered {status}; the post may exist: reconcile before resending")

    def _tweepy(self, exc: Exception, post: Post | None) -> Outcome:
        return Rejected(scrub(f"tweepy refused the request: {exc}", self._secrets))

    def _network(self, exc: Exception, post: Post | None) -> Outcome:
        assert isinstance(exc, requests.RequestException)
        if may_have_arrived(exc):
            return Ambiguous(f"no answer from X after sending ({self._net(exc)}); the post "
                             "may exist: reconcile before resending")
        return Transient(f"could not reach X ({self._net(exc)}); nothing was sent")


_Handler = Callable[[TwitterPublisher, Exception, Post | None], Outcome]

# Every class tweepy.errors exports, plus requests' root: see the guard test.
_HANDLERS: dict[type[BaseException], _Handler] = {
    tweepy_errors.TooManyRequests: TwitterPublisher._rate_limited,
    tweepy_errors.TwitterServerError: TwitterPublisher._server_error,
    tweepy_errors.Unauthorized: TwitterPublisher._unauthorized,
    tweepy_errors.Forbidden: TwitterPublisher._forbidden,
    tweepy_errors.BadRequest: TwitterPublisher._bad_request,
    tweepy_errors.NotFound: TwitterPublisher._not_found,
    tweepy_errors.HTTPException: TwitterPublisher._http,
    tweepy_errors.TweepyException: TwitterPublisher._tweepy,
    requests.RequestException: TwitterPublisher._network,
}


def _expanded_text(tweet: Any) -> str:
    """A post's text as we sent it: X shows links as t.co and escapes &, < and >."""
    text = str(getattr(tweet, "text", "") or "")
    for entity in (getattr(tweet, "entities", None) or {}).get("urls", []):
        short, long = entity.get("url"), entity.get("expanded_url")
        if short and long:
            text = text.replace(short, long, 1)
    return html.unescape(text)


def _same_text(theirs: str, ours: str) -> bool:
    """Our text, give or take whitespace and the link X appends for attached media."""
    theirs, ours = _comparable(theirs), _comparable(ours)
    if not theirs.startswith(ours):
        return False
    return all(_LINK.fullmatch(word) for word in theirs[len(ours):].split())


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _mime(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}.get(
        suffix, "image/jpeg" if re.fullmatch(r"\.jpe?g", suffix) else "application/octet-stream")
