"""Every row of platform-apis.md E.3, end to end: the real pipeline, the real publishers
(tweepy, facebook-sdk) and the real SQLite outbox, against the fake X and Graph servers
with injected faults.

Each test asserts the four things an operator relies on: the delivery's state in the
store, what the platform did (nothing resent where that is forbidden, exactly one post at
the end), the account's pause and its reason, and what ``syndicate status`` says. The
pipeline's waits (backoff, rate-limit resets, the 20 s settle before reconciliation) run
on a clock the test advances; only client timeouts are real (1 s).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from syndicator.app import App, build_app
from syndicator.cli import cli
from syndicator.config import load_config
from syndicator.status import collect_status, render_status
from syndicator.store import Delivery

from e2e import write_config

try:
    from fakes import FakeGraph, FakeX, FeedServer
except ImportError:  # tests/ became a package
    from tests.fakes import FakeGraph, FakeX, FeedServer

SETTLE = timedelta(seconds=21)  # past the pipeline's 20 s settle before reconciliation
TIMEOUT = "1s"  # the publishers' client timeout; a hang outlasts it
HANG = 3.0


class Clock:
    """Starts at the real time (the fakes stamp posts with it) and moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class World:
    """One config, one state file and both fakes; ``app`` is rebuilt when the config changes."""

    tmp_path: Path
    feeds: FeedServer
    x: FakeX
    graph: FakeGraph
    clock: Clock = field(default_factory=Clock)
    env: dict[str, str] = field(default_factory=dict)
    extra_x: str = ""
    extra_fb: str = ""
    x_url: str | None = None
    graph_url: str | None = None
    apps: list[App] = field(default_factory=list)
    articles: int = 0

    def __post_init__(self) -> None:
        self.feeds.add_item("/feed", "Old story", "https://news.example/old/",
                            description="<p>Old.</p>", published=datetime.now(UTC))
        self.write()
        self.app = self.build()
        assert self.poll() == 0  # first poll, backfill 0: nothing queued

    # -- config and app ----------------------------------------------------------------
    def write(self) -> Path:
        config, env = write_config(self.tmp_path, feed_url=self.feeds.feed_url("/feed"),
                                   fake_x=self.x, fake_graph=self.graph,
                                   extra_x=self.extra_x, extra_fb=self.extra_fb)
        text = config.read_text().replace("timeout: 5s", f"timeout: {TIMEOUT}")
        if self.x_url:
            text = text.replace(f"api_url: {self.x.url}", f"api_url: {self.x_url}")
        if self.graph_url:
            text = text.replace(f"graph_url: {self.graph.url}", f"graph_url: {self.graph_url}")
        config.write_text(text)
        self.config = config
        self.env = {**env, **self.env}  # secrets the test changed win
        return config

    def build(self) -> App:
        app = build_app(load_config(self.config, environ=self.env), clock=self.clock)
        self.apps.append(app)
        return app

    def reload(self, **env: str) -> None:
        """The operator edits the config (or its secrets): a fresh app on the same state."""
        self.env.update(env)
        self.app = self.build()

    def close(self) -> None:
        for app in self.apps:
            app.close()

    # -- driving -----------------------------------------------------------------------
    def poll(self) -> int:
        return self.app.pipeline.poll(self.app.config.feed("news")).queued

    def new_article(self) -> str:
        """Publish a new item on the feed and poll it: one delivery per account queued."""
        self.articles += 1
        link = f"https://news.example/2026/11/story-{self.articles}/"
        self.feeds.add_item("/feed", f"Story number {self.articles} about the council vote",
                            link, description=f"<p>Summary {self.articles}.</p>",
                            published=self.clock())
        assert self.poll() == 2
        return link

    def publish(self) -> dict[str, str]:
        """One publish pass; returns the new status per account."""
        return {r.delivery.account: r.status for r in self.app.pipeline.publish_due()}

    def later(self, delta: timedelta) -> dict[str, str]:
        """Let ``delta`` pass (no real waiting), then one publish pass."""
        self.clock.advance(delta)
        return self.publish()

    # -- looking -----------------------------------------------------------------------
    def delivery(self, account: str, link: str | None = None) -> Delivery:
        rows = [d for d in self.app.store.deliveries(account=account, limit=500)
                if link is None or d.article_link == link]
        assert rows, f"no delivery for {account}"
        return rows[0]

    def status(self) -> dict[str, Any]:
        return collect_status(self.app.loaded, self.app.store, clock=self.clock)

    def account(self, name: str) -> dict[str, Any]:
        return next(a for a in self.status()["accounts"] if a["name"] == name)

    def status_text(self) -> str:
        return render_status(self.status())

    def posts(self, account: str, link: str) -> list[Any]:
        """What the fake holds for this article (by link)."""
        if account == "x":
            return [t for t in self.x.posts if any(link in u for u in t.expanded_urls)]
        return [p for p in self.graph.posts if p.link and link in p.link]

    def sends(self, account: str) -> int:
        return self.x.count("POST /2/tweets") if account == "x" else \
            self.graph.count("POST feed")


