"""The composition root: the one place that turns config into concrete adapters."""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from syndicator.config import (
    AnyAccount,
    Config,
    FacebookAccount,
    LoadedConfig,
    MastodonAccount,
    TwitterAccount,
    url_passwords,
)
from syndicator.errors import ConfigError
from syndicator.logs import SECRETS
from syndicator.pipeline import AccountSetup, Clock, Pipeline, utc_now
from syndicator.store import Store

if TYPE_CHECKING:
    from syndicator.compose import ComposeSettings
    from syndicator.platforms.base import AccountCache, Publisher

def _host_identity() -> str:
    """This machine and process namespace: the host name alone is shared by containers
    (replicas, host networking), whose process ids are not comparable."""
    parts = [socket.gethostname().replace(":", "_")]
    try:
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
        with open("/proc/sys/kernel/random/boot_id") as boot:
            parts.append(boot.read().strip()[:8])
    except OSError:
        pass
    return "~".join(parts)


HOST = _host_identity()
WORKER = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class App:
    loaded: LoadedConfig
    store: Store
    pipeline: Pipeline
    dry_run: bool

    @property
    def config(self) -> Config:
        return self.loaded.config

    def close(self) -> None:
        self.store.close()


def register_secrets(config: Config) -> None:
    """Tell the log redactor every secret before anything can log it."""
    if config.state_path is None:  # a database URL may carry a password
        SECRETS.add(url_passwords(str(config.state)))
    SECRETS.add(secret.get_secret_value() for account in config.accounts.values()
                for secret in account.secrets.values())


def build_app(loaded: LoadedConfig, *, dry_run: bool | None = None,
              clock: Clock = utc_now, store: Store | None = None) -> App:
    """Build everything from config; ``store`` reuses an open state (config reload)."""
    config = loaded.config
    register_secrets(config)
    dry = config.dry_run if dry_run is None else dry_run
    accounts = {name: account_setup(loaded, name) for name in config.accounts}
    check_filters(config)
    if not dry:
        for name in config.accounts:
            loaded.require_credentials(name)
    if store is None:
        # dry run: a scratch copy of the real state; everything behaves as live, nothing persists
        store = Store(":scratch:", scratch_of=config.state) if dry else Store(config.state)
    publishers = build_publishers(config, dry_run=dry, clock=clock, cache=store)
    pipeline = Pipeline(store, accounts=accounts, publishers=publishers, clock=clock,
                        worker=WORKER, fetch_timeout=config.fetch_timeout.total_seconds(),
                        max_feed_bytes=config.max_feed_bytes, user_agent=config.user_agent,
                        cards_dir=cards_dir(config, dry_run=dry),
                        allow_private_article_hosts=config.allow_private_article_hosts,
                        is_dead=is_dead)
    return App(loaded, store, pipeline, dry)


def cards_dir(config: Config, *, dry_run: bool) -> Path:
    """Quote cards wait beside the state until sent (they must outlast a restart);
    ``cards_dir:`` puts them elsewhere (storage every worker sees)."""
    if dry_run:
        import tempfile

        return Path(tempfile.gettempdir()) / "syndicator-dry-run-cards"
    if config.cards_dir is not None:
        return config.cards_dir
    return (config.state_path or Path("var/syndicator.db")).parent / "cards"


def build_publishers(config: Config, *, dry_run: bool, clock: Clock,
                     cache: AccountCache | None = None) -> dict[str, Publisher]:
    """One publisher per account; ``cache`` keeps what a platform hands out between runs
    (a Bluesky session, a Mastodon instance's limits): the state, normally."""
    publishers: dict[str, Publisher] = {}
    for name, account in config.accounts.items():
        if dry_run:
            from syndicator.platforms.dryrun import DryRunPublisher

            publishers[name] = DryRunPublisher(name)
        elif isinstance(account, TwitterAccount):
            from syndicator.platforms.twitter import TwitterPublisher

            publishers[name] = TwitterPublisher(
                name,
                consumer_key=account.consumer_key.get_secret_value(),
                consumer_secret=account.consumer_secret.get_secret_value(),
                access_token=account.access_token.get_secret_value(),
                access_token_secret=account.access_token_secret.get_secret_value(),
                api_url=account.api_url, timeout=account.timeout.total_seconds(), clock=clock)
        elif isinstance(account, FacebookAccount):
            from syndicator.platforms.facebook import FacebookPublisher

            publishers[name] = FacebookPublisher(
                name, page_id=account.page_id,
                access_token=account.access_token.get_secret_value(),
                graph_url=account.graph_url, graph_version=account.graph_version,
                timeout=account.timeout.total_seconds(), clock=clock)
        elif isinstance(account, MastodonAccount):
            from syndicator.platforms.mastodon import MastodonPublisher

            publishers[name] = MastodonPublisher(
                name, instance_url=account.instance_url,
                access_token=account.access_token.get_secret_value(),
                visibility=account.visibility, content_warning=account.content_warning,
                timeout=account.timeout.total_seconds(), clock=clock, cache=cache)
        else:
            from syndicator.platforms.bluesky import BlueskyPublisher

            publishers[name] = BlueskyPublisher(
                name, handle=account.handle,
                app_password=account.app_password.get_secret_value(),
                pds_url=account.pds_url, timeout=account.timeout.total_seconds(),
                clock=clock, cache=cache)
    return publishers


