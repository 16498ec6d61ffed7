"""`syndicate run`: APScheduler wiring, signals and the single-instance lock.

The scheduler is only a trigger; all durable state is in the store, so stopping or
killing the daemon at any moment loses nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from syndicator.delivery import Clock, utc_now
from syndicator.errors import StateError, StateUnavailable
from syndicator.logs import log_context

log = logging.getLogger(__name__)

PUBLISH_EVERY = timedelta(seconds=15)
# Feed polls that may run at once (each request ends by fetch_timeout).
POLL_THREADS = 8
STOP_GRACE_SECONDS = 6.0
MAX_FEED_BACKOFF = timedelta(hours=1)


class InstanceLock:
    """An exclusive flock beside the state file: one daemon per state, held until exit."""

    def __init__(self, state: Path) -> None:
        self.path = state.with_name(state.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+")  # noqa: SIM115 - held for the daemon's lifetime
        except OSError as exc:
            raise StateError(f"cannot write the state directory {self.path.parent}: "
                             f"{exc.strerror} — fix: make it writable (the daemon keeps its "
                             "lock and SQLite its -wal and -shm files there), or change "
                             "`state:` in the config") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StateError(f"another syndicate daemon ({holder}) is already running on "
                             f"{self.path.with_suffix('')} — fix: stop it first, or give this "
                             "one its own `state:` file") from None
        with contextlib.suppress(OSError):  # the flock is the lock; the pid only informs
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}")
            handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class Jobs:
    """The daemon's jobs; each run is wrapped so one failure never stops the schedule."""

    def __init__(self, app: Any, *, clock: Clock = utc_now) -> None:
        self.app = app
        self.clock = clock
        self.stopping = threading.Event()
        self._publishing = threading.Event()
        self._publish_again = threading.Event()
        self.busy = 0
        self._busy_lock = threading.Lock()
        self.scheduler: Any = None
        self.fatal: str | None = None  # why the daemon stopped by itself

    def _wrap(self, name: str, fn: Callable[[], None]) -> None:
        if self.stopping.is_set():
            return
        with self._busy_lock:
            self.busy += 1
        try:
            self.app.store.assert_in_place()
            fn()
        except StateUnavailable as exc:  # full disk, a lock: rolled back, tried again later
            log.error("job %s: %s", name, exc)
        except StateError as exc:
            self._stop_for(str(exc))
        except Exception:
            log.exception("job %s failed; it will run again on schedule", name)
        finally:
            with self._busy_lock:
                self.busy -= 1

    def _stop_for(self, reason: str) -> None:
        """A problem no retry can mend (the state file is gone): stop, exit non-zero."""
        log.error("%s", reason)
        self.fatal = reason
        self.stopping.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)

    def poll(self, feed_name: str) -> None:
        def work() -> None:
            with log_context(feed=feed_name):
                polled()

        def polled() -> None:
            feed = self.app.config.feed(feed_name)
            # on a shared state each worker schedules every feed: whoever comes first
            # polls it, the others skip until half an interval has passed
            shared = self.app.store.shared
            result = self.app.pipeline.poll(feed, min_interval=feed.every / 2 if shared
                                            else None)
            if result.status == "busy":
                return
            if result.status == "error":
                self._back_off(feed, result.error)
                return
            self._restore_interval(feed)
            if result.warning:
                log.warning("feed %s: %s", feed.name, result.warning)
            if result.moved_to:
                log.warning("feed %s moved permanently to %s — update its url in the config",
                            feed.name, result.moved_to)
            if result.status == "ok":
                log.info("feed %s: %d items, %d new, %d post(s) queued", feed.name,
                         result.items, result.new, result.queued)
            if result.queued:
                self.kick_publish()
        self._wrap(f"poll {feed_name}", work)

    def publish(self) -> None:
        def work() -> None:
            from syndicator.app import is_dead

            # Not only at start-up: a send whose outcome could not be recorded (the
            # job failed after the request) is checked once its lease has run out.
            self.app.pipeline.recover(is_dead)
            while not self.stopping.is_set():
                self._publish_again.clear()
                for result in self.app.pipeline.publish_due():
                    log.info("account %s: delivery %d -> %s (%s)", result.delivery.account,
                             result.delivery.id, result.status, result.detail)
                    if self.stopping.is_set():
                        break
                if not self._publish_again.is_set():
                    break

        self._publishing.set()
        try:
            self._wrap("publish", work)
        finally:
            self._publishing.clear()

    def reload(self, config_path: Path) -> None:
        """SIGHUP: re-read the config; an invalid one is reported and the old one kept."""
        from syndicator.app import build_app
        from syndicator.config import load_config
        from syndicator.errors import SyndicatorError

        try:
            loaded = load_config(config_path)
            if loaded.config.state != self.app.config.state or \
                    loaded.config.dry_run != self.app.dry_run:
                raise SyndicatorError("state and dry_run cannot change while running — "
                                      "fix: restart the daemon to apply them")
            new_app = build_app(loaded, store=self.app.store, clock=self.clock)
        except SyndicatorError as exc:
            for line in str(exc).splitlines():
                log.error("config reload failed, keeping the running config: %s", line)
            return
        old_feeds = {f.name for f in self.app.config.feeds}
        self.app = new_app
        start = self.clock()
        for name in old_feeds - {f.name for f in new_app.config.feeds}:
            self.scheduler.remove_job(f"feed:{name}")
        for index, feed in enumerate(new_app.config.feeds):
            if feed.name in old_feeds:
                self._reschedule(feed, feed.every)
            else:
                self.add_feed(feed, start + timedelta(milliseconds=200 * index))
        log.info("config reloaded: %d feed(s), %d account(s)", len(new_app.config.feeds),
                 len(new_app.config.accounts))

    def add_feed(self, feed: Any, first_run: datetime) -> None:
        self.scheduler.add_job(self.poll, "interval", args=[feed.name], id=f"feed:{feed.name}",
                               seconds=feed.every.total_seconds(), jitter=_jitter(feed.every),
                               next_run_time=first_run)

    def kick_publish(self) -> None:
        """Publish now: a poll queued something. A pass in progress just runs once more."""
        if self._publishing.is_set():
            self._publish_again.set()
            return
        if self.scheduler is not None and not self.stopping.is_set():
            try:
                self.scheduler.modify_job("publish", next_run_time=self.clock())
            except Exception:
                log.debug("could not reschedule the publish job", exc_info=True)

    def _back_off(self, feed: Any, error: str | None) -> None:
        state = self.app.store.feed_state(feed.name)
        failures = state.consecutive_failures if state else 1
        delay = min(MAX_FEED_BACKOFF, max(feed.every, feed.every * 2 ** min(failures - 1, 10)))
        log.warning("feed %s: %s (failure %d; next try in %s)", feed.name, error, failures,
                    delay)
        self._reschedule(feed, delay)

    def _restore_interval(self, feed: Any) -> None:
        job = self.scheduler.get_job(f"feed:{feed.name}") if self.scheduler else None
        if job is not None and job.trigger.interval != feed.every:
            self._reschedule(feed, feed.every)

    def _reschedule(self, feed: Any, every: timedelta) -> None:
        if self.scheduler is None or self.stopping.is_set():
            return
        from apscheduler.triggers.interval import IntervalTrigger

        try:
            self.scheduler.reschedule_job(f"feed:{feed.name}", trigger=IntervalTrigger(
                seconds=every.total_seconds(), jitter=_jitter(feed.every), timezone=UTC))
        except Exception:
            log.debug("could not reschedule feed %s", feed.name, exc_info=True)


