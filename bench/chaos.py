"""Chaos: the real daemon, SIGKILLed at random, against platforms that fail a third of calls.

Runs ``python -m syndicator --config C run`` as a subprocess against the fake X, Graph,
Mastodon and Bluesky APIs and the feed server (all in this process), for N rounds: each round the
feed may gain items, the daemon starts, runs for a random while and is killed with
SIGKILL. About 30 % of API calls fail the ways platform-apis.md E.3 lists — short 429s,
FB 4/613/80001 and #2, 5xx and HTML 502, hangs past the client timeout, connection resets
before and *after* the platform committed the post, and the platforms' own duplicate
answers (X 403, FB #506) when a copy already exists; Mastodon answers a repeated
Idempotency-Key with the first status, and Bluesky refuses a taken record key (a bare
500), as the real services do. Credential errors are left out: they pause an account until
a human acts.

A final run with faults off lets everything drain; then, per account:
  posted        eligible articles (added after the first poll; backfill 0) with a post
  duplicates    posts for an article beyond the first
  lost          eligible articles with no post
  unknown_left  deliveries left unknown/sending/reconciling in the state
  resends       POSTs for an article the platform already had (masked or not); on
                Mastodon and Bluesky, only those with a new key (a repeated key is the
                platform's own guard doing its job, counted as "absorbed")
All but `posted` must be 0 and `posted` must equal the eligible count; else exit 1.

    python bench/chaos.py [--rounds 50] [--seed N] [--fault-rate 0.3] [--cards] [--keep]
                          [--workers 3 (--postgres | --state postgresql://…)]

``--workers N`` runs N daemons side by side on one PostgreSQL state (``--postgres`` starts
a private server, as the tests do; ``--state`` names one of yours, an empty database), each
SIGKILLed at its own random moment: they share feeds and accounts through leases and
SKIP LOCKED claims.

``--cards`` gives every other article a pull-quote and turns quote cards on: X posts
carry media, and the Page gets photo posts whose link is only in the caption.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.fakes import FakeBluesky, FakeGraph, FakeMastodon, FakeX, FeedServer  # noqa: E402
from tests.fakes._server import Action, Hang, Reply, Request  # noqa: E402

from syndicator.store import Store, link_key  # noqa: E402

CLIENT_TIMEOUT = 2.0  # `timeout: 2s` in the config
HANG = CLIENT_TIMEOUT + 1.5
STUCK = ("unknown", "sending", "reconciling")
ACTIVE = ("queued", "waiting", *STUCK)


@dataclass
class Chaos:
    """The dice, the switch and the tally shared by both fake platforms."""

    rng: random.Random
    rate: float
    enabled: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    resends: Counter[str] = field(default_factory=Counter)
    absorbed: Counter[str] = field(default_factory=Counter)

    def roll(self, platform: str, options: list[tuple[str, float]], *,
             exists: bool = False) -> str | None:
        """A fault kind for this call (weighted), or None for a normal answer. A platform
        answers "duplicate" only for a post it already holds (``exists``)."""
        with self.lock:
            if not self.enabled:
                return None
            self.calls[platform] += 1
            if self.rng.random() >= self.rate:
                return None
            if not exists:
                options = [o for o in options if o[0] != "duplicate"]
            kinds, weights = zip(*options, strict=True)
            return self.rng.choices(kinds, weights)[0]

    def latency(self) -> float:
        """A real API takes a while on each side of the commit: room for a kill."""
        with self.lock:
            return self.rng.uniform(0.05, 0.3)

    def count(self, platform: str, kind: str) -> None:
        with self.lock:
            self.faults[f"{platform} {kind}"] += 1


# What can go wrong on each endpoint, and how often relative to the others. "commit_*"
# faults let the platform create the post and then lose the answer (5xx, hang, reset);
# "duplicate" answers only when the platform already holds an identical post.
X_POST = [("rate_limit", 3), ("server_error", 2), ("html_502", 1), ("hang", 2),
          ("drop", 1), ("drop_after_commit", 3), ("commit_503", 2), ("commit_hang", 2),
          ("duplicate", 2)]
X_READ = [("rate_limit", 2), ("server_error", 2), ("hang", 1)]
FB_POST = [("rate_limit", 2), ("2", 2), ("html_502", 2), ("hang", 2), ("drop_after_commit", 3),
           ("commit_html_502", 2), ("commit_hang", 2), ("duplicate", 2)]
FB_READ = [("rate_limit", 1), ("2", 2), ("html_502", 1), ("hang", 1)]
M_POST = [("rate_limit", 3), ("server_error", 2), ("html_502", 1), ("hang", 2), ("drop", 1),
          ("drop_after_commit", 3), ("commit_503", 2), ("commit_hang", 2)]
M_READ = [("rate_limit", 2), ("server_error", 2), ("hang", 1)]
B_POST = [("rate_limit", 3), ("server_error", 2), ("proxy_error", 1), ("hang", 2),
          ("drop", 1), ("drop_after_commit", 3), ("commit_503", 2), ("commit_hang", 2)]
B_READ = [("rate_limit", 2), ("server_error", 2), ("hang", 1)]


class ChaosX(FakeX):
    """FakeX whose every call may fail; it accepts identical texts unless told otherwise,
    so a resend shows up as a second post rather than being absorbed by its check."""

    def __init__(self, chaos: Chaos) -> None:
        super().__init__(check_duplicates=False)
        self.chaos = chaos

    def dispatch(self, request: Request) -> Action:
        endpoint = self._endpoint(request)
        text = None
        if endpoint == "POST /2/tweets":
            try:
                text = json.loads(request.body or b"{}").get("text")
            except ValueError:
                text = None
            with self.lock:
                exists = any(t.text == text and not t.deleted for t in self.tweets)
            if exists:
                self.chaos.resends["x"] += 1
            options = X_POST
        elif endpoint in ("GET /2/users/:id/tweets", "GET /2/users/me"):
            exists, options = False, X_READ
        else:
            return super().dispatch(request)
        kind = self.chaos.roll("x", options, exists=exists)
        if kind is None:
            return _slow(self.chaos, lambda: super(ChaosX, self).dispatch(request))
        self.chaos.count("x", kind)
        if kind == "rate_limit":
            self.inject("rate_limit", endpoint=endpoint,
                        reset=int(time.time()) + self.chaos.rng.randint(1, 4))
        elif kind == "server_error":
            self.inject("server_error", endpoint=endpoint, status=503)
        elif kind == "html_502":
            self.inject("server_error", endpoint=endpoint, status=502, html=True)
        elif kind == "hang":
            self.inject("hang", endpoint=endpoint, seconds=HANG)
        elif kind in ("drop", "drop_after_commit"):
            self.inject(kind, endpoint=endpoint)
        elif kind == "duplicate":
            self.inject("forbidden", endpoint=endpoint, variant="duplicate")
        else:
            return _after_commit(kind, super().dispatch(request))
        return super().dispatch(request)


class ChaosGraph(FakeGraph):
    """FakeGraph whose every call may fail, and that accepts identical messages."""

    def __init__(self, chaos: Chaos) -> None:
        super().__init__(check_duplicates=False)
        self.chaos = chaos

    def dispatch(self, request: Request) -> Action:
        path = request.path.split("/")
        endpoint = f"{request.method} {path[-1]}" if len(path) > 2 else request.method
        if endpoint in ("POST feed", "POST photos"):
            from tests.fakes._forms import form_fields

            fields = form_fields(request.header("Content-Type"), request.body)
            key = "message" if endpoint == "POST feed" else "caption"
            message = fields[key].text if key in fields else None
            with self.lock:
                exists = any(p.message == message and not p.deleted for p in self.created)
            if exists:
                self.chaos.resends["facebook"] += 1
            options = FB_POST
        elif endpoint == "GET published_posts":
            exists, options = False, FB_READ
        else:
            return super().dispatch(request)
        kind = self.chaos.roll("facebook", options, exists=exists)
        if kind is None:
            return _slow(self.chaos, lambda: super(ChaosGraph, self).dispatch(request))
        self.chaos.count("facebook", kind)
        if kind == "rate_limit":
            code = self.chaos.rng.choice([4, 17, 32, 613, 80001])
            # The Page's BUC header says when it may call again: a minute, the least.
            self.inject(code, endpoint=endpoint, regain_minutes=1)
        elif kind == "duplicate":
            self.inject(506, endpoint=endpoint)
        elif kind == "hang":
            self.inject("hang", endpoint=endpoint, seconds=HANG)
        elif kind.startswith("commit_"):
            return _after_commit(kind, super().dispatch(request))
        else:
            self.inject(int(kind) if kind.isdigit() else kind, endpoint=endpoint)
        return super().dispatch(request)


class ChaosMastodon(FakeMastodon):
    """FakeMastodon whose every call may fail. Its Idempotency-Key guard stays on (it is
    the platform's); a create for a text it holds under another key is a resend."""

    def __init__(self, chaos: Chaos) -> None:
        # the bench packs hours of news into minutes: the server's own limits (300 calls
        # per 5 minutes, 30 uploads per 30 minutes) would pause the account for the rest
        # of the run; the injected 429s test that path
        super().__init__(rate_limit=100_000)
        self.media_rate_limit = (100_000, 1800)
        self.chaos = chaos

    def dispatch(self, request: Request) -> Action:
        endpoint, _ = self._endpoint(request)
        if endpoint == "POST /api/v1/statuses":
            text = _form_or_json(request).get("status")
            key = request.header("Idempotency-Key")
            with self.lock:
                held = [st for st in self.statuses if st.text == text and not st.deleted]
            if held and any(st.idempotency_key != key for st in held):
                self.chaos.resends["mastodon"] += 1
            elif held:
                self.chaos.absorbed["mastodon"] += 1
            options = M_POST
        elif endpoint in ("GET /api/v1/accounts/:id/statuses",
                          "GET /api/v1/accounts/verify_credentials", "POST /api/v2/media"):
            options = M_READ
        else:
            return super().dispatch(request)
        kind = self.chaos.roll("mastodon", options)
        if kind is None:
            return _slow(self.chaos, lambda: super(ChaosMastodon, self).dispatch(request))
        self.chaos.count("mastodon", kind)
        if kind == "rate_limit":
            self.inject("rate_limit", endpoint=endpoint, reset_in=self.chaos.rng.randint(1, 4))
        elif kind == "server_error":
            self.inject("server_error", endpoint=endpoint, status=503, json=True)
        elif kind == "html_502":
            self.inject("server_error", endpoint=endpoint, status=502)
        elif kind == "hang":
            self.inject("hang", endpoint=endpoint, seconds=HANG)
        elif kind in ("drop", "drop_after_commit"):
            self.inject(kind, endpoint=endpoint)
        else:
            return _after_commit(kind, super().dispatch(request))
        return super().dispatch(request)


class ChaosBluesky(FakeBluesky):
    """FakeBluesky whose every call may fail. A taken record key is refused (the PDS's own
    guard); a create for a text it holds under another key is a resend."""

    def __init__(self, chaos: Chaos) -> None:
        super().__init__(rate_limits={"global-ip": (100_000, 300.0)})
        self.chaos = chaos

    def dispatch(self, request: Request) -> Action:
        nsid = request.path[len("/xrpc/"):].rstrip("/") if request.path.startswith(
            "/xrpc/") else ""
        if nsid == "com.atproto.repo.createRecord":
            body = _form_or_json(request)
            text = (body.get("record") or {}).get("text")
            rkey = body.get("rkey")
            with self.lock:
                held = [p for p in self.posts if p.text == text]
            if held and any(p.rkey != rkey for p in held):
                self.chaos.resends["bluesky"] += 1
            elif held:
                self.chaos.absorbed["bluesky"] += 1
            options = B_POST
        elif nsid in ("com.atproto.repo.listRecords", "com.atproto.repo.getRecord",
                      "com.atproto.repo.uploadBlob"):
            options = B_READ
        else:
            return super().dispatch(request)
        kind = self.chaos.roll("bluesky", options)
        if kind is None:
            return _slow(self.chaos, lambda: super(ChaosBluesky, self).dispatch(request))
        self.chaos.count("bluesky", kind)
        if kind == "rate_limit":
            self.inject("rate_limit", endpoint=nsid,
                        reset=int(time.time()) + self.chaos.rng.randint(1, 4))
        elif kind == "server_error":
            self.inject("server_error", endpoint=nsid, status=503)
        elif kind == "proxy_error":
            self.inject("proxy_error", endpoint=nsid, status=502)
        elif kind == "hang":
            self.inject("hang", endpoint=nsid, seconds=HANG)
        elif kind in ("drop", "drop_after_commit"):
            self.inject(kind, endpoint=nsid)
        else:
            return _after_commit(kind, super().dispatch(request))
        return super().dispatch(request)


def _form_or_json(request: Request) -> dict:
    """The parameters of a POST, form-encoded or JSON."""
    from urllib.parse import parse_qs

    try:
        body = json.loads(request.body or b"{}")
        return body if isinstance(body, dict) else {}
    except ValueError:
        pass
    return {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}


def _slow(chaos: Chaos, answer: Callable[[], Action]) -> Action:
    """A normal answer, with latency before the work and after it (the reply in flight)."""
    time.sleep(chaos.latency())
    reply = answer()
    return Hang(chaos.latency(), then=reply) if isinstance(reply, Reply) else reply


def _after_commit(kind: str, reply: Action) -> Action:
    """The platform did the work; the answer is lost on the way back."""
    if not isinstance(reply, Reply) or not 200 <= reply.status < 300:
        return reply
    if kind == "commit_hang":
        return Hang(HANG)
    if kind == "commit_html_502":
        return Reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                     [("content-type", "text/html; charset=utf-8")])
    return Reply(503, b'{"title":"Service Unavailable","detail":"Service Unavailable",'
                 b'"type":"about:blank","status":503}',
                 [("content-type", "application/json; charset=utf-8")])


