"""MastodonPublisher against the fake Mastodon: real Mastodon.py, real sockets, real keys."""

from __future__ import annotations

import io
import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from syndicator.compose.lengths import mastodon_length
from syndicator.models import Platform, Post
from syndicator.platforms.base import (
    Ambiguous,
    AuthFailed,
    Found,
    NotFound,
    PostKey,
    Published,
    RateLimited,
    Rejected,
    Transient,
)
from syndicator.platforms.mastodon import MastodonPublisher
from syndicator.store import Store

from e2e import closed_port_url

try:
    from fakes import FakeMastodon
except ImportError:  # tests/ became a package
    from tests.fakes import FakeMastodon

LINK = "https://news.example/2026/12/bridge-budget-vote"
TEXT = f"“We will rebuild the bridge.” — Ellen Park\n\nCouncil backs the budget #Local\n{LINK}"
KEY = PostKey(serial=7, created=datetime(2026, 12, 3, 19, 0, tzinfo=UTC), account="m")


def make(fake: FakeMastodon, *, token: str | None = None, timeout: float = 2.0,
         cache: Store | None = None, **kw: object) -> MastodonPublisher:
    return MastodonPublisher("m", instance_url=fake.url, access_token=token or fake.access_token,
                             timeout=timeout, cache=cache, sleep=lambda s: None,
                             **kw)  # type: ignore[arg-type]


def post(text: str = TEXT, **kw: object) -> Post:
    return Post("m", Platform.MASTODON, text, weighted_length=len(text), **kw)  # type: ignore[arg-type]


def card(tmp_path: Path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 675), "#111827").save(buffer, "PNG")
    path = tmp_path / "card.png"
    path.write_bytes(buffer.getvalue())
    return str(path)


# ---- success path -------------------------------------------------------------------------

def test_status_goes_out_with_card_alt_text_language_and_visibility(
        fake_mastodon: FakeMastodon, tmp_path: Path) -> None:
    publisher = make(fake_mastodon, visibility="unlisted", content_warning="News")
    outcome = publisher.publish(post(media=(card(tmp_path),), alt_text="“We will rebuild.” — "
                                     "Ellen Park", language="en-GB"), KEY)
    assert isinstance(outcome, Published)
    [status] = fake_mastodon.statuses
    assert status.text == TEXT and outcome.remote_id == str(status.id)
    assert outcome.url and outcome.url.endswith(str(status.id))
    assert status.visibility == "unlisted" and status.spoiler_text == "News"
    assert status.language == "en" and status.idempotency_key == KEY.token()
    [media_id] = status.media_ids
    assert fake_mastodon.media[str(media_id)].description == "“We will rebuild.” — Ellen Park"
    assert fake_mastodon.count("POST /api/v2/media") == 1  # not the deprecated v1 route