@pytest.fixture
def world(tmp_path: Path, feed_server: FeedServer, fake_x: FakeX,
          fake_graph: FakeGraph) -> Iterator[World]:
    w = World(tmp_path, feed_server, fake_x, fake_graph)
    yield w
    w.close()


def inject(world: World, account: str, kind: Any, **params: Any) -> None:
    if account == "x":
        world.x.inject(kind, **params)
    else:
        world.graph.inject(kind, **params)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def attempts_log(world: World, delivery: Delivery) -> list[str | None]:
    return [a.outcome for a in world.app.store.attempts(delivery.id)]


# ---- the happy path, as the baseline every row departs from ---------------------------

def test_baseline_each_account_posts_once(world: World) -> None:
    link = world.new_article()
    assert world.publish() == {"x": "sent", "facebook": "sent"}
    for account in ("x", "facebook"):
        [post] = world.posts(account, link)
        d = world.delivery(account)
        assert d.status == "sent" and d.remote_id == (post.id)
    assert world.later(timedelta(hours=1)) == {}
    assert world.sends("x") == 1 and world.sends("facebook") == 1


# ---- X 429, FB 4/17/32/613/80001: nothing created; the account waits, then posts once ---

def test_x_429_pauses_the_account_until_the_reset_then_posts_once(world: World) -> None:
    link = world.new_article()
    reset = int((world.clock() + timedelta(minutes=7)).timestamp())
    world.x.inject("rate_limit", reset=reset)
    assert world.publish() == {"x": "waiting", "facebook": "sent"}
    d = world.delivery("x")
    assert d.status == "waiting" and d.due_at == datetime.fromtimestamp(reset, UTC)
    assert world.posts("x", link) == []
    account = world.account("x")
    assert account["state"] == "paused"
    assert account["paused_until"] == datetime.fromtimestamp(reset, UTC).isoformat()
    assert "429" in account["reason"] and "rate limit" in account["reason"]
    assert f"x (twitter): PAUSED until {account['paused_until']}" in world.status_text()

    assert world.later(timedelta(minutes=6)) == {}  # still paused: not even tried
    assert world.sends("x") == 1
    assert world.later(timedelta(minutes=2)) == {"x": "sent"}
    [tweet] = world.posts("x", link)
    assert world.delivery("x").remote_id == tweet.id
    assert world.account("x")["state"] == "ok"
    assert world.sends("x") == 2


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_facebook_rate_limit_codes_pause_the_page_then_post_once(world: World,
                                                                code: int) -> None:
    link = world.new_article()
    world.graph.inject(code)
    assert world.publish() == {"x": "sent", "facebook": "waiting"}
    d = world.delivery("facebook")
    assert d.status == "waiting" and d.due_at == world.clock() + timedelta(minutes=15)
    assert world.posts("facebook", link) == []
    account = world.account("facebook")
    assert account["state"] == "paused" and f"#{code}" in account["reason"]
    assert "PAUSED until" in world.status_text()

    assert world.later(timedelta(minutes=14)) == {}
    assert world.sends("facebook") == 1
    assert world.later(timedelta(minutes=2)) == {"facebook": "sent"}
    assert len(world.posts("facebook", link)) == 1 and world.sends("facebook") == 2


