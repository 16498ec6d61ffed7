"""Fetching and parsing feeds over real HTTP (local feed server) and from real-world files."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.errors import FeedError
from syndicator.feeds.fetch import fetch_feed
from syndicator.feeds.parse import parse_feed

SHARED_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "feeds"
FEED_FILES = sorted(p for p in SHARED_FEEDS.glob("*") if p.suffix in (".xml", ".rss", ".atom"))


def test_conditional_get_second_poll_is_304_and_costs_nothing(feed_server) -> None:
    url = feed_server.set_feed("/feed", "<rss version='2.0'><channel><title>t</title>"
                                        "<item><title>a</title><link>https://a.example/1</link>"
                                        "</item></channel></rss>")
    first = fetch_feed("f", url)
    assert first.content and first.etag and first.last_modified
    second = fetch_feed("f", url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content is None
    assert feed_server.not_modified["/feed"] == 1
    sent = feed_server.requests[-1]
    assert sent.header("If-None-Match") == first.etag
    assert sent.header("User-Agent", "").startswith("syndicator/")


def test_only_last_modified_is_honoured_too(feed_server) -> None:
    url = feed_server.set_feed("/f", "<rss version='2.0'><channel/></rss>", etag=False)
    first = fetch_feed("f", url)
    assert first.etag is None and first.last_modified
    assert fetch_feed("f", url, last_modified=first.last_modified).not_modified


@pytest.mark.parametrize(("status", "hint"), [(404, "check the feed's url"),
                                              (410, "gone for good"),
                                              (503, "will retry")])
def test_http_errors_are_clear_feed_errors(feed_server, status: int, hint: str) -> None:
    url = feed_server.set_feed("/f", "<rss/>")
    feed_server.fail("/f", status)
    with pytest.raises(FeedError) as info:
        fetch_feed("news", url)
    assert str(info.value).startswith(f"feed news: HTTP {status}")
    assert hint in str(info.value)


def test_timeout_is_a_feed_error_not_a_hang(feed_server) -> None:
    url = feed_server.set_feed("/f", "<rss/>")
    feed_server.hang("/f", 3)
    with pytest.raises(FeedError, match=r"timed out after 0\.5s"):
        fetch_feed("f", url, timeout=0.5)


def test_a_feed_that_drips_ends_at_the_deadline(feed_server) -> None:
    """One byte every 50 ms, headers too: every read succeeds within the socket timeout,
    and the whole request still ends at ``timeout``."""
    url = feed_server.set_feed("/f", "<rss><channel><title>t</title></channel></rss>" * 40)
    feed_server.drip("/f", 0.05)
    began = time.monotonic()
    with pytest.raises(FeedError, match=r"timed out after 1s .*whole request's deadline"):
        fetch_feed("f", url, timeout=1)
    assert time.monotonic() - began < 4  # not the minutes the drip would take
    assert fetch_feed("f", url, timeout=5).content  # the pool serves the next poll


def test_through_a_proxy_a_dripping_feed_ends_at_the_deadline_too(
        feed_server, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a proxy in the environment feeds go through requests: the same deadline.
    The fake server stands in for the proxy (it answers absolute-URI requests)."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", feed_server.url)
    url = feed_server.set_feed("/f", "<rss><channel><title>t</title></channel></rss>" * 40)
    feed_server.drip("/f", 0.05)
    began = time.monotonic()
    with pytest.raises(FeedError, match=r"timed out after 1s .*whole request's deadline"):
        fetch_feed("f", "http://feeds.example/f", timeout=1)
    assert time.monotonic() - began < 4
    assert fetch_feed("f", "http://feeds.example/f", timeout=5).content
    assert feed_server.requests[-1].path == "/f" and url.endswith("/f")


def test_a_deadline_passed_before_a_connection_is_the_same_feed_error(feed_server,
                                                                      monkeypatch) -> None:
    """The watchdog may fire between two hops (redirects): the next connection is not
    even tried, and the poll says why as for any cut."""
    from syndicator import netguard

    def passed(self):  # type: ignore[no-untyped-def]
        self.expired = True
        raise netguard.DeadlineExceeded("took longer")

    url = feed_server.set_feed("/f", "<rss/>")
    monkeypatch.setattr(netguard.Deadline, "check", passed)
    with pytest.raises(FeedError, match=r"timed out after 2s .*whole request's deadline"):
        fetch_feed("f", url, timeout=2)


def test_connection_refused(feed_server) -> None:
    url = feed_server.feed_url("/f")
    feed_server.stop()
    with pytest.raises(FeedError, match="cannot connect"):
        fetch_feed("f", url, timeout=2)


@pytest.mark.parametrize("declare_length", [True, False])
def test_size_cap(feed_server, declare_length: bool) -> None:
    url = feed_server.set_feed("/f", "<rss/>")
    feed_server.oversize("/f", 200_000, declare_length=declare_length)
    with pytest.raises(FeedError, match=r"over the 100000-byte cap|more than the 100000-byte"):
        fetch_feed("f", url, max_bytes=100_000)


def test_permanent_redirect_is_followed_and_reported(feed_server) -> None:
    new = feed_server.set_feed("/new", "<rss version='2.0'><channel/></rss>")
    feed_server.redirect("/old", "/new", 301)
    result = fetch_feed("f", feed_server.feed_url("/old"))
    assert result.content and result.moved_to == new


def test_local_file_unchanged_is_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss version='2.0'><channel/></rss>")
    first = fetch_feed("f", str(path))
    assert first.content and fetch_feed("f", str(path), etag=first.etag).not_modified
    with pytest.raises(FeedError, match="does not exist"):
        fetch_feed("f", str(tmp_path / "missing.xml"))
    with pytest.raises(FeedError, match="unsupported URL scheme"):
        fetch_feed("f", "ftp://example.com/feed")


def rss(items: str) -> bytes:
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Site</title><link>https://site.example/</link>{items}</channel></rss>"
            ).encode()


def test_entities_in_titles_are_decoded_once_and_twice() -> None:
    parsed = parse_feed("f", rss(
        "<item><title>Japan&#8217;s plan &amp; more</title><link>https://s.example/1</link></item>"
        "<item><title>Say &amp;quot;hi&amp;quot;</title><link>https://s.example/2</link></item>"),
        url="https://site.example/feed")
    assert [a.title for a in parsed.articles] == ["Japan’s plan & more", 'Say "hi"']


def test_guidless_entries_use_the_link_and_relative_links_resolve() -> None:
    parsed = parse_feed("f", rss("<item><title>A</title><link>/a/1</link></item>"),
                        url="https://site.example/feed")
    article = parsed.articles[0]
    assert article.guid is None
    assert article.link == "https://site.example/a/1"
    assert article.id == "https://site.example/a/1"


def test_article_fields() -> None:
    parsed = parse_feed("f", rss(
        "<item><title>T</title><link>https://s.example/1</link><guid>g-1</guid>"
        "<pubDate>Fri, 23 Dec 2016 18:30:00 +0100</pubDate><author>a@b.c (Ann)</author>"
        "<category>Politics</category><category>politics</category><category> </category>"
        "<description>&lt;p&gt;Short&lt;/p&gt;</description>"
        "<enclosure url='https://s.example/pic.jpg' type='image/jpeg' length='1'/></item>"),
        url="https://site.example/feed")
    a = parsed.articles[0]
    assert a.id.endswith("g-1") and a.published == datetime(2016, 12, 23, 17, 30, tzinfo=UTC)
    assert a.categories == ("Politics",)
    assert a.image == "https://s.example/pic.jpg"
    assert a.summary == "<p>Short</p>"


def test_tracking_pixel_is_not_the_image() -> None:
    body = ("&lt;p&gt;x&lt;/p&gt;&lt;img src='https://t.example/p.gif' width='1' height='1'/&gt;"
            "&lt;img src='/real.png'/&gt;")
    parsed = parse_feed("f", rss(f"<item><title>T</title><link>https://s.example/1</link>"
                                 f"<description>{body}</description></item>"),
                        url="https://site.example/feed")
    assert parsed.articles[0].image == "https://s.example/real.png"  # relative to the item


def test_html_page_is_a_clear_error_and_malformed_feed_with_entries_warns() -> None:
    with pytest.raises(FeedError, match=r"not an RSS or Atom feed|not a usable feed"):
        parse_feed("f", b"<html><body><p>hello</p></body></html>", url="https://x.example/")
    broken = rss("<item><title>A & B</title><link>https://s.example/1</link></item>")
    parsed = parse_feed("f", broken, url="https://site.example/feed")
    assert parsed.warning and "malformed feed" in parsed.warning
    assert parsed.articles[0].title == "A & B"


@pytest.mark.skipif(not FEED_FILES, reason="shared feed corpus not present")
@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_real_world_feeds_parse_into_articles(path: Path) -> None:
    parsed = parse_feed("f", path.read_bytes(), url="https://example.com/feed")
    assert parsed.articles
    for article in parsed.articles:
        assert article.id and article.title.strip()
        assert "&amp;" not in article.title and "<" not in article.title
        assert article.published is None or article.published.tzinfo is not None
