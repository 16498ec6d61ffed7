"""A PostgreSQL state end to end: `syndicate migrate --to` moves an SQLite state over and
refuses a database that has one; several daemons on one database share the feeds and
accounts, and every article goes out once on every account."""

from __future__ import annotations

import itertools
import json
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

from syndicator.store import Store

from e2e import run_cli, start_daemon, stop, syndicate_env, wait_for, write_config


def _use_database(config: Path, url: str) -> None:
    text = config.read_text().replace("state: state/syndicator.db", f"state: {url}")
    config.write_text(text)


def test_migrate_moves_the_state_and_the_next_run_posts_nothing_again(
        tmp_path, feed_server, fake_x, fake_graph, pg_url) -> None:
    feed_server.add_item("/feed", "Bridge to be rebuilt", "https://n.example/bridge/",
                         published=datetime.now(UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, backfill=1)
    env = syndicate_env(secrets)
    assert run_cli("--config", str(config), "now", env=env).returncode == 0
    assert (len(fake_x.posts), len(fake_graph.posts)) == (1, 1)

    moved = run_cli("--config", str(config), "migrate", "--to", pg_url, env=env)
    assert moved.returncode == 0, moved.stderr
    assert "2 deliveries" in moved.stdout and "1 articles" in moved.stdout
    again = run_cli("--config", str(config), "migrate", "--to", pg_url, env=env)
    assert again.returncode == 2 and "already holds a syndicator state" in again.stderr

    _use_database(config, pg_url)
    assert run_cli("--config", str(config), "now", env=env).returncode == 0
    assert (len(fake_x.posts), len(fake_graph.posts)) == (1, 1)  # nothing posted twice
    status = run_cli("--config", str(config), "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["outbox"] == {"sent": 2}


def test_a_databases_password_never_shows(tmp_path, feed_server, fake_x, fake_graph,
                                          postgres) -> None:
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph)
    _use_database(config, "postgresql://syndicator:${PGPASS}@127.0.0.1:1/none"
                          "?connect_timeout=1")
    env = syndicate_env({**secrets, "PGPASS": "pw-never-printed"})
    for command in (["status"], ["now"], ["config", "show"]):
        result = run_cli("--config", str(config), *command, env=env)
        assert "pw-never-printed" not in result.stdout + result.stderr, command
    result = run_cli("--config", str(config), "status", env=env)
    assert result.returncode == 2 and "is unavailable" in result.stderr
    assert "syndicator:***@127.0.0.1:1" in result.stderr


def test_three_daemons_on_one_database_post_each_article_once(
        tmp_path, feed_server, fake_x, fake_graph, pg_url) -> None:
    feed_server.add_item("/feed", "Old story", "https://n.example/old/",
                         published=datetime.now(UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, every="4s")
    _use_database(config, pg_url)
    env = syndicate_env(secrets)
    assert run_cli("--config", str(config), "now", env=env).returncode == 0  # first poll
    links = [f"https://n.example/story-{n}/" for n in range(12)]
    for n, link in enumerate(links):
        feed_server.add_item("/feed", f"Story {n} about the council", link,
                             published=datetime.now(UTC))
    polls_before = feed_server.hits.get("/feed", 0)
    started = time.monotonic()
    daemons = [start_daemon(config, env) for _ in range(3)]  # no single-instance lock
    try:
        wait_for(lambda: len(fake_x.posts) >= 12 and len(fake_graph.posts) >= 12, 60,
                 "every story on both accounts")
    finally:
        outputs = [stop(d, signal.SIGTERM)[1] for d in daemons]
    assert sorted(u for t in fake_x.posts for u in t.expanded_urls) == sorted(links)
    assert sorted(p.link for p in fake_graph.posts) == sorted(links)
    assert all("Traceback" not in out for out in outputs), outputs
    # each daemon schedules the feed every 4 s, but whoever comes first polls it and the
    # others leave it for half an interval: at most one poll per 2 s, not three per 4 s
    polls = feed_server.hits.get("/feed", 0) - polls_before
    assert 1 <= polls <= (time.monotonic() - started) / 2 + 2
    state = Store(pg_url)
    assert state.counts() == {"sent": 24}
    state.close()


def test_an_accounts_spacing_holds_across_daemons(tmp_path, feed_server, fake_x, fake_graph,
                                                  pg_url) -> None:
    feed_server.add_item("/feed", "Old story", "https://n.example/old/",
                         published=datetime.now(UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, every="2s",
                                   extra_x="    spacing: 3s")
    _use_database(config, pg_url)
    env = syndicate_env(secrets)
    assert run_cli("--config", str(config), "now", env=env).returncode == 0
    for n in range(3):
        feed_server.add_item("/feed", f"Story {n}", f"https://n.example/s{n}/",
                             published=datetime.now(UTC))
    daemons = [start_daemon(config, env) for _ in range(3)]
    try:
        wait_for(lambda: len(fake_x.posts) >= 3, 60, "three posts on X")
    finally:
        for daemon in daemons:
            stop(daemon, signal.SIGTERM)
    times = sorted(t.created_at for t in fake_x.posts)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert len(fake_x.posts) == 3 and min(gaps) >= 2.9, gaps