def _jitter(every: timedelta) -> int:
    return max(1, min(30, int(every.total_seconds() * 0.1)))


def run_daemon(config_path: Path, *, clock: Clock = utc_now) -> int:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.blocking import BlockingScheduler

    from syndicator.app import build_app, is_dead
    from syndicator.config import load_config

    loaded = load_config(config_path)
    lock = None
    state = loaded.config.state_path
    if not loaded.config.dry_run and state is not None:
        # one daemon per SQLite file; on PostgreSQL any number share the work
        lock = InstanceLock(state)
        lock.acquire()
    app = build_app(loaded, clock=clock)
    recovered = app.pipeline.recover(is_dead)
    if recovered:
        log.warning("%d delivery(ies) were interrupted mid-send; they will be checked on the "
                    "platform before any resend", recovered)
    jobs = Jobs(app, clock=clock)
    # the publish job has a thread of its own: however many feeds wait on slow sites (each
    # no longer than fetch_timeout), what is due still goes out on time
    scheduler = BlockingScheduler(timezone=UTC, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 60}, executors={
        "default": ThreadPoolExecutor(POLL_THREADS), "publish": ThreadPoolExecutor(1)})
    jobs.scheduler = scheduler
    start = clock()
    for index, feed in enumerate(app.config.feeds):
        jobs.add_feed(feed, start + timedelta(milliseconds=200 * index))
    scheduler.add_job(jobs.publish, "interval", id="publish", executor="publish",
                      seconds=PUBLISH_EVERY.total_seconds(), next_run_time=start)

    def stop(signum: int, _frame: Any) -> None:
        log.info("received %s; finishing the job in flight and stopping",
                 signal.Signals(signum).name)
        jobs.stopping.set()
        scheduler.shutdown(wait=False)

    def hangup(_signum: int, _frame: Any) -> None:
        log.info("received SIGHUP; re-reading %s", config_path)
        threading.Thread(target=jobs.reload, args=(config_path,), name="reload",
                         daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, hangup)
    log.info("syndicate daemon started: %d feed(s), %d account(s)%s", len(app.config.feeds),
             len(app.config.accounts), " (dry run: nothing will be published)"
             if app.dry_run else "")
    try:
        scheduler.start()
    finally:
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while jobs.busy and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = jobs.busy
        if busy:
            # an interrupted poll commits nothing; an interrupted send is reconciled at start
            log.warning("stopping with %d job(s) still waiting on the network; nothing is "
                        "lost: an interrupted send is checked on the platform at next start",
                        busy)
        jobs.app.close()
        if lock is not None:
            lock.release()
        log.info("syndicate daemon stopped")
        logging.shutdown()
        if busy:
            os._exit(1 if jobs.fatal else 0)
    return 1 if jobs.fatal else 0
