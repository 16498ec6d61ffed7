"""Bluesky publisher: the ``atproto`` SDK, its HTTP carried by the project's own session.

The SDK speaks httpx; its requests go through ``_RequestsTransport`` into a ``requests``
session with a ``RerouteAdapter``, so a Bluesky call has the same whole-call deadline and
the same "did it leave?" classification as every other platform call (docs/design.md).

A post is created with a record key derived from the delivery (``PostKey.tid``): a resend
after a lost answer asks for the same key, the service refuses it as taken, and the post
counts as delivered (reconciled to find its address), never created twice. The session
made with the app password is kept in the state and refreshed, not created per post.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import httpx
import requests
from atproto import Client, models
from atproto_client import exceptions as at_errors
from atproto_client.request import Request
from atproto_client.utils.facet_detection import detect_facets

from syndicator.compose import short_link
from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    AccountCache,
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

POST_COLLECTION = "app.bsky.feed.post"
SESSION_KEY = "bluesky.session"
MAX_THUMB_BYTES = 1_000_000  # app.bsky.embed.external's thumb: maxSize 1,000,000
DEFAULT_RATE_WAIT = timedelta(minutes=5)
LOOKUP_PAGES = 10
_TOKEN_ERRORS = ("ExpiredToken", "InvalidToken")
_DROPPED_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}

AUTH_FAILED = ("Bluesky rejected the handle or app password (401); create an app password "
               "under Settings > Privacy and security > App passwords and set app_password")
AUTH_TAKEN_DOWN = "Bluesky refused the account ({error}): it is suspended or deactivated"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _RequestsTransport(httpx.BaseTransport):
    """httpx's transport interface over a ``requests`` session: the SDK keeps its models
    and session handling, the project keeps its deadline and error classes.

    A request that certainly never left becomes ``httpx.ConnectError``; anything after
    sending (a timeout, a reset) ``httpx.ReadTimeout``/``ReadError`` — each chained to the
    ``requests`` error, which ``_network_cause`` reads back."""

    def __init__(self, session: requests.Session) -> None:
        self._session = session

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        try:
            answer = self._session.request(request.method, str(request.url), headers=headers,
                                           data=request.read(), allow_redirects=False)
        except requests.Timeout as exc:
            if not may_have_arrived(exc):
                raise httpx.ConnectError(str(exc), request=request) from exc
            raise httpx.ReadTimeout(str(exc), request=request) from exc
        except requests.RequestException as exc:
            if not may_have_arrived(exc):
                raise httpx.ConnectError(str(exc), request=request) from exc
            raise httpx.ReadError(str(exc), request=request) from exc
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in _DROPPED_HEADERS]
        return httpx.Response(answer.status_code, headers=kept, content=answer.content,
                              request=request)


def _network_cause(exc: BaseException) -> requests.RequestException | None:
    """The ``requests`` error under an SDK error raised from ``_RequestsTransport``."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return None
        if isinstance(seen, requests.RequestException):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _error_of(exc: at_errors.RequestErrorBase) -> tuple[str, str]:
    """The XRPC error name and message of a failed call ("" when there are none)."""
    content: Any = exc.response.content if exc.response is not None else None
    error = getattr(content, "error", None) or (content.get("error")
                                                if isinstance(content, dict) else None)
    message = getattr(content, "message", None) or (content.get("message")
                                                    if isinstance(content, dict) else None)
    return str(error or ""), str(message or "")


