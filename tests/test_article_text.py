"""Article text: HTML and plain text to clean paragraphs, and the bounded page fetch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from syndicator.article import fetch_article_text, html_to_text, looks_like_html
from syndicator.errors import ExtractionError

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed-article.txt"

ARTICLE_HTML = """<!doctype html><html><head><title>T</title><script>var x = "no";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article class="post">
<h1>Bridge opens</h1>
<p>Mayor Jane Smith opened the bridge on Monday &amp; thanked the builders.</p>
<figure><img src="a.jpg"><figcaption>Photo by John Doe</figcaption></figure>
<p>&ldquo;This bridge is the greatest thing our city has built,&rdquo; she said.<br>A new line.</p>
<div class="sharedaddy"><h3>Share this:</h3><a>Facebook</a></div>
<div id="jp-relatedposts"><h3>Related</h3><p>Another story entirely</p></div>
<p>Follow HYPELINE on Facebook and Twitter</p>
<p>Sign up for our newsletter to get the news first.</p>
<p>The post Bridge opens appeared first on Hypeline.</p>
</article>
<aside>Most popular</aside><footer>© 2026</footer>
<script>alert("x")</script></body></html>"""


def test_html_to_text_keeps_paragraphs_and_drops_chrome() -> None:
    text = html_to_text(ARTICLE_HTML)
    assert text.split("\n\n") == [
        "Bridge opens",
        "Mayor Jane Smith opened the bridge on Monday & thanked the builders.",
        "“This bridge is the greatest thing our city has built,” she said.\nA new line.",
    ]


@pytest.mark.parametrize(
    "chrome",
    [
        "Follow HYPELINE on Facebook and Twitter",
        "Facebook Comments",
        "Please enter your comment!",
        "Please enter your name here",
        "Related",
        "The post Bridge opens appeared first on Hypeline News.",
        "Subscribe to our newsletter",
        "Share this:",
        "Leave a Reply",
    ],
)
def test_plain_text_boilerplate_is_dropped(chrome: str) -> None:
    body = (
        "Mayor Jane Smith opened the bridge on Monday and thanked all the builders "
        "and engineers who worked on it for three years."
    )
    text = html_to_text(f"{body}\n\n{chrome}")
    assert text == body


def test_tail_after_comments_heading_is_dropped_but_top_sidebar_is_not() -> None:
    body = " ".join(["The council met on Monday to discuss the new bridge and its cost."] * 3)
    text = html_to_text(
        f"Related articles\n\n{body}\n\nComments\n\nGreat article, thanks for writing it!"
    )
    assert text == body


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not available")
def test_seed_article_boilerplate_removed() -> None:
    text = html_to_text(SEED.read_text(encoding="utf-8"))
    for chrome in (
        "Follow HYPELINE",
        "Facebook Comments",
        "Please enter your comment",
        "Please enter your name",
    ):
        assert chrome not in text
    assert text.startswith("President-elect Donald Trump received a letter")
    assert text.endswith("going to do what it takes.”")
    assert "\n\n\n" not in text


def test_plain_text_is_recognised_and_entities_decoded() -> None:
    assert not looks_like_html("He said “hi” & left.")
    assert looks_like_html("<p>He said hi</p>")
    assert html_to_text("Fish &amp; chips\r\n\r\n\r\nNext   para") == "Fish & chips\n\nNext para"
    assert html_to_text("") == ""


# -- fetch_article_text against a real local server -------------------------------------
PAGE = (
    "<html><head><meta charset='utf-8'><title>x</title></head><body><nav>Menu</nav>"
    "<div class='entry-content'><p>"
    + "The council approved the bridge budget after a long debate on Monday evening. "
    * 4
    + "</p><p>&ldquo;It is a great day,&rdquo; said Mayor Jane Smith.</p></div>"
    "<footer>Footer text</footer></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/article":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big":
            body = ("<p>" + "word " * 2000 + "</p>") * 50
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body.encode())
        elif self.path == "/image":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(b"\x89PNG")
        elif self.path == "/empty":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body><script>x</script></body></html>")
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_extracts_main_text(server: str) -> None:
    text = fetch_article_text(f"{server}/article", timeout=5, allow_private=True)
    assert "The council approved the bridge budget" in text
    assert "“It is a great day,” said Mayor Jane Smith." in text
    assert "Menu" not in text and "Footer text" not in text


def test_fetch_is_bounded_in_size(server: str) -> None:
    text = fetch_article_text(f"{server}/big", timeout=5, max_bytes=20_000, allow_private=True)
    assert 0 < len(text) <= 20_000


@pytest.mark.parametrize(
    ("path", "message"),
    [("/missing", "HTTP 404"), ("/image", "not an HTML page"), ("/empty", "no article text")],
)
def test_fetch_failures_raise_extraction_error(server: str, path: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        fetch_article_text(f"{server}{path}", timeout=5, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "/local/path"])
def test_fetch_refuses_non_http_urls(url: str) -> None:
    with pytest.raises(ExtractionError, match=r"only http\(s\)"):
        fetch_article_text(url)


def test_fetch_connection_refused_is_an_extraction_error() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ExtractionError, match="ConnectionError"):
        fetch_article_text(f"http://127.0.0.1:{port}/", timeout=2, allow_private=True)
