"""YAML -> validated, frozen settings.

Every error names the file, the line and the fix, because the person reading it is
editing that file right now. Secrets come from ``${ENV}`` (or a ``.env`` beside the
config) and travel as ``SecretStr`` so they never reach a repr or a log line.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
import stat
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from syndicator.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_CONFIG_PATHS = (Path("syndicator.yaml"), Path("config/syndicator.yaml"))

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION_FULL = re.compile(r"^(?:\s*\d+(?:\.\d+)?\s*[smhdw])+\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
DURATION_FIX = "write a number and a unit, e.g. 30s, 5m, 2h, 1d"


def parse_duration(value: object) -> timedelta:
    """'5m' -> 5 minutes; combinations such as '1h30m' are fine."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"invalid duration {value!r}: {DURATION_FIX}")
    if isinstance(value, int | float):
        raise ValueError(f"invalid duration {value!r} (no unit): {DURATION_FIX}")
    if not _DURATION_FULL.match(value):
        raise ValueError(f"invalid duration {value!r} — fix: {DURATION_FIX}")
    seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(value))
    return timedelta(seconds=seconds)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FilterConfig(_Strict):
    """An editor's rules for a feed (filters.py): keywords or /patterns/ over the title and
    text, categories and authors; include rules must match, exclude rules leave out."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_categories: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = ()
    include_authors: tuple[str, ...] = ()
    exclude_authors: tuple[str, ...] = ()


class FeedConfig(_Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    url: str = Field(min_length=1)
    every: Duration = timedelta(minutes=5)
    post_to: tuple[str, ...] = Field(min_length=1)
    backfill: int = Field(default=0, ge=0)
    max_age: Duration | None = timedelta(hours=48)
    fetch_article: Literal["auto", "always", "never"] = "auto"
    filter: FilterConfig | None = None

    @field_validator("every")
    @classmethod
    def _not_too_often(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError("poll interval below 1s would hammer the site; use 1s or more")
        return value


_HEX = r"^#[0-9A-Fa-f]{6}$"


class CardConfig(_Strict):
    """A quote card: the pull-quote drawn as an image (X attaches it; Facebook posts it
    as a photo when ``format: photo``)."""

    background: str = Field(default="#111827", pattern=_HEX)
    foreground: str = Field(default="#f9fafb", pattern=_HEX)
    accent: str = Field(default="#f59e0b", pattern=_HEX)
    font: Path | None = None  # a TTF/OTF file; default: the font bundled with Pillow
    logo: Path | None = None  # a PNG drawn in the corner


class _AccountBase(_Strict):
    card: CardConfig | None = None
    spacing: Duration = timedelta(0)
    max_per_day: int | None = Field(default=None, ge=1)
    quiet_hours: str | None = None
    timeout: Duration = timedelta(seconds=30)
    template: str | None = None
    hashtags: int | None = Field(default=None, ge=0, le=10)
    hashtag_map: dict[str, str] = Field(default_factory=dict)
    hashtag_stoplist: tuple[str, ...] = ()
    utm: dict[str, str] = Field(default_factory=dict)
    # None: the quote engine's default (quotes/evidence.py DEFAULT_MIN_CONFIDENCE)
    quote_min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)

    @field_validator("timeout")
    @classmethod
    def _bounded_timeout(cls, value: timedelta) -> timedelta:
        # a send makes up to about eight calls (session, card, alt text, post, read-back)
        # and must end well inside the outbox's 15-minute lease
        if not timedelta(seconds=1) <= value <= timedelta(seconds=90):
            raise ValueError("timeout must be between 1s and 90s")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None:
            from syndicator.pacing import parse_quiet_hours

            parse_quiet_hours(value)
        return value

    @field_validator("utm")
    @classmethod
    def _utm_keys(cls, value: dict[str, str]) -> dict[str, str]:
        allowed = {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}
        bad = sorted(set(value) - allowed)
        if bad:
            raise ValueError(f"unknown tracking parameter {bad[0]!r}; use {sorted(allowed)}")
        return value


class TwitterAccount(_AccountBase):
    platform: Literal["twitter"]
    consumer_key: SecretStr
    consumer_secret: SecretStr
    access_token: SecretStr
    access_token_secret: SecretStr
    api_url: str = "https://api.x.com"
    link: Literal["in_post", "in_reply", "none"] = "in_post"
    max_length: int = Field(default=280, ge=1, le=25000)
    monthly_budget: float | None = Field(default=None, gt=0)
    price_post: float = Field(default=0.015, ge=0)
    price_post_with_url: float = Field(default=0.200, ge=0)

    @property
    def secrets(self) -> dict[str, SecretStr]:
        return {
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "access_token": self.access_token,
            "access_token_secret": self.access_token_secret,
        }


class FacebookAccount(_AccountBase):
    platform: Literal["facebook"]
    page_id: str = Field(min_length=1, pattern=r"^\d+$")
    access_token: SecretStr
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = Field(default="v26.0", pattern=r"^v\d+\.\d+$")
    format: Literal["link", "photo"] = "link"

    @model_validator(mode="after")
    def _photo_needs_card(self) -> FacebookAccount:
        if self.format == "photo" and self.card is None:
            return self.model_copy(update={"card": CardConfig()})
        return self

    @field_validator("page_id", mode="before")
    @classmethod
    def _page_id_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @property
    def secrets(self) -> dict[str, SecretStr]:
        return {"access_token": self.access_token}


class MastodonAccount(_AccountBase):
    """A Mastodon account: the status fits the instance's own limit, read from the
    instance (``max_length`` can only lower it)."""

    platform: Literal["mastodon"]
    instance_url: str = Field(pattern=r"^https?://[^/\s]+/?$")
    access_token: SecretStr
    visibility: Literal["public", "unlisted", "private"] = "public"
    content_warning: str | None = Field(default=None, max_length=200)
    max_length: int | None = Field(default=None, ge=50, le=100_000)

    @property
    def secrets(self) -> dict[str, SecretStr]:
        return {"access_token": self.access_token}


class BlueskyAccount(_AccountBase):
    """A Bluesky account, signed in with an app password (never the account password)."""

    platform: Literal["bluesky"]
    handle: str = Field(pattern=r"^@?[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z0-9-]+$|^did:[a-z]+:\S+$")
    app_password: SecretStr
    pds_url: str = Field(default="https://bsky.social", pattern=r"^https?://[^/\s]+/?$")
    max_length: int = Field(default=300, ge=50, le=300)

    @field_validator("handle")
    @classmethod
    def _bare_handle(cls, value: str) -> str:
        return value.removeprefix("@")

    @property
    def secrets(self) -> dict[str, SecretStr]:
        return {"app_password": self.app_password}


AnyAccount = TwitterAccount | FacebookAccount | MastodonAccount | BlueskyAccount
Account = Annotated[AnyAccount, Field(discriminator="platform")]


DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(value: object) -> bool:
    """A ``state:`` that names a PostgreSQL database rather than an SQLite file."""
    return isinstance(value, str) and value.startswith(DATABASE_SCHEMES)


def url_passwords(url: str) -> list[str]:
    """The passwords a database URL carries (in its user part or ``?password=``)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [unquote(parts.password)] if parts.password else []
    found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password" and v]
    return found