def test_facebook_80001_honours_estimated_time_to_regain_access(world: World) -> None:
    link = world.new_article()
    world.graph.inject(80001, regain_minutes=42)
    assert world.publish()["facebook"] == "waiting"
    until = world.clock() + timedelta(minutes=42)
    assert world.delivery("facebook").due_at == until
    account = world.account("facebook")
    assert account["paused_until"] == until.isoformat(timespec="seconds")
    assert "#80001" in account["reason"]
    assert world.later(timedelta(minutes=41)) == {}
    assert world.later(timedelta(minutes=2)) == {"facebook": "sent"}
    assert len(world.posts("facebook", link)) == 1 and world.sends("facebook") == 2


def test_rate_limits_do_not_use_up_the_retry_budget(world: World) -> None:
    """A delivery throttled many times is not given up on, nor backed off for hours."""
    link = world.new_article()
    for _ in range(12):
        reset = int((world.clock() + timedelta(seconds=30)).timestamp())
        world.x.inject("rate_limit", reset=reset)
        assert world.publish().get("x") == "waiting"
        world.clock.advance(timedelta(seconds=31))
    d = world.delivery("x")
    assert d.attempts <= 1, "a 429 created nothing and is not an attempt against the budget"
    assert world.publish() == {"x": "sent"}
    assert len(world.posts("x", link)) == 1


# ---- connection refused: nothing left the host; back off, then send -------------------

@pytest.mark.parametrize("account", ["x", "facebook"])
def test_connection_refused_waits_with_backoff_then_sends(world: World, account: str) -> None:
    port = free_port()  # nothing listens there yet
    if account == "x":
        world.x_url = f"http://127.0.0.1:{port}"
    else:
        world.graph_url = f"http://127.0.0.1:{port}"
    world.write()
    world.reload()
    link = world.new_article()
    assert world.publish()[account] == "waiting"
    d = world.delivery(account)
    assert d.status == "waiting" and "connection refused" in (d.last_error or "")
    assert "nothing was sent" in (d.last_error or "")
    backoff = d.due_at - world.clock()
    assert timedelta(seconds=45) <= backoff <= timedelta(seconds=75)  # 1 min ± jitter
    assert world.account(account)["state"] == "ok"  # a network blip pauses nothing
    assert world.later(timedelta(seconds=30)) == {}  # not due yet: nothing tried

    if account == "x":
        server: FakeX | FakeGraph = FakeX(port=port).start()
    else:
        server = FakeGraph(port=port).start()
    try:
        assert world.later(timedelta(minutes=1)) == {account: "sent"}
        d = world.delivery(account)
        [post] = server.posts
        assert d.remote_id == post.id and d.attempts == 2
        assert attempts_log(world, d) == ["transient", "published"]
        assert (link in post.expanded_urls) if account == "x" else (post.link == d.link)
    finally:
        server.stop()


# ---- ambiguous: maybe posted; unknown until the account has been checked ---------------

AMBIGUOUS = [
    # (account, fault, params, the platform committed the post, words in the reason)
    ("x", "hang", {"seconds": HANG}, False, "timed out"),
    ("x", "drop", {}, False, "reset"),
    ("x", "drop_after_commit", {}, True, "reset"),
    ("x", "server_error", {"status": 503}, False, "503"),
    ("x", "server_error", {"status": 502, "html": True}, False, "502"),
    ("facebook", "hang", {"seconds": HANG}, False, "timed out"),
    ("facebook", "drop_after_commit", {}, True, "reset"),
    ("facebook", "html_502", {}, False, "Maintype"),
    ("facebook", 2, {}, False, "#2"),
    ("facebook", "no_content_type", {}, False, "KeyError"),
]


