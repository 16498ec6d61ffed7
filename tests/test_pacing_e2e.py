"""Pacing through the real pipeline and store with a controlled clock: a burst trickles
out oldest first, and quiet hours hold across a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicator.compose import ComposeSettings
from syndicator.config import FeedConfig
from syndicator.models import Article, Platform, Post
from syndicator.pacing import Pacing
from syndicator.pipeline import AccountSetup, Pipeline
from syndicator.platforms.dryrun import DryRunPublisher
from syndicator.store import NewArticle, Store

from fakes import FeedItem

BODY = "<p>“We will rebuild the bridge before winter,” Mayor Ellen Park said on Monday.</p>"


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def pipeline_for(tmp_path: Path, clock: Clock, pacing: Pacing) -> tuple[Pipeline, DryRunPublisher]:
    publisher = DryRunPublisher("x")
    accounts = {"x": AccountSetup("x", ComposeSettings(platform=Platform.TWITTER),
                                  pacing=pacing)}
    return Pipeline(Store(tmp_path / "state.db"), accounts=accounts,
                    publishers={"x": publisher}, clock=clock), publisher


def drain(pipeline: Pipeline, clock: Clock, *, until: datetime,
          step: timedelta) -> list[tuple[datetime, str]]:
    sent = []
    while clock.now <= until:
        for result in pipeline.publish_due():
            assert result.status == "sent"
            sent.append((clock.now, result.delivery.article_title))
        clock.now += step
    return sent


def test_a_burst_of_30_trickles_out_oldest_first_over_five_hours(tmp_path, feed_server) -> None:
    t0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    clock = Clock(t0)
    pipeline, _ = pipeline_for(tmp_path, clock, Pacing(spacing=timedelta(minutes=10)))
    feed = FeedConfig(name="news", url=feed_server.feed_url("/feed"), post_to=("x",),
                      fetch_article="never")
    feed_server.set_items("/feed", [])
    assert pipeline.poll(feed).status == "ok"  # first poll: nothing to post
    items = [FeedItem(f"Story {n:02d}", f"https://n.example/{n}/", content_html=BODY,
                      published=t0 - timedelta(minutes=60 - n)) for n in range(30)]
    feed_server.set_items("/feed", list(reversed(items)))  # a feed lists newest first
    assert pipeline.poll(feed).queued == 30

    sent = drain(pipeline, clock, until=t0 + timedelta(hours=6), step=timedelta(minutes=1))
    assert [title for _, title in sent] == [f"Story {n:02d}" for n in range(30)]
    gaps = [b - a for (a, _), (b, _) in pairwise(sent)]
    assert min(gaps) >= timedelta(minutes=10)
    assert timedelta(hours=4, minutes=50) <= sent[-1][0] - sent[0][0] <= timedelta(hours=5)


def test_quiet_hours_hold_across_the_spring_forward_night(tmp_path) -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 28, 22, 30, tzinfo=london)  # the clocks go forward at 01:00
    clock = Clock(start.astimezone(UTC))
    pacing = Pacing(spacing=timedelta(minutes=10), timezone="Europe/London",
                    quiet_hours=(time(23, 0), time(7, 0)))
    pipeline, publisher = pipeline_for(tmp_path, clock, pacing)
    new = [NewArticle(Article(id=f"g{n}", feed="news", title=f"Story {n}",
                              link=f"https://n.example/{n}/",
                              published=clock.now - timedelta(minutes=10 - n)),
                      [Post(account="x", platform=Platform.TWITTER, text=f"Story {n}",
                            weighted_length=7)]) for n in range(10)]
    pipeline.store.save_poll("news", "https://n.example/feed", etag=None, last_modified=None,
                             items=10, new=new, now=clock.now)

    sent = drain(pipeline, clock, until=datetime(2026, 3, 29, 9, 0, tzinfo=london),
                 step=timedelta(minutes=5))
    local = [moment.astimezone(london) for moment, _ in sent]
    before = [t for t in local if t.date() == start.date()]
    after = [t for t in local if t.date() != start.date()]
    assert [t.strftime("%H:%M") for t in before] == ["22:30", "22:40", "22:50"]
    assert all(time(7, 0) <= t.time() for t in after)
    assert after[0].strftime("%H:%M %Z") == "07:00 BST"  # 06:00 UTC, after the change
    assert len(sent) == 10 and len(publisher.posts) == 10
