"""TwitterPublisher against the fake X API: real tweepy, real OAuth 1.0a, real sockets."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import tweepy

from syndicator.models import Platform, Post
from syndicator.platforms import twitter as twitter_module
from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Duplicate,
    Found,
    NotFound,
    Published,
    RateLimited,
    Rejected,
    Transient,
)
from syndicator.platforms.twitter import TwitterPublisher

from e2e import closed_port_url

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


def test_media_gets_its_alt_text(fake_x: FakeX, tmp_path: Path) -> None:
    image = tmp_path / "quote.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    alt = "“We will rebuild.” — Ellen Park" + " and more" * 200  # over X's 1,000
    outcome = make(fake_x).publish(replace(post(media=(str(image),)), alt_text=alt))
    assert isinstance(outcome, Published)
    [media_id] = fake_x.media
    assert fake_x.media[media_id]["alt_text"] == alt[:1000]
    assert fake_x.posts[0].media_ids == [media_id]


def test_refused_alt_text_still_posts_with_the_card(fake_x: FakeX, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    image = tmp_path / "quote.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    fake_x.inject("server_error", status=503, endpoint="POST /2/media/metadata")
    outcome = make(fake_x).publish(replace(post(media=(str(image),)), alt_text="A quote"))
    assert isinstance(outcome, Published)
    assert len(fake_x.posts[0].media_ids) == 1
    assert "alt text for media" in caplog.text


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


# ---- platform-apis.md E.3, one test per row ----------------------------------------------


def test_connection_refused_is_transient_nothing_sent(fake_x: FakeX) -> None:
    publisher = TwitterPublisher("x", consumer_key="k", consumer_secret="s", access_token="t",
                                 access_token_secret="ts", api_url=closed_port_url(), timeout=1)
    outcome = publisher.publish(post())
    assert isinstance(outcome, Transient)
    assert "connection refused" in outcome.reason and "nothing was sent" in outcome.reason


def test_dns_failure_and_connect_timeout_count_as_never_sent() -> None:
    from urllib3.exceptions import MaxRetryError, NameResolutionError

    from syndicator.platforms.http import may_have_arrived

    dns = requests.ConnectionError(MaxRetryError(None, "/2/tweets",  # type: ignore[arg-type]
                                                 NameResolutionError("api.x.com", None, "x")))
    assert not may_have_arrived(dns)
    assert not may_have_arrived(requests.ConnectTimeout())
    assert not may_have_arrived(requests.exceptions.SSLError())
    assert may_have_arrived(requests.ReadTimeout())
    assert may_have_arrived(requests.ConnectionError(ConnectionResetError(104, "reset")))


def test_read_timeout_after_sending_is_ambiguous_and_bounded(fake_x: FakeX) -> None:
    fake_x.inject("hang", seconds=5)
    started = datetime.now(UTC)
    outcome = make(fake_x, timeout=0.5).publish(post())
    assert (datetime.now(UTC) - started).total_seconds() < 3  # tweepy alone would wait forever
    assert isinstance(outcome, Ambiguous)
    assert "timed out" in outcome.reason and "reconcile" in outcome.reason
    assert fake_x.posts == []


def test_an_answer_dripped_past_the_timeout_is_cut_off_and_reconciled(fake_x: FakeX) -> None:
    # every read succeeds (one byte each 0.1 s), so no socket timeout ever fires; the
    # whole call's deadline does, and the tweet it created is found, not posted again
    publisher = make(fake_x, timeout=1, clock=lambda: datetime.now(UTC))
    fake_x.inject("drip_after_commit", interval=0.1)
    sent_at = datetime.now(UTC)
    outcome = publisher.publish(post())
    elapsed = (datetime.now(UTC) - sent_at).total_seconds()
    assert 0.9 <= elapsed < 2.5  # the answer alone would take about 50 s
    assert isinstance(outcome, Ambiguous)
    assert "within 1s" in outcome.reason and "whole call" in outcome.reason
    [created] = fake_x.posts
    assert publisher.find("https://news.example/a", sent_at) == Found(
        created.id, f"https://x.com/i/web/status/{created.id}")


@pytest.mark.parametrize("how", ["direct", "through a proxy", "no content-length"])
def test_the_whole_call_deadline_holds_every_way(fake_x: FakeX, how: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Through an HTTP proxy (the fake stands in for it: it answers absolute-URI requests)
    the deadline holds too; and an answer with no length, ended by the cut, is no answer
    (it would read as a 200 with half a body)."""
    if how == "through a proxy":
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", fake_x.url)
    fake_x.inject("drip_after_commit", interval=0.05, no_length=how == "no content-length")
    started = datetime.now(UTC)
    outcome = make(fake_x, timeout=1).publish(post())
    assert (datetime.now(UTC) - started).total_seconds() < 2.5
    assert isinstance(outcome, Ambiguous) and "whole call" in outcome.reason, outcome
    assert len(fake_x.posts) == 1