@pytest.mark.parametrize(("account", "fault", "params", "committed", "words"), AMBIGUOUS,
                         ids=[f"{a}-{f}-{p.get('status', '')}" for a, f, p, *_ in AMBIGUOUS])
def test_ambiguous_outcome_is_reconciled_before_any_resend(
        world: World, account: str, fault: Any, params: dict[str, Any], committed: bool,
        words: str) -> None:
    link = world.new_article()
    inject(world, account, fault, **params)
    assert world.publish()[account] == "unknown"
    d = world.delivery(account)
    assert d.status == "unknown" and words in (d.last_error or "")
    assert "reconcile" in (d.last_error or "")
    assert len(world.posts(account, link)) == (1 if committed else 0)
    assert world.status()["outbox"].get("unknown") == 1
    assert world.account(account)["state"] == "ok"

    # Before the settle time nothing is checked and, above all, nothing is resent.
    assert account not in world.later(timedelta(seconds=10))
    assert world.sends(account) == 1
    assert world.delivery(account).status == "unknown"

    assert world.later(SETTLE)[account] == "sent"
    d = world.delivery(account)
    [post] = world.posts(account, link)
    assert d.status == "sent" and d.remote_id == post.id
    if committed:  # found on the account: marked sent with its id, NOT resent
        assert world.sends(account) == 1
        assert attempts_log(world, d) == ["ambiguous", "reconciled"]
    else:  # not on the account: resent exactly once
        assert world.sends(account) == 2
        assert attempts_log(world, d) == ["ambiguous", "not_found", "published"]
    assert world.later(timedelta(hours=1)) == {}
    assert world.sends(account) == (1 if committed else 2)
    assert "unknown" not in world.status()["outbox"]


def test_a_failed_check_keeps_the_delivery_unknown_and_never_resends(world: World) -> None:
    """The timeline read fails (5xx, hang): no verdict, so no resend; check again later."""
    link = world.new_article()
    world.x.inject("drop_after_commit")
    world.x.inject("server_error", endpoint="GET /2/users/:id/tweets", status=503)
    world.graph.inject("drop_after_commit")
    world.graph.inject("hang", endpoint="GET published_posts", seconds=HANG)
    assert world.publish() == {"x": "unknown", "facebook": "unknown"}
    assert world.later(SETTLE) == {"x": "unknown", "facebook": "unknown"}
    for account in ("x", "facebook"):
        d = world.delivery(account)
        assert "could not check the account" in (d.last_error or "")
        assert world.sends(account) == 1
    assert world.later(timedelta(minutes=1)) == {}  # the next check is a while away
    assert world.later(timedelta(minutes=2)) == {"x": "sent", "facebook": "sent"}
    for account in ("x", "facebook"):
        [post] = world.posts(account, link)
        assert world.delivery(account).remote_id == post.id and world.sends(account) == 1


def test_crash_mid_send_is_reconciled_at_restart_not_resent(world: World) -> None:
    """A worker killed between the claim and the outcome: start-up makes it unknown."""
    link = world.new_article()
    [claimed] = world.app.store.claim_due("host:1:dead", world.clock(), accounts=["x"])
    world.x.add_post(claimed.text)  # the dead worker's request did reach X
    assert world.app.pipeline.recover(lambda owner: owner == "host:1:dead") == 1
    d = world.delivery("x")
    assert d.status == "unknown" and "interrupted" in (d.last_error or "")
    assert "x" not in world.publish()
    assert world.later(SETTLE)["x"] == "sent"
    [tweet] = world.posts("x", link)
    assert world.delivery("x").remote_id == tweet.id
    assert world.sends("x") == 0  # the post the dead worker made is the one we keep


# ---- X 403 duplicate, FB 506: an earlier copy exists; never resend, find its id ---------

