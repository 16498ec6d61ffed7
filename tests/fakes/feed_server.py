"""A fake web site serving feeds and pages, with conditional GET and scripted failures.

The poller's politeness (ETag / Last-Modified -> 304) and its resilience (5xx, 404/410,
slowness, redirects, oversize bodies) are tested against real HTTP, so the counters
here are what a site operator would see in their access log.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ._server import (
    Action,
    Drip,
    Endless,
    FakeServer,
    FaultQueue,
    Hang,
    Reply,
    Request,
    http_date,
)

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass
class FeedItem:
    """One RSS item the server renders."""

    title: str
    link: str
    guid: str | None = None
    description: str | None = None
    content_html: str | None = None
    published: datetime | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()

    def render(self) -> str:
        parts = [f"<title>{escape(self.title)}</title>", f"<link>{escape(self.link)}</link>",
                 f'<guid isPermaLink="false">{escape(self.guid or self.link)}</guid>']
        if self.published is not None:
            parts.append(f"<pubDate>{format_datetime(self.published.astimezone(UTC), True)}"
                         "</pubDate>")
        if self.author:
            parts.append(f"<dc:creator>{escape(self.author)}</dc:creator>")
        parts += [f"<category>{escape(c)}</category>" for c in self.categories]
        if self.description is not None:
            parts.append(f"<description>{escape(self.description)}</description>")
        if self.content_html is not None:
            parts.append(f"<content:encoded><![CDATA[{self.content_html}]]></content:encoded>")
        return "<item>" + "".join(parts) + "</item>"


@dataclass
class Resource:
    """What the server holds at one path."""

    body: bytes
    content_type: str
    etag: str | None
    last_modified: float | None
    items: list[FeedItem] | None = None
    title: str = "Test feed"
    site: str = "https://news.example/"
    extra_headers: list[tuple[str, str]] = field(default_factory=list)


def render_rss(title: str, site: str, items: list[FeedItem]) -> bytes:
    """A small RSS 2.0 document, items in the given order (newest first by convention)."""
    body = "".join(item.render() for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(site)}</link>"
        f"<description>{escape(title)}</description>{body}</channel></rss>\n"
    ).encode()


_FEED_HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'


def _gzip_stream(head: bytes, size: int, fill: bytes = b" ") -> bytes:
    """``head`` padded with ``fill`` to ``size`` bytes, gzipped without holding all of it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    parts = [packer.compress(head)]
    block = fill * (1 << 20)
    left = max(0, size - len(head))
    while left > 0:
        parts.append(packer.compress(block[:min(left, len(block))]))
        left -= len(block)
    parts.append(packer.flush())
    return b"".join(parts)


