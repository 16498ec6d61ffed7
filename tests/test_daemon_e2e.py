"""`syndicate run` as a real subprocess against the local feed server and both fakes."""

from __future__ import annotations

from datetime import UTC, datetime

from e2e import run_cli, start_daemon, stop, syndicate_env, wait_for, write_config

SEED = ("<p>President-elect Donald Trump received a letter from Vladimir Putin on Friday.</p>"
        "<p>“A very nice letter from Vladimir Putin; his thoughts are so correct,” Trump stated."
        "</p><p>Follow HYPELINE on Facebook and Twitter</p><p>Please enter your comment!</p>")


def test_new_item_is_posted_exactly_once_across_restarts(tmp_path, feed_server, fake_x,
                                                         fake_graph) -> None:
    feed_server.add_item("/feed", "Old story", "https://hypeline.example/old/",
                         description="<p>Old.</p>", published=datetime(2026, 11, 1, tzinfo=UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph)
    env = syndicate_env(secrets)
    first = run_cli("--config", str(config), "now", env=env)
    assert first.returncode == 0, first.stderr
    assert fake_x.posts == [] and fake_graph.posts == []  # first poll: backfill 0

    link = "https://hypeline.example/2026/11/trump-putin-letter/"
    feed_server.add_item("/feed", "Trump praises Putin letter", link, content_html=SEED,
                         published=datetime.now(UTC))
    daemon = start_daemon(config, env)
    try:
        wait_for(lambda: len(fake_x.posts) >= 1 and len(fake_graph.posts) >= 1, 30,
                 "one tweet and one Page post")
    finally:
        code, out, _ = stop(daemon)
    assert code == 0, out
    [tweet] = fake_x.posts
    [page_post] = fake_graph.posts
    assert "Trump praises Putin letter" in tweet.text
    assert link in tweet.expanded_urls
    assert "Follow HYPELINE" not in tweet.text and "comment" not in tweet.text
    assert page_post.link == link
    assert "Trump praises Putin letter" in (page_post.message or "")
    assert "Follow HYPELINE" not in (page_post.message or "")

    again = start_daemon(config, env)
    try:
        wait_for(lambda: feed_server.hits.get("/feed", 0) >= 3, 15, "the restarted poll")
    finally:
        code, out, _ = stop(again)
    assert code == 0, out
    assert len(fake_x.posts) == 1 and len(fake_graph.posts) == 1
    assert fake_x.count("POST /2/tweets") == 1


def test_second_daemon_on_same_state_is_refused(tmp_path, feed_server, fake_x,
                                                fake_graph) -> None:
    feed_server.add_item("/feed", "A", "https://hypeline.example/a/")
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph)
    env = syndicate_env(secrets)
    first = start_daemon(config, env)
    try:
        wait_for(lambda: feed_server.hits.get("/feed", 0) >= 1, 15, "the first daemon's poll")
        second = run_cli("--config", str(config), "run", env=env, timeout=20)
    finally:
        code, out, _ = stop(first)
    assert second.returncode == 2
    assert "another syndicate daemon" in second.stderr
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert code == 0, out
