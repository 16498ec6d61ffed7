"""The outbox against both real engines, an SQLite file and a PostgreSQL database:
dedupe, leases, transitions, crash recovery, and work shared between workers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syndicator.models import Article, Platform, Post
from syndicator.store import NewArticle, Store, link_key

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def article(n: int, *, guid: str | None = None, link: str | None = None) -> Article:
    return Article(id=guid or f"guid-{n}", feed="f", title=f"Title {n}",
                   link=link or f"https://site.example/a/{n}/",
                   published=T0 - timedelta(hours=n))


def post(account: str = "x", text: str = "hello") -> Post:
    return Post(account=account, platform=Platform.TWITTER, text=text, weighted_length=5)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same tests on each engine (PostgreSQL: a fresh database on a real server)."""
    if request.param == "sqlite":
        s = Store(tmp_path / "state.db")
    else:
        s = Store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


def save(store: Store, *entries: NewArticle, now: datetime = T0) -> int:
    return store.save_poll("f", "https://site.example/feed", etag='"e"', last_modified=None,
                           items=len(entries), new=list(entries), now=now)


def test_wal_mode_and_migrations_are_idempotent(tmp_path: Path) -> None:
    first = Store(tmp_path / "s.db")
    mode = first._conn.execute("PRAGMA journal_mode").fetchone()[0]
    first.close()
    again = Store(tmp_path / "s.db")
    assert mode == "wal"
    assert again.migrate() == []
    again.close()


def test_link_key_ignores_tracking_fragment_scheme_and_trailing_slash() -> None:
    assert link_key("https://www.Site.example/a/1/?utm_source=x&b=2#top") == \
        link_key("http://site.example/a/1?b=2")
    assert link_key("https://site.example/a/1?b=2") != link_key("https://site.example/a/1?b=3")


def test_same_link_under_a_new_guid_is_not_new_and_not_queued_twice(store: Store) -> None:
    assert save(store, NewArticle(article(1), [post()])) == 1
    renamed = article(1, guid="a-brand-new-guid")
    assert store.unseen("f", [renamed]) == []
    # even if a caller insists, the unique (account, link) key refuses a second delivery
    assert save(store, NewArticle(renamed, [post()])) == 0
    assert store.counts() == {"queued": 1}


def test_unseen_dedupes_within_one_batch(store: Store) -> None:
    twins = [article(1), article(1, guid="other", link="https://site.example/a/1")]
    assert [a.id for a in store.unseen("f", twins)] == ["guid-1"]


def test_claim_is_exclusive_and_records_the_attempt_first(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]))
    claimed = store.claim_due("w1", T0, accounts=["x"])
    assert [d.status for d in claimed] == ["sending"]
    assert store.claim_due("w2", T0, accounts=["x"]) == []
    attempts = store.attempts(claimed[0].id)
    assert len(attempts) == 1 and attempts[0].finished_at is None


def test_claim_order_is_oldest_article_first(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]), NewArticle(article(5), [post()]),
         NewArticle(article(3), [post()]))
    order = [store.claim_due("w", T0, accounts=["x"])[0].article_title for _ in range(3)]
    assert order == ["Title 5", "Title 3", "Title 1"]


def test_finish_sent_records_remote_id_and_last_post(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]))
    d = store.claim_due("w", T0, accounts=["x"])[0]
    store.finish(d.id, status="sent", now=T0, outcome="published", remote_id="123",
                 remote_url="https://x.com/i/status/123")
    done = store.delivery(d.id)
    assert done is not None and done.status == "sent" and done.remote_id == "123"
    assert store.account_state("x").last_post_at == T0
    assert store.attempts(d.id)[0].outcome == "published"


def test_waiting_delivery_is_not_due_before_its_time(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]))
    d = store.claim_due("w", T0, accounts=["x"])[0]
    store.finish(d.id, status="waiting", now=T0, outcome="transient", error="refused",
                 due_at=T0 + timedelta(minutes=2))
    assert store.claim_due("w", T0 + timedelta(minutes=1), accounts=["x"]) == []
    assert len(store.claim_due("w", T0 + timedelta(minutes=2), accounts=["x"])) == 1


