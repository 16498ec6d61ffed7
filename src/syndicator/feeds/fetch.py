"""Fetch a feed politely: conditional GET, timeouts, a size cap; local files too.

A 304 costs the site nothing and us almost no CPU, so validators are always sent.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from requests import RequestException
from urllib3.exceptions import HTTPError

from syndicator import __version__
from syndicator.errors import FeedError
from syndicator.netguard import Deadline, DeadlineExceeded, deadline_session, pool_manager

if TYPE_CHECKING:
    import requests
    import urllib3

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
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    pool = _lean_pool(session)
    # a deadline for the whole request: a server that answers one byte at a time is cut
    # off at ``timeout`` like one that does not answer (a session passed in with adapters
    # of its own keeps its per-read timeouts only)
    cut_off = FeedError(feed, f"timed out after {timeout:g}s fetching {url} (the whole "
                              "request's deadline, fetch_timeout)")
    with Deadline(timeout) as deadline:
        try:
            if pool is None:
                result = _fetch_requests(feed, url, headers=headers,
                                         session=session or _thread_session(), etag=etag,
                                         last_modified=last_modified, timeout=timeout,
                                         max_bytes=max_bytes)
            else:
                result = _get_urllib3(feed, url, headers=headers, pool=pool, etag=etag,
                                      last_modified=last_modified, timeout=timeout,
                                      max_bytes=max_bytes)
        except _CUT_OFF_SURFACES_AS:
            if deadline.expired:
                raise cut_off from None
            raise
        if deadline.expired:
            raise cut_off  # a body without a length, ended by the cut, is no feed
        return result


# what a socket shut by the watchdog surfaces as, from urllib3 or requests
_CUT_OFF_SURFACES_AS = (FeedError, OSError, DeadlineExceeded, HTTPError, RequestException)


# -- the lean path: urllib3 directly --------------------------------------------------------
#
# requests costs ~0.5-1 ms of Python per GET (header merging, environment proxy lookups,
# hooks, cookies), more than the rest of a 304 poll. Feeds use urllib3 directly and keep
# what requests did for them: its default headers, certifi's CA bundle (or
# REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE), connect and read timeouts, up to 30 redirects with
# the same URL handling, gzip/deflate decoding while streaming. Anything the lean path does
# not model (a proxy in the environment, a session with its own adapter, auth, cookies,
# certificates or headers) goes through requests as before.

_MAX_REDIRECTS = 30  # requests.models.DEFAULT_REDIRECT_LIMIT
_REDIRECTS = (301, 302, 303, 307, 308)
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
               "ALL_PROXY")


def _lean_pool(session: requests.Session | None) -> urllib3.PoolManager | None:
    """The urllib3 pool to GET with, or None when only requests can honour the setup."""
    environ = os.environ
    if any(environ.get(name) for name in _PROXY_VARS):
        return None
    if session is None:
        pool = getattr(_LOCAL, "pool", None)
        if pool is None:
            pool = _LOCAL.pool = pool_manager()
        return pool
    # a passed session lends its connection pool when nothing about it is customised
    from requests.adapters import HTTPAdapter

    adapters = session.adapters
    adapter = adapters.get("https://") if len(adapters) == 2 else None
    if (type(adapter) is not HTTPAdapter or type(adapters.get("http://")) is not HTTPAdapter
            or session.verify is not True or session.cert or session.auth or session.proxies
            or session.cookies or any(session.hooks.values()) or session.params
            or not session.trust_env or not _default_headers(session)):
        return None
    return adapter.poolmanager


def _default_headers(session: requests.Session) -> bool:
    from requests.utils import default_headers

    return session.headers == default_headers()


def _get_urllib3(feed: str, url: str, *, headers: dict[str, str], pool: urllib3.PoolManager,
                 etag: str | None, last_modified: str | None, timeout: float,
                 max_bytes: int) -> FetchResult:
    import urllib3

    headers = {**_base_headers(), **headers}
    limits = urllib3.Timeout(connect=min(timeout, 10.0), read=timeout)
    tls = _tls_kwargs()
    try:
        current = _prepared_url(url)
    except Exception as exc:  # requests' InvalidURL, MissingSchema, InvalidSchema
        raise FeedError(feed, f"request to {url} failed ({_root_cause(exc)})") from None
    statuses: list[int] = []
    while True:
        try:
            response = _open(pool, current, headers, limits, tls)
        except HTTPError as exc:
            raise _request_error(feed, url, timeout, exc) from None
        location = response.headers.get("Location") if response.status in _REDIRECTS \
            else None
        if not location:
            break
        response.drain_conn()
        response.release_conn()
        if len(statuses) >= _MAX_REDIRECTS:
            raise FeedError(feed, f"too many redirects fetching {url} — fix: check the url")
        statuses.append(response.status)
        try:
            current = _redirect_target(current, location)
        except ValueError as exc:  # urlparse on "Location: http://[::1": no traceback
            raise FeedError(feed, f"request to {url} failed (redirected to {location[:200]!r}: "
                                  f"{exc})") from None
    done = False
    try:
        moved_to = current if any(s in (301, 308) for s in statuses) else None
        if response.status == 304:
            response.drain_conn()
            done = True
            return FetchResult(None, current, etag=etag, last_modified=last_modified,
                               moved_to=moved_to)
        if response.status >= 400:
            raise FeedError(feed, _http_problem(response.status, response.reason, url))
        declared = response.headers.get("Content-Length")
        _check_declared(feed, url, declared, max_bytes)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.stream(65536, decode_content=True):
                size += len(chunk)
                if size > max_bytes:
                    raise _over_cap(feed, url, max_bytes)
                chunks.append(chunk)
            done = True
        except (HTTPError, OSError) as exc:
            raise FeedError(feed, f"connection broke while reading {url} "
                                  f"({_root_cause(exc)}; timeout {timeout:g}s)") from None
        return FetchResult(
            b"".join(chunks), current,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            moved_to=moved_to,
        )
    finally:
        if not done:  # a half-read body must not go back to the pool
            response.close()
        response.release_conn()


def _open(pool: urllib3.PoolManager, url: str, headers: dict[str, str],
          limits: urllib3.Timeout, tls: dict[str, str]) -> urllib3.BaseHTTPResponse:
    from urllib3.util import parse_url

    parsed = parse_url(url)
    if not parsed.host:
        from urllib3.exceptions import LocationParseError

        raise LocationParseError(url)
    conn = pool.connection_from_host(parsed.host, port=parsed.port, scheme=parsed.scheme,
                                     pool_kwargs=tls if parsed.scheme == "https" else None)
    return conn.urlopen("GET", parsed.request_uri, headers=headers, timeout=limits,
                        retries=False, redirect=False, assert_same_host=False,
                        preload_content=False, decode_content=False)


def _request_error(feed: str, url: str, timeout: float, exc: Exception) -> FeedError:
    """The FeedError requests' exception mapping would have given for a urllib3 error."""
    from urllib3.exceptions import (
        NewConnectionError,
        ProtocolError,
        ProxyError,
        SSLError,
    )
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    if isinstance(exc, Urllib3Timeout) and not isinstance(exc, NewConnectionError):
        return FeedError(feed, f"timed out after {timeout:g}s fetching {url}")
    if isinstance(exc, NewConnectionError | ProtocolError | ProxyError | SSLError):
        return FeedError(feed, f"cannot connect to {url} ({_root_cause(exc)})")
    return FeedError(feed, f"request to {url} failed ({_root_cause(exc)})")


