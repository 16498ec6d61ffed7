"""Config loading: every error is one line naming the file, the line and the fix."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from syndicator.config import load_config, parse_duration
from syndicator.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
state: var/s.db
feeds:
  - name: hype
    url: feed.xml
    every: 5m
    post_to: [x, fb]
accounts:
  x:
    platform: twitter
    consumer_key: ${XK}
    consumer_secret: ${XS:-cs}
    access_token: ${XA:-at}
    access_token_secret: ${XAS:-ats}
  fb:
    platform: facebook
    page_id: 123
    access_token: ${FBT:-}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, environ=environ if environ is not None else {"XK": "k"})
    return str(info.value)


def test_good_config_resolves_paths_env_and_defaults(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD), environ={"XK": "key-from-env"})
    config = loaded.config
    assert config.state == tmp_path / "var/s.db"
    assert config.feeds[0].url == str(tmp_path / "feed.xml")
    assert config.feeds[0].every == timedelta(minutes=5)
    assert config.feeds[0].backfill == 0 and config.feeds[0].max_age == timedelta(hours=48)
    x = config.accounts["x"]
    assert x.consumer_key.get_secret_value() == "key-from-env"
    assert "key-from-env" not in repr(config)
    assert config.accounts["fb"].page_id == "123"


def test_missing_env_var_names_variable_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    message = error_of(path, environ={})
    assert message == (f"{path}:10: environment variable XK is not set — fix: export XK=... "
                       f"or add it to {tmp_path / '.env'}")


def test_dotenv_beside_config_supplies_secrets_but_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("XK=from-dotenv\nFBT=fb-dotenv\n")
    path = write(tmp_path, GOOD)
    assert load_config(path, environ={}).config.accounts["x"].consumer_key \
        .get_secret_value() == "from-dotenv"
    loaded = load_config(path, environ={"XK": "from-env"})
    assert loaded.config.accounts["x"].consumer_key.get_secret_value() == "from-env"
    assert loaded.config.accounts["fb"].access_token.get_secret_value() == "fb-dotenv"


def test_unknown_key_is_rejected_with_line_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    every: 5m\n", "    every: 5m\n    backfil: 2\n"))
    assert error_of(path) == (f"{path}:6: unknown key 'backfil' in feeds[0] (did you mean "
                              "'backfill'?) — fix: remove it or fix its spelling")


def test_unknown_account_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    access_token_secret: ${XAS:-ats}\n",
                                        "    access_token_secret: ${XAS:-ats}\n"
                                        "    spacin: 1m\n"))
    assert error_of(path) == (f"{path}:14: unknown key 'spacin' in accounts.x (did you mean "
                              "'spacing'?) — fix: remove it or fix its spelling")


def test_bad_duration(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("every: 5m", "every: 5 minutes"))
    assert error_of(path) == (f"{path}:5: feeds[0].every: invalid duration '5 minutes' — fix: "
                              "write a number and a unit, e.g. 30s, 5m, 2h, 1d")


def test_every_error_is_reported_each_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("every: 5m", "every: soon")
                 .replace("platform: facebook", "platform: myspace"))
    lines = error_of(path).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:5: feeds[0].every: invalid duration 'soon'")
    assert lines[1].startswith(f"{path}:15: accounts.fb.platform: unknown platform 'myspace'")
    assert "platform: twitter, facebook, mastodon or bluesky" in lines[1]


def test_feed_posting_to_undefined_account(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("post_to: [x, fb]", "post_to: [x, facebok]"))
    assert "posts to unknown account 'facebok'" in error_of(path)


def test_invalid_yaml_points_at_line(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds:\n  - name: a\n   url: b\n")
    message = error_of(path)
    assert message.startswith(f"{path}:3: invalid YAML")


def test_an_alias_bomb_is_a_config_error_not_gigabytes(tmp_path: Path) -> None:
    """Nine levels of nine aliases: 387 million values from a few hundred bytes."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\nstate: *i\n" + GOOD)
    assert "expands to more than 20000 values" in error_of(path)


def test_a_tagged_value_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone: !custom x\n" + GOOD)
    assert error_of(path).startswith(f"{path}:1: unsupported YAML tag !custom")


def test_missing_file_and_empty_file(tmp_path: Path) -> None:
    assert "config file not found" in error_of(tmp_path / "nope.yaml")
    assert "the file is empty" in error_of(write(tmp_path, "# nothing\n"))


def test_empty_credentials_only_matter_when_publishing(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD), environ={"XK": "k"})
    loaded.require_credentials("x")
    with pytest.raises(ConfigError, match=r"s\.yaml:17: accounts\.fb\.access_token is empty "
                                          r"— fix: set the environment variable FBT"):
        loaded.require_credentials("fb")


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("5m", 300), ("2h", 7200),
                                               ("1d", 86400), ("1h30m", 5400)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("bad", ["5", "m", "5 minutes", "-5m", 5, True, None])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(bad)


def test_shipped_configs_load() -> None:
    env = {k: "x" for k in ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN",
                            "X_ACCESS_TOKEN_SECRET", "FB_PAGE_TOKEN")}
    example = load_config(REPO / "config/syndicator.example.yaml", environ=env).config
    assert example.accounts["x"].platform == "twitter"
    bundled = load_config(REPO / "config/syndicator.yaml", environ={}).config
    assert bundled.dry_run is True
    assert Path(bundled.feeds[0].url).is_file()


