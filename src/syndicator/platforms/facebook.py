"""Facebook Page publisher: facebook-sdk 3.1.0 ``GraphAPI`` on a rerouting session.

facebook-sdk rejects every current Graph version in its constructor, so the version is
set afterwards (platform-apis.md D.6). It exposes no response headers, so the session's
``RerouteAdapter`` keeps them: ``x-business-use-case-usage`` says how long a throttled
Page must wait. Errors are mapped by Graph code/subcode (D.3, E.3), never by status.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import facebook
import requests

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

GRAPH_HOST = "https://graph.facebook.com"
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 80001})
TRANSIENT_CODES = frozenset({1, 2})
DEFAULT_RATE_WAIT = timedelta(minutes=15)
POLICY_PAUSE = timedelta(hours=6)  # 368: "a hard stop for hours" (D.3)
LOOKUP_MARGIN = timedelta(minutes=5)
REQUIRED_SCOPES = ("pages_manage_posts", "pages_read_engagement")
NEW_TOKEN = "generate a new Page access token (platform-apis.md D.7)"
TOKEN_REASONS = {
    463: f"the Facebook Page token has expired (190/463); {NEW_TOKEN}",
    467: f"the Facebook Page token is invalid: the user logged out (190/467); {NEW_TOKEN}",
    460: "the Facebook Page token was invalidated by a password change (190/460); "
    f"{NEW_TOKEN}",
    458: f"the user removed the app (190/458); re-authorize the app and {NEW_TOKEN}",
    459: "the Facebook user is checkpointed (190/459); log in at facebook.com, clear the "
    f"checkpoint, then {NEW_TOKEN}",
    464: f"the Facebook user is unconfirmed (190/464); confirm the account, then {NEW_TOKEN}",
}
PERMISSION_REASON = ("Facebook denied permission (#{code}); use a Page access token (not a user "
                     "token) with pages_manage_posts and pages_read_engagement, from a Page admin")
_URL = re.compile(r"https?://[^\s<>\"']+")
_VERSION = re.compile(r"^v\d+\.\d+$")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FacebookPublisher:
    """One Facebook Page. ``publish`` makes a link post, or a photo post when media is set."""

    platform: ClassVar[Platform] = Platform.FACEBOOK

    def __init__(
        self,
        account: str,
        *,
        page_id: str,
        access_token: str,
        graph_url: str = GRAPH_HOST,
        graph_version: str = "v26.0",
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        version = graph_version if graph_version.startswith("v") else f"v{graph_version}"
        if not _VERSION.match(version):
            raise ValueError(f"graph_version must look like 'v26.0', not {graph_version!r}")
        install_log_scrubber([access_token])
        self.account = account
        self.page_id = str(page_id)
        self.graph_url = graph_url.rstrip("/")
        self._clock = clock
        self._secrets = (access_token,)
        session = requests.Session()
        self._adapter = RerouteAdapter(None if self.graph_url == GRAPH_HOST else self.graph_url,
                                       timeout)
        # facebook.FACEBOOK_GRAPH_URL stays untouched: this session reroutes its own calls.
        session.mount(GRAPH_HOST + "/", self._adapter)
        self._graph = facebook.GraphAPI(access_token=access_token, timeout=timeout,
                                        session=session)
        self._graph.version = version  # after construction: 3.1.0 rejects "26.0" (D.6)

    # ---- Publisher ------------------------------------------------------------------
    def publish(self, post: Post, key: PostKey | None = None) -> Outcome:
        """Post once; never retries, never sleeps, never raises for the platform's sake."""
        image = self._first_image(post)
        self._adapter.forget()
        try:
            if image is not None:
                result = self._graph.put_photo(
                    image=image, album_path=f"{self.page_id}/photos", caption=_caption(post))
                post_id = str(result.get("post_id") or result["id"])
            else:
                fields = {"message": post.text}
                if post.link:
                    fields["link"] = post.link
                result = self._graph.put_object(self.page_id, "feed", **fields)
                post_id = str(result["id"])
        except (facebook.GraphAPIError, requests.RequestException, KeyError, TypeError) as exc:
            return self._outcome(exc)
        finally:
            if image is not None:
                image.close()
        return Published(remote_id=post_id, url=self._permalink(post_id))

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome:
        """Look for ``url`` (attachment link or inside the message), else a message that
        is exactly ``text``, among recent Page posts."""
        self._adapter.forget()
        try:
            result = self._graph.get_connections(
                self.page_id, "published_posts",
                fields="id,message,created_time,permalink_url,attachments{url,unshimmed_url}",
                since=int((since - LOOKUP_MARGIN).timestamp()), limit=100)
        except (facebook.GraphAPIError, requests.RequestException, KeyError, TypeError) as exc:
            outcome = self._outcome(exc)
            if isinstance(outcome, RateLimited | AuthFailed):
                return outcome
            return Transient(f"lookup on Facebook failed: {getattr(outcome, 'reason', '')}")
        posts = result.get("data") if isinstance(result, dict) else None
        wanted = normalise_url(url)
        for exact in (True, False):
            for item in posts or []:
                for candidate in _urls_of(item):
                    if candidate == url if exact else normalise_url(candidate) == wanted:
                        post_id = str(item.get("id"))
                        return Found(post_id, item.get("permalink_url") or self._permalink(
                            post_id))
        if text and text.strip():
            for item in posts or []:
                if (item.get("message") or "").strip() == text.strip():
                    post_id = str(item.get("id"))
                    return Found(post_id, item.get("permalink_url") or self._permalink(
                        post_id))
        return NotFound()

    def text_limit(self) -> int | None:
        """The limit is fixed (the account's ``max_length``)."""
        return None

    def check(self) -> str | None:
        """None when the token is a Page token for ``page_id`` that may post, else the fix."""
        self._adapter.forget()
        try:
            me = self._graph.get_object("me", fields="id,name")
            debug = self._graph.request(f"{self._graph.version}/debug_token",
                                        {"input_token": self._graph.access_token})
        except (facebook.GraphAPIError, requests.RequestException, KeyError, TypeError) as exc:
            outcome = self._outcome(exc)
            return f"{self.account}: {getattr(outcome, 'reason', outcome)}"
        if str(me.get("id")) != self.page_id:
            return (f"{self.account}: the token belongs to {me.get('name')!r} (id {me.get('id')}), "
                    f"not Page {self.page_id}: use that Page's access token (platform-apis.md D.7)")
        data = debug.get("data") if isinstance(debug, dict) else None
        scopes = set((data or {}).get("scopes") or [])
        missing = [s for s in REQUIRED_SCOPES if s not in scopes]
        if data is not None and missing:
            return (f"{self.account}: the Page token lacks {', '.join(missing)}; re-authorize "
                    "the app with those permissions and generate a new Page token")
        return None

    # ---- helpers --------------------------------------------------------------------
    def _first_image(self, post: Post) -> Any:
        if not post.media:
            return None
        if len(post.media) > 1:
            log.info("facebook account %s: posting the first of %d images", self.account,
                     len(post.media))
        try:
            return Path(post.media[0]).open("rb")
        except OSError as exc:
            log.warning("facebook account %s: cannot read media %s (%s); posting without it",
                        self.account, post.media[0], exc.strerror)
            return None

    def _permalink(self, post_id: str) -> str:
        page, _, story = post_id.partition("_")
        return f"https://www.facebook.com/{page}/posts/{story}" if story else (
            f"https://www.facebook.com/{post_id}")

    def _retry_at(self, headers: Mapping[str, str]) -> datetime:
        """Now + ``estimated_time_to_regain_access`` (minutes) when Meta says, else 15 min."""
        now = self._clock()
        minutes = 0
        raw = headers.get("x-business-use-case-usage")
        try:
            usage = json.loads(raw) if raw else {}
            for entries in usage.values():
                for entry in entries:
                    minutes = max(minutes, int(entry.get("estimated_time_to_regain_access", 0)))
        except (ValueError, TypeError, AttributeError):
            minutes = 0
        return now + (timedelta(minutes=minutes) if minutes > 0 else DEFAULT_RATE_WAIT)

    def _outcome(self, exc: Exception) -> Outcome:
        """Translate a facebook-sdk/requests failure by Graph code and subcode."""
        if isinstance(exc, requests.RequestException):
            net = describe_network_error(exc, self._secrets)
            if may_have_arrived(exc):
                return Ambiguous(f"no answer from Facebook after sending ({net}); the post "
                                 "may exist: reconcile before resending")
            return Transient(f"could not reach Facebook ({net}); nothing was sent")
        if isinstance(exc, KeyError | TypeError):
            # facebook-sdk reads headers["content-type"] blindly (D.6).
            return Ambiguous(f"Facebook answered without a usable body ({type(exc).__name__} "
                             f"{exc}); the post may exist: reconcile before resending")
        assert isinstance(exc, facebook.GraphAPIError)
        result = exc.result if isinstance(exc.result, dict) else {}
        raw_error = result.get("error")
        error: dict[Any, Any] = raw_error if isinstance(raw_error, dict) else {}
        code = exc.code if exc.code is not None else error.get("code")
        subcode = error.get("error_subcode")
        message = scrub(str(exc.message if isinstance(exc.message, str) else exc), self._secrets)
        message = message.replace("\\\n", "").replace("\n", " ")
        if len(message) > 200:
            message = message[:197] + "..."
        if code is None:
            return Ambiguous(f"Facebook answered with a non-JSON body ({message}); the post "
                             "may exist: reconcile before resending")
        if code in RATE_LIMIT_CODES:
            retry_at = self._retry_at(self._adapter.last_headers)
            return RateLimited(retry_at=retry_at, reason=f"Facebook rate limit (#{code}: "
                               f"{message}); retry after {retry_at:%Y-%m-%d %H:%M:%SZ}")
        if code in TRANSIENT_CODES:
            return Ambiguous(f"Facebook service error (#{code}: {message}); the post may "
                             "exist: reconcile before resending")
        if code == 506:
            return Duplicate("Facebook says this is a duplicate status (#506); an earlier "
                             "copy probably exists: reconcile, never resend")
        if code == 190:
            reason = f"Facebook rejected the access token (190: {message}); {NEW_TOKEN}"
            return AuthFailed(TOKEN_REASONS.get(subcode, reason) if subcode is not None else reason)
        if code == 102:
            return AuthFailed(f"Facebook session is invalid (102); {NEW_TOKEN}")
        if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
            return AuthFailed(PERMISSION_REASON.format(code=code))
        if code == 368:
            until = self._clock() + POLICY_PAUSE
            return Rejected(f"Facebook blocked the post as abusive or disallowed (#368); "
                            f"posting paused until {until:%Y-%m-%d %H:%M:%SZ}", pause_until=until)
        if error.get("is_transient"):
            return Ambiguous(f"Facebook transient error (#{code}: {message}); the post may "
                             "exist: reconcile before resending")
        return Rejected(f"Facebook rejected the post (#{code}"
                        f"{f'/{subcode}' if subcode else ''}: {message})")


def _caption(post: Post) -> str:
    """Photo posts carry no link preview, so the link goes into the caption."""
    if post.link and post.link not in post.text:
        return f"{post.text}\n\n{post.link}"
    return post.text


def _urls_of(item: Mapping[str, Any]) -> list[str]:
    """Every URL a Graph post carries: attachments (unshimmed first) and in the message."""
    urls: list[str] = []
    for attachment in (item.get("attachments") or {}).get("data") or []:
        for key in ("unshimmed_url", "url"):
            value = attachment.get(key)
            if not value:
                continue
            urls.append(value)
            shim = urlsplit(value)
            if shim.hostname and shim.hostname.endswith("facebook.com") and shim.path == "/l.php":
                urls.extend(parse_qs(shim.query).get("u", []))
    urls.extend(m.rstrip(".,;:!?)") for m in _URL.findall(item.get("message") or ""))
    return urls