def test_dead_workers_sending_rows_become_unknown_never_queued(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]), NewArticle(article(2), [post("fb")]))
    dead = store.claim_due("host:1:dead", T0, accounts=["x"])[0]
    alive = store.claim_due("host:2:alive", T0, accounts=["fb"])[0]
    recovered = store.recover_interrupted(T0, is_dead=lambda owner: owner.endswith("dead"))
    assert recovered == 1
    assert store.delivery(dead.id).status == "unknown"  # type: ignore[union-attr]
    assert store.delivery(alive.id).status == "sending"  # type: ignore[union-attr]
    # an expired lease counts as dead too
    later = T0 + timedelta(minutes=6)
    assert store.recover_interrupted(later, is_dead=lambda owner: False) == 1


def test_unknown_is_claimed_for_reconciliation_only_after_settling(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]))
    d = store.claim_due("w", T0, accounts=["x"])[0]
    store.finish(d.id, status="unknown", now=T0, outcome="ambiguous", due_at=T0)
    settle = timedelta(seconds=20)
    assert store.claim_unknown("w", T0 + timedelta(seconds=5), accounts=["x"],
                               settle=settle) == []
    assert store.claim_due("w", T0 + timedelta(hours=1), accounts=["x"]) == []  # never resent
    got = store.claim_unknown("w", T0 + timedelta(seconds=25), accounts=["x"], settle=settle)
    assert [x.id for x in got] == [d.id]


def test_pause_until_fixed_and_resume(store: Store) -> None:
    store.pause_account("x", until=None, reason="401 Unauthorized", fingerprint="abc")
    state = store.account_state("x")
    assert state.paused_until is not None and state.paused_until.year == 9999
    assert state.pause_reason == "401 Unauthorized"
    store.resume_account("x")
    assert store.account_state("x").paused_until is None


def test_retry_and_skip_only_from_allowed_states(store: Store) -> None:
    save(store, NewArticle(article(1), [post()]))
    d = store.claim_due("w", T0, accounts=["x"])[0]
    assert not store.requeue(d.id, T0, statuses=("failed",))
    store.finish(d.id, status="failed", now=T0, outcome="rejected", error="400")
    assert store.requeue(d.id, T0, statuses=("failed",))
    assert store.skip(d.id, T0)
    assert store.delivery(d.id).status == "skipped"  # type: ignore[union-attr]


def test_scratch_copy_sees_real_state_but_never_writes_it(tmp_path: Path) -> None:
    real = Store(tmp_path / "s.db")
    save(real, NewArticle(article(1), [post()]))
    real.close()
    scratch = Store(":scratch:", scratch_of=tmp_path / "s.db")
    assert scratch.unseen("f", [article(1)]) == []
    save(scratch, NewArticle(article(2), [post()]))
    assert scratch.counts() == {"queued": 2}
    scratch.close()
    again = Store(tmp_path / "s.db")
    assert again.counts() == {"queued": 1}
    again.close()


