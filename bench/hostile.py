"""What hostile input costs: time and peak memory of the quote engine and the feed
parser on inputs built to hurt, and how long a dripping server holds a fetch.

Each case runs in a fresh process (peak RSS is per process). Figures, not assertions:
the tests check behaviour; this shows the price.

    python bench/hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "quote + 'Smith ' x 33,000 (198 KB)": """
        from syndicator.quotes import analyse
        quotes = analyse("\\u201cWe will win,\\u201d said " + "Smith " * 33000).quotes
        outcome = f"{len(quotes)} quote(s)"
    """,
    "20,000 quotes, one speaker each (400 KB)": """
        from syndicator.quotes import analyse
        quotes = analyse("".join(f"\\u201cYes, we will,\\u201d said Jane Roe{i}. "
                                 for i in range(20000))).quotes
        outcome = f"{len(quotes)} quotes found (the first 150 attributed)"
    """,
    "one 9 MB item through the feed parser": """
        from syndicator.feeds.parse import parse_feed
        body = "<p>" + "word " * 1_800_000 + "</p>"
        xml = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
               '<title>x</title><link>https://n.example/1</link><guid>g</guid>'
               f'<description><![CDATA[{body}]]></description></item></channel></rss>')
        parsed = parse_feed("f", xml.encode(), url="https://n.example/feed")
        outcome = f"{len(parsed.articles)} item"
    """,
    "the same 9 MB item polled, built and composed": """
        from datetime import UTC, datetime
        import sys
        sys.path.insert(0, "tests")
        from fakes import FeedServer
        from syndicator.compose import ComposeSettings
        from syndicator.config import FeedConfig
        from syndicator.models import Platform
        from syndicator.pipeline import AccountSetup, Pipeline
        from syndicator.platforms.dryrun import DryRunPublisher
        from syndicator.store import Store
        import tempfile, pathlib
        server = FeedServer().start()
        store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.db")
        pipeline = Pipeline(store, accounts={"x": AccountSetup("x", ComposeSettings(
            platform=Platform.TWITTER))}, publishers={"x": DryRunPublisher("x")})

        def poll(path, body):
            server.add_item(path, "Story", f"https://n.example{path}", guid=path,
                            content_html=body, published=datetime.now(UTC))
            return pipeline.poll(FeedConfig(name=path[1:], url=server.feed_url(path),
                                            post_to=("x",), backfill=1, fetch_article="never"))

        def rss_mb():
            status = pathlib.Path("/proc/self/status").read_text()
            return int(status.split("VmRSS:")[1].split()[0]) / 1024

        said = "\u201cWe will win,\u201d said Jane Roe. "
        poll("/warm", f"<p>{said * 50}</p>")  # imports, and the language model if installed
        before, began = rss_mb(), time.perf_counter()
        result = poll("/f", f"<p>{said * 260_000}</p>")
        took = time.perf_counter() - began
        server.stop()
        outcome = (f"{result.queued} post queued; the item alone: {took:.2f} s, "
                   f"RSS {before:.0f} MB before it")
    """,
    "a page that drips one byte / 50 ms, fetch_timeout 2s": """
        import sys
        sys.path.insert(0, "tests")
        from fakes import FeedServer
        from syndicator.article import fetch_article
        from syndicator.errors import ExtractionError
        server = FeedServer().start()
        server.set_page("/p", "<p>" + "x" * 5000 + "</p>")
        server.drip("/p", 0.05)
        try:
            fetch_article(server.feed_url("/p"), timeout=2, allow_private=True)
            outcome = "fetched?!"
        except ExtractionError as exc:
            outcome = str(exc)[-40:]
        server.stop()
    """,
    "syndicate now: a feed dripping 1 byte/s + a healthy one, fetch_timeout 5s": """
        import os, subprocess, tempfile, pathlib
        from datetime import UTC, datetime
        sys.path.insert(0, "tests")
        from fakes import FakeGraph, FakeX, FeedServer
        from e2e import run_cli, syndicate_env, write_config
        server, x, graph = FeedServer().start(), FakeX().start(), FakeGraph().start()
        tmp = pathlib.Path(tempfile.mkdtemp())
        for path in ("/feed", "/slow"):
            server.add_item(path, "Old", f"https://n.example{path}/old",
                            published=datetime(2026, 1, 1, tzinfo=UTC))
        extra = (f"  - name: slow\\n    url: {server.feed_url('/slow')}\\n"
                 "    post_to: [x]\\n    fetch_article: never\\n")
        config, secrets = write_config(tmp, feed_url=server.feed_url("/feed"), fake_x=x,
                                       fake_graph=graph, extra_feed=extra)
        config.write_text("fetch_timeout: 5s\\n" + config.read_text())
        env = syndicate_env(secrets)
        run_cli("--config", str(config), "now", env=env)
        server.drip("/slow", 1.0, times=None)
        server.add_item("/feed", "Fresh", "https://n.example/fresh",
                        published=datetime.now(UTC))
        began = time.perf_counter()
        done = run_cli("--config", str(config), "now", env=env)
        took = time.perf_counter() - began
        cut = next((line for line in (done.stdout + done.stderr).splitlines()
                    if "slow" in line), "?")
        outcome = (f"now took {took:.1f} s; healthy feed posted {len(x.posts)}x; "
                   f"slow: {cut.strip()[:60]}")
        for fake in (server, x, graph):
            fake.stop()
    """,
}

_RUN = """
import json, resource, sys, time
sys.path.insert(0, "src")
began = time.perf_counter()
outcome = ""
{body}
print(json.dumps({{"seconds": time.perf_counter() - began, "outcome": outcome,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> int:
    print(f"{'case':<75} {'seconds':>8} {'peak MB':>8}  outcome")
    for name, body in CASES.items():
        code = _RUN.format(body=textwrap.dedent(body))
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, timeout=600)
        if out.returncode:
            print(f"{name:<75} failed: {(out.stderr.strip().splitlines() or [out.stdout])[-1]}")
            continue
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name:<75} {figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}  "
              f"{figures['outcome']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