def masked_url(url: str) -> str:
    """``url`` with its password (user part or ``?password=``) as ``***``: safe to print
    and log."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username or ''}:***@{netloc.rsplit('@', 1)[-1]}"
        query = urlencode([(k, "***" if k.lower() == "password" else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)],
                          safe="/*")
    except ValueError:
        return "postgresql://***"
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class Config(_Strict):
    # an SQLite file (the default), or postgresql://user@host/dbname for many workers
    state: Path | str = Path("var/syndicator.db")
    # where quote cards wait until sent (default: beside an SQLite state; with PostgreSQL
    # and workers on several machines, storage they all see)
    cards_dir: Path | None = None
    timezone: str = "UTC"
    dry_run: bool = False
    user_agent: str | None = None
    fetch_timeout: Duration = timedelta(seconds=20)
    max_feed_bytes: int = Field(default=10_000_000, ge=10_000)
    # article links come from feed content: only public addresses, unless an intranet
    # site's pages live on private ones
    allow_private_article_hosts: bool = False
    feeds: tuple[FeedConfig, ...] = Field(min_length=1)
    accounts: dict[str, Account] = Field(min_length=1)

    @field_validator("state", mode="before")
    @classmethod
    def _state_kind(cls, value: object) -> object:
        if isinstance(value, str) and not is_database_url(value):
            if "://" in value:
                raise ValueError("state must be an SQLite file path or a postgresql:// URL")
            return Path(value)
        return value

    @property
    def state_path(self) -> Path | None:
        """The SQLite file, or None when the state is a PostgreSQL database."""
        return self.state if isinstance(self.state, Path) else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as "
                             "Europe/London or UTC") from None
        return value

    @model_validator(mode="after")
    def _references(self) -> Config:
        names = [f.name for f in self.feeds]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"feed name {duplicates[0]!r} is used twice; names must be unique")
        for feed in self.feeds:
            for account in feed.post_to:
                if account not in self.accounts:
                    hint = _close(account, list(self.accounts))
                    raise ValueError(f"feed {feed.name!r} posts to unknown account {account!r}"
                                     f"{hint}; define it under accounts:")
        return self

    def feed(self, name: str) -> FeedConfig:
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise ConfigError(f"no feed named {name!r}; feeds are: "
                          + ", ".join(f.name for f in self.feeds))


class LoadedConfig:
    """A validated Config plus where it came from, for messages that point at lines."""

    def __init__(self, config: Config, path: Path, lines: Mapping[tuple[Any, ...], int],
                 env_refs: Mapping[tuple[Any, ...], str]) -> None:
        self.config = config
        self.path = path
        self._lines = lines
        self._env_refs = env_refs

    def inline_secrets(self) -> list[tuple[Any, ...]]:
        """Where a non-empty secret was written in the YAML itself, not as ${ENV}."""
        found = []
        for name, account in self.config.accounts.items():
            for key, secret in account.secrets.items():
                loc = ("accounts", name, key)
                if loc not in self._env_refs and secret.get_secret_value():
                    found.append(loc)
        return found

    def line_of(self, *loc: Any) -> int | None:
        return _line_for(self._lines, loc)

    def require_credentials(self, account: str) -> None:
        """Publishing for real needs every secret of the account to be non-empty."""
        settings = self.config.accounts[account]
        for key, secret in settings.secrets.items():
            if secret.get_secret_value().strip():
                continue
            loc = ("accounts", account, key)
            var = self._env_refs.get(loc)
            fix = (f"set the environment variable {var} (or put it in .env beside the config)"
                   if var else "fill it in, preferably as ${ENV_VAR}")
            raise ConfigError(_where(self.path, self.line_of(*loc))
                              + f"accounts.{account}.{key} is empty — fix: {fix}, "
                              "or use --dry-run")


def find_config_path(explicit: str | os.PathLike[str] | None) -> Path:
    """--config, else $SYNDICATOR_CONFIG, else ./syndicator.yaml, else config/syndicator.yaml."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get("SYNDICATOR_CONFIG")
    if from_env:
        return Path(from_env)
    for candidate in DEFAULT_CONFIG_PATHS:
        if candidate.exists():
            return candidate
    raise ConfigError("no config file found (looked for ./syndicator.yaml and "
                      "config/syndicator.yaml) — fix: pass --config PATH or set "
                      "SYNDICATOR_CONFIG; `syndicate init` writes a starter config")


