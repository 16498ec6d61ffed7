"""`syndicate`: thin click commands, each calling one use case, and their renderers.

Heavy libraries are imported inside commands so `syndicate --help` starts fast.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from syndicator import __version__
from syndicator.logs import printable

if TYPE_CHECKING:
    from syndicator.app import App
    from syndicator.config import Config, LoadedConfig
    from syndicator.models import Article, Post
    from syndicator.store import Store

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("syndicator")


class SyndicatorGroup(click.Group):
    """Turns our errors into one clear line and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        from syndicator.errors import SyndicatorError

        try:
            return super().invoke(ctx)
        except SyndicatorError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from syndicator.logs import SECRETS

            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"syndicate: error: {SECRETS.scrub(line)}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=SyndicatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: $SYNDICATOR_CONFIG, ./syndicator.yaml, "
                   "config/syndicator.yaml).")
@click.option("-v", "--verbose", is_flag=True, help="More detail in the log.")
@click.option("--debug", is_flag=True, help="Debug logs and full tracebacks.")
@click.option("--log-format", type=click.Choice(["human", "json"]), default="human",
              show_default=True, help="Log line format (json for log shippers).")
@click.version_option(__version__, prog_name="syndicate")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool, debug: bool,
        log_format: str) -> None:
    """Post each new article of your feeds to X, Facebook, Mastodon and Bluesky, with its
    best pull-quote."""
    from syndicator.logs import setup_logging

    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    setup_logging(level=level, fmt=log_format)
    from syndicator.delivery import utc_now

    # one clock for the whole command: every part reads time through it (tests pass their own)
    ctx.obj = {"config_path": config_path, "debug": debug, "verbose": verbose, "clock": utc_now}


def _load(ctx: click.Context) -> LoadedConfig:
    from syndicator.app import register_secrets
    from syndicator.config import find_config_path, load_config

    loaded = load_config(find_config_path(ctx.obj["config_path"]))
    register_secrets(loaded.config)
    return loaded


def _app(ctx: click.Context, *, dry_run: bool | None = None) -> App:
    from syndicator.app import build_app

    app = build_app(_load(ctx), dry_run=dry_run, clock=ctx.obj["clock"])
    ctx.call_on_close(app.close)
    return app


def _store(ctx: click.Context) -> tuple[LoadedConfig, Store]:
    """Operator commands read and fix state; they need no credentials."""
    from syndicator.store import Store

    loaded = _load(ctx)
    # nothing has run yet: read an empty state rather than create the file here
    state = loaded.config.state
    store = Store(state) if state_exists(loaded.config) else Store(":scratch:")
    ctx.call_on_close(store.close)
    return loaded, store


def _echo_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


# -- run / now ----------------------------------------------------------------------------------

@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Run the daemon: poll every feed on its schedule and publish due posts until stopped.

    SIGTERM or SIGINT stops it cleanly; a second daemon on the same state is refused.
    """
    from syndicator.config import find_config_path
    from syndicator.daemon import run_daemon

    if not ctx.obj["verbose"] and not ctx.obj["debug"]:
        logging.getLogger().setLevel(logging.INFO)
    ctx.exit(run_daemon(find_config_path(ctx.obj["config_path"]), clock=ctx.obj["clock"]))


@cli.command()
@click.option("--feed", "feed_name", help="Only this feed (its name in the config).")
@click.option("--dry-run", is_flag=True, help="Build and show the posts; publish and save nothing.")
@click.pass_context
def now(ctx: click.Context, feed_name: str | None, dry_run: bool) -> None:
    """Poll every feed (or one) and publish what is due, once, now.

    Example:

    \b
        syndicate now --dry-run
    """
    from syndicator.app import is_dead

    app = _app(ctx, dry_run=True if dry_run else None)
    feeds = [app.config.feed(feed_name)] if feed_name else list(app.config.feeds)
    app.pipeline.recover(is_dead)  # sends a dead process left half-done get checked first
    failed = False
    for result in _poll_together(app, feeds):
        failed |= result.status == "error"
        _render_poll(result, show_posts=app.dry_run)
    for outcome in app.pipeline.publish_due():
        failed |= outcome.status == "failed"
        verb = {"sent": "would post" if app.dry_run else "posted"}.get(outcome.status,
                                                                      outcome.status)
        click.echo(f"  {outcome.delivery.account}: {verb}: "
                   f"{printable(outcome.delivery.article_title)}"
                   + ("" if app.dry_run else f" ({outcome.detail})"))
    counts = app.store.counts()
    later = counts.get("queued", 0) + counts.get("waiting", 0)
    if later:
        click.echo(f"  {later} post(s) queued for later (spacing, rate limits or paused accounts)")
    if app.dry_run:
        click.echo("dry run: nothing was published and no state was saved")
    ctx.exit(1 if failed else 0)


# Feeds polled at once by `now`: a slow or dripping site holds only its own feed (each
# request ends by fetch_timeout), and a few threads are enough to overlap waiting.
POLL_THREADS = 4


def _poll_together(app: App, feeds: list[Any]) -> Iterator[Any]:
    """Each feed's poll result, in config order, the polls run side by side."""
    from concurrent.futures import ThreadPoolExecutor

    if len(feeds) < 2:
        yield from (app.pipeline.poll(feed) for feed in feeds)
        return
    with ThreadPoolExecutor(min(POLL_THREADS, len(feeds)), thread_name_prefix="poll") as pool:
        futures = [pool.submit(app.pipeline.poll, feed) for feed in feeds]
        for future in futures:
            yield future.result()


