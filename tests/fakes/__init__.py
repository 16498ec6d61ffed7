"""Local fake servers for tests, end-to-end runs and ``bench/chaos.py``.

Each is a real HTTP server on 127.0.0.1 (ephemeral port) in a background thread::

    from tests.fakes import FakeX, FakeGraph, FeedServer   # or `from fakes import ...`
    x = FakeX(consumer_key="ck", ...).start()
    ...  # api_url=x.url
    x.stop()

They are also context managers, and ``python -m tests.fakes`` runs all three until
interrupted, printing their URLs and credentials as one JSON line.
"""

from .bluesky_api import BskyPost, FakeBluesky
from .feed_server import FeedItem, FeedServer
from .graph_api import FakeGraph, GraphPost
from .mastodon_api import FakeMastodon, Status
from .x_api import FakeX, Tweet

__all__ = ["BskyPost", "FakeBluesky", "FakeGraph", "FakeMastodon", "FakeX", "FeedItem",
           "FeedServer", "GraphPost", "Status", "Tweet"]