def write_config(work: Path, feeds: FeedServer, x: FakeX, graph: FakeGraph,
                 mastodon: FakeMastodon, bluesky: FakeBluesky, *, cards: bool,
                 state: str = "state/syndicator.db") -> Path:
    x_card = "    card: {}\n" if cards else ""
    fb_photo = "    format: photo\n" if cards else ""
    config = work / "syndicator.yaml"
    config.write_text(f"""\
state: {state}
fetch_timeout: 5s
feeds:
  - name: chaos
    url: {feeds.feed_url("/feed")}
    every: 1s
    post_to: [x, facebook, mastodon, bluesky]
    backfill: 0
    fetch_article: never
accounts:
  x:
    platform: twitter
    consumer_key: ${{X_CONSUMER_KEY}}
    consumer_secret: ${{X_CONSUMER_SECRET}}
    access_token: ${{X_ACCESS_TOKEN}}
    access_token_secret: ${{X_ACCESS_TOKEN_SECRET}}
    api_url: {x.url}
    timeout: {CLIENT_TIMEOUT:g}s
    utm: {{utm_source: chaos, utm_medium: social}}
{x_card}  facebook:
    platform: facebook
    page_id: "{graph.page_id}"
    access_token: ${{FB_PAGE_TOKEN}}
    graph_url: {graph.url}
    timeout: {CLIENT_TIMEOUT:g}s
    utm: {{utm_source: chaos}}
{fb_photo}  mastodon:
    platform: mastodon
    instance_url: {mastodon.url}
    access_token: ${{MASTODON_TOKEN}}
    timeout: {CLIENT_TIMEOUT:g}s
{x_card}  bluesky:
    platform: bluesky
    handle: {bluesky.handle}
    app_password: ${{BLUESKY_APP_PASSWORD}}
    pds_url: {bluesky.url}
    timeout: {CLIENT_TIMEOUT:g}s
    utm: {{utm_source: bluesky}}
{x_card}""")
    return config


