"""Helpers for end-to-end tests that run `syndicate` as a real subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def write_config(tmp_path: Path, *, feed_url: str, fake_x: Any, fake_graph: Any,
                 every: str = "5m", backfill: int = 0, extra_feed: str = "",
                 extra_x: str = "", extra_fb: str = "", fake_mastodon: Any = None,
                 fake_bluesky: Any = None, extra_mastodon: str = "",
                 extra_bluesky: str = "") -> tuple[Path, dict[str, str]]:
    """A config that points the real client libraries at the local fakes (Mastodon and
    Bluesky accounts only when their fakes are given).

    Returns the path and the environment holding the secrets (never in the YAML).
    """
    accounts = ["x", "facebook"]
    more, env = "", {}
    if fake_mastodon is not None:
        accounts.append("mastodon")
        more += f"""\
  mastodon:
    platform: mastodon
    instance_url: {fake_mastodon.url}
    access_token: ${{MASTODON_TOKEN}}
    timeout: 5s
{extra_mastodon}
"""
        env["MASTODON_TOKEN"] = fake_mastodon.access_token
    if fake_bluesky is not None:
        accounts.append("bluesky")
        more += f"""\
  bluesky:
    platform: bluesky
    handle: {fake_bluesky.handle}
    app_password: ${{BLUESKY_APP_PASSWORD}}
    pds_url: {fake_bluesky.url}
    timeout: 5s
{extra_bluesky}
"""
        env["BLUESKY_APP_PASSWORD"] = fake_bluesky.app_password
    config = tmp_path / "syndicator.yaml"
    config.write_text(f"""\
state: state/syndicator.db
feeds:
  - name: news
    url: {feed_url}
    every: {every}
    post_to: [{", ".join(accounts)}]
    backfill: {backfill}
    fetch_article: never
{extra_feed}
accounts:
  x:
    platform: twitter
    consumer_key: ${{X_CONSUMER_KEY}}
    consumer_secret: ${{X_CONSUMER_SECRET}}
    access_token: ${{X_ACCESS_TOKEN}}
    access_token_secret: ${{X_ACCESS_TOKEN_SECRET}}
    api_url: {fake_x.url}
    timeout: 5s
{extra_x}
  facebook:
    platform: facebook
    page_id: "{fake_graph.page_id}"
    access_token: ${{FB_PAGE_TOKEN}}
    graph_url: {fake_graph.url}
    timeout: 5s
{extra_fb}
{more}""")
    env |= {
        "X_CONSUMER_KEY": fake_x.consumer_key,
        "X_CONSUMER_SECRET": fake_x.consumer_secret,
        "X_ACCESS_TOKEN": fake_x.access_token,
        "X_ACCESS_TOKEN_SECRET": fake_x.access_token_secret,
        "FB_PAGE_TOKEN": fake_graph.page_token,
    }
    return config, env


def closed_port_url() -> str:
    """A local address where nothing listens: a connection is refused before any byte."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def syndicate_env(secrets: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATOR_")}
    env.update(secrets)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "syndicator", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def start_daemon(config: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "syndicator", "--config", str(config),
                             *extra, "run"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for(condition: Callable[[], bool], timeout: float = 20, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM,
         timeout: float = 10) -> tuple[int, str, float]:
    """Send ``sig`` and return (exit code, output, seconds it took to exit)."""
    started = time.monotonic()
    process.send_signal(sig)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        raise AssertionError(f"daemon did not stop within {timeout}s:\n{out}") from None
    return process.returncode, out, time.monotonic() - started