@lru_cache(maxsize=1)
def _base_headers() -> dict[str, str]:
    """What requests sends besides our own headers (``requests.utils.default_headers``)."""
    from requests.utils import default_headers

    return {k: v for k, v in default_headers().items() if k.lower() not in ("user-agent",
                                                                            "accept")}


def _tls_kwargs() -> dict[str, str]:
    """Verify against the CA bundle requests would use (``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``, else certifi's)."""
    location = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") \
        or _certifi_bundle()
    return _tls_for(location)


@lru_cache(maxsize=8)
def _tls_for(location: str) -> dict[str, str]:
    if os.path.isdir(location):
        return {"cert_reqs": "CERT_REQUIRED", "ca_cert_dir": location}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": location}


@lru_cache(maxsize=1)
def _certifi_bundle() -> str:
    from requests.utils import DEFAULT_CA_BUNDLE_PATH

    return DEFAULT_CA_BUNDLE_PATH


@lru_cache(maxsize=256)
def _prepared_url(url: str) -> str:
    """The URL exactly as requests would send it (and report as ``response.url``)."""
    from requests.models import PreparedRequest

    prepared = PreparedRequest()
    prepared.prepare_url(url, None)
    assert prepared.url is not None
    return prepared.url


def _redirect_target(current: str, location: str) -> str:
    """The next URL, as ``requests.Session.resolve_redirects`` computes it."""
    from urllib.parse import urljoin, urlparse

    from requests.utils import requote_uri

    if not location.isascii():
        # http.client decodes headers as latin1; servers send UTF-8
        with contextlib.suppress(UnicodeError):
            location = location.encode("latin1").decode("utf8")
    if location.startswith("//"):
        location = f"{urlparse(current).scheme}:{location}"
    parsed = urlparse(location)
    previous_fragment = urlparse(current).fragment
    if parsed.fragment == "" and previous_fragment:
        parsed = parsed._replace(fragment=previous_fragment)
    location = parsed.geturl()
    if not parsed.netloc:
        return urljoin(current, requote_uri(location))
    return requote_uri(location)