def daemon_env(x: FakeX, graph: FakeGraph, mastodon: FakeMastodon,
               bluesky: FakeBluesky) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATOR_")}
    env.update(X_CONSUMER_KEY=x.consumer_key, X_CONSUMER_SECRET=x.consumer_secret,
               X_ACCESS_TOKEN=x.access_token, X_ACCESS_TOKEN_SECRET=x.access_token_secret,
               FB_PAGE_TOKEN=graph.page_token, MASTODON_TOKEN=mastodon.access_token,
               BLUESKY_APP_PASSWORD=str(bluesky.app_password), PYTHONUNBUFFERED="1",
               PYTHONPATH=str(REPO / "src"))
    return env


QUOTE = ("<p>“We will finish story {n} before the winter, whatever it costs the city,” "
         "Mayor Ellen Park said on Monday.</p><p>The council meets again next week.</p>")


class Feed:
    """The site: articles appear at the top of the feed as the bench goes."""

    def __init__(self, server: FeedServer, *, quotes: bool) -> None:
        self.server = server
        self.quotes = quotes
        self.links: list[str] = []
        self.n = 0

    def add(self) -> str:
        self.n += 1
        link = f"https://chaos.example/2026/11/story-{self.n}/"
        self.server.add_item("/feed", f"Story {self.n}: the council votes on the budget",
                             link, description=f"<p>What happened in story {self.n}.</p>",
                             content_html=QUOTE.format(n=self.n)
                             if self.quotes and self.n % 2 else None,
                             published=datetime.now(UTC))
        self.links.append(link)
        return link