def _render_poll(result: Any, *, show_posts: bool) -> None:
    if result.status == "error":
        click.echo(f"{result.feed}: error: {printable(result.error or '')}", err=True)
        return
    if result.status == "not_modified":
        click.echo(f"{result.feed}: not modified")
        return
    if result.status == "busy":
        click.echo(f"{result.feed}: another worker is polling it; left to that one")
        return
    if result.warning:
        click.echo(f"{result.feed}: warning: {printable(result.warning)}", err=True)
    click.echo(f"{result.feed}: {result.items} items, {result.new} new, "
               f"{result.queued} post(s) queued")
    if show_posts:
        for article, posts in result.posts:
            _render_article(article, posts)


# what each platform's limit counts (compose/lengths.py); Facebook's is out of reach
_UNITS = {"twitter": "weighted", "mastodon": "characters, links 23",
          "bluesky": "graphemes"}


def state_exists(config: Config) -> bool:
    """An SQLite file not made yet is an empty state; a database is always there."""
    return config.state_path is None or config.state_path.exists()


def _limit(post: Post) -> int | None:
    from syndicator.compose.settings import DEFAULT_MAX_LENGTH

    return None if post.platform == "facebook" else DEFAULT_MAX_LENGTH[post.platform]


def _render_article(article: Article, posts: list[Post]) -> None:
    click.echo(f"\n• {printable(article.title)}\n  {printable(article.link)}")
    for post in posts:
        units = _UNITS.get(post.platform)
        limit = f" / {_limit(post)} {units}" if units else " characters"
        if post.platform == "facebook":
            placement = ", link attached as preview" if post.link else ""
        elif post.platform == "bluesky":
            placement = ", link card" if post.link else ", no link"
        else:
            placement = ", link in a reply" if post.reply_text else \
                ", link in the post" if "http" in post.text else ", no link"
        click.echo(f"  ── {post.account} ({post.platform}, {post.weighted_length}{limit}"
                   f"{placement})")
        for line in post.text.splitlines() or [""]:
            click.echo(f"  │ {line}")
        if post.reply_text:
            click.echo(f"  │ ↳ reply: {post.reply_text}")
        for media in post.media:
            click.echo(f"  │ [quote card: {media}]")
        if post.media and post.alt_text:
            click.echo(f"  │ [alt text: {printable(post.alt_text)}]")
    click.echo("")


# -- preview / quotes ---------------------------------------------------------------------------

@cli.command()
@click.option("--feed", "feed_location", metavar="URL_OR_PATH_OR_NAME",
              help="A feed URL, a local file, or a feed name from the config.")
@click.option("--article", "article_location", metavar="URL_OR_PATH",
              help="One article page (HTML) or text file.")
@click.option("--limit", default=5, show_default=True, help="How many of the newest items.")
@click.option("--cards", "cards_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write the quote-card images into this folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract.")
@click.pass_context
def preview(ctx: click.Context, feed_location: str | None, article_location: str | None,
            limit: int, cards_dir: Path | None, as_json: bool) -> None:
    """Show the posts that would be built, without touching any state or API.

    Example:

    \b
        syndicate preview --feed https://example.com/feed/ --json
    """
    from syndicator.preview import preview_article, preview_feed

    if bool(feed_location) == bool(article_location):
        raise click.UsageError("give exactly one of --feed or --article")
    loaded = _load_optional(ctx)
    if feed_location:
        items = preview_feed(loaded, feed_location, limit=limit, cards=cards_dir)
    else:
        items = [(*preview_article(loaded, article_location or "", cards=cards_dir), None)]
    if as_json:
        _echo_json({"items": [{"id": a.id, "title": a.title, "url": a.link,
                               "posts": [{**p.as_dict(), "limit": _limit(p)} for p in posts],
                               "left_out": why}
                              for a, posts, why in items]})
        return
    for article, posts, why in items:
        _render_article(article, posts)
        if why:
            click.echo(f"  (left out by the feed's filter: {printable(why)})\n")


