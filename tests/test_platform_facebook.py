"""FacebookPublisher against the fake Graph API: real facebook-sdk, real sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import facebook
import pytest

from syndicator.models import Platform, Post
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
from syndicator.platforms.facebook import FacebookPublisher

from e2e import closed_port_url

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


# ---- platform-apis.md D.3 / E.3, one test per row -------------------------------------------


@pytest.mark.parametrize(("subcode", "needle"), [
    (None, "rejected the access token (190"), (463, "expired (190/463)"),
    (467, "logged out (190/467)"), (460, "password change (190/460)"),
])
def test_190_token_errors_are_auth_failed(fake_graph: FakeGraph, subcode: int | None,
                                          needle: str) -> None:
    fake_graph.inject(190, subcode=subcode)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, AuthFailed) and needle in outcome.reason
    assert "new Page access token" in outcome.reason
    assert fake_graph.posts == []


def test_wrong_token_is_refused_by_the_fake_itself(fake_graph: FakeGraph) -> None:
    outcome = make(fake_graph, token="EAAwrong").publish(post())
    assert isinstance(outcome, AuthFailed) and "190" in outcome.reason
    assert "EAAwrong" not in outcome.reason


def test_102_is_auth_failed(fake_graph: FakeGraph) -> None:
    fake_graph.inject(102)
    assert isinstance(make(fake_graph).publish(post()), AuthFailed)


@pytest.mark.parametrize("code", [10, 200, 230, 299])
def test_permission_errors_are_auth_failed(fake_graph: FakeGraph, code: int) -> None:
    fake_graph.inject(code)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, AuthFailed)
    assert f"(#{code})" in outcome.reason and "pages_manage_posts" in outcome.reason


def test_user_token_posting_gets_the_exact_200_message(fake_graph: FakeGraph) -> None:
    fake_graph.user_token = "EAAuser"
    publisher = make(fake_graph, token="EAAuser")
    with pytest.raises(facebook.GraphAPIError) as raised:
        publisher._graph.put_object(fake_graph.page_id, "feed", message="m")
    assert raised.value.code == 200
    assert "and \\\n either publish_to_groups" in raised.value.message
    assert isinstance(publisher.publish(post()), AuthFailed)


def test_368_is_rejected_with_a_pause(fake_graph: FakeGraph) -> None:
    fake_graph.inject(368)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, Rejected) and "#368" in outcome.reason
    assert outcome.pause_until == NOW + timedelta(hours=6)


def test_506_duplicate_is_duplicate(fake_graph: FakeGraph) -> None:
    publisher = make(fake_graph)
    assert isinstance(publisher.publish(post()), Published)
    outcome = publisher.publish(post())
    assert isinstance(outcome, Duplicate) and "#506" in outcome.reason
    assert len(fake_graph.posts) == 1


def test_100_invalid_parameter_is_rejected(fake_graph: FakeGraph) -> None:
    fake_graph.inject(100)
    outcome = make(fake_graph).publish(post())
    assert outcome == Rejected("Facebook rejected the post (#100: (#100) Invalid parameter)")


@pytest.mark.parametrize("code", [4, 17, 32, 341, 613, 80001])
def test_rate_limit_codes_wait_15_minutes_by_default(fake_graph: FakeGraph, code: int) -> None:
    fake_graph.inject(code)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, RateLimited) and f"#{code}" in outcome.reason
    assert outcome.retry_at == NOW + timedelta(minutes=15)
    assert fake_graph.posts == []


def test_80001_uses_estimated_time_to_regain_access(fake_graph: FakeGraph) -> None:
    fake_graph.inject(80001, regain_minutes=37)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, RateLimited) and outcome.retry_at == NOW + timedelta(minutes=37)


@pytest.mark.parametrize("code", [1, 2])
def test_unknown_and_service_errors_are_ambiguous(fake_graph: FakeGraph, code: int) -> None:
    fake_graph.inject(code)
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, Ambiguous) and "reconcile" in outcome.reason


def test_html_502_maintype_error_is_ambiguous(fake_graph: FakeGraph) -> None:
    fake_graph.inject("html_502")
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, Ambiguous) and "non-JSON" in outcome.reason


def test_missing_content_type_keyerror_is_ambiguous(fake_graph: FakeGraph) -> None:
    fake_graph.inject("no_content_type")
    outcome = make(fake_graph).publish(post())
    assert isinstance(outcome, Ambiguous) and "KeyError" in outcome.reason


def test_hang_past_the_timeout_is_ambiguous(fake_graph: FakeGraph) -> None:
    fake_graph.inject("hang", seconds=5)
    outcome = make(fake_graph, timeout=0.5).publish(post())
    assert isinstance(outcome, Ambiguous) and "timed out" in outcome.reason
    assert fake_graph.posts == []


def test_an_answer_dripped_past_the_timeout_is_cut_off(fake_graph: FakeGraph) -> None:
    fake_graph.inject("drip_after_commit", interval=0.1)
    started = datetime.now(UTC)
    outcome = make(fake_graph, timeout=1).publish(post())
    assert 0.9 <= (datetime.now(UTC) - started).total_seconds() < 2.5
    assert isinstance(outcome, Ambiguous) and "within 1s" in outcome.reason
    assert len(fake_graph.posts) == 1  # it did arrive: reconciliation's business


def test_drop_after_commit_is_ambiguous_and_find_locates_it(fake_graph: FakeGraph) -> None:
    publisher = make(fake_graph)
    fake_graph.inject("drop_after_commit")
    outcome = publisher.publish(post())
    assert isinstance(outcome, Ambiguous) and "reset" in outcome.reason
    [created] = fake_graph.posts
    found = publisher.find("https://news.example/a", datetime.now(UTC) - timedelta(minutes=1))
    assert found == Found(created.id, f"https://www.facebook.com/1234567890/posts/"
                                      f"{created.id.split('_')[1]}")


def test_connection_refused_is_transient_and_token_free(caplog: pytest.LogCaptureFixture) -> None:
    publisher = FacebookPublisher("fb", page_id="1", access_token="EAAsecretTOKEN",
                                  graph_url=closed_port_url(), timeout=1, clock=lambda: NOW)
    outcome = publisher.publish(post())
    assert isinstance(outcome, Transient) and "connection refused" in outcome.reason
    lookup = publisher.find("https://news.example/a", NOW)  # GET: token in the query string
    assert isinstance(lookup, Transient)
    reason = publisher.check() or ""
    assert "connection refused" in reason
    for text in (outcome.reason, lookup.reason, reason, caplog.text):
        assert "EAAsecretTOKEN" not in text


def test_unknown_code_is_rejected_and_unknown_transient_is_ambiguous(
        fake_graph: FakeGraph) -> None:
    fake_graph.inject(1609005, message="Error posting link")
    assert isinstance(make(fake_graph).publish(post()), Rejected)


# ---- find / check -----------------------------------------------------------------------

def test_find_by_attachment_message_and_normalised_url(fake_graph: FakeGraph) -> None:
    link_post = fake_graph.add_post("Quote", "https://news.example/x?utm_medium=social")
    text_post = fake_graph.add_post("Quote two https://news.example/y/")
    publisher = make(fake_graph)
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert publisher.find("https://news.example/x?utm_medium=social", since) == Found(
        link_post.id, f"https://www.facebook.com/1234567890/posts/{link_post.id.split('_')[1]}")
    found = publisher.find("https://news.example/x", since)
    assert isinstance(found, Found) and found.remote_id == link_post.id
    found = publisher.find("https://news.example/y", since)
    assert isinstance(found, Found) and found.remote_id == text_post.id
    assert publisher.find("https://news.example/z", since) == NotFound()
    assert fake_graph.token_sources[-1] == "query"


def test_find_skips_posts_before_since(fake_graph: FakeGraph) -> None:
    fake_graph.add_post("Old", "https://news.example/a",
                        created_time=datetime.now(UTC) - timedelta(days=1))
    assert make(fake_graph).find("https://news.example/a", datetime.now(UTC)) == NotFound()


def test_find_failures(fake_graph: FakeGraph) -> None:
    since = datetime.now(UTC)
    fake_graph.inject(17, endpoint="GET published_posts")
    assert isinstance(make(fake_graph).find("https://a.example", since), RateLimited)
    fake_graph.inject(190, subcode=463, endpoint="GET published_posts")
    assert isinstance(make(fake_graph).find("https://a.example", since), AuthFailed)
    fake_graph.inject("html_502", endpoint="GET published_posts")
    assert isinstance(make(fake_graph).find("https://a.example", since), Transient)


def test_check_passes_with_a_page_token(fake_graph: FakeGraph) -> None:
    assert make(fake_graph).check() is None
    assert fake_graph.count("GET me") == 1 and fake_graph.count("GET debug_token") == 1


def test_check_names_the_fix(fake_graph: FakeGraph) -> None:
    fake_graph.user_token = "EAAuser"
    assert "not Page 1234567890" in (make(fake_graph, token="EAAuser").check() or "")
    assert "190" in (make(fake_graph, token="EAAbad").check() or "")
    fake_graph.permissions = ["pages_show_list", "pages_read_engagement"]
    assert "lacks pages_manage_posts" in (make(fake_graph).check() or "")


def test_bad_version_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match=r"v26\.0"):
        FacebookPublisher("fb", page_id="1", access_token="t", graph_version="26")


def test_debug_logs_of_the_libraries_carry_no_token(fake_graph: FakeGraph,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    publisher = make(fake_graph)
    assert publisher.check() is None
    assert isinstance(publisher.find("https://a.example", NOW), NotFound)
    assert "access_token=***" in caplog.text  # urllib3 logged the URL, scrubbed
    assert fake_graph.page_token not in caplog.text
