"""Running for months: signals, reload, recovery, and no secret in any output."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus

from e2e import run_cli, start_daemon, stop, syndicate_env, wait_for, write_config

try:
    from fakes import FakeGraph, FakeX
except ImportError:  # tests/ became a package
    from tests.fakes import FakeGraph, FakeX

BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
        "Mayor Ellen Park said on Monday.</p>")


def test_sigterm_mid_poll_exits_0_within_10s(tmp_path, feed_server, fake_x, fake_graph) -> None:
    feed_server.add_item("/feed", "A", "https://n.example/a/", content_html=BODY)
    feed_server.hang("/feed", 30, times=None)  # every poll hangs on the network
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph)
    daemon = start_daemon(config, syndicate_env(secrets))
    wait_for(lambda: feed_server.hits.get("/feed", 0) >= 1, 15, "a poll in flight")
    code, out, took = stop(daemon, signal.SIGTERM, timeout=12)
    assert code == 0, out
    assert took < 10


def test_sighup_with_broken_config_keeps_running_on_the_old_one(tmp_path, feed_server, fake_x,
                                                                 fake_graph) -> None:
    feed_server.add_item("/feed", "A", "https://n.example/a/", content_html=BODY)
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, every="10s")
    env = syndicate_env(secrets)
    daemon = start_daemon(config, env)
    try:
        wait_for(lambda: feed_server.hits.get("/feed", 0) >= 1, 15, "first poll")
        good = config.read_text()
        config.write_text(good.replace("every: 10s", "every: soon"))
        daemon.send_signal(signal.SIGHUP)
        time.sleep(1.0)
        assert daemon.poll() is None, "the daemon died on a broken config"
        wait_for(lambda: feed_server.hits.get("/feed", 0) >= 2, 25, "a poll after the reload")
    finally:
        code, out, _ = stop(daemon)
    assert code == 0, out
    assert "config reload failed, keeping the running config" in out
    assert "invalid duration 'soon'" in out


def test_feed_that_fails_then_recovers_is_polled_again_without_restart(
        tmp_path, feed_server, fake_x, fake_graph) -> None:
    feed_server.add_item("/feed", "A", "https://n.example/a/", content_html=BODY,
                         published=datetime.now(UTC))
    feed_server.fail("/feed", 503, times=5)
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, every="1s",
                                   backfill=1)
    daemon = start_daemon(config, syndicate_env(secrets), "--debug")
    try:
        # backoff doubles from 1s (1+2+4+8+16); the fake fails 5 times, then serves the feed
        wait_for(lambda: len(fake_x.posts) == 1, 90, "the post after the feed recovered")
    finally:
        code, out, _ = stop(daemon)
    assert code == 0, out
    assert feed_server.hits["/feed"] >= 6


SECRETS = {
    "consumer_key": "CKsecretXXXXcKey1234567",
    "consumer_secret": "CSsecret/with+chars=and&more",
    "access_token": "1500000000000000001-ATsecretXXXXtoken",
    "access_token_secret": "ATSsecret%percent?query",
    "page_token": "EAAGsecretPAGEtoken+/=abc",
}


def _leaks(text: str) -> list[str]:
    found = []
    for value in SECRETS.values():
        for form in {value, quote(value, safe=""), quote_plus(value), quote(value)}:
            if form in text:
                found.append(form)
    return found


def test_no_secret_in_any_output_even_at_debug(tmp_path, feed_server) -> None:
    x = FakeX(consumer_key=SECRETS["consumer_key"], consumer_secret=SECRETS["consumer_secret"],
              access_token=SECRETS["access_token"],
              access_token_secret=SECRETS["access_token_secret"]).start()
    graph = FakeGraph(page_token=SECRETS["page_token"]).start()
    try:
        feed_server.add_item("/feed", "Old", "https://n.example/old/", content_html=BODY)
        config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                       fake_x=x, fake_graph=graph, backfill=1)
        env = syndicate_env(secrets)
        outputs = []
        # failing calls too: a 401 on X, an expired token on Facebook, then a 503 on X
        x.inject("unauthorized")
        graph.inject(190, subcode=463)
        for args in (["now"], ["status"], ["status", "--json"], ["history", "--json"],
                     ["check"], ["config", "show"]):
            done = run_cli("--config", str(config), "--debug", *args, env=env)
            outputs += [done.stdout, done.stderr]
        feed_server.add_item("/feed", "New", "https://n.example/new/", content_html=BODY,
                             published=datetime.now(UTC))
        x.inject("server_error", status=503)
        daemon = start_daemon(config, env, "--debug")
        try:
            wait_for(lambda: x.count("POST /2/tweets") >= 2, 30, "a daemon publish attempt")
        finally:
            _, out, _ = stop(daemon)
        outputs.append(out)
        everything = "\n".join(outputs)
        assert "Authorization" in everything or "DEBUG" in everything  # debug logs were on
        assert _leaks(everything) == []
    finally:
        x.stop()
        graph.stop()


def test_now_polls_feeds_side_by_side(tmp_path, feed_server, fake_x, fake_graph) -> None:
    """A site that answers only after 3 s holds its own feed, not the one after it."""
    feed_server.add_item("/slow", "Slow story", "https://n.example/s/", content_html=BODY)
    feed_server.add_item("/fast", "Fast story", "https://n.example/f/", content_html=BODY)
    feed_server.slow("/slow", 3)
    config, secrets = write_config(
        tmp_path, feed_url=feed_server.feed_url("/slow"), fake_x=fake_x, fake_graph=fake_graph,
        extra_feed=f"  - {{name: fast, url: \"{feed_server.feed_url('/fast')}\", "
                   "post_to: [x], fetch_article: never}")
    result = run_cli("--config", str(config), "now", "--dry-run", env=syndicate_env(secrets))
    assert result.returncode == 0, result.stderr
    [slow] = [r for r in feed_server.requests if r.path == "/slow"]
    [fast] = [r for r in feed_server.requests if r.path == "/fast"]
    assert fast.received - slow.received < 1.5  # asked while the slow site still waited
    # results still print in the config's order
    assert result.stdout.index("news:") < result.stdout.index("fast:")


def test_a_state_file_deleted_under_the_daemon_stops_it_loudly(tmp_path, feed_server, fake_x,
                                                               fake_graph) -> None:
    """Writes to an unlinked file are lost, and the next start would post again: the
    daemon stops at its next job, says why and exits non-zero."""
    feed_server.add_item("/feed", "A", "https://n.example/a/", content_html=BODY)
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph)
    daemon = start_daemon(config, syndicate_env(secrets))
    state = tmp_path / "state" / "syndicator.db"
    wait_for(lambda: feed_server.hits.get("/feed", 0) >= 1, 15, "the first poll")
    state.unlink()
    try:
        code = daemon.wait(timeout=30)  # the publish job runs every 15 s
    finally:
        if daemon.poll() is None:
            daemon.kill()
    out = daemon.stdout.read() if daemon.stdout else ""
    assert code == 1, out
    assert "was deleted or replaced while running" in out
