"""Scale: the state under several workers, and the operator's views over a big outbox.

For each engine (an SQLite file; a PostgreSQL database on a private server, as the tests
start one, or ``--state postgresql://…`` of yours, an empty database):

  deliveries/s   W worker processes claim due deliveries (8 accounts) and record each as
                 sent, as the outbox does, until 4,000 are done: the store's share of a
                 publish, without the network
  poll jobs/s    W workers lease a feed, record an unchanged poll and release it, over 40
                 feeds, for 5 s: the store's share of a poll
  status/history with 1,000,000 deliveries in the table: ``syndicate status`` (its
                 collect_status) and ``syndicate history`` (20 newest), median of 5

    python bench/scale.py [--workers 1 2 4] [--rows 1000000] [--state postgresql://…]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from syndicator.models import Article, Platform, Post  # noqa: E402
from syndicator.store import NewArticle, Store  # noqa: E402

ACCOUNTS = [f"acct{k}" for k in range(8)]
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def _seed(state: str, deliveries: int) -> None:
    store = Store(state)
    per_article = len(ACCOUNTS)
    entries = [NewArticle(Article(id=f"a{n}", feed="f", title=f"Story {n}",
                                  link=f"https://site.example/{n}/", published=T0),
                          [Post(a, Platform.TWITTER, f"Story {n}", 8) for a in ACCOUNTS])
               for n in range(deliveries // per_article)]
    for start in range(0, len(entries), 200):
        store.save_poll("f", "https://site.example/feed", etag=None, last_modified=None,
                        items=0, new=entries[start:start + 200], now=T0)
    store.close()


def _sender(state: str, name: str, done: multiprocessing.Value) -> None:  # type: ignore[valid-type]
    store = Store(state)
    now = T0 + timedelta(hours=1)
    while True:
        claimed = store.claim_due(name, now, accounts=ACCOUNTS, limit=1)
        if not claimed:
            break
        store.finish(claimed[0].id, status="sent", now=now, outcome="published",
                     remote_id="1", worker=name)
        with done.get_lock():
            done.value += 1
    store.close()


def _poller(state: str, name: str, seconds: float, done: multiprocessing.Value) -> None:  # type: ignore[valid-type]
    store = Store(state)
    end = time.monotonic() + seconds
    k = 0
    while time.monotonic() < end:
        feed = f"feed{k % 40}"
        k += 1
        now = datetime.now(UTC)
        if store.claim_feed(feed, f"https://site.example/{feed}", name, now,
                            lease=timedelta(minutes=10)):
            store.record_not_modified(feed, f"https://site.example/{feed}", now)
            store.release_feed(feed, name)
            with done.get_lock():
                done.value += 1
    store.close()


def _run(target, args_of, workers: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    done = multiprocessing.Value("i", 0)
    procs = [multiprocessing.Process(target=target, args=(*args_of(k), done))
             for k in range(workers)]
    started = time.monotonic()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return done.value, time.monotonic() - started


def throughput(engine: str, make_state, workers: list[int]) -> None:  # type: ignore[no-untyped-def]
    for w in workers:
        state = make_state()
        _seed(state, 4000)
        n, seconds = _run(_sender, lambda k, s=state: (s, f"w{k}"), w)
        print(f"{engine:10} {w} worker(s): {n / seconds:8,.0f} deliveries/s "
              f"({n} claimed and recorded once each in {seconds:.1f}s)", flush=True)
    for w in workers:
        state = make_state()
        n, seconds = _run(_poller, lambda k, s=state: (s, f"w{k}", 5.0), w)
        print(f"{engine:10} {w} worker(s): {n / seconds:8,.0f} poll jobs/s", flush=True)


def big_outbox(engine: str, state: str, rows: int) -> None:
    from syndicator.config import load_config
    from syndicator.status import collect_status

    store = Store(state)
    started = time.monotonic()
    _bulk(store, rows)
    if store.url:  # what autovacuum does to a live table: statistics, visibility map
        store._conn.execute("VACUUM ANALYZE deliveries")
    print(f"{engine:10} {rows:,} deliveries written in {time.monotonic() - started:.0f}s",
          flush=True)
    config = Path(tempfile.mkdtemp()) / "c.yaml"
    config.write_text("state: var/s.db\nfeeds:\n  - {name: f, url: https://site.example/feed, "
                      "post_to: [" + ", ".join(ACCOUNTS) + "]}\naccounts:\n" + "".join(
                          f"  {a}: {{platform: facebook, page_id: '1', access_token: t}}\n"
                          for a in ACCOUNTS))
    config.chmod(0o600)
    loaded = load_config(config, environ={})
    for what, call in (("status", lambda: collect_status(loaded, store)),
                       ("history", lambda: store.deliveries(limit=20))):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
        print(f"{engine:10} {what:8} over {rows:,} deliveries: "
              f"{statistics.median(times) * 1000:8.1f} ms (median of 5)", flush=True)
    store.close()


def _bulk(store: Store, rows: int) -> None:
    """Rows straight into the tables (the outbox's own path would take hours)."""
    from syndicator.store import ts

    stamp = ts(T0)
    per = len(ACCOUNTS)
    articles = [(n + 1, "f", f"a{n}", f"site.example/{n}", f"https://site.example/{n}/",
                 f"Story {n}", stamp, stamp, 1) for n in range(rows // per)]
    deliveries = [(n * per + k + 1, n + 1, a, "twitter", f"site.example/{n}", "t", 1, "[]",
                   "sent", stamp, stamp, ts(T0 + timedelta(seconds=n)))
                  for n in range(rows // per) for k, a in enumerate(ACCOUNTS)]
    store.load([
        ("articles", ["id", "feed", "key", "link_key", "link", "title", "published",
                      "seen_at", "queued"], articles),
        ("deliveries", ["id", "article_id", "account", "platform", "link_key", "text",
                        "weighted_length", "media", "status", "created_at", "due_at",
                        "sent_at"], deliveries),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--state", default=None, help="postgresql://… (an empty database)")
    parser.add_argument("--outbox-only", action="store_true",
                        help="only status/history over the big outbox")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="syndicator-scale-"))
    counter = iter(range(10**6))
    if not args.outbox_only:
        throughput("sqlite", lambda: str(work / f"s{next(counter)}.db"), args.workers)
    big_outbox("sqlite", str(work / "big.db"), args.rows)
    server = None
    if args.state is None:
        sys.path.insert(0, str(REPO / "tests"))
        from tests.pg import PostgresServer

        if PostgresServer.available() is not None:
            print(f"postgresql: skipped ({PostgresServer.available()})")
            return 0
        server = PostgresServer().start()
    try:
        make = server.database if server is not None else lambda: args.state
        if server is None and args.workers != [1]:
            print("postgresql: with --state, one database serves only one run; throughput "
                  "needs fresh ones: use the private server (no --state)")
        elif not args.outbox_only:
            throughput("postgresql", make, args.workers)
        big_outbox("postgresql", make(), args.rows)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
