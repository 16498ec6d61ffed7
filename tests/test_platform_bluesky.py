"""BlueskyPublisher against the fake PDS: the real atproto SDK over our requests transport."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from syndicator.compose import short_link
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
from syndicator.platforms.bluesky import BlueskyPublisher, facets_for
from syndicator.store import Store

from e2e import closed_port_url

try:
    from fakes import FakeBluesky
except ImportError:  # tests/ became a package
    from tests.fakes import FakeBluesky

LINK = "https://news.example/2026/12/bridge-budget-vote?utm_source=bluesky"
TEXT = (f"“Nous reconstruirons le pont.” — Élise Park\n\nLe conseil vote le budget #Pont "
        f"#Budget\n{short_link(LINK)}")
KEY = PostKey(serial=7, created=datetime(2026, 12, 3, 19, 0, tzinfo=UTC), account="b")


def make(fake: FakeBluesky, *, password: str | None = None, timeout: float = 2.0,
         cache: Store | None = None) -> BlueskyPublisher:
    return BlueskyPublisher("b", handle=fake.handle,
                            app_password=password or str(fake.app_password),
                            pds_url=fake.url, timeout=timeout, cache=cache)


def post(text: str = TEXT, **kw: object) -> Post:
    fields: dict[str, object] = {"link": LINK, "link_title": "Le conseil vote le budget",
                                 "link_description": "Sept voix contre deux.",
                                 "language": "fr"}
    fields.update(kw)
    return Post("b", Platform.BLUESKY, text, weighted_length=len(text),
                **fields)  # type: ignore[arg-type]


def card(tmp_path: Path, size: tuple[int, int] = (1200, 630)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#111827").save(buffer, "PNG")
    path = tmp_path / "card.png"
    path.write_bytes(buffer.getvalue())
    return str(path)


# ---- success path -------------------------------------------------------------------------

def test_post_with_facets_link_card_thumbnail_and_language(fake_bluesky: FakeBluesky,
                                                           tmp_path: Path) -> None:
    outcome = make(fake_bluesky).publish(post(media=(card(tmp_path),)), KEY)
    assert isinstance(outcome, Published)
    [created] = fake_bluesky.posts
    assert created.text == TEXT and created.rkey == KEY.tid()
    assert outcome.remote_id == created.uri
    assert outcome.url == f"https://bsky.app/profile/{fake_bluesky.handle}/post/{KEY.tid()}"
    assert created.record["langs"] == ["fr"]
    # facets slice the right text in UTF-8 bytes (the text has é and curly quotes before them)
    slices = {text: feature for text, feature in created.facet_slices()}
    assert slices[short_link(LINK)]["uri"] == LINK
    assert slices["#Pont"]["tag"] == "Pont" and slices["#Budget"]["tag"] == "Budget"
    assert created.facet_problems == []
    external = (created.embed or {})["external"]
    assert external["uri"] == LINK and external["title"] == "Le conseil vote le budget"
    assert external["description"] == "Sept voix contre deux."
    thumb_cid = external["thumb"]["ref"]["$link"]
    assert fake_bluesky.blobs[thumb_cid].mime_type == "image/png"


def test_the_session_is_kept_in_the_state_and_reused(fake_bluesky: FakeBluesky,
                                                     tmp_path: Path) -> None:
    cache = Store(tmp_path / "state.db")  # the real state keeps it
    assert isinstance(make(fake_bluesky, cache=cache).publish(post(), KEY), Published)
    assert cache.cached("b", "bluesky.session")
    again = make(fake_bluesky, cache=cache)  # a restart
    assert isinstance(again.publish(post("Another post"), replace(KEY, serial=8)), Published)
    assert fake_bluesky.sessions_created == 1 and len(fake_bluesky.posts) == 2


def test_an_expired_session_is_made_again_and_the_post_goes_out(
        fake_bluesky: FakeBluesky, tmp_path: Path) -> None:
    cache = Store(tmp_path / "state.db")  # the real state keeps it
    make(fake_bluesky, cache=cache).publish(post(), KEY)
    fake_bluesky.advance(3 * 3600)  # the kept access token has expired on the server
    fake_bluesky.revoke_sessions()  # and its refresh token was revoked
    outcome = make(fake_bluesky, cache=cache).publish(post("Next"), replace(KEY, serial=8))
    assert isinstance(outcome, Published)
    assert fake_bluesky.sessions_created == 2 and len(fake_bluesky.posts) == 2


def test_a_resend_after_a_lost_answer_never_makes_a_second_post(
        fake_bluesky: FakeBluesky) -> None:
    fake_bluesky.inject("drop_after_commit")
    fake_bluesky.inject("server_error", status=503, endpoint="com.atproto.repo.getRecord")
    first = make(fake_bluesky).publish(post(), KEY)
    assert isinstance(first, Ambiguous)  # created, the answer lost, the read-back failed
    second = make(fake_bluesky).publish(post(), KEY)  # the key is taken: a bare 500
    assert isinstance(second, Published)  # ... and the record at our key is read back
    assert len(fake_bluesky.posts) == 1 and second.remote_id == fake_bluesky.posts[0].uri


def test_a_lost_answer_is_settled_at_once_by_reading_the_key(fake_bluesky: FakeBluesky) -> None:
    fake_bluesky.inject("drop_after_commit")
    outcome = make(fake_bluesky).publish(post(), KEY)
    assert isinstance(outcome, Published) and outcome.remote_id == fake_bluesky.posts[0].uri


def test_an_oversized_card_posts_without_a_thumbnail(fake_bluesky: FakeBluesky,
                                                     tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 1_100_000)
    outcome = make(fake_bluesky).publish(post(media=(str(big),)), KEY)
    assert isinstance(outcome, Published)
    assert "thumb" not in (fake_bluesky.posts[0].embed or {})["external"]
    assert fake_bluesky.blobs == {}


def test_facets_count_bytes_not_characters() -> None:
    url = "https://news.example/2026/12/bridge-vote"
    assert short_link(url) == "news.example/2026/12/brid…"
    text = f"Ça coûte 👩🏽‍🚀 #Pont {short_link(url)}"
    facets = facets_for(text, url)
    raw = text.encode()
    spans = {raw[f.index.byte_start:f.index.byte_end].decode(): f for f in facets}
    assert set(spans) == {"#Pont", "news.example/2026/12/brid…"}
    assert spans["news.example/2026/12/brid…"].features[0].uri == url


# ---- failures -----------------------------------------------------------------------------

def test_a_wrong_app_password_pauses_with_the_fix_and_no_secret(
        fake_bluesky: FakeBluesky) -> None:
    outcome = make(fake_bluesky, password="abcd-efgh-ijkl-mnop").publish(post(), KEY)
    assert isinstance(outcome, AuthFailed) and "app password" in outcome.reason
    assert "abcd-efgh-ijkl-mnop" not in repr(outcome)
    reason = make(fake_bluesky, password="abcd-efgh-ijkl-mnop").check()
    assert reason is not None and reason.startswith("b: Bluesky rejected")
    assert make(fake_bluesky).check() is None


def test_too_long_is_rejected_with_the_services_reason(fake_bluesky: FakeBluesky) -> None:
    outcome = make(fake_bluesky).publish(post("x" * 301, link=None), KEY)
    assert isinstance(outcome, Rejected) and "grapheme" in outcome.reason
    assert fake_bluesky.posts == []


def test_rate_limit_waits_until_the_reset(fake_bluesky: FakeBluesky) -> None:
    now = datetime.now(UTC)
    fake_bluesky.inject("rate_limit", reset=int(now.timestamp()) + 300)
    outcome = make(fake_bluesky).publish(post(), KEY)
    assert isinstance(outcome, RateLimited)
    assert timedelta(seconds=250) < outcome.retry_at - now < timedelta(seconds=350)


@pytest.mark.parametrize(("kind", "status"), [("server_error", 503), ("proxy_error", 502)])
def test_server_errors_without_a_record_stay_ambiguous(fake_bluesky: FakeBluesky, kind: str,
                                                       status: int) -> None:
    fake_bluesky.inject(kind, status=status)
    assert isinstance(make(fake_bluesky).publish(post(), KEY), Ambiguous)
    assert fake_bluesky.posts == []


def test_nothing_listening_is_transient() -> None:
    publisher = BlueskyPublisher("b", handle="a.bsky.social", app_password="p",
                                 pds_url=closed_port_url(), timeout=1.0)
    assert isinstance(publisher.publish(post(), KEY), Transient)


def test_a_dripping_answer_is_cut_at_the_deadline_and_found(fake_bluesky: FakeBluesky) -> None:
    publisher = make(fake_bluesky, timeout=1.0)
    assert publisher.check() is None  # signed in before the drip
    fake_bluesky.inject("drip_after_commit", interval=0.3)
    started = time.monotonic()
    outcome = publisher.publish(post(), KEY)
    assert time.monotonic() - started < 4
    # cut off, then the record at our key was read back: it is there
    assert isinstance(outcome, Published) and outcome.remote_id == fake_bluesky.posts[0].uri
    found = make(fake_bluesky).find(LINK, datetime.now(UTC) - timedelta(minutes=1))
    assert isinstance(found, Found) and found.remote_id == fake_bluesky.posts[0].uri
    assert len(fake_bluesky.posts) == 1


# ---- reconciliation -----------------------------------------------------------------------

def test_find_by_link_then_by_text(fake_bluesky: FakeBluesky) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    publisher = make(fake_bluesky)
    assert isinstance(publisher.find(LINK, since), NotFound)
    fake_bluesky.add_post("Something else")
    publisher.publish(post(), KEY)
    assert isinstance(publisher.find("https://news.example/2026/12/bridge-budget-vote", since),
                      Found)  # the same article without tracking parameters
    fake_bluesky.add_post("A post with no link")
    assert isinstance(publisher.find("https://elsewhere.example/x", since,
                                     "A post with no link"), Found)


# ---- review findings ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["server_error", "hang"])
def test_a_failed_sign_in_is_transient_and_posts_nothing(fake_bluesky: FakeBluesky,
                                                         kind: str) -> None:
    fake_bluesky.inject(kind, endpoint="com.atproto.server.createSession", status=503,
                        seconds=3)
    outcome = make(fake_bluesky, timeout=1.0).publish(post(), KEY)
    assert isinstance(outcome, Transient) and "nothing was posted" in outcome.reason
    assert fake_bluesky.posts == []


def test_a_kept_session_is_not_used_for_another_handle_or_server(
        fake_bluesky: FakeBluesky, tmp_path: Path) -> None:
    state = Store(tmp_path / "state.db")
    assert isinstance(make(fake_bluesky, cache=state).publish(post(), KEY), Published)
    with FakeBluesky(handle="other.bsky.social", did="did:plc:otheraccount0000000000",
                     app_password="abcd-efgh-ijkl-mnop") as other:
        moved = make(other, cache=state)  # the operator moved the account name
        assert isinstance(moved.publish(post("On the new account"), replace(KEY, serial=9)),
                          Published)
        assert [p.text for p in other.posts] == ["On the new account"]
    assert len(fake_bluesky.posts) == 1


def test_a_refused_card_posts_without_a_thumbnail(tmp_path: Path) -> None:
    with FakeBluesky(blob_limit=1000) as fake:  # the upload is refused (413)
        outcome = make(fake).publish(post(media=(card(tmp_path),)), KEY)
        assert isinstance(outcome, Published)
        assert "thumb" not in (fake.posts[0].embed or {})["external"]


def test_a_taken_down_account_is_a_credentials_pause(fake_bluesky: FakeBluesky) -> None:
    make(fake_bluesky).check()
    fake_bluesky.inject("takedown")
    outcome = make(fake_bluesky).publish(post(), KEY)
    assert isinstance(outcome, AuthFailed) and "AccountTakedown" in outcome.reason


def test_find_asks_for_the_record_at_the_key_first(fake_bluesky: FakeBluesky) -> None:
    publisher = make(fake_bluesky)
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert isinstance(publisher.find("https://x.example/none", since, None, KEY), NotFound)
    publisher.publish(post(), KEY)
    listed = fake_bluesky.count("com.atproto.repo.listRecords")
    found = publisher.find("https://x.example/none", since, None, KEY)
    assert isinstance(found, Found) and found.remote_id == fake_bluesky.posts[0].uri
    assert fake_bluesky.count("com.atproto.repo.listRecords") == listed  # no listing needed