class FeedServer(FakeServer):
    """Serves bytes at paths. ``feed_url(path)`` is the absolute URL of a path.

    Failures are per path and consumed in order: ``fail`` (status, times=N then
    recover, or None for ever), ``slow`` (answer after N seconds), ``hang`` (no answer,
    close after N seconds), ``redirect`` (301/302/307/308 to another path or any absolute
    URL, ``file://`` and ``ftp://`` included), ``oversize``; and for hostile sites
    ``raw`` (exact bytes and headers), ``gzip_bomb`` and ``endless`` (a body that never
    ends).
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.resources: dict[str, Resource] = {}
        self.faults = FaultQueue()
        self.requests: list[Request] = []
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}

    # ---- content ---------------------------------------------------------------------
    def feed_url(self, path: str) -> str:
        return self.url + path

    def set_feed(self, path: str, content: bytes | str, *, content_type: str = RSS,
                 etag: bool | str = True, last_modified: bool | float | datetime = True,
                 headers: list[tuple[str, str]] | None = None) -> str:
        """Serve ``content`` at ``path``; returns its URL. Validators can be turned off."""
        body = content.encode() if isinstance(content, str) else content
        with self.lock:
            previous = self.resources.get(path)
            self.resources[path] = Resource(
                body, content_type, self._etag(body, etag),
                self._last_modified(last_modified, previous), extra_headers=list(headers or []))
        return self.feed_url(path)

    def set_page(self, path: str, html: str | bytes, **kwargs: Any) -> str:
        """Serve an HTML page (article pages for full-text extraction)."""
        return self.set_feed(path, html, content_type=HTML, **kwargs)

    def serve_file(self, path: str, file: str | Path, content_type: str | None = None) -> str:
        """Serve a file from disk (e.g. /work/shared/feeds samples)."""
        file = Path(file)
        if content_type is None:
            content_type = ATOM if file.suffix == ".atom" else (
                HTML if file.suffix in (".html", ".htm") else RSS)
        return self.set_feed(path, file.read_bytes(), content_type=content_type)

    def set_items(self, path: str, items: list[FeedItem], *, title: str = "Test feed",
                  site: str = "https://news.example/") -> str:
        """Serve an RSS feed rendered from ``items`` (newest first)."""
        url = self.set_feed(path, render_rss(title, site, items))
        with self.lock:
            resource = self.resources[path]
            resource.items, resource.title, resource.site = list(items), title, site
        return url

    def add_item(self, path: str, title: str, link: str, **fields: Any) -> FeedItem:
        """Publish a new item at the top of the feed; ETag and Last-Modified change."""
        item = FeedItem(title, link, **fields)
        with self.lock:
            resource = self.resources.get(path)
            if resource is None:
                self.set_items(path, [item])
                return item
            if resource.items is not None:
                resource.items.insert(0, item)
                body = render_rss(resource.title, resource.site, resource.items)
            else:
                body = self._insert(resource.body, item)
            resource.body = body
            if resource.etag is not None:
                resource.etag = self._etag(body, True)
            if resource.last_modified is not None:
                resource.last_modified = max(time.time(), resource.last_modified + 1)
        return item

    @staticmethod
    def _insert(body: bytes, item: FeedItem) -> bytes:
        text = body.decode("utf-8", "replace")
        if ("<feed" in text and "<entry" in text) or text.rstrip().endswith("</feed>"):
            entry = (f"<entry><title>{escape(item.title)}</title>"
                     f"<link href=\"{escape(item.link)}\"/>"
                     f"<id>{escape(item.guid or item.link)}</id><updated>"
                     f"{(item.published or datetime.now(UTC)).isoformat()}</updated>"
                     f"<summary>{escape(item.description or '')}</summary></entry>")
            at = text.find("<entry")
            at = at if at >= 0 else text.rfind("</feed>")
            return (text[:at] + entry + text[at:]).encode()
        at = text.find("<item")
        at = at if at >= 0 else text.rfind("</channel>")
        return (text[:at] + item.render() + text[at:]).encode()

    @staticmethod
    def _etag(body: bytes, etag: bool | str) -> str | None:
        if etag is False:
            return None
        if isinstance(etag, str):
            return etag
        return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    @staticmethod
    def _last_modified(value: bool | float | datetime, previous: Resource | None) -> float | None:
        if value is False:
            return None
        if isinstance(value, datetime):
            return value.timestamp()
        if value is True:
            now = float(int(time.time()))
            if previous is not None and previous.last_modified is not None:
                now = max(now, previous.last_modified + 1)
            return now
        return float(value)

    # ---- failures --------------------------------------------------------------------
    def fail(self, path: str, status: int = 500, *, times: int | None = 1,
             body: bytes = b"", headers: list[tuple[str, str]] | None = None) -> None:
        """Answer ``status`` for the next ``times`` requests (None: until ``clear``)."""
        self.faults.add("status", times=times, endpoint=path, status=status, body=body,
                        headers=headers or [])

    def slow(self, path: str, seconds: float, *, times: int | None = 1) -> None:
        """Answer normally, but only after ``seconds``."""
        self.faults.add("slow", times=times, endpoint=path, seconds=seconds)

    def hang(self, path: str, seconds: float, *, times: int | None = 1) -> None:
        """Never answer; reset the connection after ``seconds``."""
        self.faults.add("hang", times=times, endpoint=path, seconds=seconds)

    def drip(self, path: str, interval: float, *, times: int | None = 1) -> None:
        """Answer one byte every ``interval`` seconds, headers included."""
        self.faults.add("drip", times=times, endpoint=path, interval=interval)

    def redirect(self, path: str, to: str, status: int = 301, *, times: int | None = None) -> None:
        """Redirect ``path`` to ``to`` (a path on this server or an absolute URL)."""
        self.faults.add("redirect", times=times, endpoint=path, to=to, status=status)

    def oversize(self, path: str, size: int, *, declare_length: bool = True,
                 times: int | None = None) -> None:
        """Serve ``size`` bytes of junk-padded XML (without Content-Length if asked)."""
        self.faults.add("oversize", times=times, endpoint=path, size=size,
                        declare_length=declare_length)

    def raw(self, path: str, body: bytes, *, status: int = 200,
            headers: list[tuple[str, str]] | None = None, omit_length: bool = False,
            times: int | None = None) -> None:
        """Answer exactly ``body`` with exactly ``headers`` (no validators, no Content-Type
        unless given; Content-Length unless ``omit_length``): bytes in a lying encoding, a
        pre-compressed body, a Location of any scheme."""
        self.faults.add("raw", times=times, endpoint=path, status=status, body=body,
                        headers=list(headers or []), omit_length=omit_length)

    def gzip_bomb(self, path: str, inflated: int, *, layers: int = 1,
                  content_type: str = RSS, times: int | None = None) -> int:
        """Serve a feed head and then spaces, ``inflated`` bytes in all, gzipped ``layers``
        times and sent as ``Content-Encoding: gzip`` (``gzip, gzip`` for two layers).
        Returns the size on the wire, some thousandth of ``inflated`` per layer."""
        body = _gzip_stream(_FEED_HEAD, inflated)
        for _ in range(layers - 1):
            body = _gzip_stream(body, len(body))
        encoding = ", ".join(["gzip"] * layers)
        self.raw(path, body, headers=[("Content-Type", content_type),
                                      ("Content-Encoding", encoding)], times=times)
        return len(body)

    def endless(self, path: str, *, interval: float = 0.0, chunk: bytes = b" " * 8192,
                times: int | None = None) -> None:
        """A 200 with a feed's first bytes and no Content-Length, then ``chunk`` every
        ``interval`` seconds (0: as fast as the client reads) for as long as the client
        keeps reading."""
        self.faults.add("endless", times=times, endpoint=path, interval=interval, chunk=chunk)

    def clear(self) -> None:
        """Remove every scripted failure."""
        self.faults.clear()

    # ---- HTTP --------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Action:
        path = request.path
        with self.lock:
            self.requests.append(request)
            self.hits[path] = self.hits.get(path, 0) + 1
        fault = self.faults.take(path, request)
        if fault is not None:
            p = fault.params
            if fault.kind == "status":
                return Reply(p["status"], p["body"],
                             [("Content-Type", "text/html; charset=utf-8"), *p["headers"]])
            if fault.kind == "hang":
                return Hang(p["seconds"])
            if fault.kind == "redirect":
                target = p["to"] if "://" in p["to"] else self.url + p["to"]
                return Reply(p["status"], b"", [("Location", target)])
            if fault.kind == "oversize":
                head = b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
                body = head + b"<!--" + b"x" * max(0, p["size"] - len(head) - 7) + b"-->"
                return Reply(200, body, [("Content-Type", RSS)],
                             omit_length=not p["declare_length"])
            if fault.kind == "raw":
                return Reply(p["status"], p["body"], p["headers"], omit_length=p["omit_length"])
            if fault.kind == "endless":
                return Endless(Reply(200, _FEED_HEAD, [("Content-Type", RSS)]), p["chunk"],
                               p["interval"])
        reply = self._serve(request)
        if fault is not None and fault.kind == "drip":
            return Drip(reply, p["interval"])
        if fault is not None and fault.kind == "slow":
            return Hang(p["seconds"], then=reply)
        return reply

    def _serve(self, request: Request) -> Reply:
        with self.lock:
            resource = self.resources.get(request.path)
        if resource is None:
            return Reply(404, b"<h1>Not Found</h1>", [("Content-Type", HTML)])
        headers = [("Content-Type", resource.content_type), *resource.extra_headers]
        if resource.etag is not None:
            headers.append(("ETag", resource.etag))
        if resource.last_modified is not None:
            headers.append(("Last-Modified", http_date(resource.last_modified)))
        if self._not_modified(request, resource):
            with self.lock:
                self.not_modified[request.path] = self.not_modified.get(request.path, 0) + 1
            return Reply(304, b"", [h for h in headers if h[0] != "Content-Type"])
        return Reply(200, resource.body, headers)

    @staticmethod
    def _not_modified(request: Request, resource: Resource) -> bool:
        # RFC 9110 13.1.3: If-None-Match wins; If-Modified-Since only when it is absent.
        inm = request.header("If-None-Match")
        if inm is not None:
            if resource.etag is None:
                return False
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or resource.etag in tags
        ims = request.header("If-Modified-Since")
        if ims is None or resource.last_modified is None:
            return False
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return int(resource.last_modified) <= since.timestamp()