@pytest.mark.parametrize("account", ["x", "facebook"])
def test_duplicate_is_never_resent_and_takes_the_earlier_posts_id(world: World,
                                                                  account: str) -> None:
    link = world.new_article()
    d = world.delivery(account)
    # An earlier copy (a lost answer, a run against the same account): the platform's
    # own duplicate check answers 403 duplicate / #506, as the real ones do.
    earlier = world.x.add_post(d.text) if account == "x" else world.graph.add_post(
        d.text, d.link)
    assert world.publish()[account] == "sent"
    d = world.delivery(account)
    assert d.status == "sent" and d.remote_id == earlier.id and d.last_error is None
    assert attempts_log(world, d) == ["duplicate"]
    assert world.posts(account, link) == [earlier]
    assert world.later(timedelta(days=1)) == {}
    assert world.sends(account) == 1
    assert world.account(account)["state"] == "ok"


@pytest.mark.parametrize(("account", "fault", "params"), [
    ("x", "forbidden", {"variant": "duplicate"}), ("facebook", 506, {})])
def test_duplicate_not_found_is_still_never_resent(world: World, account: str, fault: Any,
                                                   params: dict[str, Any]) -> None:
    """The platform says it has it but the check cannot see it: trust it, say so."""
    world.new_article()
    inject(world, account, fault, **params)
    assert world.publish()[account] == "sent"
    d = world.delivery(account)
    assert d.status == "sent" and d.remote_id is None
    assert "duplicate" in (d.last_error or "") and "not found" in (d.last_error or "")
    assert world.later(timedelta(days=1)) == {}
    assert world.sends(account) == 1


# ---- credentials and permissions: pause the account until a human fixes it ---------------

CREDENTIALS = [
    # (account, fault, params, words the one-line reason must carry: what and the fix)
    ("x", "unauthorized", {}, ("401", "regenerate the access token")),
    ("x", "forbidden", {"variant": "oauth1_permissions"}, ("read-only", "Read and Write")),
    ("x", "forbidden", {"variant": "client_not_enrolled"}, ("client-not-enrolled",
                                                            "attach the app to a Project")),
    ("x", "credits_depleted", {}, ("402", "top up")),
    ("facebook", 190, {"subcode": 463}, ("expired", "new Page access token")),
    ("facebook", 190, {}, ("190", "new Page access token")),
    ("facebook", 10, {}, ("#10", "pages_manage_posts")),
    ("facebook", 200, {}, ("#200", "Page access token")),
]


def rotate_credentials(world: World, account: str) -> None:
    """The operator generates new credentials and puts them in the environment."""
    if account == "x":
        world.x.access_token = "1500000000000000001-rotatedtoken"
        world.x.access_token_secret = "rotated-access-token-secret"
        world.reload(X_ACCESS_TOKEN=world.x.access_token,
                     X_ACCESS_TOKEN_SECRET=world.x.access_token_secret)
    else:
        world.graph.page_token = "EAArotatedPAGEtoken"
        world.reload(FB_PAGE_TOKEN=world.graph.page_token)


def syndicate(world: World, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(world.config), *args], env=world.env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("resume", ["new-credentials", "check"])
@pytest.mark.parametrize(("account", "fault", "params", "words"), CREDENTIALS,
                         ids=[f"{a}-{f}-{p.get('variant', p.get('subcode', ''))}"
                              for a, f, p, _ in CREDENTIALS])
def test_credential_error_pauses_the_account_keeps_its_queue_and_resumes_when_fixed(
        world: World, account: str, fault: Any, params: dict[str, Any],
        words: tuple[str, ...], resume: str) -> None:
    other = "facebook" if account == "x" else "x"
    first = world.new_article()
    inject(world, account, fault, **params)
    results = world.publish()
    assert results == {account: "queued", other: "sent"}  # the other account is unaffected
    d = world.delivery(account)
    assert d.status == "queued" and d.attempts == 0 and world.posts(account, first) == []
    state = world.account(account)
    assert state["state"] == "paused" and state["paused_until"] is None
    reason = state["reason"]
    assert "\n" not in reason and all(w in reason for w in words), reason
    assert f"PAUSED until fixed (run `syndicate check`): {reason}" in syndicate(world, "status")

    second = world.new_article()  # new articles keep queueing for the paused account
    assert world.later(timedelta(days=2)) == {other: "sent"}
    world.reload()  # an unrelated reload (same credentials) does not resume it
    assert world.later(timedelta(hours=1)) == {}
    assert world.sends(account) == 1
    queued = world.app.store.deliveries(account=account, statuses=("queued",))
    assert {q.article_link for q in queued} == {first, second}

    if resume == "check":
        assert f"account {account}: was paused; resumed" in syndicate(world, "check")
    else:
        rotate_credentials(world, account)
    assert world.publish() == {account: "sent"}
    assert world.account(account)["state"] == "ok"
    for link in (first, second):
        assert len(world.posts(account, link)) == 1
    assert world.sends(account) == 3