def _load_optional(ctx: click.Context) -> LoadedConfig | None:
    """preview works with no config at all: it then uses the default accounts."""
    import os

    from syndicator.config import DEFAULT_CONFIG_PATHS

    explicit = ctx.obj["config_path"] or os.environ.get("SYNDICATOR_CONFIG")
    if explicit or any(p.exists() for p in DEFAULT_CONFIG_PATHS):
        return _load(ctx)
    return None


@cli.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract.")
@click.option("--explain", is_flag=True,
              help="For each quote, the evidence for its speaker and the confidence.")
@click.option("--language", default=None, metavar="CODE",
              help="The article's language (en, fr, de, es …); default: detected.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None,
              help="Pick the pull-quote only among quotes this sure of their speaker "
                   "(default: the engine's, as for an account without quote_min_confidence).")
def quotes(source: str, as_json: bool, explain: bool, language: str | None,
           min_confidence: float | None) -> None:
    """List the quotations in an article (text or HTML) and the chosen pull-quote.

    Example:

    \b
        syndicate quotes article.html --explain
    """
    from syndicator.article import html_to_text, looks_like_html
    from syndicator.backbones import backbone_for
    from syndicator.quotes import DEFAULT_MIN_CONFIDENCE, analyse, detect_language

    raw = _read_source(source)
    text = html_to_text(raw) if looks_like_html(raw) else raw
    lang = language or detect_language(text)
    backbone = backbone_for(lang)
    floor = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    report = analyse(text, min_confidence=floor, backbone=backbone)
    if as_json:
        _echo_json(report.as_dict())
        return
    if explain:
        click.echo(f"language: {lang or 'unknown'}; backbone: "
                   f"{backbone.name if backbone else 'rules only'}; "
                   f"pull-quote floor: confidence {floor:.2f}\n")
    if not report.quotes:
        click.echo("no quotations found")
    chosen = report.pull_quote
    for quote in report.quotes:
        mark = "★" if chosen is not None and quote.start == chosen.start else " "
        speaker = quote.speaker or "(speaker unknown)"
        click.echo(f"{mark} [{quote.kind}, {quote.score:.2f}] “{quote.text}” — {speaker}")
        if explain:
            click.echo(f"    confidence {quote.confidence:.2f}"
                       + ("" if quote.evidence else ": no attribution found"))
            for line in quote.evidence:
                click.echo(f"    {line}")
    click.echo(f"\npull-quote: “{chosen.text}” — {chosen.speaker}" if chosen
               else "\npull-quote: none worth posting")


def _read_source(source: str) -> str:
    from syndicator.errors import SyndicatorError

    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SyndicatorError(f"cannot read {source}: {exc.strerror}") from None


# -- operator commands --------------------------------------------------------------------------

