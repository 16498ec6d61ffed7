"""Faults of the state file itself: damaged, unwritable, on a full disk.

Each is a real condition, not a stand-in: a garbage or truncated SQLite file, a read-only
file system and a full one (a small tmpfs, mounted by the test; these two need root and
are skipped without it, and CI runs as root).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicator.errors import StateError, StateUnavailable
from syndicator.store import Store

from e2e import run_cli, start_daemon, stop, syndicate_env, wait_for, write_config


def _mount(target: Path, options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def small_disk(target: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` at ``target`` for the test's duration."""
    if os.geteuid() != 0 or not _mount(target, f"size={size}"):
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk``; delete the returned file to give them back."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 4096)
    return filler


def one_clean_line(text: str) -> str:
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def setup(tmp_path: Path, feed_server, fake_x, fake_graph) -> tuple[Path, dict[str, str]]:
    feed_server.add_item("/feed", "Old", "https://hypeline.example/old/",
                         published=datetime(2026, 11, 1, tzinfo=UTC))
    config, secrets = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                                   fake_x=fake_x, fake_graph=fake_graph, every="2s")
    return config, syndicate_env(secrets)


def test_a_garbage_state_file_is_a_clear_error_and_left_untouched(tmp_path, feed_server,
                                                                  fake_x, fake_graph) -> None:
    config, env = setup(tmp_path, feed_server, fake_x, fake_graph)
    state = tmp_path / "state" / "syndicator.db"
    state.parent.mkdir()
    garbage = b"this is not what syndicator wrote\n" * 300
    state.write_bytes(garbage)
    for command in ("now", "status"):
        done = run_cli("--config", str(config), command, env=env)
        assert done.returncode == 2
        line = one_clean_line(done.stderr)
        assert str(state) in line and "damaged or not a syndicator state file" in line
        assert "restore it from a backup" in line
    assert state.read_bytes() == garbage
    assert fake_x.posts == []


def test_a_truncated_state_file_is_a_clear_error_and_left_untouched(tmp_path, feed_server,
                                                                    fake_x, fake_graph) -> None:
    config, env = setup(tmp_path, feed_server, fake_x, fake_graph)
    for i in range(60):  # enough rows for the file to span many pages
        feed_server.add_item("/feed", f"Story {i} " + "words " * 40,
                             f"https://hypeline.example/{i}/",
                             published=datetime(2026, 11, 1, tzinfo=UTC))
    assert run_cli("--config", str(config), "now", env=env).returncode == 0
    state = tmp_path / "state" / "syndicator.db"
    with contextlib.closing(sqlite3.connect(state)) as conn:  # fold the WAL in
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = state.read_bytes()
    assert len(whole) > 8 * 4096
    cut = whole[: len(whole) // 2]
    state.write_bytes(cut)
    done = run_cli("--config", str(config), "now", env=env)
    assert done.returncode == 2
    line = one_clean_line(done.stderr)
    assert str(state) in line and "damaged" in line
    assert state.read_bytes() == cut


def test_a_read_only_state_directory_is_a_clear_error_at_start(tmp_path, feed_server,
                                                               fake_x, fake_graph) -> None:
    config, env = setup(tmp_path, feed_server, fake_x, fake_graph)
    with small_disk(tmp_path / "state", "1m,ro"):
        for command in (["now"], ["run"]):
            done = run_cli("--config", str(config), *command, env=env, timeout=30)
            assert done.returncode == 2, done.stderr
            line = one_clean_line(done.stderr)
            assert "state" in line and "writable" in line


def test_a_full_disk_mid_poll_writes_nothing_and_the_next_poll_recovers(
        tmp_path, feed_server, fake_x, fake_graph) -> None:
    config, env = setup(tmp_path, feed_server, fake_x, fake_graph)
    with small_disk(tmp_path / "state", "16m") as disk:
        assert run_cli("--config", str(config), "now", env=env).returncode == 0  # baseline
        state = disk / "syndicator.db"
        for i in range(15):  # the disk is full: not one of them fits
            feed_server.add_item("/feed", f"Story {i}", f"https://hypeline.example/s{i}/",
                                 description="<p>" + "Long words here. " * 150 + "</p>",
                                 published=datetime.now(UTC))
        filler = fill(disk)
        done = run_cli("--config", str(config), "now", env=env)
        assert done.returncode == 2
        line = one_clean_line(done.stderr)
        assert "is full" in line and "nothing was written" in line
        filler.unlink()
        with contextlib.closing(sqlite3.connect(state)) as conn:
            assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
            assert conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

        assert run_cli("--config", str(config), "now", env=env).returncode == 0
        assert len(fake_x.posts) == 15 and len({p.text for p in fake_x.posts}) == 15
        assert run_cli("--config", str(config), "now", env=env).returncode == 0
        assert len(fake_x.posts) == 15


def test_the_daemon_keeps_running_on_a_full_disk_and_recovers(tmp_path, feed_server, fake_x,
                                                              fake_graph) -> None:
    config, env = setup(tmp_path, feed_server, fake_x, fake_graph)
    with small_disk(tmp_path / "state", "16m") as disk:
        assert run_cli("--config", str(config), "now", env=env).returncode == 0  # baseline
        daemon = start_daemon(config, env)
        try:
            wait_for(lambda: feed_server.hits.get("/feed", 0) >= 2, 15, "the first poll")
            filler = fill(disk)
            for i in range(20):
                feed_server.add_item("/feed", f"Story {i}", f"https://hypeline.example/s{i}/",
                                     description="<p>" + "Long words here. " * 150 + "</p>",
                                     published=datetime.now(UTC))
            polls = feed_server.hits.get("/feed", 0)
            wait_for(lambda: feed_server.hits.get("/feed", 0) >= polls + 2, 15,
                     "two polls on the full disk")
            assert fake_x.posts == [] and daemon.poll() is None  # still running
            filler.unlink()
            wait_for(lambda: len(fake_x.posts) >= 20, 40, "the stories, once space returned")
        finally:
            code, out, _ = stop(daemon)
    assert code == 0, out
    assert "is full; nothing was written" in out and "Traceback" not in out
    assert len(fake_x.posts) == 20 and len({p.text for p in fake_x.posts}) == 20


def test_every_sqlite_error_leaves_the_store_as_a_state_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    holder = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        store.busy_seconds = 0.1
        store._conn.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(StateUnavailable, match="locked by another process"):
            store.record_feed_error("f", "https://f.example/", "x", datetime.now(UTC))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store._conn.execute("PRAGMA query_only = ON")  # any write now fails inside SQLite
    with pytest.raises(StateError) as caught:
        store.pause_account("x", until=None, reason="r")
    assert not isinstance(caught.value, StateUnavailable)
    assert str(tmp_path / "s.db") in str(caught.value)
    store._conn.execute("PRAGMA query_only = OFF")
    store.pause_account("x", until=None, reason="r")  # nothing left open by the failure
    assert store.account_state("x").pause_reason == "r"
    store.close()