def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_new_owner(store: Store) -> None:
    """A slow worker's lease expires; another process recovers the delivery and
    reconciles it. The slow worker's late "not found: send again" must not requeue a
    delivery the other worker now owns (both would then send it)."""
    save(store, NewArticle(article(1), [post()]))
    d = store.claim_due("slow", T0, accounts=["x"])[0]
    store.finish(d.id, status="unknown", now=T0, outcome="ambiguous", due_at=T0,
                 worker="slow")
    [mine] = store.claim_unknown("slow", T0 + timedelta(seconds=30), accounts=["x"],
                                 settle=timedelta(seconds=20))
    later = T0 + timedelta(minutes=6)  # "slow" is still looking; its lease has run out
    assert store.recover_interrupted(later, is_dead=lambda owner: False) == 1
    [theirs] = store.claim_unknown("fast", later + timedelta(seconds=30), accounts=["x"],
                                   settle=timedelta(seconds=20))
    assert not store.finish(d.id, status="queued", now=later, outcome="not_found",
                            count_attempt=False, worker="slow")
    assert store.claim_due("slow", later + timedelta(minutes=1), accounts=["x"]) == []
    assert store.delivery(d.id).status == "reconciling"  # type: ignore[union-attr]
    # a post that exists is always recorded, whoever holds the lease
    assert store.finish(d.id, status="sent", now=later, outcome="reconciled",
                        remote_id="123", worker="slow")
    assert store.delivery(d.id).status == "sent"  # type: ignore[union-attr]
    assert not store.finish(d.id, status="queued", now=later, outcome="not_found",
                            worker="fast")
    assert store.delivery(d.id).status == "sent"  # type: ignore[union-attr]
    assert mine.id == theirs.id == d.id


def test_a_database_locked_by_another_process_is_named_as_such(tmp_path: Path) -> None:
    """Not "check the path and its permissions": someone holds the write lock."""
    import sqlite3
    from datetime import UTC, datetime

    from syndicator.errors import StateError

    path = tmp_path / "state.db"
    store = Store(path, busy_seconds=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateError, match=r"is locked by another process \(waited 0.2 s\)"):
            store.requeue(1, datetime.now(UTC), statuses=("failed",))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()


def test_the_dry_runs_shared_memory_state_serves_threads_at_once(tmp_path: Path) -> None:
    """`now --dry-run` polls four feeds side by side on an in-memory copy of the state;
    SQLite's shared cache fails a table lock at once rather than waiting."""
    import threading
    from datetime import UTC, datetime

    real = Store(tmp_path / "s.db")
    real.close()
    scratch = Store(tmp_path / "s.db", scratch_of=tmp_path / "s.db")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(100):
                scratch.record_feed_error(f"f{n}", "https://f.example/", f"e{i}",
                                          datetime.now(UTC))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [s.consecutive_failures for s in scratch.feed_states()] == [100] * 4


# -- work shared between workers (issue 13) ----------------------------------------------------

def test_one_worker_polls_a_feed_at_a_time(store: Store) -> None:
    lease = timedelta(minutes=2)
    url = "https://site.example/feed"
    assert store.claim_feed("f", url, "w1", T0, lease=lease)
    assert not store.claim_feed("f", url, "w2", T0, lease=lease)  # w1 holds it
    store.release_feed("f", "w2")  # not w2's to release
    assert not store.claim_feed("f", url, "w2", T0, lease=lease)
    assert store.claim_feed("f", url, "w2", T0 + lease, lease=lease)  # w1's lease ran out
    store.release_feed("f", "w2")
    save(store, now=T0 + lease)  # polled at T0 + 2 min
    assert not store.claim_feed("f", url, "w3", T0 + lease, lease=lease,
                                polled_before=T0 + timedelta(minutes=1))  # polled since
    assert store.claim_feed("f", url, "w3", T0 + lease, lease=lease,
                            polled_before=T0 + lease)


def test_one_worker_sends_for_an_account_at_a_time(store: Store) -> None:
    lease = timedelta(minutes=15)
    assert store.claim_account("x", "w1", T0, lease=lease)
    assert store.claim_account("x", "w1", T0, lease=lease)  # its own again
    assert not store.claim_account("x", "w2", T0, lease=lease)
    assert store.claim_account("fb", "w2", T0, lease=lease)  # another account is free
    store.release_account("x", "w1")
    assert store.claim_account("x", "w2", T0, lease=lease)