def test_reset_after_commit_is_ambiguous_and_reconciliation_finds_it(fake_x: FakeX) -> None:
    publisher = make(fake_x, clock=lambda: datetime.now(UTC))
    fake_x.inject("drop_after_commit")
    sent_at = datetime.now(UTC)
    outcome = publisher.publish(post())
    assert isinstance(outcome, Ambiguous) and "reset" in outcome.reason
    [created] = fake_x.posts
    found = publisher.find("https://news.example/a", sent_at)
    assert found == Found(created.id, f"https://x.com/i/web/status/{created.id}")


@pytest.mark.parametrize(("status", "html"), [(500, False), (502, True), (503, True),
                                              (503, False), (504, False)])
def test_server_errors_are_ambiguous(fake_x: FakeX, status: int, html: bool) -> None:
    fake_x.inject("server_error", status=status, html=html)
    outcome = make(fake_x).publish(post())
    assert isinstance(outcome, Ambiguous) and str(status) in outcome.reason
    assert fake_x.posts == []


def test_429_uses_x_rate_limit_reset(fake_x: FakeX) -> None:
    reset = int((NOW + timedelta(minutes=7)).timestamp())
    fake_x.inject("rate_limit", reset=reset)
    outcome = make(fake_x).publish(post())
    assert outcome == RateLimited(retry_at=NOW + timedelta(minutes=7),
                                  reason="X rate limit hit (429); retry after 2026-11-28 12:07:00Z")
    assert fake_x.posts == []


def test_429_without_reset_header_waits_15_minutes(fake_x: FakeX) -> None:
    fake_x.inject("rate_limit", omit_reset=True)
    outcome = make(fake_x).publish(post())
    assert isinstance(outcome, RateLimited) and outcome.retry_at == NOW + timedelta(minutes=15)


@pytest.mark.parametrize("scope", ["user", "app"])
def test_429_honours_a_larger_24_hour_reset(fake_x: FakeX, scope: str) -> None:
    fake_x.inject("rate_limit", reset=int((NOW + timedelta(minutes=5)).timestamp()),
                  day_reset=int((NOW + timedelta(hours=9)).timestamp()), day_scope=scope)
    outcome = make(fake_x).publish(post())
    assert isinstance(outcome, RateLimited) and outcome.retry_at == NOW + timedelta(hours=9)


def test_429_usage_cap_is_rate_limited(fake_x: FakeX) -> None:
    fake_x.inject("rate_limit", usage_cap=True, omit_reset=True)
    outcome = make(fake_x).publish(post())
    assert isinstance(outcome, RateLimited) and "usage cap" in outcome.reason
    assert outcome.retry_at == NOW + timedelta(hours=24)


@pytest.mark.parametrize("short", [False, True])
def test_402_credits_depleted_is_auth_failed(fake_x: FakeX, short: bool) -> None:
    fake_x.inject("credits_depleted", short=short)
    outcome = make(fake_x).publish(post())
    assert outcome == AuthFailed(twitter_module.AUTH_CREDITS)
    assert "top up" in outcome.reason


def test_403_duplicate_is_duplicate_never_resent(fake_x: FakeX) -> None:
    publisher = make(fake_x)
    assert isinstance(publisher.publish(post()), Published)
    outcome = publisher.publish(post())
    assert isinstance(outcome, Duplicate) and "reconcile" in outcome.reason
    assert len(fake_x.posts) == 1
    fake_x.inject("forbidden", variant="duplicate")
    assert isinstance(publisher.publish(post("fresh text")), Duplicate)