# -- through requests: proxies, customised sessions ------------------------------------

def _fetch_requests(feed: str, url: str, *, headers: dict[str, str],
                    session: requests.Session, etag: str | None, last_modified: str | None,
                    timeout: float, max_bytes: int) -> FetchResult:
    import requests

    try:
        response = session.get(url, headers=headers, timeout=(min(timeout, 10.0), timeout),
                            stream=True, allow_redirects=True)
    except requests.exceptions.Timeout:
        raise FeedError(feed, f"timed out after {timeout:g}s fetching {url}") from None
    except requests.exceptions.TooManyRedirects:
        raise FeedError(feed, f"too many redirects fetching {url} — fix: check the url") from None
    except requests.exceptions.ConnectionError as exc:
        raise FeedError(feed, f"cannot connect to {url} ({_root_cause(exc)})") from None
    except requests.exceptions.RequestException as exc:
        raise FeedError(feed, f"request to {url} failed ({_root_cause(exc)})") from None
    except ValueError as exc:  # urlparse on a redirect's "Location: http://[::1"
        raise FeedError(feed, f"request to {url} failed ({exc})") from None
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

    session = getattr(_LOCAL, "session", None)
    if session is None:
        session = _LOCAL.session = deadline_session()
    return session


def _read_capped(feed: str, response: requests.Response, url: str, max_bytes: int,
                 timeout: float) -> bytes:
    import requests

    _check_declared(feed, url, response.headers.get("Content-Length"), max_bytes)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > max_bytes:
                raise _over_cap(feed, url, max_bytes)
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        raise FeedError(feed, f"connection broke while reading {url} "
                              f"({_root_cause(exc)}; timeout {timeout:g}s)") from None
    return b"".join(chunks)


def _check_declared(feed: str, url: str, declared: str | None, max_bytes: int) -> None:
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FeedError(feed, f"{url} is {declared} bytes, over the {max_bytes}-byte cap — "
                              "fix: raise max_feed_bytes if this feed is really that big")


def _over_cap(feed: str, url: str, max_bytes: int) -> FeedError:
    return FeedError(feed, f"{url} sent more than the {max_bytes}-byte cap — fix: "
                           "raise max_feed_bytes if this feed is really that big")


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