def check_filters(config: Config) -> None:
    """Compile every feed's filter now: a bad pattern is a start-up error, not a poll's."""
    from syndicator.pipeline import feed_filter

    for feed in config.feeds:
        feed_filter(feed)


def account_setup(loaded: LoadedConfig, name: str) -> AccountSetup:
    account = loaded.config.accounts[name]
    try:
        compose = compose_settings(name, account)
    except ConfigError as exc:
        line = loaded.line_of("accounts", name, "template")
        raise ConfigError(f"{loaded.path}:{line}: {exc}" if line else str(exc)) from None
    from syndicator.pacing import Pacing, parse_quiet_hours

    twitter = isinstance(account, TwitterAccount)
    monthly_budget: float | None = None
    price_post = price_post_with_url = 0.0
    if isinstance(account, TwitterAccount):
        monthly_budget = account.monthly_budget
        price_post, price_post_with_url = account.price_post, account.price_post_with_url
    pacing = Pacing(
        spacing=account.spacing, max_per_day=account.max_per_day,
        quiet_hours=parse_quiet_hours(account.quiet_hours) if account.quiet_hours else None,
        timezone=loaded.config.timezone, monthly_budget=monthly_budget,
        price_post=price_post, price_post_with_url=price_post_with_url)
    attach = account.card is not None and (
        not isinstance(account, FacebookAccount) or account.format == "photo")
    mastodon = isinstance(account, MastodonAccount)
    max_length_set = isinstance(account, MastodonAccount) and account.max_length is not None
    return AccountSetup(name=name, compose=compose, pacing=pacing,
                        fingerprint=fingerprint(account), charges=twitter, attach_card=attach,
                        quote_min_confidence=account.quote_min_confidence,
                        limit_from_platform=mastodon, max_length_set=max_length_set)


def fingerprint(account: AnyAccount) -> str:
    """Changes whenever the account's settings or secrets change (a paused account resumes)."""
    digest = hashlib.sha256(account.model_dump_json().encode())
    for secret in account.secrets.values():
        digest.update(b"\0" + secret.get_secret_value().encode())
    return digest.hexdigest()[:16]


def compose_settings(name: str, account: AnyAccount) -> ComposeSettings:
    from syndicator.compose import (
        DEFAULT_HASHTAG_STOPLIST,
        CardSettings,
        ComposeSettings,
        compile_template,
    )
    from syndicator.models import Platform

    stoplist = DEFAULT_HASHTAG_STOPLIST | {t.lower() for t in account.hashtag_stoplist}
    card = None
    if account.card is not None:
        c = account.card
        card = CardSettings(background=c.background, foreground=c.foreground, accent=c.accent,
                            font=str(c.font) if c.font else None,
                            logo_png=c.logo.read_bytes() if c.logo else None)
    if account.template is not None:
        compile_template(account.template, account=name)  # fail at start-up, not at post time
    if isinstance(account, TwitterAccount):
        return ComposeSettings(
            platform=Platform.TWITTER, template=account.template,
            max_length=account.max_length,
            hashtags=2 if account.hashtags is None else account.hashtags,
            hashtag_map=dict(account.hashtag_map),
            hashtag_stoplist=stoplist, link=account.link, utm=dict(account.utm), card=card)
    platform = Platform(account.platform)
    max_length = getattr(account, "max_length", None)  # None: the platform's default
    if isinstance(account, MastodonAccount) and account.content_warning:
        from syndicator.compose.lengths import graphemes
        from syndicator.compose.settings import MASTODON_MAX_LENGTH

        # Mastodon counts the warning with the text (the publisher does the same with the
        # instance's own limit)
        max_length = (max_length or MASTODON_MAX_LENGTH) - graphemes(account.content_warning)
    return ComposeSettings(
        platform=platform, template=account.template,
        max_length=None if platform == Platform.FACEBOOK else max_length,
        hashtags=account.hashtags, hashtag_map=dict(account.hashtag_map),
        hashtag_stoplist=stoplist, link="in_post", utm=dict(account.utm), card=card)


def is_dead(owner: str) -> bool:
    """A lease owner on this host (and pid namespace, this boot) whose process no longer
    exists is dead; any other owner is alive until its lease runs out."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    if owner == WORKER:
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return int(pid_text) == os.getpid()  # our pid, another worker id: an earlier life
