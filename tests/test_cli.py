"""The CLI contract: exit codes, one-line errors, dry-run, preview, quotes, status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from syndicator.cli import cli
from syndicator.compose import short_link, weighted_length
from syndicator.compose.lengths import bluesky_length, mastodon_length

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FEED_FILES = sorted(p for p in (SHARED / "feeds").glob("*")
                    if p.suffix in (".xml", ".rss", ".atom"))
BUNDLED = REPO / "config" / "syndicator.yaml"


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), env=env or {}, input=input, catch_exceptions=False)


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for name, command in cli.commands.items():
        assert command.help, name
        assert f"syndicate {name}" in readme, name


def test_config_error_is_one_line_exit_2_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("feeds: []\naccounts: {}\nbogus: 1\n")
    result = invoke("--config", str(bad), "now")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines and all(line.startswith("syndicate: error: ") for line in lines)
    assert any(f"{bad}:3: unknown key 'bogus'" in line for line in lines)
    assert "Traceback" not in result.output


def test_missing_config_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("status")
    assert result.exit_code == 2
    assert "no config file found" in result.output and "syndicate init" in result.output


def test_dry_run_on_bundled_sample_prints_posts_and_saves_nothing(tmp_path: Path) -> None:
    result = invoke("--config", str(BUNDLED), "now", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "hypeline-sample: 4 items, 4 new, 8 post(s) queued" in result.output
    assert "Trump praises ‘very nice’ letter from Putin" in result.output
    assert "Follow HYPELINE" not in result.output
    assert "Please enter your comment" not in result.output
    assert "dry run: nothing was published and no state was saved" in result.output
    state = REPO / "var" / "syndicator.db"
    before = state.stat().st_mtime_ns if state.exists() else None
    invoke("--config", str(BUNDLED), "now", "--dry-run")
    assert (state.stat().st_mtime_ns if state.exists() else None) == before


ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
BOILERPLATE = ("Follow HYPELINE", "Facebook Comments", "Please enter your comment",
               "Please enter your name", "appeared first on", "Leave a Reply",
               "Share this:", "Subscribe to our newsletter")


@pytest.mark.parametrize("path", [*FEED_FILES, REPO / "config" / "sample-feed.xml"],
                         ids=lambda p: p.name)
def test_preview_every_real_feed_fits_the_limits(path: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config around: the default accounts are used
    result = invoke("preview", "--feed", str(path), "--limit", "50", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    assert items
    for item in items:
        for post in item["posts"]:
            text = post["text"]
            if post["platform"] == "twitter":
                assert post["weighted_length"] == weighted_length(text) <= 280
                assert post["limit"] == 280
            elif post["platform"] == "mastodon":
                assert post["weighted_length"] == mastodon_length(text) <= 500
                assert post["link"] is None and post["limit"] == 500
            elif post["platform"] == "bluesky":
                assert post["weighted_length"] == bluesky_length(text) <= 300
                assert post["link"] == item["url"] or not item["url"]
                assert not item["url"] or short_link(item["url"]) in text
            else:
                assert post["link"] == item["url"] or not item["url"]
            assert text.strip()
            assert not ENTITY.search(text), text
            assert not TAG.search(text), text
            assert not any(b.lower() in text.lower() for b in BOILERPLATE), text


@pytest.mark.skipif(not (SHARED / "examples" / "seed-article.txt").is_file(),
                    reason="shared examples not available beside this clone")
def test_quotes_json_contract_on_the_seed_article() -> None:
    text = (SHARED / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    result = invoke("quotes", "-", "--json", input=text)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"quotes", "pull_quote"}
    starts = [q["start"] for q in report["quotes"]]
    assert starts == sorted(starts)
    for quote in report["quotes"]:
        assert set(quote) >= {"text", "speaker", "kind", "start", "end", "score"}
        assert quote["kind"] in ("full", "partial")
        assert quote["text"].split()[0] in text[quote["start"]:quote["end"]]
    pull = report["pull_quote"]
    assert pull is not None and pull["speaker"]
    assert "Follow HYPELINE" not in json.dumps(report)


def test_status_on_a_fresh_state(tmp_path: Path) -> None:
    config = tmp_path / "s.yaml"
    config.write_text(BUNDLED.read_text().replace("../var/syndicator.db", "state.db")
                      .replace("sample-feed.xml", str(REPO / "config" / "sample-feed.xml")))
    result = invoke("--config", str(config), "status", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["feeds"][0]["result"] == "never polled"
    assert [a["state"] for a in report["accounts"]] == ["ok", "ok"]
    assert report["outbox"] == {}
    assert not (tmp_path / "state.db").exists()  # status reads; it never creates state


def test_check_reports_a_broken_template_before_any_network(tmp_path: Path) -> None:
    """`now` and `run` refuse this config: `check` must not call it ok."""
    config = tmp_path / "s.yaml"
    config.write_text(BUNDLED.read_text().replace("../var/syndicator.db", "state.db")
                      .replace("sample-feed.xml", str(REPO / "config" / "sample-feed.xml"))
                      .replace("    page_id:", '    template: "{{ foo"\n    page_id:'))
    result = invoke("--config", str(config), "check")
    assert result.exit_code == 2, result.output
    assert "template error" in result.output and "ok (" not in result.output
    assert "Traceback" not in result.output
