"""Untrusted links stay on the public internet, and every request ends by its deadline:
real servers on 127.0.0.1, the real requests/urllib3 stack, real name resolution."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator import netguard
from syndicator.article import fetch_article
from syndicator.compose import ComposeSettings
from syndicator.config import FeedConfig
from syndicator.errors import ExtractionError
from syndicator.models import Platform
from syndicator.pipeline import AccountSetup, Pipeline
from syndicator.platforms.dryrun import DryRunPublisher
from syndicator.store import Store

from fakes import FeedServer

PAGE = ("<html><head><title>t</title></head><body><article><p>“We will open the new "
        "library in the spring, and every child in the town will have a card,” Mayor Ellen "
        "Park said on Monday after the council vote that ended a long debate.</p>"
        "</article></body></html>")


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("10.0.0.8", False), ("172.16.4.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("224.0.0.251", False),
    ("0.0.0.0", False), ("240.0.0.1", False), ("255.255.255.255", False), ("::1", False),
    ("fc00::1", False), ("fe80::1%2", False), ("::ffff:127.0.0.1", False), ("::", False),
    ("ff02::1", False), ("not an address", False),
    ("93.184.216.34", True), ("2606:4700:4700::1111", True),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert netguard.is_public_address(address) is public


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "0x7f000001",
                                  "[::ffff:127.0.0.1]"])
def test_a_link_to_this_machine_is_refused_before_any_request(feed_server: FeedServer,
                                                              host: str) -> None:
    feed_server.set_page("/admin", PAGE)
    if host.startswith("[") and not socket.has_ipv6:
        pytest.skip("no IPv6")
    with pytest.raises(ExtractionError, match="not a public address"):
        fetch_article(f"http://{host}:{feed_server.port}/admin", timeout=5)
    assert feed_server.hits.get("/admin") is None  # nothing reached the server


@pytest.fixture
def second_server() -> Iterator[FeedServer]:
    server = FeedServer(host="127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


def test_a_redirect_to_a_private_address_is_refused(
        feed_server: FeedServer, second_server: FeedServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 127.0.0.1 plays the public site; its redirect leads to 127.0.0.2, the private one
    real = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address",
                        lambda a: a == "127.0.0.1" or real(a))
    second_server.set_page("/secret", PAGE)
    feed_server.redirect("/story", f"http://127.0.0.2:{second_server.port}/secret", 302)
    with pytest.raises(ExtractionError, match=r"127\.0\.0\.2.*not a public address"):
        fetch_article(feed_server.feed_url("/story"), timeout=5)
    assert feed_server.hits["/story"] == 1
    assert second_server.hits.get("/secret") is None


def test_the_address_connected_to_is_checked_not_only_the_name(
        feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to a public address when checked and to 127.0.0.1 when
    connected (DNS rebinding) is refused on the peer's address."""
    feed_server.set_page("/page", PAGE)
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "rebind.example":
            if rebinding.calls == 0:  # type: ignore[attr-defined]
                rebinding.calls += 1  # type: ignore[attr-defined]
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    rebinding.calls = 0  # type: ignore[attr-defined]
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(netguard.WatchedAdapter, "send",  # the connection's own check only
                        netguard.HTTPAdapter.send)
    with pytest.raises(ExtractionError, match=r"rebind\.example \(127\.0\.0\.1\)"):
        fetch_article(f"http://rebind.example:{feed_server.port}/page", timeout=5)
    assert feed_server.hits.get("/page") is None


def test_an_intranet_site_can_opt_in(feed_server: FeedServer) -> None:
    feed_server.set_page("/page", PAGE)
    fetched = fetch_article(feed_server.feed_url("/page"), timeout=5, allow_private=True)
    assert "new library" in fetched.text


@pytest.mark.parametrize(("path", "seconds"), [
    ("/drip-body", 1), ("/drip-headers", 1),
    ("/drip-early", 2),  # cut inside the first headers ("Content-Type: text/htm")
])
def test_a_dripping_page_ends_at_the_deadline(feed_server: FeedServer, path: str,
                                              seconds: float) -> None:
    """One byte every 50 ms: each read succeeds, so only a deadline for the whole
    request ends it, and the error says so whatever part of the answer it cut."""
    body = PAGE * (1 if path == "/drip-headers" else 20)
    feed_server.set_page(path, body, headers=[("X-Padding", "p" * 400)]
                         if path == "/drip-headers" else [])
    feed_server.drip(path, 0.05)
    began = time.monotonic()
    with pytest.raises(ExtractionError, match=rf"longer than the {seconds}s deadline"):
        fetch_article(feed_server.feed_url(path), timeout=seconds, allow_private=True)
    assert time.monotonic() - began < seconds + 3  # not the minutes the drip would take


def test_a_refused_link_leaves_the_post_to_the_feeds_text(
        tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    feed_server.set_page("/internal", "<html><body><p>“secret internal text that must never "
                         "be posted anywhere at all,” the admin said.</p></body></html>")
    now = datetime.now(UTC)
    feed_server.add_item("/feed", "Story", feed_server.feed_url("/internal"), guid="g1",
                         description="The council met on Monday.", published=now)
    store = Store(tmp_path / "state.db")
    try:
        pipeline = Pipeline(
            store, accounts={"x": AccountSetup("x", ComposeSettings(platform=Platform.TWITTER))},
            publishers={"x": DryRunPublisher("x")}, clock=lambda: now)
        result = pipeline.poll(FeedConfig(name="news", url=feed_server.feed_url("/feed"),
                                          post_to=("x",), fetch_article="always", backfill=1,
                                          max_age=timedelta(days=1)))
    finally:
        store.close()
    [(_, posts)] = result.posts
    assert "Story" in posts[0].text and "secret" not in posts[0].text
    assert feed_server.hits.get("/internal") is None
    assert "not a public address" in caplog.text


@pytest.mark.parametrize("line", ["", "allow_private_article_hosts: true\n"])
def test_the_config_switch_reaches_the_pipeline(tmp_path: Path, line: str) -> None:
    from syndicator.app import build_app
    from syndicator.config import load_config

    path = tmp_path / "syndicator.yaml"
    path.write_text(f"state: {tmp_path / 'state.db'}\n{line}feeds:\n"
                    "  - {name: n, url: feed.xml, post_to: [x]}\n"
                    "accounts:\n  x: {platform: twitter, consumer_key: '${K}', consumer_secret: "
                    "'${K}', access_token: '${K}', access_token_secret: '${K}'}\n",
                    encoding="utf-8")
    app = build_app(load_config(path, environ={"K": "k"}), dry_run=True)
    try:
        assert app.pipeline.allow_private_article_hosts is bool(line)
    finally:
        app.store.close()
