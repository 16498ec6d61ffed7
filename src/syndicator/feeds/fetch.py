"""Fetch a feed politely: conditional GET, timeouts, a size cap; local files too.

A 304 costs the site nothing and us almost no CPU, so validators are always sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from syndicator import __version__
from syndicator.errors import FeedError

if TYPE_CHECKING:
    import requests

DEFAULT_USER_AGENT = (f"syndicator/{__version__} (+https://pypi.org/project/syndicator/; "
                      "feed poller)")
_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
           "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """``content`` is None when the feed was not modified (HTTP 304 or same file)."""

    content: bytes | None
    url: str
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    moved_to: str | None = None  # set after a permanent redirect (301/308)

    @property
    def not_modified(self) -> bool:
        return self.content is None


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def fetch_feed(feed: str, location: str, *, etag: str | None = None,
               last_modified: str | None = None, session: requests.Session | None = None,
               timeout: float = 20.0, max_bytes: int = 10_000_000,
               user_agent: str | None = None) -> FetchResult:
    """GET ``location`` (http(s) URL or local path); raise FeedError naming the fix."""
    if is_url(location):
        return _fetch_http(feed, location, etag=etag, last_modified=last_modified,
                           session=session, timeout=timeout, max_bytes=max_bytes,
                           user_agent=user_agent or DEFAULT_USER_AGENT)
    if "://" in location:
        raise FeedError(feed, f"unsupported URL scheme in {location!r} — fix: use an http(s) "
                              "URL or a local file path")
    return _read_file(feed, Path(location), etag=etag, max_bytes=max_bytes)


def _read_file(feed: str, path: Path, *, etag: str | None, max_bytes: int) -> FetchResult:
    try:
        stat = path.stat()
        if stat.st_size > max_bytes:
            raise FeedError(feed, f"{path} is {stat.st_size} bytes, over the {max_bytes}-byte "
                                  "cap — fix: raise max_feed_bytes")
        # mtime and size stand in for an ETag: an unchanged file costs one stat()
        validator = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if etag == validator:
            return FetchResult(None, str(path), etag=validator)
        content = path.read_bytes()
    except FileNotFoundError:
        raise FeedError(feed, f"file {path} does not exist — fix: check the feed's url") from None
    except IsADirectoryError:
        raise FeedError(feed, f"{path} is a directory, not a feed file") from None
    except OSError as exc:
        raise FeedError(feed, f"cannot read {path}: {exc.strerror}") from None
    return FetchResult(content, str(path), etag=validator)


def _fetch_http(feed: str, url: str, *, etag: str | None, last_modified: str | None,
                session: requests.Session | None, timeout: float, max_bytes: int,
                user_agent: str) -> FetchResult:
    import requests

    headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = session or _thread_session()
    try:
        response = http.get(url, headers=headers, timeout=(min(timeout, 10.0), timeout),
                            stream=True, allow_redirects=True)
    except requests.exceptions.Timeout:
        raise FeedError(feed, f"timed out after {timeout:g}s fetching {url}") from None
    except requests.exceptions.TooManyRedirects:
        raise FeedError(feed, f"too many redirects fetching {url} — fix: check the url") from None
    except requests.exceptions.ConnectionError as exc:
        raise FeedError(feed, f"cannot connect to {url} ({_root_cause(exc)})") from None
    except requests.exceptions.RequestException as exc:
        raise FeedError(feed, f"request to {url} failed ({_root_cause(exc)})") from None
    with response:
        moved_to = None
        if any(r.status_code in (301, 308) for r in response.history):
            moved_to = response.url
        if response.status_code == 304:
            return FetchResult(None, response.url, etag=etag, last_modified=last_modified,
                               moved_to=moved_to)
        if response.status_code >= 400:
            raise FeedError(feed, _http_problem(response.status_code, response.reason, url))
        content = _read_capped(feed, response, url, max_bytes, timeout)
        return FetchResult(
            content, response.url,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            moved_to=moved_to,
        )


_LOCAL = threading.local()


def _thread_session() -> requests.Session:
    """One keep-alive session per polling thread: a poll reuses its connection to the site."""
    import requests

    session = getattr(_LOCAL, "session", None)
    if session is None:
        session = _LOCAL.session = requests.Session()
    return session


def _read_capped(feed: str, response: requests.Response, url: str, max_bytes: int,
                 timeout: float) -> bytes:
    import requests

    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FeedError(feed, f"{url} is {declared} bytes, over the {max_bytes}-byte cap — "
                              "fix: raise max_feed_bytes if this feed is really that big")
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > max_bytes:
                raise FeedError(feed, f"{url} sent more than the {max_bytes}-byte cap — fix: "
                                      "raise max_feed_bytes if this feed is really that big")
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        raise FeedError(feed, f"connection broke while reading {url} "
                              f"({_root_cause(exc)}; timeout {timeout:g}s)") from None
    return b"".join(chunks)


def _http_problem(status: int, reason: str | None, url: str) -> str:
    hint = {
        401: "the feed needs credentials; use a public feed URL",
        403: "the site refuses us; check the URL or ask the site to allow the poller",
        404: "check the feed's url",
        410: "the feed is gone for good; remove it or find its new URL",
        429: "the site asks us to slow down; raise the feed's `every`",
    }.get(status, "the site has a problem; will retry" if status >= 500 else "check the url")
    return f"HTTP {status} {reason or ''} from {url} — {hint}".replace("  ", " ")


def _root_cause(exc: BaseException) -> str:
    """The innermost reason, without the urllib3 pool chatter."""
    seen = exc
    while seen.__context__ is not None and seen.__context__ is not seen:
        seen = seen.__context__
    text = str(seen.args[0] if seen.args else seen)
    for marker in ("Connection refused", "Name or service not known", "timed out",
                   "Connection reset", "No route to host", "certificate verify failed"):
        if marker in str(exc) or marker in text:
            return marker
    return text[:200]
