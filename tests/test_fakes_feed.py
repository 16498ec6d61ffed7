"""The feed server behaves like a polite origin: validators, 304s, scripted failures."""

from __future__ import annotations

import time

import pytest
import requests

try:
    from fakes import FeedItem, FeedServer
except ImportError:  # tests/ became a package
    from tests.fakes import FeedItem, FeedServer


def test_serves_items_with_etag_and_last_modified(feed_server: FeedServer) -> None:
    url = feed_server.set_items("/feed.xml", [FeedItem("One", "https://news.example/1")])
    response = requests.get(url, timeout=2)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/rss+xml")
    assert b"<title>One</title>" in response.content
    assert response.headers["ETag"].startswith('"')
    assert "GMT" in response.headers["Last-Modified"]


def test_if_none_match_gives_304_until_an_item_is_added(feed_server: FeedServer) -> None:
    url = feed_server.set_items("/feed.xml", [FeedItem("One", "https://news.example/1")])
    etag = requests.get(url, timeout=2).headers["ETag"]
    again = requests.get(url, headers={"If-None-Match": etag}, timeout=2)
    assert again.status_code == 304 and again.content == b""
    feed_server.add_item("/feed.xml", "Two", "https://news.example/2")
    fresh = requests.get(url, headers={"If-None-Match": etag}, timeout=2)
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert fresh.content.index(b"Two") < fresh.content.index(b"One")  # newest first
    assert feed_server.hits["/feed.xml"] == 3 and feed_server.not_modified["/feed.xml"] == 1


def test_if_modified_since_gives_304(feed_server: FeedServer) -> None:
    url = feed_server.set_feed("/raw.xml", "<rss><channel></channel></rss>", etag=False)
    last_modified = requests.get(url, timeout=2).headers["Last-Modified"]
    assert requests.get(url, headers={"If-Modified-Since": last_modified},
                        timeout=2).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
                        timeout=2).status_code == 200


def test_add_item_to_raw_rss_inserts_before_first_item(feed_server: FeedServer) -> None:
    url = feed_server.set_feed(
        "/raw.xml", "<rss><channel><title>t</title><item><title>Old</title></item>"
        "</channel></rss>")
    feed_server.add_item("/raw.xml", "New", "https://news.example/new")
    body = requests.get(url, timeout=2).text
    assert body.index("New") < body.index("Old")


@pytest.mark.parametrize("status", [500, 404, 410])
def test_fail_n_times_then_recover(feed_server: FeedServer, status: int) -> None:
    url = feed_server.set_items("/f", [FeedItem("One", "https://news.example/1")])
    feed_server.fail("/f", status, times=2)
    assert [requests.get(url, timeout=2).status_code for _ in range(3)] == [status, status, 200]


def test_fail_forever_until_cleared(feed_server: FeedServer) -> None:
    url = feed_server.set_items("/f", [])
    feed_server.fail("/f", 503, times=None)
    assert requests.get(url, timeout=2).status_code == 503
    assert requests.get(url, timeout=2).status_code == 503
    feed_server.clear()
    assert requests.get(url, timeout=2).status_code == 200


@pytest.mark.parametrize("status", [301, 308])
def test_redirect_to_another_path(feed_server: FeedServer, status: int) -> None:
    feed_server.set_items("/new", [FeedItem("Moved", "https://news.example/m")])
    feed_server.redirect("/old", "/new", status)
    response = requests.get(feed_server.feed_url("/old"), timeout=2)
    assert response.status_code == 200 and b"Moved" in response.content
    assert response.history[0].status_code == status
    assert response.url == feed_server.feed_url("/new")


def test_slow_answers_late_and_hang_times_out(feed_server: FeedServer) -> None:
    url = feed_server.set_items("/f", [])
    feed_server.slow("/f", 0.3)
    started = time.monotonic()
    assert requests.get(url, timeout=2).status_code == 200
    assert time.monotonic() - started >= 0.3
    feed_server.hang("/f", 3)
    with pytest.raises(requests.ReadTimeout):
        requests.get(url, timeout=0.3)


@pytest.mark.parametrize("declare", [True, False])
def test_oversize_body(feed_server: FeedServer, declare: bool) -> None:
    feed_server.oversize("/big", 3 * 1024 * 1024, declare_length=declare)
    response = requests.get(feed_server.feed_url("/big"), timeout=5)
    assert len(response.content) == 3 * 1024 * 1024
    assert ("Content-Length" in response.headers) is declare


def test_unknown_path_is_404_and_start_stop_from_a_script() -> None:
    server = FeedServer().start()
    try:
        url = server.feed_url("/nope")
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url, timeout=2).status_code == 404
    finally:
        server.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=1)
