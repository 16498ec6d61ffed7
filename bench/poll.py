"""Benchmark: one full poll (every item new) against feedparser alone, and a 304 poll.

For the bundled sample feed and the largest files of ../shared/feeds, prints the median
time of one complete poll — fetch over local HTTP, parse, detect new, extract article
text, find quotes, compose every account's post, enqueue in SQLite — next to
``feedparser.parse`` of the same bytes, and the CPU our process spends on a poll that
gets 304 Not Modified. Targets: poll <= 1.3x feedparser; a 304 poll < 5 ms of our CPU.

    python bench/poll.py [--repeat 15] [--largest 4]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_FEEDS = REPO.parent / "shared" / "feeds"
sys.path.insert(0, str(REPO / "src"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--largest", type=int, default=4)
    args = parser.parse_args()

    import feedparser

    from syndicator.compose import ComposeSettings
    from syndicator.config import FeedConfig
    from syndicator.models import Platform
    from syndicator.pipeline import AccountSetup, Pipeline
    from syndicator.store import Store

    files = [REPO / "config" / "sample-feed.xml"]
    corpus = sorted((p for p in SHARED_FEEDS.glob("*") if p.suffix in (".xml", ".rss", ".atom")),
                    key=lambda p: p.stat().st_size, reverse=True)
    files += corpus[:args.largest]
    serve_dir = Path(tempfile.mkdtemp(prefix="syndicator-bench-"))
    for f in files:
        shutil.copy(f, serve_dir / f.name)
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes", "--feed-dir", str(serve_dir)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        base = json.loads(server.stdout.readline())["feeds"]["url"]  # type: ignore[union-attr]
        accounts = {
            "x": AccountSetup("x", ComposeSettings(platform=Platform.TWITTER)),
            "facebook": AccountSetup("facebook", ComposeSettings(platform=Platform.FACEBOOK)),
        }
        print(f"{'feed':44} {'items':>5} {'bytes':>7} {'poll ms':>8} {'fp ms':>7} "
              f"{'fp(raw) ms':>10} {'ratio':>6} {'file ms':>8} {'ratio':>6} {'304 cpu ms':>10}")
        import requests

        session = requests.Session()
        for path in files:
            data = path.read_bytes()
            feed = FeedConfig(name="bench", url=f"{base}/{path.name}", post_to=("x", "facebook"),
                              backfill=10_000, max_age=None, fetch_article="never")
            local = feed.model_copy(update={"url": str(serve_dir / path.name)})
            poll_times, file_times, items = [], [], 0
            for _ in range(args.repeat):
                for config, times in ((feed, poll_times), (local, file_times)):
                    store = Store(":scratch:")
                    pipeline = Pipeline(store, accounts=accounts, publishers={},
                                        session=session)
                    started = time.perf_counter()
                    result = pipeline.poll(config)
                    times.append(time.perf_counter() - started)
                    assert result.status == "ok", result.error
                    items = result.queued // 2
                    store.close()
            fp_times, fp_raw = [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                feedparser.parse(data)
                fp_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                feedparser.parse(data, sanitize_html=False)
                fp_raw.append(time.perf_counter() - started)
            # the 304 poll: state already has the validators
            store = Store(":scratch:")
            pipeline = Pipeline(store, accounts=accounts, publishers={}, session=session)
            pipeline.poll(feed)
            cpu = []
            for _ in range(args.repeat):
                started = time.process_time()
                result = pipeline.poll(feed)
                cpu.append(time.process_time() - started)
                assert result.status == "not_modified"
            store.close()
            poll_ms = statistics.median(poll_times) * 1000
            file_ms = statistics.median(file_times) * 1000
            fp_ms = statistics.median(fp_times) * 1000
            print(f"{path.name[:44]:44} {items:5d} {len(data):7d} {poll_ms:8.2f} {fp_ms:7.2f} "
                  f"{statistics.median(fp_raw) * 1000:10.2f} {poll_ms / fp_ms:6.2f} "
                  f"{file_ms:8.2f} {file_ms / fp_ms:6.2f} {statistics.median(cpu) * 1000:10.3f}")
        print("\npoll = HTTP fetch + parse + dedupe + extract + quotes + compose (2 accounts) + "
              "SQLite enqueue;\nfile = the same poll reading the feed from a local file (no "
              "HTTP);\nfp = feedparser.parse(bytes) with its defaults; fp(raw) = "
              "sanitize_html=False, as the poller calls it; ratio = poll / fp, file / fp.")
    finally:
        server.terminate()
        server.wait(5)
        shutil.rmtree(serve_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