def test_example_config_documents_every_key() -> None:
    from syndicator.config import (
        BlueskyAccount,
        CardConfig,
        Config,
        FacebookAccount,
        FeedConfig,
        MastodonAccount,
        TwitterAccount,
    )

    text = (REPO / "config/syndicator.example.yaml").read_text()
    keys = set(Config.model_fields) | set(FeedConfig.model_fields) \
        | set(TwitterAccount.model_fields) | set(FacebookAccount.model_fields) \
        | set(MastodonAccount.model_fields) | set(BlueskyAccount.model_fields) \
        | set(CardConfig.model_fields)
    missing = sorted(k for k in keys if f"{k}:" not in text)
    assert missing == []


def test_environment_is_not_modified(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SYNDICATOR_TEST_ONLY=1\n")
    load_config(write(tmp_path, GOOD), environ={"XK": "k"})
    assert "SYNDICATOR_TEST_ONLY" not in os.environ


def test_inline_secret_in_world_readable_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("${FBT:-}", "EAAinlinetoken"))
    path.chmod(0o644)
    message = error_of(path)
    assert message == (f"{path}: secrets are written inline (line 17) and the file is readable "
                       f"by every user — fix: use ${{ENV_VAR}} references, or chmod 600 {path}")


def test_inline_secret_in_private_file_only_warns(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = write(tmp_path, GOOD.replace("${FBT:-}", "EAAinlinetoken"))
    path.chmod(0o600)
    loaded = load_config(path, environ={"XK": "k"})
    assert loaded.inline_secrets() == [("accounts", "fb", "access_token")]
    assert "secrets are written inline (line 17)" in caplog.text
    assert "EAAinlinetoken" not in caplog.text


def test_card_paths_resolve_and_must_exist(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"png")
    text = GOOD.replace("    platform: facebook\n", "    platform: facebook\n    format: photo\n"
                        "    card:\n      logo: logo.png\n      font: missing.ttf\n")
    path = write(tmp_path, text)
    assert error_of(path) == (f"{path}:19: accounts.fb.card.font: no file "
                              f"{tmp_path / 'missing.ttf'} — fix: give the path of an existing "
                              "file (relative to this config)")
    path.write_text(text.replace("      font: missing.ttf\n", ""))
    card = load_config(path, environ={"XK": "k"}).config.accounts["fb"].card
    assert card is not None and card.logo == tmp_path / "logo.png"


def test_photo_format_implies_a_default_card_and_bad_colour_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    platform: facebook\n",
                                        "    platform: facebook\n    format: photo\n"))
    assert load_config(path, environ={"XK": "k"}).config.accounts["fb"].card is not None
    path.write_text(GOOD.replace("    platform: facebook\n",
                                 "    platform: facebook\n    card: {accent: red}\n"))
    assert 'colours are written #rrggbb, e.g. "#f59e0b"' in error_of(path)


def test_example_mastodon_and_bluesky_accounts_load_once_uncommented(tmp_path: Path) -> None:
    text = (REPO / "config/syndicator.example.yaml").read_text()
    head, _, tail = text.partition("  # mastodon:\n")
    lines = ["  mastodon:"] + [line.replace("  # ", "  ", 1) if line.startswith("  # ") else line
                               for line in tail.splitlines()]
    text = head + "\n".join(lines).replace("  #\n", "\n") + "\n"
    text = text.replace("post_to: [x, facebook]", "post_to: [x, facebook, mastodon, bluesky]")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    env = {k: "x" for k in ("X_CONSUMER_KEY", "X_CONSUMER_SECRET", "X_ACCESS_TOKEN",
                            "X_ACCESS_TOKEN_SECRET", "FB_PAGE_TOKEN", "MASTODON_TOKEN",
                            "BLUESKY_APP_PASSWORD")}
    config = load_config(path, environ=env).config
    mastodon, bluesky = config.accounts["mastodon"], config.accounts["bluesky"]
    assert mastodon.platform == "mastodon" and bluesky.platform == "bluesky"
    assert mastodon.instance_url == "https://mastodon.social"  # type: ignore[union-attr]
    assert bluesky.handle == "newsroom.bsky.social"  # type: ignore[union-attr]
    assert "mastodon" in config.feeds[0].post_to


@pytest.mark.parametrize(("account", "fragment"), [
    ({"platform": "mastodon", "access_token": "t"}, "instance_url"),
    ({"platform": "mastodon", "instance_url": "mastodon.social", "access_token": "t"},
     "instance_url"),
    ({"platform": "bluesky", "handle": "a.bsky.social"}, "app_password"),
    ({"platform": "bluesky", "handle": "not a handle", "app_password": "p"}, "handle"),
    ({"platform": "bluesky", "handle": "a.bsky.social", "app_password": "p",
      "max_length": 500}, "max_length"),
])
def test_bad_mastodon_and_bluesky_accounts_are_clear_errors(
        tmp_path: Path, account: dict[str, object], fragment: str) -> None:
    import yaml

    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({
        "feeds": [{"name": "f", "url": "https://example.com/feed", "post_to": ["a"]}],
        "accounts": {"a": account}}))
    message = error_of(path)
    assert f"accounts.a.{fragment}" in message
    assert "\n" not in message.strip()