def load_config(path: str | os.PathLike[str], *,
                environ: Mapping[str, str] | None = None) -> LoadedConfig:
    """Read, interpolate and validate one YAML file; raise ConfigError naming file:line."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found — fix: check the path, or run "
                          "`syndicate init` to write a starter config") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config ({exc})") from None
    env = _environment(path, environ)
    lines: dict[tuple[Any, ...], int] = {}
    env_refs: dict[tuple[Any, ...], str] = {}
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(_where(path, line) + f"invalid YAML: {problem} — fix: check "
                          "indentation and quoting on that line") from None
    if node is None:
        raise ConfigError(f"{path}: the file is empty — fix: copy "
                          "config/syndicator.example.yaml and edit it")
    data = _build(node, (), lines, env_refs, env, path, [_MAX_VALUES])
    if not isinstance(data, dict):
        raise ConfigError(_where(path, 1) + "the top level must be a mapping of keys "
                          "(state:, feeds:, accounts:)")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        deeper = {tuple(e["loc"][:n]) for e in errors for n in range(1, len(e["loc"]))}
        errors = [e for e in errors  # a list whose items failed is not also "too short"
                  if not (e["type"] == "too_short" and tuple(e["loc"]) in deeper)]
        raise ConfigError("\n".join(_describe(err, path, lines) for err in errors)) from None
    config = _resolve_paths(config, path.parent)
    loaded = LoadedConfig(config, path, lines, env_refs)
    _check_inline_secrets(loaded)
    _check_card_files(loaded)
    return loaded


def _check_card_files(loaded: LoadedConfig) -> None:
    for name, account in loaded.config.accounts.items():
        card = account.card
        for key in ("font", "logo"):
            file = getattr(card, key) if card is not None else None
            if file is not None and not file.is_file():
                raise ConfigError(_where(loaded.path, loaded.line_of("accounts", name, "card",
                                                                      key))
                                  + f"accounts.{name}.card.{key}: no file {file} — fix: give "
                                  "the path of an existing file (relative to this config)")


def _check_inline_secrets(loaded: LoadedConfig) -> None:
    """Secrets belong in ${ENV}; written inline, the file must at least not be world-readable."""
    inline = loaded.inline_secrets()
    if not inline:
        return
    try:
        mode = loaded.path.stat().st_mode
    except OSError:
        return
    where = ", ".join(f"line {loaded.line_of(*loc)}" for loc in inline)
    if mode & stat.S_IROTH:
        raise ConfigError(f"{loaded.path}: secrets are written inline ({where}) and the file is "
                          f"readable by every user — fix: use ${{ENV_VAR}} references, or "
                          f"chmod 600 {loaded.path}")
    log.warning("%s: secrets are written inline (%s); prefer ${ENV_VAR} references or a .env "
                "file beside the config", loaded.path, where)


def _resolve_paths(config: Config, base: Path) -> Config:
    """Relative state and feed paths are relative to the config file, not the cwd."""
    state = config.state
    if isinstance(state, Path) and not state.is_absolute():
        state = base / state
    cards = config.cards_dir
    if cards is not None and not cards.is_absolute():
        cards = base / cards
    elif cards is None:
        # beside an SQLite state; beside the config for a database's workers
        cards = (state.parent if isinstance(state, Path) else base / "var") / "cards"
    feeds = tuple(
        feed if _is_url(feed.url) or Path(feed.url).is_absolute()
        else feed.model_copy(update={"url": str(base / feed.url)})
        for feed in config.feeds
    )
    accounts = {}
    for name, account in config.accounts.items():
        card = account.card
        if card is not None:
            card = card.model_copy(update={
                key: base / value for key in ("font", "logo")
                if (value := getattr(card, key)) is not None and not value.is_absolute()})
            account = account.model_copy(update={"card": card})
        accounts[name] = account
    return config.model_copy(update={"state": state, "cards_dir": cards, "feeds": feeds,
                                     "accounts": accounts})


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _environment(path: Path, environ: Mapping[str, str] | None) -> dict[str, str]:
    from dotenv import dotenv_values

    env: dict[str, str] = {}
    dotenv = path.parent / ".env"
    if dotenv.is_file():
        env.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    return env


# No config holds more values; YAML aliases can make a 1 KB file stand for billions
# ("billion laughs"), so the count is kept while the tree is built, not after.
_MAX_VALUES = 20_000


def _build(node: yaml.Node, loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int],
           env_refs: dict[tuple[Any, ...], str], env: Mapping[str, str], path: Path,
           budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError(_where(path, node.start_mark.line + 1) + f"the config expands to "
                          f"more than {_MAX_VALUES} values (YAML aliases?) — fix: write the "
                          "values out instead of nesting aliases")
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConfigError(_where(path, key_node.start_mark.line + 1)
                                  + "keys must be plain words — fix: unquote or simplify it")
            key = key_node.value
            if key in out:
                raise ConfigError(_where(path, key_node.start_mark.line + 1)
                                  + f"key {key!r} appears twice — fix: keep one")
            lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*loc, key), lines, env_refs, env, path, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines, env_refs, env, path, budget)
                for i, item in enumerate(node.value)]
    try:
        value = yaml.SafeLoader("").construct_object(node)
    except yaml.YAMLError:
        raise ConfigError(_where(path, node.start_mark.line + 1) + f"unsupported YAML tag "
                          f"{node.tag} — fix: remove it and write the plain value") from None
    if isinstance(value, str) and "${" in value:
        value = _interpolate(value, loc, lines[loc], env_refs, env, path)
    return value


def _interpolate(value: str, loc: tuple[Any, ...], line: int,
                 env_refs: dict[tuple[Any, ...], str], env: Mapping[str, str],
                 path: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        env_refs[loc] = name
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise ConfigError(_where(path, line) + f"environment variable {name} is not set — "
                          f"fix: export {name}=... or add it to {path.parent / '.env'}")

    return _ENV_REF.sub(replace, value)


def _line_for(lines: Mapping[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest YAML node on the error's path (pydantic adds union tags)."""
    best: tuple[Any, ...] = ()
    current: tuple[Any, ...] = ()
    for part in loc:
        if (*current, part) in lines:
            current = (*current, part)
            best = current
    return lines.get(best)


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}: " if line else f"{path}: "