def test_a_resend_with_the_same_key_returns_the_first_status(
        fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.inject("drop_after_commit")
    first = make(fake_mastodon).publish(post(), KEY)
    assert isinstance(first, Ambiguous)  # created, but the answer was lost
    second = make(fake_mastodon).publish(post(), KEY)
    assert isinstance(second, Published)
    assert len(fake_mastodon.statuses) == 1 and second.remote_id == str(
        fake_mastodon.statuses[0].id)


def test_another_delivery_with_the_same_text_is_another_status(
        fake_mastodon: FakeMastodon) -> None:
    publisher = make(fake_mastodon)
    assert isinstance(publisher.publish(post(), KEY), Published)
    assert isinstance(publisher.publish(post(), replace(KEY, serial=8)), Published)
    assert len(fake_mastodon.statuses) == 2


def test_a_card_still_processing_is_waited_for(fake_mastodon: FakeMastodon,
                                               tmp_path: Path) -> None:
    fake_mastodon.media_processing_polls = 2
    outcome = make(fake_mastodon).publish(post(media=(card(tmp_path),), alt_text="A quote"), KEY)
    assert isinstance(outcome, Published)
    assert len(fake_mastodon.statuses[0].media_ids) == 1


def test_a_missing_card_posts_the_text_alone(fake_mastodon: FakeMastodon,
                                             tmp_path: Path) -> None:
    outcome = make(fake_mastodon).publish(post(media=(str(tmp_path / "gone.png"),)), KEY)
    assert isinstance(outcome, Published)
    assert fake_mastodon.statuses[0].media_ids == [] and fake_mastodon.media == {}


# ---- the instance's limit -----------------------------------------------------------------

def test_the_instances_limit_is_read_once_and_kept(fake_mastodon: FakeMastodon,
                                                   tmp_path: Path) -> None:
    fake_mastodon.max_characters = 1000
    cache = Store(tmp_path / "state.db")  # the real state keeps it
    assert make(fake_mastodon, cache=cache).text_limit() == 1000
    calls = fake_mastodon.count("GET /api/v2/instance")
    assert make(fake_mastodon, cache=cache).text_limit() == 1000  # a restart: from the state
    assert fake_mastodon.count("GET /api/v2/instance") == calls == 1


def test_an_unreachable_instance_gives_the_default_limit_and_is_asked_again() -> None:
    publisher = MastodonPublisher("m", instance_url=closed_port_url(),
                                  access_token="t", timeout=1.0)
    assert publisher.text_limit() == 500
    assert publisher._limit is None


def test_a_content_warning_takes_its_length_from_the_limit(fake_mastodon: FakeMastodon) -> None:
    publisher = make(fake_mastodon, content_warning="Politics")
    assert publisher.text_limit() == 500 - len("Politics")
    assert isinstance(publisher.publish(post("x" * 492), KEY), Published)


# ---- failures -----------------------------------------------------------------------------

def test_a_bad_token_pauses_with_the_fix_and_no_secret(fake_mastodon: FakeMastodon) -> None:
    outcome = make(fake_mastodon, token="wrong-token-123").publish(post(), KEY)
    assert isinstance(outcome, AuthFailed) and "write:statuses" in outcome.reason
    assert "wrong-token-123" not in repr(outcome)
    reason = make(fake_mastodon, token="wrong-token-123").check()
    assert reason is not None and reason.startswith("m: Mastodon rejected the access token")


def test_a_token_without_write_scope_is_a_credentials_problem(
        fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.scopes = ("read",)
    outcome = make(fake_mastodon).publish(post(), KEY)
    assert isinstance(outcome, AuthFailed) and "scope" in outcome.reason


def test_too_long_is_rejected_with_mastodons_reason(fake_mastodon: FakeMastodon) -> None:
    outcome = make(fake_mastodon).publish(post("x" * 501), KEY)
    assert isinstance(outcome, Rejected) and "character limit of 500" in outcome.reason


def test_rate_limit_waits_until_the_servers_reset_time(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.inject("rate_limit", reset_in=120)
    before = datetime.now(UTC)
    outcome = make(fake_mastodon, clock=lambda: before).publish(post(), KEY)
    assert isinstance(outcome, RateLimited)
    assert timedelta(seconds=100) < outcome.retry_at - before < timedelta(seconds=140)
    assert fake_mastodon.statuses == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_ambiguous(fake_mastodon: FakeMastodon, status: int) -> None:
    fake_mastodon.inject("server_error", status=status)
    assert isinstance(make(fake_mastodon).publish(post(), KEY), Ambiguous)


def test_nothing_listening_is_transient() -> None:
    publisher = MastodonPublisher("m", instance_url=closed_port_url(),
                                  access_token="t", timeout=1.0)
    assert isinstance(publisher.publish(post(), KEY), Transient)


def test_a_dripping_answer_is_cut_at_the_deadline_and_reconciled(
        fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.inject("drip_after_commit", interval=0.3)
    started = time.monotonic()
    outcome = make(fake_mastodon, timeout=1.0).publish(post(), KEY)
    assert isinstance(outcome, Ambiguous) and time.monotonic() - started < 4
    found = make(fake_mastodon).find(LINK, datetime.now(UTC) - timedelta(minutes=1))
    assert isinstance(found, Found) and found.remote_id == str(fake_mastodon.statuses[0].id)


# ---- reconciliation -----------------------------------------------------------------------

def test_find_by_link_then_by_text(fake_mastodon: FakeMastodon) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    publisher = make(fake_mastodon)
    assert isinstance(publisher.find(LINK, since), NotFound)
    fake_mastodon.add_status("Something else entirely")
    make(fake_mastodon).publish(post(), KEY)
    assert isinstance(publisher.find(LINK + "?utm_source=x", since), Found)  # same article
    plain = "“A quote with no link at all.” — Ellen Park"
    fake_mastodon.add_status(plain)
    found = publisher.find("https://elsewhere.example/none", since, plain)
    assert isinstance(found, Found)


def test_find_stops_at_posts_older_than_the_send(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.add_status(TEXT, created_at=datetime.now(UTC) - timedelta(days=2))
    found = make(fake_mastodon).find(LINK, datetime.now(UTC) - timedelta(minutes=1))
    assert isinstance(found, NotFound)


def test_check_passes_with_a_good_token(fake_mastodon: FakeMastodon) -> None:
    assert make(fake_mastodon).check() is None


def test_the_upload_throttle_pauses_the_account_and_posts_nothing(
        fake_mastodon: FakeMastodon, tmp_path: Path) -> None:
    fake_mastodon.media_rate_limit = (1, 1800)  # Mastodon: 30 uploads per 30 minutes
    publisher = make(fake_mastodon)
    assert isinstance(publisher.publish(post(media=(card(tmp_path),)), KEY), Published)
    outcome = publisher.publish(post("Next", media=(card(tmp_path),)), replace(KEY, serial=8))
    assert isinstance(outcome, RateLimited)
    # the end of the server's 30-minute upload window
    assert datetime.now(UTC) < outcome.retry_at <= datetime.now(UTC) + timedelta(minutes=30)
    assert len(fake_mastodon.statuses) == 1


# ---- review findings ----------------------------------------------------------------------

def test_a_non_ascii_account_name_still_sends_an_ascii_key(fake_mastodon: FakeMastodon) -> None:
    publisher = MastodonPublisher("新闻", instance_url=fake_mastodon.url,
                                  access_token=fake_mastodon.access_token, timeout=2.0)
    key = replace(KEY, account="新闻")
    assert isinstance(publisher.publish(post(), key), Published)
    assert fake_mastodon.statuses[0].idempotency_key == key.token() and key.token().isascii()


def test_404_is_a_credentials_pause_naming_instance_url(fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.inject("not_found")
    outcome = make(fake_mastodon).publish(post(), KEY)
    assert isinstance(outcome, AuthFailed) and "instance_url" in outcome.reason


def test_unreadable_rate_limit_headers_on_a_success_are_not_a_rate_limit(
        fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch) -> None:
    # Mastodon.py raises its rate-limit error on a 2xx whose Reset it cannot parse: the
    # status exists, so "nothing was created" would be a lie
    original = fake_mastodon._rate_headers
    monkeypatch.setattr(fake_mastodon, "_rate_headers", lambda *a: [
        (k, "soon") if k == "X-RateLimit-Reset" else (k, v) for k, v in original(*a)])
    outcome = make(fake_mastodon).publish(post(), KEY)
    assert isinstance(outcome, Ambiguous) and len(fake_mastodon.statuses) == 1


def test_a_lookup_that_runs_out_of_pages_is_not_a_not_found(
        fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch) -> None:
    from syndicator.platforms import mastodon as mastodon_module

    monkeypatch.setattr(mastodon_module, "LOOKUP_PAGES", 2)
    for n in range(100):  # 100 statuses since the send: more than 2 pages of 40
        fake_mastodon.add_status(f"Other news {n}")
    outcome = make(fake_mastodon).find(LINK, datetime.now(UTC) - timedelta(minutes=1))
    assert isinstance(outcome, Transient)  # not NotFound: that would resend


def test_an_unreachable_instance_is_not_asked_at_every_article(
        fake_mastodon: FakeMastodon) -> None:
    now = [datetime.now(UTC)]
    publisher = make(fake_mastodon, clock=lambda: now[0])
    fake_mastodon.max_characters = 1000
    fake_mastodon.inject("server_error", status=503, endpoint="GET /api/v2/instance")
    assert publisher.text_limit() == 500
    assert publisher.text_limit() == 500
    assert fake_mastodon.count("GET /api/v2/instance") == 1
    now[0] += timedelta(minutes=6)
    assert publisher.text_limit() == 1000


def test_a_limit_kept_for_another_server_is_read_again(fake_mastodon: FakeMastodon,
                                                       tmp_path: Path) -> None:
    state = Store(tmp_path / "state.db")
    state.cache("m", "mastodon.limits", json.dumps(
        {"instance": "https://old.example", "max_characters": 5000,
         "read_at": datetime.now(UTC).isoformat()}))
    assert make(fake_mastodon, cache=state).text_limit() == 500


def test_a_configured_max_length_above_the_servers_is_capped(
        tmp_path: Path, feed_server, fake_x, fake_graph, fake_mastodon: FakeMastodon) -> None:
    from syndicator.app import build_app
    from syndicator.config import load_config

    from e2e import write_config

    fake_mastodon.max_characters = 300
    title = "The council backs the bridge budget after a nine-hour meeting " * 7  # 434
    feed_server.add_item("/feed", title.strip(), "https://n.example/2026/12/bridge/",
                         published=datetime.now(UTC))
    config, env = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                               fake_x=fake_x, fake_graph=fake_graph,
                               fake_mastodon=fake_mastodon, backfill=1,
                               extra_mastodon="    max_length: 1000")
    app = build_app(load_config(config, environ=env))
    app.pipeline.poll(app.config.feed("news"))
    results = {r.delivery.account: r.status for r in app.pipeline.publish_due()}
    app.close()
    assert results["mastodon"] == "sent"
    [status] = fake_mastodon.statuses
    assert 200 < mastodon_length(status.text) <= 300


def test_a_url_ending_where_mastodons_pattern_stops_is_counted_with_its_tail() -> None:
    assert mastodon_length("https://news.example.com/a?q=") == 23 + 1
    assert mastodon_length("https://news.example.com/a?q=1") == 23
