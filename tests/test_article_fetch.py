"""Fetched article pages give their text and the URL the site calls canonical."""

from __future__ import annotations

import pytest

from syndicator.article import fetch_article
from syndicator.article.fetch import canonical_url

PAGE = """<html><head><title>x</title>
<link rel="stylesheet" href="/s.css"><link rel='canonical' href='/2026/11/story/'>
</head><body><article><p>“We will rebuild the bridge before the winter, whatever it costs
the city,” Mayor Ellen Park said on Monday. The council agreed after a long debate that
lasted well into the night and ended with a narrow vote.</p></article></body></html>"""


def test_canonical_link_is_resolved_against_the_final_url(feed_server) -> None:
    feed_server.set_page("/amp/story", PAGE)
    fetched = fetch_article(feed_server.feed_url("/amp/story"), timeout=5, allow_private=True)
    assert fetched.url == feed_server.feed_url("/2026/11/story/")
    assert "rebuild the bridge" in fetched.text


def test_without_canonical_the_final_url_after_redirects_is_used(feed_server) -> None:
    feed_server.set_page("/real", PAGE.replace("canonical", "alternate"))
    feed_server.redirect("/short", "/real", 301)
    fetched = fetch_article(feed_server.feed_url("/short"), timeout=5, allow_private=True)
    assert fetched.url == feed_server.feed_url("/real")


@pytest.mark.parametrize(("tag", "expected"), [
    ('<link href="https://a.example/x" rel="canonical">', "https://a.example/x"),
    ('<link rel=canonical href=https://a.example/y>', "https://a.example/y"),
    ('<link rel="canonical" href="javascript:alert(1)">', None),
    ('<link rel="canonical">', None),
])
def test_canonical_url_forms(tag: str, expected: str | None) -> None:
    assert canonical_url(f"<head>{tag}</head>", "https://base.example/p") == expected
