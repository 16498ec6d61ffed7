"""Run the fakes from a shell: ``python -m tests.fakes [--port-x N] ...``.

Prints one JSON line with each server's URL and the credentials it accepts, then
serves until SIGINT/SIGTERM. End-to-end scripts read that line to write a config.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading

from . import FakeBluesky, FakeGraph, FakeMastodon, FakeX, FeedServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes")
    parser.add_argument("--port-x", type=int, default=0)
    parser.add_argument("--port-graph", type=int, default=0)
    parser.add_argument("--port-feed", type=int, default=0)
    parser.add_argument("--port-mastodon", type=int, default=0)
    parser.add_argument("--port-bluesky", type=int, default=0)
    parser.add_argument("--feed-dir", help="serve every file of this directory at /<name>")
    args = parser.parse_args(argv)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())  # before the JSON line: no race
    x = FakeX(port=args.port_x).start()
    graph = FakeGraph(port=args.port_graph).start()
    feeds = FeedServer(port=args.port_feed).start()
    mastodon = FakeMastodon(port=args.port_mastodon).start()
    bluesky = FakeBluesky(port=args.port_bluesky).start()
    if args.feed_dir:
        from pathlib import Path

        for file in sorted(Path(args.feed_dir).iterdir()):
            if file.is_file():
                feeds.serve_file("/" + file.name, file)
    print(json.dumps({
        "x": {"url": x.url, "consumer_key": x.consumer_key, "consumer_secret": x.consumer_secret,
              "access_token": x.access_token, "access_token_secret": x.access_token_secret},
        "facebook": {"url": graph.url, "page_id": graph.page_id, "access_token": graph.page_token},
        "feeds": {"url": feeds.url},
        "mastodon": {"url": mastodon.url, "access_token": mastodon.access_token},
        "bluesky": {"url": bluesky.url, "handle": bluesky.handle,
                    "app_password": bluesky.app_password},
    }), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        done.wait()
    for server in (x, graph, feeds, mastodon, bluesky):
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
