"""TwitterPublisher against the fake X API: real tweepy, real OAuth 1.0a, real sockets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    AuthFailed,
    Published,
)
from syndicator.platforms.twitter import TwitterPublisher

try:
    from fakes import FakeX
except ImportError:  # tests/ became a package
    from tests.fakes import FakeX

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def make(fake: FakeX, *, timeout: float = 2.0, clock=lambda: NOW, **overrides: str
         ) -> TwitterPublisher:
    creds = {"consumer_key": fake.consumer_key, "consumer_secret": fake.consumer_secret,
             "access_token": fake.access_token, "access_token_secret": fake.access_token_secret}
    creds.update(overrides)
    return TwitterPublisher("x", api_url=fake.url, timeout=timeout, clock=clock, **creds)


def post(text: str = "“We will not back down,” she said. https://news.example/a", **kw) -> Post:
    return Post("x", Platform.TWITTER, text, weighted_length=kw.pop("weighted_length", 60), **kw)


def secrets_of(fake: FakeX) -> list[str]:
    return [fake.consumer_key, fake.consumer_secret, fake.access_token, fake.access_token_secret]


def assert_no_secret(outcome: object, fake: FakeX) -> None:
    text = repr(outcome)
    for secret in secrets_of(fake):
        assert secret not in text


# ---- success path -------------------------------------------------------------------------

def test_publish_creates_the_post_through_the_signed_original_url(fake_x: FakeX) -> None:
    outcome = make(fake_x).publish(post())
    assert isinstance(outcome, Published)
    [created] = fake_x.posts
    assert outcome.remote_id == created.id
    assert outcome.url == f"https://x.com/i/web/status/{created.id}"
    assert created.text == post().text
    assert created.stored_text.endswith("https://t.co/" + created.stored_text[-10:])
    assert created.expanded_urls == ["https://news.example/a"]
    assert fake_x.auth_failures == 0


def test_bad_consumer_secret_fails_the_fakes_signature_check(fake_x: FakeX) -> None:
    outcome = make(fake_x, consumer_secret="wrong-secret").publish(post())
    assert isinstance(outcome, AuthFailed)
    assert "401" in outcome.reason and "regenerate" in outcome.reason
    assert fake_x.posts == [] and fake_x.auth_failures == 1
    assert "wrong-secret" not in outcome.reason


def test_reply_text_is_posted_as_a_reply_to_the_main_post(fake_x: FakeX) -> None:
    outcome = make(fake_x).publish(post("Quote only", reply_text="Read more https://n.example/r"))
    assert isinstance(outcome, Published)
    main, reply = fake_x.posts
    assert outcome.remote_id == main.id
    assert reply.in_reply_to_tweet_id == main.id and reply.text.startswith("Read more")


def test_failed_reply_is_logged_not_retried_and_main_outcome_stands(
        fake_x: FakeX, caplog: pytest.LogCaptureFixture) -> None:
    fake_x.inject("server_error", status=503, where=lambda r: b"in_reply_to_tweet_id" in r.body)
    outcome = make(fake_x).publish(post("Main", reply_text="Reply"))
    assert isinstance(outcome, Published)
    assert [t.text for t in fake_x.posts] == ["Main"]
    assert fake_x.count("POST /2/tweets") == 2
    assert "reply to post" in caplog.text and "not retried" in caplog.text


def test_media_is_uploaded_with_oauth1_and_attached(fake_x: FakeX, tmp_path: Path) -> None:
    image = tmp_path / "quote.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    outcome = make(fake_x).publish(post(media=(str(image),)))
    assert isinstance(outcome, Published)
    [media_id] = fake_x.media
    assert fake_x.media[media_id]["size"] == 2056
    assert fake_x.media[media_id]["category"] == "tweet_image"
    assert fake_x.posts[0].media_ids == [media_id]


def test_missing_media_file_posts_text_only(fake_x: FakeX, tmp_path: Path) -> None:
    outcome = make(fake_x).publish(post(media=(str(tmp_path / "gone.png"),)))
    assert isinstance(outcome, Published)
    assert fake_x.posts[0].media_ids == [] and fake_x.media == {}


def test_oversize_media_is_refused_and_post_goes_without_it(fake_x: FakeX, tmp_path: Path) -> None:
    image = tmp_path / "huge.jpg"
    image.write_bytes(b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 10))
    outcome = make(fake_x).publish(post(media=(str(image),)))
    assert isinstance(outcome, Published)
    assert fake_x.posts[0].media_ids == []


def test_requests_to_the_real_host_are_not_rerouted() -> None:
    publisher = TwitterPublisher("x", consumer_key="a", consumer_secret="b", access_token="c",
                                 access_token_secret="d")
    adapter = publisher._client.session.get_adapter("https://api.twitter.com/2/tweets")
    assert adapter._target is None and adapter._timeout == 30.0
