"""parse_feed skips feedparser's per-element base-URI work only when it cannot matter:
ids and links come out exactly as feedparser resolves them against the feed's location."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from syndicator.feeds.parse import parse_feed

SHARED_FEEDS = Path(__file__).resolve().parents[2] / "shared" / "feeds"
FEED_FILES = sorted(p for p in SHARED_FEEDS.glob("*") if p.suffix in (".xml", ".rss", ".atom"))
URL = "https://site.example/blog/feed"


def rss(items: str, channel_attrs: str = "") -> bytes:
    return (f"<?xml version='1.0'?><rss version='2.0'><channel {channel_attrs}><title>S</title>"
            f"{items}</channel></rss>").encode()


def resolved(content: bytes, url: str) -> list[tuple[str, str]]:
    """(id, link) of every entry as feedparser gives them with the feed's location."""
    parsed = feedparser.parse(content, response_headers={"content-location": url},
                              sanitize_html=False, resolve_relative_uris=False)
    return [(e.get("id", ""), e.get("link", "")) for e in parsed.entries]


CASES = {
    "absolute": rss("<item><title>A</title><link>https://s.example/a?x=1#f</link>"
                    "<guid>https://s.example/a?x=1#f</guid></item>"),
    "relative permalink guid": rss("<item><title>A</title><link>https://s.example/a</link>"
                                   "<guid>1234</guid></item>"),
    "guid not a permalink": rss("<item><title>A</title><link>/a</link>"
                                "<guid isPermaLink='false'>1234</guid></item>"),
    "relative link, no guid": rss("<item><title>A</title><link>a/b</link></item>"),
    "empty query": rss("<item><title>A</title><link>https://s.example/a?</link></item>"),
    "other schemes": rss("<item><title>A</title><link>https://s.example/a</link>"
                         "<guid>tag:s.example,2024:1</guid></item>"),
    "xml:base": rss("<item xml:base='https://other.example/x/'><title>A</title>"
                    "<link>post</link><guid>post</guid></item>"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ids_and_links_match_feedparser_with_the_location(name: str) -> None:
    content = CASES[name]
    articles = parse_feed("f", content, url=URL).articles
    want = resolved(content, URL)
    assert [a.guid or "" for a in articles] == [i for i, _ in want]
    assert [a.link for a in articles] == [link for _, link in want]


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_real_feeds_keep_their_ids(path: Path) -> None:
    content = path.read_bytes()
    url = f"http://127.0.0.1:8080/{path.name}"
    want = resolved(content, url)
    if not want:
        pytest.skip("no entries")
    got = parse_feed("f", content, url=url).articles
    assert [a.guid or "" for a in got] == [i for i, _ in want][: len(got)]