def test_concurrent_claims_take_each_delivery_once(store: Store, tmp_path: Path) -> None:
    import threading

    save(store, *(NewArticle(article(n), [post()]) for n in range(1, 41)))
    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    url = store.url or str(tmp_path / "state.db")

    def worker(name: str) -> None:
        try:
            mine = Store(url)  # a worker of its own, with its own connection
            while batch := mine.claim_due(name, T0, accounts=["x"], limit=3):
                with lock:
                    claimed.extend(d.id for d in batch)
            mine.close()
        except BaseException as exc:  # a deadlock or a serialisation failure fails the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{k}",)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 40
    assert store.counts() == {"sending": 40}


def test_copy_state_moves_everything_and_new_ids_follow(tmp_path: Path, pg_url: str) -> None:
    from syndicator.store import copy_state

    source = Store(tmp_path / "s.db")
    save(source, NewArticle(article(1), [post(), post("fb")]), NewArticle(article(2), [post()]))
    d = source.claim_due("w", T0, accounts=["x"])[0]
    source.finish(d.id, status="sent", now=T0, outcome="published", remote_id="42")
    source.pause_account("fb", until=T0 + timedelta(hours=1), reason="rate limited")
    source.cache("fb", "k", "v")
    target = Store(pg_url)
    assert target.is_empty()
    copied = copy_state(source, target)
    assert copied["deliveries"] == 3 and copied["attempts"] == 1 and copied["articles"] == 2
    assert not target.is_empty()
    assert target.delivery(d.id) == source.delivery(d.id)
    assert target.account_state("fb") == source.account_state("fb")
    assert target.cached("fb", "k") == "v"
    assert target.counts() == source.counts()
    # new rows get ids past the copied ones
    save(target, NewArticle(article(3), [post()]), now=T0 + timedelta(hours=1))
    newest = target.deliveries(limit=1)[0]
    assert newest.id == 4 and newest.article_title == "Title 3"
    source.close()
    target.close()


def test_an_unreachable_database_is_a_clear_error_without_its_password() -> None:
    from syndicator.errors import StateUnavailable

    url = "postgresql://syndicator:s3cret-pw@127.0.0.1:1/syndicator?connect_timeout=2"
    with pytest.raises(StateUnavailable) as caught:
        Store(url)
    message = str(caught.value)
    assert "s3cret-pw" not in message and "syndicator:***@127.0.0.1:1" in message
    assert "fix:" in message


def test_a_missing_database_is_a_clear_error(postgres) -> None:  # type: ignore[no-untyped-def]
    from syndicator.errors import StateError

    with pytest.raises(StateError, match=r"no_such_db.*fix: check the user, password"):
        Store(postgres.url("no_such_db"))


def test_workers_starting_at_once_migrate_once(pg_url: str) -> None:
    import threading

    stores: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            stores.append(Store(pg_url))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(stores) == 4
    assert stores[0].migrate() == []
    for s in stores:
        s.close()


def test_a_dead_workers_leases_are_taken_over_at_once(store: Store) -> None:
    lease = timedelta(minutes=10)
    dead = lambda owner: owner == "host:1:killed"  # noqa: E731
    assert store.claim_feed("f", "https://site.example/feed", "host:1:killed", T0, lease=lease)
    assert store.claim_account("x", "host:1:killed", T0, lease=lease)
    assert not store.claim_account("x", "host:2:alive", T0, lease=lease)
    assert store.claim_account("x", "host:2:alive", T0, lease=lease, is_dead=dead)
    assert store.claim_feed("f", "https://site.example/feed", "host:2:alive", T0,
                            lease=lease, is_dead=dead)
    assert not store.claim_account("x", "host:3:other", T0, lease=lease, is_dead=dead)


@pytest.mark.parametrize("url", [
    "postgresql://syndicator:pw-secret@db.example/s",
    "postgresql:///s?host=/run/pg&user=syndicator&password=pw-secret",
])
def test_a_database_urls_password_is_masked_wherever_it_is(url: str) -> None:
    from syndicator.config import masked_url, url_passwords

    assert "pw-secret" not in masked_url(url) and "***" in masked_url(url)
    assert url_passwords(url) == ["pw-secret"]
