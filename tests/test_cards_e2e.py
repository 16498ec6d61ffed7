"""Quote cards end to end: rendered once, uploaded to X as media, a photo post on Facebook."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from syndicator.cli import cli

from e2e import write_config

BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
        "Mayor Ellen Park said on Monday.</p>")
PNG = b"\x89PNG\r\n\x1a\n"


def test_cards_are_attached_on_x_and_posted_as_a_photo_on_facebook(tmp_path, feed_server,
                                                                    fake_x, fake_graph) -> None:
    link = "https://n.example/bridge/"
    feed_server.add_item("/feed", "Bridge to be rebuilt", link, content_html=BODY,
                         published=datetime.now(UTC))
    config, env = write_config(tmp_path, feed_url=feed_server.feed_url("/feed"),
                               fake_x=fake_x, fake_graph=fake_graph, backfill=1,
                               extra_x="    card: {accent: \"#ff0000\"}",
                               extra_fb="    format: photo")
    result = CliRunner().invoke(cli, ["--config", str(config), "now"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cards = sorted((tmp_path / "state" / "cards").glob("*.png"))
    assert len(cards) == 2 and all(c.read_bytes().startswith(PNG) for c in cards)
    [tweet] = fake_x.posts
    assert len(tweet.media_ids) == 1 and tweet.media_ids[0] in fake_x.media
    # the card's alt text says what it shows: the quote and its speaker
    alt = fake_x.media[tweet.media_ids[0]]["alt_text"]
    assert alt.startswith("“We will rebuild the bridge before the winter") and "Ellen Park" in alt
    [photo] = fake_graph.posts
    assert photo.kind == "photo" and photo.photo_bytes > 1000
    assert link in (photo.message or "")  # the caption carries the link


def test_preview_writes_cards_only_when_asked(tmp_path, feed_server) -> None:
    feed_server.add_item("/feed", "Bridge", "https://n.example/b/", content_html=BODY)
    config = tmp_path / "s.yaml"
    config.write_text(f"""feeds:
  - {{name: n, url: "{feed_server.feed_url('/feed')}", post_to: [x], fetch_article: never}}
accounts:
  x: {{platform: twitter, consumer_key: "${{K:-}}", consumer_secret: "${{K:-}}",
      access_token: "${{K:-}}", access_token_secret: "${{K:-}}", card: {{}}}}
""")
    runner = CliRunner()
    plain = runner.invoke(cli, ["--config", str(config), "preview", "--feed", "n"])
    assert plain.exit_code == 0, plain.output
    assert "quote card" not in plain.output
    out = tmp_path / "cards"
    with_cards = runner.invoke(cli, ["--config", str(config), "preview", "--feed", "n",
                                     "--cards", str(out)])
    assert with_cards.exit_code == 0, with_cards.output
    [card] = out.glob("*.png")
    assert f"[quote card: {card}]" in with_cards.output