# ---- rejected: permanent for this post; failed with the platform's message ---------------

@pytest.mark.parametrize(("account", "fault", "params", "message"), [
    ("x", "bad_request", {"message": "The post contains an invalid URL in the content."},
     "The post contains an invalid URL in the content."),
    ("x", "too_long", {}, "Your Tweet text is too long."),
    ("facebook", 100, {"message": "(#100) Invalid parameter: link"},
     "(#100) Invalid parameter: link"),
])
def test_rejected_post_fails_with_the_platforms_message_and_is_never_retried(
        world: World, account: str, fault: Any, params: dict[str, Any], message: str) -> None:
    link = world.new_article()
    inject(world, account, fault, **params)
    assert world.publish()[account] == "failed"
    d = world.delivery(account)
    assert d.status == "failed" and message in (d.last_error or "")
    assert world.account(account)["state"] == "ok"  # one bad post pauses nothing
    assert world.status()["outbox"].get("failed") == 1
    assert world.later(timedelta(days=1)) == {}
    assert world.sends(account) == 1 and world.posts(account, link) == []
    nxt = world.new_article()  # the account goes on with the next article
    assert world.publish()[account] == "sent"
    assert len(world.posts(account, nxt)) == 1


def test_facebook_368_fails_the_post_and_pauses_the_page_for_hours(world: World) -> None:
    link = world.new_article()
    world.graph.inject(368)
    assert world.publish()["facebook"] == "failed"
    d = world.delivery("facebook")
    assert d.status == "failed" and "#368" in (d.last_error or "")
    state = world.account("facebook")
    until = world.clock() + timedelta(hours=6)
    assert state["state"] == "paused" and state["paused_until"] == until.isoformat(
        timespec="seconds")
    assert "abusive" in state["reason"]
    assert f"facebook (facebook): PAUSED until {state['paused_until']}" in world.status_text()

    nxt = world.new_article()
    assert world.later(timedelta(hours=5)) == {"x": "sent"}  # X goes on; the Page waits
    assert world.sends("facebook") == 1
    assert world.later(timedelta(hours=2)) == {"facebook": "sent"}
    assert len(world.posts("facebook", nxt)) == 1 and world.posts("facebook", link) == []
    assert world.delivery("facebook", link).status == "failed"


# ---- reconciliation looks for the URL exactly as it was posted ---------------------------

UTM = "    utm: {utm_source: social, utm_medium: bot}\n"


@pytest.mark.parametrize("path", ["council-vote", "café-crème-à-la-mairie"])
@pytest.mark.parametrize("account", ["x", "facebook"])
def test_reconciliation_finds_the_post_by_the_url_it_carries(
        world: World, account: str, path: str) -> None:
    """utm parameters and %-encoding are part of what was posted; a lost answer for a post
    that exists must find it, whatever the feed's own spelling of the link."""
    world.extra_x = world.extra_fb = UTM
    world.write()
    world.reload()
    world.articles += 1
    link = f"https://news.example/2026/11/{path}/"
    world.feeds.add_item("/feed", "The council vote, explained", link,
                         description="<p>Summary.</p>", published=world.clock())
    assert world.poll() == 2
    inject(world, account, "drop_after_commit")
    assert world.publish()[account] == "unknown"
    [post] = world.x.posts if account == "x" else world.graph.posts
    posted = post.expanded_urls[0] if account == "x" else post.link
    assert "utm_source=social" in posted
    assert world.later(SETTLE)[account] == "sent"
    assert world.delivery(account).remote_id == post.id
    assert world.sends(account) == 1  # found: not resent