def _dotted(loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> str:
    parts: list[str] = []
    current: tuple[Any, ...] = ()
    for part in loc:
        if (*current, part) not in lines and not (isinstance(part, str) and part == loc[-1]):
            continue  # a discriminator tag such as 'twitter' added by pydantic
        current = (*current, part)
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".")


_FIXES = {
    "missing": "add it",
    "extra_forbidden": "remove it or fix its spelling",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "bool_parsing": "write true or false",
    "bool_type": "write true or false",
    "string_type": "write it as text",
    "greater_than_equal": "raise it",
    "less_than_equal": "lower it",
    "too_short": "add at least one entry",
    "union_tag_invalid": "use platform: twitter, facebook, mastodon or bluesky",
    "union_tag_not_found": "add platform: twitter, facebook, mastodon or bluesky",
    "string_pattern_mismatch": "use the documented format",
}

_ALLOWED_KEYS: dict[str, list[str]] = {
    "": list(Config.model_fields),
    "feeds": list(FeedConfig.model_fields),
    "twitter": list(TwitterAccount.model_fields),
    "facebook": list(FacebookAccount.model_fields),
    "card": list(CardConfig.model_fields),
}


def _describe(err: Any, path: Path, lines: Mapping[tuple[Any, ...], int]) -> str:
    loc = tuple(err["loc"])
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc = (*loc, "platform")
        tag = (err.get("ctx") or {}).get("tag")
        err = {**err, "msg": f"unknown platform {tag!r}" if tag else "platform is missing"}
    where = _where(path, _line_for(lines, loc))
    field = _dotted(loc, lines) or "(top level)"
    kind = err["type"]
    message = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        section = "feeds" if loc[:1] == ("feeds",) else ""
        if loc[:1] == ("accounts",) and len(loc) > 2:
            section = "card" if "card" in loc[:-1] else str(loc[2])
        hint = _close(key, _ALLOWED_KEYS.get(section, []))
        parent = _dotted(loc, lines).rpartition(".")[0] or "the top level"
        return f"{where}unknown key {key!r} in {parent}" \
               f"{hint} — fix: remove it or fix its spelling"
    if kind == "value_error" or kind == "assertion_error":
        return f"{where}{field}: {message}"
    if kind == "string_pattern_mismatch":
        message = _PATTERN_HELP.get(str(loc[-1]), message)
        return f"{where}{field}: {message}"
    fix = _FIXES.get(kind, "see config/syndicator.example.yaml")
    return f"{where}{field}: {message.lower()} — fix: {fix}"


_PATTERN_HELP = {
    "name": "feed names may use letters, digits, '.', '_' and '-' only",
    "page_id": "page_id is the numeric id of the Page, in quotes, e.g. \"1234567890\"",
    "graph_version": "graph_version looks like \"v26.0\"",
    "background": "colours are written #rrggbb, e.g. \"#111827\"",
    "foreground": "colours are written #rrggbb, e.g. \"#f9fafb\"",
    "accent": "colours are written #rrggbb, e.g. \"#f59e0b\"",
}


def _close(word: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def effective_yaml(loaded: LoadedConfig) -> str:
    """The config as it is used: defaults filled in, durations readable, secrets masked."""

    def plain(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else ""
        if isinstance(value, timedelta):
            return format_duration(value)
        if isinstance(value, Path):
            return str(value)
        if is_database_url(value):
            return masked_url(value)
        if isinstance(value, BaseModel):
            return {k: plain(getattr(value, k)) for k in type(value).model_fields}
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    header = f"# effective configuration from {loaded.path} (secrets masked)\n"
    return header + yaml.safe_dump(plain(loaded.config), sort_keys=False, allow_unicode=True)


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