@pytest.mark.parametrize(("variant", "expected"), [
    ("oauth1_permissions", twitter_module.AUTH_READ_ONLY),
    ("client_not_enrolled", twitter_module.AUTH_NOT_ENROLLED),
    ("not_permitted", twitter_module.AUTH_NOT_PERMITTED),
])
def test_403_permission_variants_are_auth_failed(fake_x: FakeX, variant: str,
                                                 expected: str) -> None:
    fake_x.inject("forbidden", variant=variant)
    assert make(fake_x).publish(post()) == AuthFailed(expected)
    assert fake_x.posts == []


def test_read_only_app_is_refused_by_the_fake_itself(fake_x: FakeX) -> None:
    fake_x.access_level = "read"
    assert make(fake_x).publish(post()) == AuthFailed(twitter_module.AUTH_READ_ONLY)
    assert "Read and Write" in twitter_module.AUTH_READ_ONLY


def test_403_not_permitted_for_overlong_text_is_rejected(fake_x: FakeX) -> None:
    fake_x.too_long_form = "403"
    outcome = make(fake_x).publish(post("x" * 300, weighted_length=300))
    assert isinstance(outcome, Rejected) and "too long" in outcome.reason


def test_403_reply_restricted_is_rejected(fake_x: FakeX) -> None:
    fake_x.inject("forbidden", variant="reply_restricted")
    assert isinstance(make(fake_x).publish(post()), Rejected)


def test_401_is_auth_failed(fake_x: FakeX) -> None:
    fake_x.inject("unauthorized")
    assert make(fake_x).publish(post()) == AuthFailed(twitter_module.AUTH_401)


def test_400_too_long_is_rejected_with_the_message(fake_x: FakeX) -> None:
    outcome = make(fake_x).publish(post("y" * 281, weighted_length=281))
    assert isinstance(outcome, Rejected)
    assert outcome.reason.startswith("X rejected the post (400): Your Tweet text is too long.")
    fake_x.inject("too_long")
    assert isinstance(make(fake_x).publish(post("short")), Rejected)
    assert fake_x.posts == []


def test_400_invalid_media_id_is_rejected(fake_x: FakeX) -> None:
    publisher = make(fake_x)
    with pytest.raises(tweepy.BadRequest, match="media IDs are invalid"):
        publisher._client.create_tweet(text="t", media_ids=["123"], user_auth=True)
    fake_x.inject("bad_request", message="Your media IDs are invalid.")
    outcome = publisher.publish(post())
    assert outcome == Rejected("X rejected the post (400): Your media IDs are invalid.")


def test_media_upload_rate_limit_blocks_the_post(fake_x: FakeX, tmp_path: Path) -> None:
    image = tmp_path / "q.png"
    image.write_bytes(b"\x89PNG" + b"0" * 100)
    fake_x.inject("rate_limit", endpoint="POST /2/media/upload",
                  reset=int((NOW + timedelta(minutes=3)).timestamp()))
    outcome = make(fake_x).publish(post(media=(str(image),)))
    assert isinstance(outcome, RateLimited) and outcome.retry_at == NOW + timedelta(minutes=3)
    assert fake_x.posts == []


def test_media_upload_server_error_is_transient_nothing_posted(fake_x: FakeX,
                                                               tmp_path: Path) -> None:
    image = tmp_path / "q.png"
    image.write_bytes(b"\x89PNG" + b"0" * 100)
    fake_x.inject("server_error", endpoint="POST /2/media/upload", status=503)
    outcome = make(fake_x).publish(post(media=(str(image),)))
    assert isinstance(outcome, Transient) and fake_x.posts == []