class BlueskyPublisher:
    """One Bluesky account. ``publish`` posts ``Post.text`` with facets and a link card."""

    platform: ClassVar[Platform] = Platform.BLUESKY

    def __init__(
        self,
        account: str,
        *,
        handle: str,
        app_password: str,
        pds_url: str = "https://bsky.social",
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
        cache: AccountCache | None = None,
    ) -> None:
        self.account = account
        self.handle = handle
        self._password = app_password
        self._clock = clock
        self._cache = cache
        self._secrets = (app_password,)
        install_log_scrubber(self._secrets)
        session = requests.Session()
        adapter = RerouteAdapter(None, timeout)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        transport = _RequestsTransport(session)
        self._client = Client(base_url=pds_url, request=Request(transport=transport))
        self._client.on_session_change(self._keep_session)
        self._did: str | None = None
        self._fingerprint = hashlib.sha256(
            f"{handle}\0{pds_url}\0{app_password}".encode()).hexdigest()[:16]

    # ---- Publisher ------------------------------------------------------------------
    def publish(self, post: Post, key: PostKey | None = None) -> Outcome:
        """Create the post once; a resend with the same ``key`` finds the first one."""
        try:  # nothing is posted before create_record: any failure here is no post
            did = self._sign_in()
            record = self._record(post)
        except (at_errors.AtProtocolError, OSError) as exc:
            return _before_the_post(self._outcome(exc))
        except ValueError as exc:  # the SDK's models refused a field (pydantic)
            return Rejected(scrub(f"the post could not be built for Bluesky: {exc}",
                                  self._secrets)[:300])
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=did, collection=POST_COLLECTION, record=record,
            rkey=key.tid() if key else None)
        try:
            created = self._call(lambda: self._client.com.atproto.repo.create_record(data))
        except (at_errors.AtProtocolError, OSError) as exc:
            outcome = self._outcome(exc)
            if key is not None and isinstance(outcome, Ambiguous):
                # The PDS answers a record key that is taken with a bare 500 (atproto
                # #3718), and a lost answer says nothing: the record at our key does.
                found = self._at_key(did, key.tid())
                if isinstance(found, Found):
                    return Published(found.remote_id, found.url)
            return outcome
        rkey = str(created.uri).rsplit("/", 1)[-1]
        return Published(remote_id=str(created.uri), url=self._web_url(rkey))

    def _at_key(self, did: str, rkey: str) -> LookupOutcome:
        """Whether this delivery's record exists at its key: Found, NotFound, or the
        failure that kept us from knowing."""
        params = models.ComAtprotoRepoGetRecord.Params(repo=did, collection=POST_COLLECTION,
                                                       rkey=rkey)
        try:
            record = self._call(lambda: self._client.com.atproto.repo.get_record(params))
        except (at_errors.AtProtocolError, OSError) as exc:
            if isinstance(exc, at_errors.BadRequestError) and \
                    _error_of(exc)[0] == "RecordNotFound":
                return NotFound()
            return self._lookup_failed(exc)
        return Found(str(record.uri), self._web_url(rkey))

    def find(self, url: str, since: datetime, text: str | None = None,
             key: PostKey | None = None) -> LookupOutcome:
        """The record at ``key`` when there is one (a definite answer); else ``url`` (or
        exactly ``text``) among our newest posts (listed by record key, so ``since`` bounds
        nothing here)."""
        try:
            did = self._sign_in()
        except (at_errors.AtProtocolError, OSError) as exc:
            return self._lookup_failed(exc)
        if key is not None:
            at_key = self._at_key(did, key.tid())
            if not isinstance(at_key, NotFound):
                return at_key
        wanted = normalise_url(url) if url else None
        try:
            cursor: str | None = None
            for _ in range(LOOKUP_PAGES):
                params = models.ComAtprotoRepoListRecords.Params(
                    repo=did, collection=POST_COLLECTION, limit=100, cursor=cursor)
                page = self._list(params)
                for item in page.records:
                    # listed by record key, not by time: no early stop on createdAt
                    value: Any = item.value
                    if _matches(value, url, wanted, text):
                        rkey = str(item.uri).rsplit("/", 1)[-1]
                        return Found(str(item.uri), self._web_url(rkey))
                cursor = page.cursor
                if not cursor or not page.records:
                    return NotFound()
        except (at_errors.AtProtocolError, OSError) as exc:
            return self._lookup_failed(exc)
        if key is not None:
            return NotFound()  # the key said no; the listing was only a second look
        return Transient(f"the post was not among the newest {LOOKUP_PAGES * 100} of the "
                         "account; looking again later")

    def _lookup_failed(self, exc: BaseException) -> LookupOutcome:
        outcome = self._outcome(exc)
        if isinstance(outcome, RateLimited | AuthFailed):
            return outcome
        return Transient(f"lookup on Bluesky failed: {getattr(outcome, 'reason', outcome)}")

    def check(self) -> str | None:
        """None when the app password signs in, else one line naming the fix."""
        try:
            self._sign_in(fresh=True)
        except (at_errors.AtProtocolError, OSError) as exc:
            outcome = self._outcome(exc)
            return f"{self.account}: {getattr(outcome, 'reason', outcome)}"
        return None

    def text_limit(self) -> int | None:
        """Fixed by the post lexicon (300 graphemes)."""
        return None

    # ---- session --------------------------------------------------------------------
    def _sign_in(self, *, fresh: bool = False) -> str:
        """The account's DID, signing in first: the kept session if it still works, else
        a new one from the app password."""
        if self._did is not None and not fresh:
            return self._did
        kept = None if fresh or self._cache is None else self._kept_session()
        if kept:
            try:
                self._client.login(session_string=kept, fetch_bsky_profile=False)
                self._did = self._client.me.did if self._client.me else self._session_did()
                return self._did
            except (at_errors.AtProtocolError, ValueError):
                self._forget_session()
        self._client.login(self.handle, self._password, fetch_bsky_profile=False)
        self._did = self._session_did()
        return self._did

    def _session_did(self) -> str:
        session = self._client._session  # the SDK exposes it no other way
        if session is None:
            raise at_errors.LoginRequiredError
        return str(session.did)

    def _kept_session(self) -> str | None:
        """The session kept in the state, if it was made with today's settings: a new
        handle, password or PDS under the same account name must not post as the old."""
        assert self._cache is not None
        kept = self._cache.cached(self.account, SESSION_KEY)
        try:
            entry = json.loads(kept) if kept else None
        except ValueError:
            return None
        if not isinstance(entry, dict) or entry.get("for") != self._fingerprint:
            return None
        session = entry.get("session")
        return session if isinstance(session, str) else None

    def _keep_session(self, event: Any, session: Any) -> None:
        if self._cache is not None:
            self._cache.cache(self.account, SESSION_KEY, json.dumps(
                {"for": self._fingerprint, "session": session.encode()}))

    def _forget_session(self) -> None:
        self._did = None
        if self._cache is not None:
            self._cache.cache(self.account, SESSION_KEY, None)

    def _call(self, call: Callable[[], Any]) -> Any:
        """One XRPC call; a session the service no longer takes is replaced once (nothing
        was created by a call refused for its token)."""
        try:
            return call()
        except (at_errors.BadRequestError, at_errors.UnauthorizedError) as exc:
            error, _ = _error_of(exc)
            if error not in _TOKEN_ERRORS:
                raise
        self._forget_session()
        self._sign_in()
        return call()

    # ---- the record -----------------------------------------------------------------
    def _record(self, post: Post) -> models.AppBskyFeedPost.Record:
        langs = [post.language] if post.language else None
        return models.AppBskyFeedPost.Record(
            text=post.text, created_at=self._clock().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            facets=facets_for(post.text, post.link) or None, embed=self._embed(post),
            langs=langs)

    def _embed(self, post: Post) -> models.AppBskyEmbedExternal.Main | None:
        if not post.link:
            return None
        thumb = None
        for path in post.media[:1]:
            thumb = self._upload_thumb(path)
        description = post.link_description or post.alt_text or ""
        external = models.AppBskyEmbedExternal.External(
            uri=post.link, title=post.link_title or "", description=description, thumb=thumb)
        return models.AppBskyEmbedExternal.Main(external=external)

    def _upload_thumb(self, path: str) -> Any:
        """The card as the link card's thumbnail blob; None (no thumbnail) when it cannot
        be read or is too large. An upload that fails raises: nothing is posted yet."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            log.warning("bluesky account %s: cannot read media %s (%s); posting without it",
                        self.account, path, exc.strerror)
            return None
        if len(data) > MAX_THUMB_BYTES:
            log.warning("bluesky account %s: card %s is %d bytes, over Bluesky's %d; posting "
                        "without it", self.account, path, len(data), MAX_THUMB_BYTES)
            return None
        try:
            uploaded = self._call(lambda: self._client.upload_blob(data))
        except (at_errors.BadRequestError, at_errors.NetworkError) as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status not in (400, 413):
                raise
            log.warning("bluesky account %s: card %s refused (%s); posting without it",
                        self.account, path, self._outcome(exc))
            return None
        return uploaded.blob

    def _list(self, params: Any) -> Any:
        return self._call(lambda: self._client.com.atproto.repo.list_records(params))

    def _web_url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self.handle}/post/{rkey}"

    # ---- outcomes -------------------------------------------------------------------
    def _outcome(self, exc: BaseException) -> Outcome:
        """Translate one SDK error into the outbox's terms."""
        if isinstance(exc, at_errors.RateLimitExceededError):
            now = self._clock()
            retry_at = max(exc.reset_at or now + DEFAULT_RATE_WAIT, now)
            return RateLimited(retry_at=retry_at, reason="Bluesky rate limit hit (429); retry "
                                                         f"after {retry_at:%Y-%m-%d %H:%M:%SZ}")
        if isinstance(exc, at_errors.RequestErrorBase) and exc.response is None:
            cause = _network_cause(exc)
            what = describe_network_error(cause, self._secrets) if cause else type(exc).__name__
            if cause is not None and not may_have_arrived(cause):
                return Transient(f"could not reach Bluesky ({what}); nothing was sent")
            return Ambiguous(f"no answer from Bluesky after sending ({what}); the post may "
                             "exist: reconcile before resending")
        if isinstance(exc, at_errors.RequestErrorBase):
            assert exc.response is not None
            status = exc.response.status_code
            error, message = _error_of(exc)
            said = scrub(f"{error}: {message}".strip(": "), self._secrets)[:300]
            if status in (401, 403):
                if error in ("AccountTakedown", "AccountDeactivated"):
                    return AuthFailed(AUTH_TAKEN_DOWN.format(error=error))
                return AuthFailed(AUTH_FAILED if status == 401 else
                                  f"Bluesky refused the request ({status} {said})")
            if status == 400 and "already exists" in message.lower():
                return Duplicate(f"Bluesky already has this record ({said}); an earlier send "
                                 "arrived: reconcile, never resend")
            if status in (400, 413):
                return Rejected(f"Bluesky refused the post ({status} {said})")
            if status == 404:
                return AuthFailed(f"Bluesky answered 404 ({said}); check pds_url")
            return Ambiguous(f"Bluesky answered {status} ({said}); the post may exist: "
                             "reconcile before resending")
        if isinstance(exc, at_errors.LoginRequiredError):
            return AuthFailed(AUTH_FAILED)
        if isinstance(exc, OSError):
            return Transient(f"could not read the card ({exc}); nothing was sent")
        return Ambiguous(scrub(f"unexpected {type(exc).__name__}: {exc}", self._secrets))