ACCOUNTS = ("x", "facebook", "mastodon", "bluesky")


def posts_by_article(x: FakeX, graph: FakeGraph, mastodon: FakeMastodon,
                     bluesky: FakeBluesky) -> dict[str, Counter[str]]:
    """How many posts each account holds per article (by link identity)."""
    tally: dict[str, Counter[str]] = {account: Counter() for account in ACCOUNTS}
    for tweet in x.posts:
        for key in {link_key(u) for u in tweet.expanded_urls}:
            tally["x"][key] += 1
    for post in graph.posts:
        links = [post.link] if post.link else [  # a photo post: the link is in the caption
            u for u in (post.message or "").split() if u.startswith("https://chaos.")]
        for key in {link_key(u) for u in links}:
            tally["facebook"][key] += 1
    for status in mastodon.posts:
        links = [u for u in status.text.split() if u.startswith("https://chaos.")]
        for key in {link_key(u) for u in links}:
            tally["mastodon"][key] += 1
    for skeet in bluesky.posts:
        external = (skeet.embed or {}).get("external") or {}
        links = [*skeet.links, *([external["uri"]] if external.get("uri") else [])]
        for key in {link_key(u) for u in links}:
            tally["bluesky"][key] += 1
    return tally


def drained(store: Store, eligible: list[str], *fakes: object) -> bool:
    if store.deliveries(statuses=ACTIVE, limit=1):
        return False
    tally = posts_by_article(*fakes)  # type: ignore[arg-type]
    return all(tally[a][link_key(link)] for a in tally for link in eligible)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--max-run", type=float, default=8.0,
                        help="longest life of a daemon before its SIGKILL (seconds)")
    parser.add_argument("--drain-timeout", type=float, default=300.0)
    parser.add_argument("--cards", action="store_true",
                        help="quote cards: X media and Facebook photo posts")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--workers", type=int, default=1,
                        help="daemons side by side (more than 1 needs a PostgreSQL state)")
    parser.add_argument("--state", default=None, help="postgresql://… (an empty database)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a private PostgreSQL server for the state")
    args = parser.parse_args()
    pg_server = None
    if args.postgres:
        from tests.pg import PostgresServer

        pg_server = PostgresServer().start()
        args.state = pg_server.database()
    if args.workers > 1 and not args.state:
        parser.error("--workers above 1 needs a PostgreSQL state (--postgres or --state)")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    chaos = Chaos(random.Random(seed + 1), args.fault_rate)
    work = Path(tempfile.mkdtemp(prefix="syndicator-chaos-"))
    started = time.monotonic()
    x, graph, server = ChaosX(chaos).start(), ChaosGraph(chaos).start(), FeedServer().start()
    mastodon, bluesky = ChaosMastodon(chaos).start(), ChaosBluesky(chaos).start()
    platforms = (x, graph, mastodon, bluesky)
    for fake in (*platforms, server):  # a reset socket is the point here, not news
        fake._server.handle_error = lambda *_: None  # type: ignore[union-attr,method-assign]
    log_path = work / "daemon.log"
    kills = 0
    try:
        feed = Feed(server, quotes=args.cards)
        for _ in range(3):
            feed.add()  # there before the first poll: seen, never posted (backfill 0)
        config = write_config(work, server, x, graph, mastodon, bluesky, cards=args.cards,
                              state=args.state or "state/syndicator.db")
        env = daemon_env(x, graph, mastodon, bluesky)
        command = [sys.executable, "-m", "syndicator", "--config", str(config)]
        first = subprocess.run([*command, "now"], env=env, capture_output=True, text=True,
                               timeout=60)
        if first.returncode != 0:
            print(first.stdout, first.stderr, file=sys.stderr)
            return 2
        feed.links.clear()  # only what comes after the first poll is eligible
        where = Store(args.state).where if args.state else "SQLite"
        print(f"chaos: seed {seed}, {args.rounds} rounds, {args.workers} worker(s) on "
              f"{where}, fault rate {args.fault_rate:.0%}, work {work}", flush=True)
        chaos.enabled = True
        with log_path.open("a") as log:
            for round_no in range(1, args.rounds + 1):
                for _ in range(rng.choice([0, 1, 1, 2])):
                    feed.add()
                daemons = [subprocess.Popen([*command, "run"], env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
                           for _ in range(args.workers)]
                # Half the kills land in the first publish pass (start-up takes ~0.5 s),
                # where sends are in flight; the rest anywhere in a longer life. Each
                # worker dies at its own moment.
                lives = sorted(rng.uniform(0.4, 2.0) if rng.random() < 0.5 else rng.uniform(
                    2.0, args.max_run) for _ in daemons)
                order = list(range(len(daemons)))
                rng.shuffle(order)
                mid = rng.uniform(0, lives[-1])
                elapsed, added = 0.0, False
                for life, k in zip(lives, order, strict=True):
                    if not added and mid <= life:
                        time.sleep(max(0.0, mid - elapsed))
                        elapsed = max(elapsed, mid)
                        if rng.random() < 0.5:
                            feed.add()  # an item appears while the daemons run
                        added = True
                    time.sleep(max(0.0, life - elapsed))
                    elapsed = life
                    daemons[k].send_signal(signal.SIGKILL)
                    daemons[k].wait()
                    kills += 1
                    log.write(f"---- SIGKILL (round {round_no}, worker {k}, after "
                              f"{life:.1f}s) ----\n")
                    log.flush()
                if round_no % 10 == 0:
                    print(f"  round {round_no}: {len(feed.links)} articles, "
                          f"{sum(chaos.faults.values())} faults so far "
                          f"({time.monotonic() - started:.0f}s)", flush=True)
            chaos.enabled = False
            for fake in platforms:
                fake.faults.clear()
            log.write("---- final run, faults off ----\n")
            log.flush()
            daemons = [subprocess.Popen([*command, "run"], env=env, stdout=log,
                                        stderr=subprocess.STDOUT)
                       for _ in range(args.workers)]
            store = Store(args.state or work / "state" / "syndicator.db")
            deadline = time.monotonic() + args.drain_timeout
            while time.monotonic() < deadline and not drained(store, feed.links, *platforms):
                time.sleep(1.0)
            drain_seconds = args.drain_timeout - max(0.0, deadline - time.monotonic())
            for daemon in daemons:
                daemon.send_signal(signal.SIGTERM)
            for daemon in daemons:
                try:
                    daemon.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    daemon.kill()
                    daemon.wait()
        return report(store, feed, platforms, chaos, kills=kills, seed=seed, work=work,
                      elapsed=time.monotonic() - started, drain=drain_seconds,
                      keep=args.keep)
    finally:
        for fake in (*platforms, server):
            fake.stop()
        if pg_server is not None:
            pg_server.stop()


def report(store: Store, feed: Feed, platforms: tuple[FakeX, FakeGraph, FakeMastodon,
                                                      FakeBluesky], chaos: Chaos, *,
           kills: int, seed: int, work: Path, elapsed: float, drain: float,
           keep: bool) -> int:
    tally = posts_by_article(*platforms)
    eligible = {link_key(link) for link in feed.links}
    calls = sum(chaos.calls.values())
    log = (work / "daemon.log").read_text(errors="replace")
    interrupted = sum(int(line.split(" delivery(ies) were interrupted")[0].rsplit(" ", 1)[-1])
                      for line in log.splitlines() if "delivery(ies) were interrupted" in line)
    print(f"\n{len(eligible)} eligible articles, {kills} SIGKILLs ({interrupted} deliveries "
          f"caught mid-send or mid-check, made unknown at the next start); during the rounds "
          f"{calls} API calls, {sum(chaos.faults.values())} faults injected "
          f"({sum(chaos.faults.values()) / max(calls, 1):.0%}); final run drained in "
          f"{drain:.0f}s; {elapsed:.0f}s in all")
    print("faults: " + ", ".join(f"{k} {n}" for k, n in sorted(chaos.faults.items())))
    print(f"\n{'account':10} {'posted':>7} {'duplicates':>11} {'lost':>5} {'unknown_left':>13} "
          f"{'resends':>8} {'absorbed':>9} {'failed':>7} {'unexpected':>11}")
    ok = True
    for account in ACCOUNTS:
        counts = tally[account]
        posted = sum(1 for key in eligible if counts[key])
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        lost = sum(1 for key in eligible if not counts[key])
        unknown_left = len(store.deliveries(statuses=STUCK, account=account, limit=10**6))
        failed = len(store.deliveries(statuses=("failed",), account=account, limit=10**6))
        unexpected = sum(n for key, n in counts.items() if key not in eligible)
        resends = chaos.resends[account]
        print(f"{account:10} {posted:>7} {duplicates:>11} {lost:>5} {unknown_left:>13} "
              f"{resends:>8} {chaos.absorbed[account]:>9} {failed:>7} {unexpected:>11}")
        ok &= (posted == len(eligible) and duplicates == lost == unknown_left == resends
               == failed == unexpected == 0)
    print(f"\nrequirements (duplicates 0, lost 0, unknown_left 0, every article on every "
          f"account): {'PASS' if ok else 'FAIL'} (seed {seed})")
    store.close()
    if ok and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"state and daemon log kept in {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