def test_every_tweepy_error_class_is_mapped(fake_x: FakeX) -> None:
    exported = {c for c in vars(tweepy.errors).values()
                if isinstance(c, type) and issubclass(c, Exception)}
    assert exported <= set(twitter_module._HANDLERS)
    publisher = make(fake_x)
    for cls in exported:
        response = requests.Response()
        response.status_code = {tweepy.errors.BadRequest: 400, tweepy.errors.Unauthorized: 401,
                                tweepy.errors.Forbidden: 403, tweepy.errors.NotFound: 404,
                                tweepy.errors.TooManyRequests: 429,
                                tweepy.errors.TwitterServerError: 500}.get(cls, 402)
        response._content = b'{"title":"x","detail":"y"}'
        response.reason = "Reason"
        exc = cls("boom") if cls is tweepy.errors.TweepyException else cls(response)
        outcome = publisher._outcome(exc, None)
        assert type(outcome).__name__ in {"RateLimited", "Ambiguous", "AuthFailed", "Rejected",
                                          "Duplicate", "Transient"}, cls


# ---- find / check -----------------------------------------------------------------------

def test_find_matches_exact_then_normalised_url(fake_x: FakeX) -> None:
    seeded = fake_x.add_post("Old news https://www.news.example/story/?utm_source=x&id=3")
    publisher = make(fake_x, clock=lambda: datetime.now(UTC))
    since = datetime.now(UTC) - timedelta(minutes=1)
    expected = Found(seeded.id, f"https://x.com/i/web/status/{seeded.id}")
    assert publisher.find("https://www.news.example/story/?utm_source=x&id=3", since) == expected
    assert publisher.find("https://news.example/story?id=3", since) == expected
    assert publisher.find("https://news.example/other", since) == NotFound()
    assert fake_x.count("GET /2/users/me") == 1  # the user id is cached


def test_find_ignores_posts_before_since(fake_x: FakeX) -> None:
    fake_x.add_post("Old https://news.example/a", created_at=datetime.now(UTC) - timedelta(days=2))
    assert make(fake_x).find("https://news.example/a", datetime.now(UTC)) == NotFound()


def test_find_maps_a_link_reply_to_its_parent(fake_x: FakeX) -> None:
    publisher = make(fake_x)
    outcome = publisher.publish(post("Quote", reply_text="More: https://news.example/r"))
    assert isinstance(outcome, Published)
    found = publisher.find("https://news.example/r", datetime.now(UTC) - timedelta(minutes=1))
    assert isinstance(found, Found) and found.remote_id == outcome.remote_id


def test_find_failures(fake_x: FakeX) -> None:
    since = datetime.now(UTC)
    fake_x.inject("rate_limit", endpoint="GET /2/users/me")
    assert isinstance(make(fake_x).find("https://a.example", since), RateLimited)
    fake_x.inject("server_error", endpoint="GET /2/users/:id/tweets")
    assert isinstance(make(fake_x).find("https://a.example", since), Transient)
    fake_x.inject("unauthorized", endpoint="GET /2/users/me")
    assert isinstance(make(fake_x).find("https://a.example", since), AuthFailed)


def test_check(fake_x: FakeX) -> None:
    assert make(fake_x).check() is None
    assert "401" in (make(fake_x, access_token_secret="nope").check() or "")
    fake_x.access_level = "read"
    assert "Read and Write" in (make(fake_x).check() or "")
    refused = TwitterPublisher("x", consumer_key="k", consumer_secret="s", access_token="t",
                               access_token_secret="ts", api_url=closed_port_url(), timeout=1)
    assert "connection refused" in (refused.check() or "")


def test_no_secret_in_any_reason_or_log(fake_x: FakeX, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="syndicator")
    publisher = make(fake_x)
    outcomes = [publisher.publish(post("a")), publisher.check()]
    for kind in ("unauthorized", "hang", "drop"):
        fake_x.inject(kind, seconds=3)
        outcomes.append(make(fake_x, timeout=0.3).publish(post(kind)))
    for outcome in outcomes:
        assert_no_secret(outcome, fake_x)
    for secret in secrets_of(fake_x):
        assert secret not in caplog.text


def test_debug_logs_of_the_libraries_carry_no_secret(fake_x: FakeX,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    assert isinstance(make(fake_x).publish(post()), Published)
    assert "oauth_token" in caplog.text  # requests_oauthlib logged the header, scrubbed
    for secret in secrets_of(fake_x):
        assert secret not in caplog.text