@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Feeds, accounts, the outbox and the latest posts."""
    from syndicator.status import collect_status, render_status

    loaded, store = _store(ctx)
    report = collect_status(loaded, store, clock=ctx.obj["clock"])
    if as_json:
        _echo_json(report)
    else:
        click.echo(render_status(report))


@cli.command()
@click.option("--limit", default=20, show_default=True)
@click.option("--feed", "feed_name", default=None)
@click.option("--account", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def history(ctx: click.Context, limit: int, feed_name: str | None, account: str | None,
            as_json: bool) -> None:
    """What was posted where (remote ids and URLs), and failures with reasons."""
    from syndicator.status import collect_history, render_history

    _, store = _store(ctx)
    rows = collect_history(store, limit=limit, feed=feed_name, account=account)
    if as_json:
        _echo_json({"deliveries": rows})
    else:
        click.echo(render_history(rows))


@cli.command()
@click.argument("delivery_id", type=int)
@click.pass_context
def retry(ctx: click.Context, delivery_id: int) -> None:
    """Re-queue a failed or skipped delivery."""
    _, store = _store(ctx)
    if not store.requeue(delivery_id, ctx.obj["clock"](), statuses=("failed", "skipped")):
        raise click.ClickException(f"delivery {delivery_id} is not failed or skipped; "
                                   "see `syndicate history`")
    click.echo(f"delivery {delivery_id} queued again")


@cli.command()
@click.argument("delivery_id", type=int)
@click.pass_context
def skip(ctx: click.Context, delivery_id: int) -> None:
    """Never send this delivery (it stays in history as skipped)."""
    _, store = _store(ctx)
    if not store.skip(delivery_id, ctx.obj["clock"]()):
        raise click.ClickException(f"delivery {delivery_id} is not queued, waiting or failed")
    click.echo(f"delivery {delivery_id} skipped")


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the config and verify every account's credentials against its API."""
    from syndicator.app import account_setup, build_publishers, check_filters
    from syndicator.store import Store

    loaded = _load(ctx)
    config = loaded.config
    for name in config.accounts:  # templates, cards: what `now` and `run` would refuse
        account_setup(loaded, name)
    check_filters(config)
    click.echo(f"config {loaded.path}: ok ({len(config.feeds)} feeds, "
               f"{len(config.accounts)} accounts)")
    problems = 0
    for name in config.accounts:
        try:
            loaded.require_credentials(name)
        except Exception as exc:
            click.echo(f"account {name}: {exc}")
            problems += 1
    if problems:
        ctx.exit(1)
    store = Store(config.state) if state_exists(config) else None
    # a Bluesky session made here is kept for the daemon, as a Mastodon server's limits
    publishers = build_publishers(config, dry_run=False, clock=ctx.obj["clock"], cache=store)
    for name, publisher in publishers.items():
        reason = publisher.check()
        if reason is None:
            limit = publisher.text_limit()  # a Mastodon server's own limit
            click.echo(f"account {name}: ok" + (f" (the server allows {limit} characters)"
                                                 if limit else ""))
            if store is not None and store.account_state(name).pause_fingerprint:
                store.resume_account(name)
                click.echo(f"account {name}: was paused; resumed")
        else:
            problems += 1
            click.echo(f"account {name}: {reason}")
    ctx.exit(1 if problems else 0)


@cli.command()
@click.option("--to", "target", required=True, metavar="postgresql://…",
              help="An empty PostgreSQL database (its password best as $PGPASSWORD).")
@click.pass_context
def migrate(ctx: click.Context, target: str) -> None:
    """Copy this config's SQLite state into an empty PostgreSQL database.

    Feeds, articles, deliveries, attempts, pauses and kept sessions move as they are, in one
    transaction; a database that already holds a state is refused. Stop the daemon first.
    Then set `state:` to the database and start any number of workers.
    """
    from syndicator.config import is_database_url
    from syndicator.daemon import InstanceLock
    from syndicator.errors import ConfigError
    from syndicator.store import Store, copy_state

    loaded = _load(ctx)
    source_path = loaded.config.state_path
    if source_path is None:
        raise ConfigError("the config's state is already a database; migrate copies an "
                          "SQLite state file into one")
    if not source_path.exists():
        raise ConfigError(f"there is no state at {source_path} to migrate")
    if not is_database_url(target):
        raise ConfigError("--to must be a postgresql:// URL (postgresql://user@host/db, the "
                          "password in $PGPASSWORD)")
    from syndicator.config import url_passwords
    from syndicator.logs import SECRETS

    SECRETS.add(url_passwords(target))
    lock = InstanceLock(source_path)  # refused while a daemon runs on the file
    lock.acquire()
    try:
        source, destination = Store(source_path), Store(target)
        if not destination.is_empty():
            raise ConfigError(f"{destination.where} already holds a syndicator state; "
                              "migrate only fills an empty database — fix: name a new one")
        copied = copy_state(source, destination)
        source.close()
        destination.close()
    finally:
        lock.release()
    click.echo(f"copied {source_path} into {destination.where}: " + ", ".join(
        f"{n} {table}" for table, n in copied.items() if table != "migrations"))
    click.echo(f"next: set `state: {destination.where}` in {loaded.path} (the password as "
               "${ENV_VAR}) and start the workers")


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Where to write syndicator.yaml and .env.")
def init(directory: str) -> None:
    """Write a commented starter config and a .env template (never overwrites)."""
    from importlib.resources import files

    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    data = files("syndicator") / "data"
    written = []
    for source, name, mode in (("syndicator.example.yaml", "syndicator.yaml", 0o644),
                               ("env.example", ".env", 0o600)):
        path = target / name
        if path.exists():
            click.echo(f"{path} exists; left as it is")
            continue
        path.write_text((data / source).read_text(encoding="utf-8"), encoding="utf-8")
        path.chmod(mode)
        written.append(str(path))
    if written:
        click.echo("wrote " + " and ".join(written) + "; edit them, then run `syndicate check`")


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Print the effective config (defaults filled in) with every secret masked."""
    from syndicator.config import effective_yaml

    click.echo(effective_yaml(_load(ctx.find_root())), nl=False)


def main() -> None:
    cli(prog_name="syndicate")


if __name__ == "__main__":
    main()
