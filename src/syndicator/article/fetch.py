"""Fetch an article page for a summary-only feed item and extract its main text.

The only I/O in ``article/``: http(s) only, bounded in bytes and time, and every
failure becomes one ``ExtractionError`` whose message says what went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from syndicator.article.extract import extract_main_text
from syndicator.errors import ExtractionError
from syndicator.netguard import AddressRefused, Deadline, DeadlineExceeded, untrusted_session

__all__ = ["FetchedArticle", "fetch_article", "fetch_article_text"]

_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_REL_CANONICAL = re.compile(r"""\brel\s*=\s*["']?canonical\b""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchedArticle:
    """The page's main text, and the URL the site calls canonical (else the final URL)."""

    text: str
    url: str


def canonical_url(html: str, base: str) -> str | None:
    """``<link rel="canonical" href>`` resolved against ``base``; http(s) only."""
    head = html[:200_000]
    for tag in _LINK_TAG.findall(head):
        if not _REL_CANONICAL.search(tag):
            continue
        match = _HREF.search(tag)
        href = (match.group(1) or match.group(2) or match.group(3) or "").strip() if match \
            else ""
        if href:
            url = urljoin(base, href)
            if urlsplit(url).scheme in ("http", "https"):
                return url
    return None

_USER_AGENT = "syndicator/0.1 (+https://github.com/syndicator; feed-to-social bot)"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_CHUNK = 64 * 1024


def fetch_article_text(url: str, *, timeout: float = 10, max_bytes: int = 2_000_000,
                       allow_private: bool = False) -> str:
    """Download ``url`` and return its main text as clean paragraphs."""
    return fetch_article(url, timeout=timeout, max_bytes=max_bytes,
                         allow_private=allow_private).text


def fetch_article(url: str, *, timeout: float = 10, max_bytes: int = 2_000_000,
                  allow_private: bool = False) -> FetchedArticle:
    """Download ``url``: its main text as clean paragraphs, and its canonical URL.

    The link comes from feed content, so it may only lead (redirects too) to public
    addresses unless ``allow_private``. Reads at most ``max_bytes`` (a longer page is cut
    there: the story comes first) and gives up after ``timeout`` seconds for the whole
    request, however slowly the server sends.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise ExtractionError(
            f"{url}: only http(s) URLs can be fetched, not {scheme or 'a bare path'!r}"
        )
    http = untrusted_session(allow_private=allow_private)
    deadline = Deadline(timeout)
    try:
        with deadline, http.get(
            url,
            timeout=(timeout, timeout),
            stream=True,
            headers={"User-Agent": _USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            allow_redirects=True,
        ) as resp:
            deadline.check()  # headers cut short by the watchdog are no headers
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
            deadline.check()  # a body cut short by the watchdog is no page
            encoding = resp.encoding if "charset" in resp.headers.get("Content-Type", "") else None
            final_url = resp.url or url
    except AddressRefused as exc:
        raise ExtractionError(f"{url}: {exc}") from None
    except (requests.RequestException, DeadlineExceeded) as exc:
        if deadline.expired:
            raise ExtractionError(f"{url}: download took longer than the {timeout:g}s "
                                  "deadline (fetch_timeout)") from None
        raise ExtractionError(f"{url}: {type(exc).__name__}: {exc}") from exc
    finally:
        http.close()
    html = _decode(bytes(body), encoding)
    text = extract_main_text(html, url=url)
    if not text.strip():
        raise ExtractionError(f"{url}: no article text found in the page")
    return FetchedArticle(text, canonical_url(html, final_url) or final_url)


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
