"""`syndicate run` as a real subprocess against the local feed server and both fakes."""

from __future__ import annotations

import time
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


def test_due_posts_go_out_while_every_poll_thread_waits_on_a_dripping_feed(
        tmp_path, feed_server, fake_x, fake_graph) -> None:
    from syndicator.daemon import POLL_THREADS

    stuck = [f"/slow{i}" for i in range(POLL_THREADS + 1)]  # more than the poll threads
    extra = "".join(f"  - name: slow{i}\n    url: {feed_server.feed_url(path)}\n"
                    f"    every: 5m\n    post_to: [x]\n    backfill: 0\n"
                    for i, path in enumerate(stuck))
    for path in ["/feed", *stuck]:
        feed_server.add_item(path, "Old", f"https://hypeline.example{path}/old/",
                             published=datetime(2026, 11, 1, tzinfo=UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, extra_feed=extra,
                                   extra_x="    spacing: 3s")
    config.write_text("fetch_timeout: 120s\n" + config.read_text())
    env = syndicate_env(secrets)
    assert run_cli("--config", str(config), "now", env=env).returncode == 0  # baseline
    baseline = len(feed_server.requests)

    for path in stuck:  # from now on each answers one byte a second, within its deadline
        feed_server.drip(path, 1.0, times=None)
    for title in ("First story", "Second story"):  # the second is due a spacing later
        feed_server.add_item("/feed", title, f"https://hypeline.example/{title[:5]}/",
                             published=datetime.now(UTC))
    started = time.monotonic()

    def waiting() -> list[float]:
        return sorted(r.received for r in feed_server.requests[baseline:] if r.path in stuck)

    daemon = start_daemon(config, env)
    try:
        wait_for(lambda: len(waiting()) >= POLL_THREADS and len(fake_x.posts) >= 2, 40,
                 "every poll thread waiting, and both stories posted")
    finally:
        code, out, _ = stop(daemon)
    # the drips were far from their 120 s deadline: no poll thread had come back
    assert time.monotonic() - started < 60
    all_busy = waiting()[POLL_THREADS - 1]
    first, second = fake_x.posts
    posted = time.monotonic() - (datetime.now(UTC) - second.created_at).total_seconds()
    assert posted > all_busy, "posted before the poll threads were all taken: proves nothing"
    assert {first.text.split("\n")[0], second.text.split("\n")[0]} == {"First story",
                                                                      "Second story"}
    assert code in (0, 1), out  # a stop with fetches in flight may take the quick exit
