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
        analyse("\\u201cWe will win,\\u201d said " + "Smith " * 33000)
    """,
    "20,000 quotes, one speaker each (400 KB)": """
        from syndicator.quotes import analyse
        analyse("".join(f"\\u201cYes, we will,\\u201d said Jane Roe{i}. " for i in range(20000)))
    """,
    "one 9 MB item through the feed parser": """
        from syndicator.feeds.parse import parse_feed
        body = "<p>" + "word " * 1_800_000 + "</p>"
        xml = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
               '<title>x</title><link>https://n.example/1</link><guid>g</guid>'
               f'<description><![CDATA[{body}]]></description></item></channel></rss>')
        parse_feed("f", xml.encode(), url="https://n.example/feed")
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
        body = "<p>" + "\u201cWe will win,\u201d said Jane Roe. " * 260_000 + "</p>"
        server.add_item("/f", "Story", "https://n.example/1", guid="g", content_html=body,
                        published=datetime.now(UTC))
        store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.db")
        pipeline = Pipeline(store, accounts={"x": AccountSetup("x", ComposeSettings(
            platform=Platform.TWITTER))}, publishers={"x": DryRunPublisher("x")})
        pipeline.poll(FeedConfig(name="n", url=server.feed_url("/f"), post_to=("x",),
                                 backfill=1, fetch_article="never"))
        server.stop()
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
        except ExtractionError:
            pass
        server.stop()
    """,
}

_RUN = """
import json, resource, sys, time
sys.path.insert(0, "src")
began = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - began,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> int:
    print(f"{'case':<55} {'seconds':>8} {'peak MB':>8}")
    for name, body in CASES.items():
        code = _RUN.format(body=textwrap.dedent(body))
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, timeout=600)
        if out.returncode:
            print(f"{name:<55} failed: {(out.stderr.strip().splitlines() or [out.stdout])[-1]}")
            continue
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{name:<55} {figures['seconds']:>8.2f} {figures['peak_mb']:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
