"""Operator commands against the fakes: now, status, history, retry/skip, check, init."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from syndicator.cli import cli

from e2e import write_config

BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
        "Mayor Ellen Park said on Monday.</p><p>Work starts in March.</p>")


def invoke(config: Path, env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], env=env,
                              catch_exceptions=False)


def posted_setup(tmp_path: Path, feed_server, fake_x, fake_graph, *, expect: int = 0):
    feed_server.add_item("/feed", "Bridge to be rebuilt", "https://n.example/bridge/",
                         content_html=BODY, published=datetime.now(UTC))
    config, env = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                               fake_x=fake_x, fake_graph=fake_graph, backfill=1)
    result = invoke(config, env, "now")
    assert result.exit_code == expect, result.output
    return config, env, result


def test_now_posts_and_history_and_status_show_it(tmp_path, feed_server, fake_x,
                                                  fake_graph) -> None:
    config, env, result = posted_setup(tmp_path, feed_server, fake_x, fake_graph)
    assert "news: 1 items, 1 new, 2 post(s) queued" in result.stdout
    assert len(fake_x.posts) == 1 and len(fake_graph.posts) == 1
    tweet = fake_x.posts[0]
    assert "“We will rebuild the bridge before the winter, whatever it costs the city" \
        in tweet.text and "Ellen Park" in tweet.text

    history = json.loads(invoke(config, env, "history", "--json").stdout)["deliveries"]
    by_account = {row["account"]: row for row in history}
    assert by_account["x"]["status"] == "sent"
    assert by_account["x"]["remote_id"] == tweet.id
    assert by_account["facebook"]["remote_id"] == fake_graph.posts[0].id
    assert by_account["x"]["attempts_log"][0]["outcome"] == "published"

    status = invoke(config, env, "status").stdout
    assert "news: ok, 1 items" in status
    assert "x (twitter): ok, 1 post(s) today" in status
    assert "outbox: 2 sent" in status
    assert "Bridge to be rebuilt" in status

    again = invoke(config, env, "now")
    assert "news: not modified" in again.stdout
    assert len(fake_x.posts) == 1


def test_retry_and_skip_refuse_wrong_states_with_clear_errors(tmp_path, feed_server, fake_x,
                                                              fake_graph) -> None:
    config, env, _ = posted_setup(tmp_path, feed_server, fake_x, fake_graph)
    result = invoke(config, env, "retry", "1")
    assert result.exit_code == 1
    assert "delivery 1 is not failed or skipped; see `syndicate history`" in result.output
    assert invoke(config, env, "skip", "99").exit_code == 1


def test_rejected_post_fails_then_retry_sends_it(tmp_path, feed_server, fake_x,
                                                 fake_graph) -> None:
    fake_x.inject("bad_request", message="The post contains an invalid URL in the content.")
    config, env, result = posted_setup(tmp_path, feed_server, fake_x, fake_graph, expect=1)
    assert "x: failed: Bridge to be rebuilt" in result.stdout
    history = json.loads(invoke(config, env, "history", "--json", "--account", "x").stdout)
    [row] = history["deliveries"]
    assert row["status"] == "failed" and "invalid URL" in row["error"]
    assert invoke(config, env, "retry", str(row["id"])).exit_code == 0
    assert invoke(config, env, "now").exit_code == 0
    assert len(fake_x.posts) == 1


def test_check_reports_each_account_in_one_line(tmp_path, feed_server, fake_x,
                                                fake_graph) -> None:
    config, env = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                               fake_x=fake_x, fake_graph=fake_graph)
    ok = invoke(config, env, "check")
    assert ok.exit_code == 0, ok.output
    assert "account x: ok" in ok.stdout and "account facebook: ok" in ok.stdout
    bad = invoke(config, {**env, "FB_PAGE_TOKEN": "EAAwrongtoken"}, "check")
    assert bad.exit_code == 1
    [line] = [ln for ln in bad.stdout.splitlines() if ln.startswith("account facebook:")]
    assert "EAAwrongtoken" not in bad.output
    assert "token" in line.lower()


def test_init_writes_starter_files_once(tmp_path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["init", "--dir", str(tmp_path)])
    assert first.exit_code == 0
    assert (tmp_path / "syndicator.yaml").exists()
    assert oct((tmp_path / ".env").stat().st_mode & 0o777) == "0o600"
    (tmp_path / "syndicator.yaml").write_text("mine")
    second = runner.invoke(cli, ["init", "--dir", str(tmp_path)])
    assert "exists; left as it is" in second.output
    assert (tmp_path / "syndicator.yaml").read_text() == "mine"
