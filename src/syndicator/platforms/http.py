"""Transport helpers for the publishers: reroute, timeout, failure class, no secrets.

tweepy hard-codes ``https://api.twitter.com`` and sends no timeout; facebook-sdk reads
a module-global base URL. Rather than patch globals (two publishers with different
URLs must coexist in one process), each publisher mounts a ``RerouteAdapter`` on its
own ``requests.Session``: it rewrites the scheme/host, keeps the last response headers
(facebook-sdk exposes none; rate-limit hints live there) and gives every call a deadline
for the whole request, so an API endpoint that drips its answer holds the publish job
no longer than ``timeout`` (socket timeouts alone bound each read, not the call).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError

from syndicator.netguard import Deadline, WatchedAdapter

UPLOAD_BYTES_PER_SECOND = 20_000

__all__ = [
    "RerouteAdapter",
    "describe_network_error",
    "install_log_scrubber",
    "may_have_arrived",
    "normalise_url",
    "scrub",
]


class RerouteAdapter(WatchedAdapter):
    """Sends every request to ``target`` (keeping path and query) within ``timeout``.

    ``target=None`` keeps the original URL (production). The request is rewritten
    *after* OAuth signing, so a fake must verify against the original URL, exactly as
    the real API would see it had we not rerouted. ``timeout`` bounds each socket
    operation and the whole call (connect, headers and the body read here, not later by
    ``requests``); a call cut off by it raises ``ReadTimeout``: it may have arrived.
    """

    def __init__(self, target: str | None, timeout: float) -> None:
        super().__init__(max_retries=0)
        split = urlsplit(target) if target else None
        self._target = (split.scheme, split.netloc, split.path.rstrip("/")) if split else None
        self._timeout = timeout
        self._local = threading.local()

    @property
    def last_headers(self) -> Mapping[str, str]:
        """Headers of the last response this thread received (empty if none)."""
        return getattr(self._local, "headers", None) or {}

    @property
    def last_status(self) -> int | None:
        """Status code of the last response this thread received (None if none)."""
        return getattr(self._local, "status", None)

    def forget(self) -> None:
        """Clear ``last_headers`` before a call, so a stale value is never read."""
        self._local.headers = None
        self._local.status = None

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        if self._target is not None and request.url:
            parts = urlsplit(request.url)
            scheme, netloc, prefix = self._target
            request.url = urlunsplit((scheme, netloc, prefix + parts.path, parts.query, ""))
        # an upload (a card, an image) gets time for its bytes too, at a slow uplink's pace
        body = request.body if isinstance(request.body, bytes | str) else b""
        seconds = self._timeout + max(0, len(body) - 65_536) / UPLOAD_BYTES_PER_SECOND
        cut_off = requests.exceptions.ReadTimeout(
            f"no complete answer within {seconds:.4g}s (the whole call's deadline, the "
            "account's timeout)", request=request)
        with Deadline(seconds) as deadline:
            try:
                response = super().send(request, stream=stream,
                                        timeout=self._timeout if timeout is None else timeout,
                                        verify=verify, cert=cert, proxies=proxies)
                if not stream:
                    response.content  # noqa: B018 -- read the body inside the deadline
            except Exception as exc:
                if deadline.expired:
                    raise cut_off from exc
                raise
            if deadline.expired:  # a body without a length, ended by the cut, is no answer
                raise cut_off
        self._local.headers = response.headers
        self._local.status = response.status_code
        return response


_NEVER_SENT = (
    requests.exceptions.ConnectTimeout,
    requests.exceptions.SSLError,
    requests.exceptions.ProxyError,
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
)


def may_have_arrived(exc: requests.RequestException) -> bool:
    """False only when the request certainly never reached the server (platform-apis E.3).

    Refused connections, DNS failures, connect timeouts and TLS failures happen before
    a byte of the request is sent. A read timeout, a reset after sending, a broken
    body: the server may have acted on it.
    """
    if isinstance(exc, _NEVER_SENT):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason: Any = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        if isinstance(reason, NewConnectionError | ConnectTimeoutError):  # incl. DNS
            return False
    return True


def describe_network_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """A short, secret-free description of a transport failure."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        what = "connect timed out"
    elif isinstance(exc, requests.exceptions.Timeout):
        what = "timed out waiting for the response"
    elif isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        if "NameResolution" in text or "Name or service not known" in text:
            what = "DNS lookup failed"
        elif "refused" in text.lower():
            what = "connection refused"
        elif "reset" in text.lower() or "aborted" in text.lower():
            what = "connection reset after the request was sent"
        else:
            what = "connection failed"
    else:
        what = type(exc).__name__
    detail = scrub(str(exc), secrets)
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return f"{what}: {detail}" if detail else what


_SECRET_PARAMS = re.compile(
    r"((?:access_token|input_token|oauth_token|oauth_signature|oauth_consumer_key|"
    r"client_secret|client_key|resource_owner_key|resource_owner_secret|fb_exchange_token|"
    r"appsecret_proof)=\\?\"?)[^&\s'\"<>\\]+",
    re.IGNORECASE,
)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove token-bearing query parameters and every known secret value from ``text``."""
    text = _SECRET_PARAMS.sub(r"\1***", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                text = text.replace(form, "***")
    return text


def normalise_url(url: str) -> str:
    """A comparison key: lower-case scheme/host, no ``www.``, no trailing slash, fragment
    or ``utm_*``/``fbclid`` parameters, remaining parameters sorted.
    """
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in ("fbclid", "gclid")
    )
    path = parts.path.rstrip("/") or ""
    scheme = "https" if parts.scheme.lower() in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, host, path, urlencode(query), ""))


class _ScrubFilter(logging.Filter):
    """Rewrites records of third-party loggers that print URLs, OAuth headers or params."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


# urllib3 logs each URL (facebook-sdk puts the token in GET query strings) and
# requests_oauthlib logs the signed Authorization header, both at DEBUG.
_NOISY_LOGGERS = ("urllib3.connectionpool", "requests_oauthlib.oauth1_auth",
                  "oauthlib.oauth1.rfc5849", "tweepy.client")
_FILTER = _ScrubFilter()


def install_log_scrubber(secrets: Iterable[str] = ()) -> None:
    """Attach the scrubbing filter to the libraries' loggers (idempotent) and teach it
    ``secrets``: a process-wide set, since the loggers are process-wide too.
    """
    _FILTER.secrets.update(s for s in secrets if s)
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
