"""Feed filters: an editor's include/exclude rules, applied before anything is queued."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from syndicator.cli import cli
from syndicator.errors import ConfigError
from syndicator.filters import FeedFilter
from syndicator.models import Article

from e2e import write_config


def article(title: str = "Council backs the bridge budget", **kw: object) -> Article:
    fields: dict[str, object] = {"id": "1", "feed": "f", "title": title,
                                 "link": "https://n.example/a/"}
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def test_keywords_match_whole_words_in_any_case() -> None:
    rules = FeedFilter.build("f", exclude=["sponsored"])
    assert rules.left_out(article("SPONSORED: the best kettles")) == "excluded by 'sponsored'"
    assert rules.left_out(article("Unsponsored research wins a prize")) is None
    assert rules.left_out(article(), "This post is sponsored by a bank.") is not None


def test_patterns_between_slashes_are_regular_expressions() -> None:
    rules = FeedFilter.build("f", exclude=["/^(advert|promo)\\b/"])
    assert rules.left_out(article("Promo: cheap flights")) is not None
    assert rules.left_out(article("A promo nobody wanted")) is None


def test_include_rules_must_match_and_exclude_wins() -> None:
    rules = FeedFilter.build("f", include=["bridge", "council"], exclude=["budget"])
    assert rules.left_out(article("Storm closes the road")) == \
        "matches none of 'bridge', 'council'"
    assert rules.left_out(article("Bridge reopens")) is None
    assert rules.left_out(article()) == "excluded by 'budget'"


def test_categories_and_authors_match_whole_in_any_case() -> None:
    rules = FeedFilter.build("f", exclude_categories=["obituaries"],
                             include_authors=["Ellen Park"])
    assert rules.left_out(article(categories=("Obituaries",), author="Ellen Park")) == \
        "excluded category 'obituaries'"
    assert rules.left_out(article(author="ellen park")) is None
    assert rules.left_out(article(author="Someone Else")) is not None
    assert rules.left_out(article()) == "author 'unknown' is not among those included"
    only_local = FeedFilter.build("f", include_categories=["Local"])
    assert only_local.left_out(article(categories=("World",))) is not None
    assert only_local.left_out(article(categories=("local", "World"))) is None


def test_a_pattern_that_runs_away_on_a_strangers_text_does_not_stall() -> None:
    rules = FeedFilter.build("f", exclude=["/(a+)+$/"])
    started = time.monotonic()
    assert rules.left_out(article(), "a" * 40 + "!") is None  # gave up: no match
    assert time.monotonic() - started < 1


def test_a_bad_pattern_is_a_clear_config_error() -> None:
    with pytest.raises(ConfigError, match=r"feed news: filter: '/\(unclosed/' is not a valid"):
        FeedFilter.build("news", include=["/(unclosed/"])


def test_filtered_items_are_seen_but_never_posted_and_preview_says_why(
        tmp_path, feed_server, fake_x, fake_graph) -> None:
    now = datetime.now(UTC)
    feed_server.add_item("/feed", "Sponsored: the best kettles", "https://n.example/ad/",
                         published=now)
    feed_server.add_item("/feed", "Bridge to be rebuilt", "https://n.example/bridge/",
                         published=now)
    config, env = write_config(
        tmp_path, feed_url=feed_server.feed_url("/feed"), fake_x=fake_x,
        fake_graph=fake_graph, backfill=5,
        extra_feed="    filter: {exclude: [sponsored]}")
    runner = CliRunner()
    preview = runner.invoke(cli, ["--config", str(config), "preview", "--feed", "news",
                                  "--json"], env=env, catch_exceptions=False)
    assert preview.exit_code == 0, preview.output
    items = {i["title"]: i for i in json.loads(preview.stdout)["items"]}
    assert items["Sponsored: the best kettles"]["left_out"] == "excluded by 'sponsored'"
    assert items["Sponsored: the best kettles"]["posts"] == []
    assert items["Bridge to be rebuilt"]["left_out"] is None
    result = runner.invoke(cli, ["--config", str(config), "now"], env=env,
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [t.text.splitlines()[0] for t in fake_x.posts] == ["Bridge to be rebuilt"]
    assert len(fake_graph.posts) == 1
    # seen: a later change of rules does not post it as new
    again = runner.invoke(cli, ["--config", str(config), "now"], env=env)
    assert again.exit_code == 0 and len(fake_x.posts) == 1


def test_check_refuses_a_bad_pattern(tmp_path, feed_server, fake_x, fake_graph) -> None:
    config, env = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                               fake_x=fake_x, fake_graph=fake_graph,
                               extra_feed="    filter: {include: ['/[unclosed/']}")
    result = CliRunner().invoke(cli, ["--config", str(config), "check"], env=env)
    assert result.exit_code == 2 and "not a valid pattern" in result.output
