"""Benchmark: posts per second composing X, Facebook, Mastodon and Bluesky posts of the
sample articles (each measured by its platform's own counter), and milliseconds per quote
card. Targets: >= 2,000 posts/s without cards.

    python bench/compose.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    from syndicator.article import html_to_text
    from syndicator.compose import (
        CardSettings,
        ComposeSettings,
        card_size,
        compose_post,
        render_card,
    )
    from syndicator.feeds.parse import parse_feed
    from syndicator.models import Platform
    from syndicator.quotes import analyse

    feed = REPO / "config" / "sample-feed.xml"
    articles = parse_feed("sample", feed.read_bytes(), url="https://hypeline.example/feed/")
    prepared = [(a, analyse(html_to_text(a.content_html or "")).candidates)
                for a in articles.articles]
    settings = {
        "x": ComposeSettings(platform=Platform.TWITTER, hashtag_map={"Vladimir Putin": "#Putin"}),
        "facebook": ComposeSettings(platform=Platform.FACEBOOK),
        "mastodon": ComposeSettings(platform=Platform.MASTODON),
        "bluesky": ComposeSettings(platform=Platform.BLUESKY, utm={"utm_source": "bluesky"}),
    }
    print(f"{len(prepared)} sample articles, "
          f"{sum(1 for _, c in prepared if c)} with a pull-quote")
    from syndicator.compose import length_counter

    for name, cfg in settings.items():
        count = length_counter(Platform(cfg.platform))
        longest = max(count(compose_post(a, c, cfg, account=name).text) for a, c in prepared)
        print(f"{name:9} longest post {longest} of {cfg.max_length} (its own count)")
        posts, started = 0, time.perf_counter()
        while time.perf_counter() - started < args.seconds:
            for article, candidates in prepared:
                compose_post(article, candidates, cfg, account=name)
                posts += 1
        rate = posts / (time.perf_counter() - started)
        print(f"{name:9} {rate:10,.0f} posts/s (target >= 2,000)")
    quotes = [c[0] for _, c in prepared if c]
    for platform in (Platform.TWITTER, Platform.FACEBOOK):
        times = []
        for quote in quotes * 3:
            started = time.perf_counter()
            render_card(quote, CardSettings(), size=card_size(platform), site="HYPELINE")
            times.append(time.perf_counter() - started)
        print(f"card {platform!s:9} {statistics.median(times) * 1000:7.1f} ms per card "
              f"(median of {len(times)}, {card_size(platform)[0]}x{card_size(platform)[1]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