@pytest.mark.parametrize("placement", ["in_reply", "none"])
def test_x_post_without_its_link_in_the_text_is_found_by_its_text(world: World,
                                                                   placement: str) -> None:
    """With the link in a reply (or no link), a lost answer leaves a post with no URL
    to look for; X's duplicate check has an undocumented window (E.1), so we must not
    lean on it: the check recognises our post by its text."""
    world.x.check_duplicates = False
    world.extra_x = f"    link: {placement}\n" + UTM
    world.write()
    world.reload()
    link = world.new_article()
    world.x.inject("drop_after_commit")
    assert world.publish()["x"] == "unknown"
    [tweet] = world.x.posts  # the main post went out; its reply (if any) did not
    assert world.later(SETTLE)["x"] == "sent"
    assert world.delivery("x").remote_id == tweet.id
    assert world.sends("x") == 1 and world.x.posts == [tweet]
    assert link not in tweet.text


def test_a_send_whose_outcome_could_not_be_saved_is_checked_when_its_lease_ends(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The post went out but recording it failed (disk full, a lock held too long): the
    daemon lives on, so start-up recovery alone would leave it `sending` for ever."""
    import sqlite3

    from syndicator.daemon import Jobs

    link = world.new_article()
    real_finish = world.app.store.finish

    def finish_fails_once(delivery_id: int, **kw: Any) -> None:
        monkeypatch.setattr(world.app.store, "finish", real_finish)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(world.app.store, "finish", finish_fails_once)
    jobs = Jobs(world.app, clock=world.clock)
    jobs.publish()  # the job fails after X created the post; the daemon carries on
    [tweet] = world.posts("x", link)
    assert world.delivery("x").status == "sending"
    jobs.publish()
    assert world.delivery("x").status == "sending"  # our own lease: still in flight
    world.clock.advance(timedelta(minutes=16))  # the 15-minute lease has run out
    jobs.publish()
    assert world.delivery("x").status == "unknown"
    world.clock.advance(SETTLE)
    jobs.publish()
    d = world.delivery("x")
    assert d.status == "sent" and d.remote_id == tweet.id
    assert world.sends("x") == 1 and world.posts("x", link) == [tweet]
    assert world.delivery("facebook").status == "sent"


QUOTED = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
          "Mayor Ellen Park said on Monday.</p>")


@pytest.mark.parametrize("placement", ["in_post", "none"])
def test_posts_with_a_quote_card_are_reconciled_too(world: World, placement: str) -> None:
    """An X post with media (its text gains a media link) and a Facebook photo post
    (the link is in the caption, not attached) are found after a lost answer."""
    world.x.check_duplicates = world.graph.check_duplicates = False
    world.extra_x = f"    link: {placement}\n    card: {{}}\n" + UTM
    world.extra_fb = "    format: photo\n" + UTM
    world.write()
    world.reload()
    link = "https://news.example/2026/11/bridge/"
    world.feeds.add_item("/feed", "Bridge to be rebuilt", link, content_html=QUOTED,
                         published=world.clock())
    assert world.poll() == 2
    world.x.inject("drop_after_commit")
    world.graph.inject("drop_after_commit", endpoint="POST photos")
    assert world.publish() == {"x": "unknown", "facebook": "unknown"}
    [tweet] = world.x.posts
    [photo] = world.graph.posts
    assert tweet.media_ids and photo.kind == "photo"
    assert world.later(SETTLE) == {"x": "sent", "facebook": "sent"}
    assert world.delivery("x").remote_id == tweet.id
    assert world.delivery("facebook").remote_id == photo.id
    assert world.x.posts == [tweet] and world.graph.posts == [photo]
    assert world.x.count("POST /2/tweets") == 1 and world.graph.count("POST photos") == 1
