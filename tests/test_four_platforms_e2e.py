"""One item to four platforms through the real CLI and client libraries, against the fakes:
exactly one post on each, with the right text, link, facets, card and alt text; a second
run posts nothing; check, status and history know the new platforms."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from click.testing import CliRunner

from syndicator.cli import cli
from syndicator.compose import short_link
from syndicator.compose.lengths import bluesky_length, mastodon_length

from e2e import write_config

LINK = "https://n.example/2026/12/bridge-to-be-rebuilt-before-winter/"
BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the city,” "
        "Mayor Ellen Park said on Monday.</p><p>The council meets again next week.</p>")


def run(config, env, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args], env=env,
                              catch_exceptions=False)


def test_one_item_reaches_all_four_platforms_exactly_once(
        tmp_path, feed_server, fake_x, fake_graph, fake_mastodon, fake_bluesky) -> None:
    feed_server.add_item("/feed", "Bridge to be rebuilt", LINK, content_html=BODY,
                         published=datetime.now(UTC), categories=["Transport"])
    config, env = write_config(
        tmp_path, feed_url=feed_server.feed_url("/feed"), fake_x=fake_x,
        fake_graph=fake_graph, fake_mastodon=fake_mastodon, fake_bluesky=fake_bluesky,
        backfill=1, extra_x="    card: {}", extra_mastodon="    card: {}",
        extra_bluesky="    card: {}")

    result = run(config, env, "check")
    assert result.exit_code == 0, result.output
    assert "account mastodon: ok (the server allows 500 characters)" in result.output
    assert "account bluesky: ok" in result.output

    result = run(config, env, "now")
    assert result.exit_code == 0, result.output

    [tweet] = fake_x.posts
    [page_post] = fake_graph.posts
    assert page_post.link == LINK
    [status] = fake_mastodon.statuses
    [skeet] = fake_bluesky.posts
    quote = "“We will rebuild the bridge before the winter, whatever it costs the city.”"
    for text in (tweet.text, status.text, skeet.text):
        assert text.startswith(quote + " — Ellen Park"), text

    # Mastodon: the whole link in the text, the card with its alt text, the language
    assert LINK in status.text and mastodon_length(status.text) <= 500
    [media_id] = status.media_ids
    alt = fake_mastodon.media[str(media_id)].description
    assert alt is not None and alt.startswith(quote) and "Ellen Park" in alt
    assert status.language == "en" and status.visibility == "public"

    # Bluesky: a short link whose facet and link card carry the whole one; tags as facets
    assert short_link(LINK) in skeet.text and LINK not in skeet.text
    assert bluesky_length(skeet.text) <= 300
    slices = dict(skeet.facet_slices())
    assert slices[short_link(LINK)]["uri"] == LINK
    assert slices["#Transport"]["tag"] == "Transport"
    external = (skeet.embed or {})["external"]
    assert external["uri"] == LINK and external["title"] == "Bridge to be rebuilt"
    assert external["thumb"]["ref"]["$link"] in fake_bluesky.blobs
    assert skeet.record["langs"] == ["en"]

    # X's card has alt text too
    assert fake_x.media[tweet.media_ids[0]]["alt_text"].startswith(quote)

    # a second run posts nothing anywhere
    sessions = fake_bluesky.sessions_created
    assert run(config, env, "now").exit_code == 0
    assert (len(fake_x.posts), len(fake_graph.posts), len(fake_mastodon.statuses),
            len(fake_bluesky.posts)) == (1, 1, 1, 1)
    # a new article in a later run goes out on the Bluesky session the state kept
    feed_server.add_item("/feed", "Second story", "https://n.example/2026/12/second/",
                         published=datetime.now(UTC))
    assert run(config, env, "now").exit_code == 0
    assert len(fake_bluesky.posts) == 2 and fake_bluesky.sessions_created == sessions
    assert fake_mastodon.count("GET /api/v2/instance") == 2  # check, then once for the state

    result = run(config, env, "status", "--json")
    assert result.exit_code == 0, result.output
    accounts = {a["name"]: a for a in json.loads(result.output)["accounts"]}
    assert {"mastodon", "bluesky"} <= set(accounts)

    result = run(config, env, "history", "--json")
    assert result.exit_code == 0, result.output
    sent = {(d["account"], d["title"]): d for d in json.loads(result.output)["deliveries"]}
    first = "Bridge to be rebuilt"
    assert sent[("mastodon", first)]["status"] == "sent"
    assert sent[("mastodon", first)]["remote_id"] == str(status.id)
    assert sent[("bluesky", first)]["remote_id"] == skeet.uri


def test_lost_answers_on_mastodon_and_bluesky_still_give_one_post_each(
        tmp_path, feed_server, fake_x, fake_graph, fake_mastodon, fake_bluesky) -> None:
    from datetime import timedelta

    from syndicator.app import build_app
    from syndicator.config import load_config

    feed_server.add_item("/feed", "Bridge to be rebuilt", LINK, content_html=BODY,
                         published=datetime.now(UTC))
    config, env = write_config(
        tmp_path, feed_url=feed_server.feed_url("/feed"), fake_x=fake_x,
        fake_graph=fake_graph, fake_mastodon=fake_mastodon, fake_bluesky=fake_bluesky,
        backfill=1)
    now = [datetime.now(UTC)]
    app = build_app(load_config(config, environ=env), clock=lambda: now[0])
    assert app.pipeline.poll(app.config.feed("news")).queued == 4
    fake_mastodon.inject("drop_after_commit")  # created; the answer is lost
    fake_bluesky.inject("drop_after_commit")
    fake_bluesky.inject("server_error", status=503, endpoint="com.atproto.repo.getRecord")
    first = {r.delivery.account: r.status for r in app.pipeline.publish_due()}
    assert first["mastodon"] == first["bluesky"] == "unknown"
    now[0] += timedelta(seconds=21)  # past the settle: reconciliation finds both posts
    second = {r.delivery.account: r.status for r in app.pipeline.publish_due()}
    assert second == {"mastodon": "sent", "bluesky": "sent"}
    assert len(fake_mastodon.statuses) == 1 and len(fake_bluesky.posts) == 1
    history = {d.account: d for d in app.store.deliveries(statuses=("sent",), limit=10)}
    assert history["mastodon"].remote_id == str(fake_mastodon.statuses[0].id)
    assert history["bluesky"].remote_id == fake_bluesky.posts[0].uri
    app.close()
