"""Fetch an article page for a summary-only feed item and extract its main text.

The only I/O in ``article/``: http(s) only, bounded in bytes and time, and every
failure becomes one ``ExtractionError`` whose message says what went wrong.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import requests

from syndicator.article.extract import extract_main_text
from syndicator.errors import ExtractionError

__all__ = ["fetch_article_text"]

_USER_AGENT = "syndicator/0.1 (+https://github.com/syndicator; feed-to-social bot)"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_CHUNK = 64 * 1024


def fetch_article_text(
    url: str,
    *,
    timeout: float = 10,
    max_bytes: int = 2_000_000,
    session: requests.Session | None = None,
) -> str:
    """Download ``url`` and return its main text as clean paragraphs.

    Reads at most ``max_bytes`` (a longer page is cut there: the story comes first) and
    gives up after ``timeout`` seconds in total, not per socket read.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise ExtractionError(
            f"{url}: only http(s) URLs can be fetched, not {scheme or 'a bare path'!r}"
        )
    http = session or requests.Session()
    deadline = time.monotonic() + timeout
    try:
        with http.get(
            url,
            timeout=(timeout, timeout),
            stream=True,
            headers={"User-Agent": _USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            allow_redirects=True,
        ) as resp:
            if resp.status_code >= 400:
                raise ExtractionError(
                    f"{url}: HTTP {resp.status_code} {resp.reason or ''}".rstrip()
                )
            ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype not in _HTML_TYPES:
                raise ExtractionError(f"{url}: not an HTML page (Content-Type {ctype})")
            body = bytearray()
            for chunk in resp.iter_content(_CHUNK):
                body.extend(chunk)
                if len(body) >= max_bytes:
                    del body[max_bytes:]
                    break
                if time.monotonic() > deadline:
                    raise ExtractionError(f"{url}: download took longer than {timeout:g}s")
            encoding = resp.encoding if "charset" in resp.headers.get("Content-Type", "") else None
    except requests.RequestException as exc:
        raise ExtractionError(f"{url}: {type(exc).__name__}: {exc}") from exc
    finally:
        if session is None:
            http.close()
    html = _decode(bytes(body), encoding)
    text = extract_main_text(html, url=url)
    if not text.strip():
        raise ExtractionError(f"{url}: no article text found in the page")
    return text


def _decode(body: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    head = body[:4096].decode("ascii", errors="ignore").lower()
    idx = head.find("charset=")
    if idx >= 0:
        cs = head[idx + 8 :].lstrip("\"' ").split('"')[0].split("'")[0].split(";")[0].split(">")[0]
        try:
            return body.decode(cs.strip() or "utf-8", errors="replace")
        except LookupError:
            pass
    return body.decode("utf-8", errors="replace")