def _before_the_post(outcome: Outcome) -> Outcome:
    """A failure before ``createRecord`` (signing in, the thumbnail) created no post."""
    if isinstance(outcome, Ambiguous):
        return Transient(f"{outcome.reason.split('; the post may exist')[0]}; nothing was "
                         "posted")
    return outcome


def facets_for(text: str, link: str | None) -> list[models.AppBskyRichtextFacet.Main]:
    """Rich-text facets in UTF-8 byte offsets: the link as the post shows it (short, see
    ``compose.short_link``) pointing at the whole URL, hashtags and full URLs as
    Bluesky's own detection finds them (no mentions: a news post names, it does not tag)."""
    facets: list[models.AppBskyRichtextFacet.Main] = []
    span: tuple[int, int] | None = None
    if link:
        shown = short_link(link)
        at = text.rfind(shown)
        if at < 0:
            shown, at = link, text.rfind(link)
        if at >= 0:
            start = len(text[:at].encode("utf-8"))
            span = (start, start + len(shown.encode("utf-8")))
            facets.append(models.AppBskyRichtextFacet.Main(
                index=models.AppBskyRichtextFacet.ByteSlice(byte_start=span[0], byte_end=span[1]),
                features=[models.AppBskyRichtextFacet.Link(uri=link)]))
    for facet in detect_facets(text):
        start, end = facet.index.byte_start, facet.index.byte_end
        if span is not None and start < span[1] and end > span[0]:
            continue  # inside our link: its short form is not a URL of its own
        facets.append(facet)
    return sorted(facets, key=lambda f: f.index.byte_start)


def _matches(value: Any, url: str, wanted: str | None, text: str | None) -> bool:
    links: list[str] = []
    embed = getattr(value, "embed", None)
    external = getattr(embed, "external", None)
    if external is not None and getattr(external, "uri", None):
        links.append(str(external.uri))
    for facet in getattr(value, "facets", None) or []:
        for feature in facet.features:
            if getattr(feature, "uri", None):
                links.append(str(feature.uri))
    if url and any(link == url or normalise_url(link) == wanted for link in links):
        return True
    if text and text.strip():
        return " ".join(str(getattr(value, "text", "")).split()) == " ".join(text.split())
    return False
