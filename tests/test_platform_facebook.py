"""FacebookPublisher against the fake Graph API: real facebook-sdk, real sockets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import facebook
import pytest

from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    Published,
)
from syndicator.platforms.facebook import FacebookPublisher

try:
    from fakes import FakeGraph
except ImportError:  # tests/ became a package
    from tests.fakes import FakeGraph

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def make(fake: FakeGraph, *, token: str | None = None, timeout: float = 2.0,
         version: str = "v26.0") -> FacebookPublisher:
    return FacebookPublisher("fb", page_id=fake.page_id, access_token=token or fake.page_token,
                             graph_url=fake.url, graph_version=version, timeout=timeout,
                             clock=lambda: NOW)


def post(text: str = "“We will not back down,” she said.", link: str | None =
         "https://news.example/a", **kw) -> Post:
    return Post("fb", Platform.FACEBOOK, text, weighted_length=len(text), link=link, **kw)


# ---- success path -------------------------------------------------------------------------

def test_publish_link_post_reaches_v26_with_token_in_body(fake_graph: FakeGraph) -> None:
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, Published)
    [created] = fake_graph.posts
    assert outcome.remote_id == created.id and created.id.startswith("1234567890_")
    assert outcome.url == f"https://www.facebook.com/1234567890/posts/{created.id.split('_')[1]}"
    assert (created.message, created.link) == (post().text, "https://news.example/a")
    assert fake_graph.versions_used == ["v26.0"]
    assert fake_graph.token_sources == ["body"]
    assert facebook.FACEBOOK_GRAPH_URL == "https://graph.facebook.com/"  # no global mutated


def test_facebook_sdk_constructor_rejects_v26_which_is_why_we_set_it_after() -> None:
    with pytest.raises(facebook.GraphAPIError):
        facebook.GraphAPI(access_token="t", version="26.0")


def test_expired_version_is_served_as_oldest(fake_graph: FakeGraph) -> None:
    outcome = make(fake_graph, version="v2.8").publish(post())
    assert isinstance(outcome, Published)
    assert fake_graph.versions_used == ["v2.8"] and fake_graph.served_version("v2.8") == "v21.0"


def test_two_publishers_with_different_urls_coexist() -> None:
    with FakeGraph(page_id="111") as one, FakeGraph(page_id="222", page_token="other") as two:
        first = make(one).publish(post("one"))
        second = make(two).publish(post("two"))
        assert isinstance(first, Published) and isinstance(second, Published)
        assert [p.message for p in one.posts] == ["one"]
        assert [p.message for p in two.posts] == ["two"]


def test_photo_post_uploads_source_with_caption(fake_graph: FakeGraph, tmp_path: Path) -> None:
    image = tmp_path / "quote.jpg"
    image.write_bytes(b"\xff\xd8" + b"1" * 4096)
    outcome = make(fake_graph).publish(post(media=(str(image),)))
    assert isinstance(outcome, Published)
    [created] = fake_graph.posts
    assert created.kind == "photo" and created.photo_bytes == 4098
    assert outcome.remote_id == created.id
    assert created.message == post().text + "\n\nhttps://news.example/a"


def test_post_without_link_is_a_status(fake_graph: FakeGraph) -> None:
    assert isinstance(make(fake_graph).publish(post("Just words", link=None)), Published)
    assert fake_graph.posts[0].link is None
