"""The poll use case end to end over real HTTP and a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.compose import ComposeSettings
from syndicator.config import FeedConfig
from syndicator.models import Platform
from syndicator.pipeline import AccountSetup, Pipeline
from syndicator.platforms.dryrun import DryRunPublisher
from syndicator.store import Store

from e2e import run_cli, syndicate_env, write_config
from fakes import FeedItem

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
        "Mayor Ellen Park said on Monday.</p><p>Follow HYPELINE on Facebook and Twitter</p>")


def item(n: int, *, age: timedelta, guid: str | None = None,
         now: datetime = NOW) -> FeedItem:
    """An item ``age`` old on the clock the code under test reads (fixed unless a real
    process runs it)."""
    return FeedItem(title=f"Story {n}", link=f"https://news.example/{n}/",
                    guid=guid or f"guid-{n}", content_html=BODY, published=now - age)


@pytest.fixture
def pipeline(tmp_path: Path):
    store = Store(tmp_path / "state.db")
    accounts = {"x": AccountSetup("x", ComposeSettings(platform=Platform.TWITTER)),
                "fb": AccountSetup("fb", ComposeSettings(platform=Platform.FACEBOOK))}
    publishers = {"x": DryRunPublisher("x"), "fb": DryRunPublisher("fb")}
    yield Pipeline(store, accounts=accounts, publishers=publishers, clock=lambda: NOW)
    store.close()


def feed(url: str, **fields) -> FeedConfig:
    return FeedConfig(name="news", url=url, post_to=("x", "fb"), fetch_article="never",
                      **fields)


def test_first_poll_posts_only_backfill_newest_and_never_older_than_max_age(
        pipeline: Pipeline, feed_server) -> None:
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1)),
                                          item(2, age=timedelta(hours=2)),
                                          item(3, age=timedelta(hours=3)),
                                          item(4, age=timedelta(days=5))])
    result = pipeline.poll(feed(url, backfill=2, max_age=timedelta(hours=48)))
    assert (result.items, result.new, result.queued) == (4, 4, 4)
    assert [a.title for a, _ in result.posts] == ["Story 1", "Story 2"]
    # the rest are remembered as seen: nothing of them is ever posted
    feed_server.add_item("/feed", "Story 5", "https://news.example/5/", guid="guid-5",
                         content_html=BODY, published=NOW - timedelta(minutes=5))
    feed_server.add_item("/feed", "Story 0", "https://news.example/0/", guid="guid-0",
                         content_html=BODY, published=NOW - timedelta(days=3))
    second = pipeline.poll(feed(url, backfill=2, max_age=timedelta(hours=48)))
    assert second.new == 2
    assert [a.title for a, _ in second.posts] == ["Story 5"]  # Story 0 is too old


def test_second_poll_gets_304_and_does_no_work(pipeline: Pipeline, feed_server,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1))])
    pipeline.poll(feed(url))

    def must_not_parse(*args, **kwargs):
        raise AssertionError("a 304 must not be parsed")

    monkeypatch.setattr("syndicator.pipeline.parse_feed", must_not_parse)
    result = pipeline.poll(feed(url))
    assert result.status == "not_modified"
    assert feed_server.not_modified["/feed"] == 1


def test_changed_guid_with_same_link_is_not_posted_again(pipeline: Pipeline,
                                                         feed_server) -> None:
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1))])
    assert pipeline.poll(feed(url, backfill=1)).queued == 2
    feed_server.set_items("/feed", [item(1, age=timedelta(hours=1), guid="a-new-guid")])
    result = pipeline.poll(feed(url, backfill=1))
    assert (result.new, result.queued) == (0, 0)


def test_guidless_entries_are_tracked_by_link(pipeline: Pipeline, feed_server) -> None:
    xml = ("<rss version='2.0'><channel><title>t</title>"
           "<item><title>No guid</title><link>https://news.example/a/</link>"
           f"<description>{BODY.replace('<', '&lt;')}</description></item></channel></rss>")
    url = feed_server.set_feed("/feed", xml, etag=False, last_modified=False)
    assert pipeline.poll(feed(url, backfill=1, max_age=None)).queued == 2
    assert pipeline.poll(feed(url, backfill=1, max_age=None)).new == 0


def test_failed_feed_is_an_error_for_that_feed_only(pipeline: Pipeline, feed_server) -> None:
    good = feed_server.set_items("/good", [item(1, age=timedelta(hours=1))])
    feed_server.set_feed("/bad", "<html><body>not a feed</body></html>",
                         content_type="text/html")
    bad_result = pipeline.poll(FeedConfig(name="bad", url=feed_server.feed_url("/bad"),
                                          post_to=("x",)))
    assert bad_result.status == "error" and "not an RSS or Atom feed" in bad_result.error
    assert pipeline.store.feed_state("bad").consecutive_failures == 1
    assert pipeline.poll(feed(good, backfill=1)).status == "ok"


def test_posts_never_carry_site_boilerplate(pipeline: Pipeline, feed_server) -> None:
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1))])
    result = pipeline.poll(feed(url, backfill=1))
    [(_, posts)] = result.posts
    for post in posts:
        assert "Follow HYPELINE" not in post.text
        assert "“We will rebuild the bridge before the winter, whatever it costs the city" \
            in post.text


def test_dry_run_touches_no_api_and_no_state(tmp_path: Path, feed_server, fake_x,
                                             fake_graph) -> None:
    # the CLI runs in its own process on the real clock: date the item by that clock
    feed_server.set_items("/feed", [item(1, age=timedelta(minutes=1), now=datetime.now(UTC))])
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, backfill=1)
    done = run_cli("--config", str(config), "now", "--dry-run", env=syndicate_env(secrets))
    assert done.returncode == 0, done.stderr
    assert "would post" in done.stdout
    assert fake_x.calls == [] and fake_graph.calls == []
    assert not (tmp_path / "state" / "syndicator.db").exists()


def test_an_article_that_fails_to_build_is_retried_not_lost(pipeline: Pipeline, feed_server,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1)),
                                          item(2, age=timedelta(hours=2))])
    real = Pipeline.build_posts

    def flaky(self, article, feed_config, *, site=None):
        if article.title == "Story 1":
            raise RuntimeError("a bug in composition")
        return real(self, article, feed_config, site=site)

    monkeypatch.setattr(Pipeline, "build_posts", flaky)
    first = pipeline.poll(feed(url, backfill=2))
    assert (first.status, first.queued) == ("ok", 2)  # story 2 is not held back
    assert "1 article(s) could not be built" in (first.warning or "")
    monkeypatch.setattr(Pipeline, "build_posts", real)
    second = pipeline.poll(feed(url, backfill=2))  # no 304: the feed is read again
    assert (second.status, second.new, second.queued) == ("ok", 1, 2)
    assert [a.title for a, _ in second.posts] == ["Story 1"]


def test_one_accounts_failure_does_not_starve_the_others(pipeline: Pipeline,
                                                         feed_server) -> None:
    class Broken(DryRunPublisher):
        def publish(self, post, key=None):
            raise RuntimeError("a bug in one publisher")

    pipeline.outbox.publishers = {"x": Broken("x"), "fb": pipeline.publishers["fb"]}
    url = feed_server.set_items("/feed", [item(1, age=timedelta(hours=1))])
    pipeline.poll(feed(url, backfill=1))
    results = pipeline.publish_due()
    assert [(r.delivery.account, r.status) for r in results] == [("fb", "sent")]
    assert pipeline.store.counts() == {"sending": 1, "sent": 1}  # x's is recovered later
