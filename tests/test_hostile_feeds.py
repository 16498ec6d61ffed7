"""Hostile feeds, end to end: each case is served by the local feed server beside a
healthy feed, through real `syndicate now` runs (subprocesses, their peak memory
measured) posting to the fake X and Graph servers through the real client libraries.

Every case asserts the same three things, plus its own:

(a) the hostile feed fails with one clear line naming it (``hostile: error: …``), or,
    where posting is the right answer, its posts are built and hold nothing they should
    not (control characters, a secret from a page or file the feed pointed at);
(b) the healthy feed in the same run is posted exactly once on each account;
(c) the state stays consistent: a second `syndicate now` posts nothing and exits
    normally, and `syndicate status` runs.

No output may hold a traceback or a terminal escape, and no `now` run may peak above
PEAK_MB of memory. Runs use ``fetch_timeout: 2s`` and ``max_feed_bytes: 20000`` unless a
case needs otherwise.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from e2e import syndicate_env, write_config

try:
    from fakes import FakeGraph, FakeX, FeedServer
    from fakes.feed_server import FeedItem, render_rss
except ImportError:  # tests/ became a package
    from tests.fakes import FakeGraph, FakeX, FeedServer
    from tests.fakes.feed_server import FeedItem, render_rss

HEALTHY_TITLE = "Council approves the new river bridge"
HEALTHY_LINK = "https://news.example/2026/bridge/"
HEALTHY_BODY = ("<p>“We will rebuild the bridge before the winter, whatever it costs the "
                "city,” Mayor Ellen Park said on Monday.</p>")
SECRET = "TOP-SECRET-7f3a9c-do-not-post"
SECRET_PAGE = f"<html><body><article><p>{SECRET}: the payroll of every employee.</p>" \
              "</article></body></html>"
RSS_TYPE = "application/rss+xml; charset=utf-8"
# What no post may hold: C0/C1 controls but the newline, DEL, bidi overrides and isolates.
POST_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
# What no terminal output may hold: the same, newline and tab allowed.
OUTPUT_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")
# Memory of a `now` run: measured in the child, see ``_PEAK``.
PEAK_MB = 400


# -- running `syndicate` -----------------------------------------------------------------

# `python -m syndicator`, writing the process's peak RSS to a file as it exits: a feed that
# inflates in memory is seen even when it ends in the right error message.
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child would report the
# pytest worker's own peak (400 MB and more with the language models loaded).
_PEAK = (
    "import atexit, os, runpy, sys\n"
    "def _peak():\n"
    "    status = open('/proc/self/status').read()\n"
    "    with open(os.environ['HOSTILE_PEAK_FILE'], 'w') as out:\n"
    "        out.write(status.split('VmHWM:')[1].split()[0])\n"
    "atexit.register(_peak)\n"
    "sys.argv[0] = 'syndicate'\n"
    "runpy.run_module('syndicator', run_name='__main__', alter_sys=True)\n"
)


@dataclass
class Run:
    """One `syndicate` command as the operator saw it."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float | None = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def lines(self, prefix: str) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(prefix)]


def _now(config: Path, env: dict[str, str], tmp_path: Path, timeout: float = 60) -> Run:
    peak = tmp_path / "peak-rss"
    peak.unlink(missing_ok=True)
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _PEAK, "--config", str(config), "now"],
                          env={**env, "HOSTILE_PEAK_FILE": str(peak)}, capture_output=True,
                          text=True, timeout=timeout)
    took = time.monotonic() - began
    peak_mb = int(peak.read_text()) / 1024 if peak.exists() else None
    return Run(done.returncode, done.stdout, done.stderr, took, peak_mb)


def _status(config: Path, env: dict[str, str]) -> Run:
    """`syndicate status`, in-process as tests/test_cli.py runs commands (cheaper than a
    third interpreter per case; `now` is the run that meets the hostile bytes)."""
    from click.testing import CliRunner

    from syndicator.cli import cli

    began = time.monotonic()
    done = CliRunner().invoke(cli, ["--config", str(config), "status"], env=env)
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exc_info
    return Run(done.exit_code, done.stdout, done.stderr, time.monotonic() - began)


def _x_texts(fake_x: FakeX) -> list[str]:
    return [post.text for post in fake_x.posts]


@dataclass
class Outcome:
    """Both `now` runs and the `status` after them, with what each platform holds."""

    first: Run
    second: Run
    status: Run
    x_posts: list[str]  # every X post text after the first run
    fb_posts: list[Any]

    @property
    def hostile_posts(self) -> list[str]:
        """The X posts of the hostile feed (the healthy one's carry its link)."""
        return [text for text in self.x_posts if HEALTHY_LINK not in text]

    @property
    def everything(self) -> str:
        """All the operator and the platforms ever saw."""
        runs = (self.first, self.second, self.status)
        return "\n".join([*(run.output for run in runs), *self.x_posts,
                          *(post.message or "" for post in self.fb_posts)])

    def assert_feed_error(self, pattern: str) -> str:
        """(a) for a feed that must be refused: one line, naming it, matching ``pattern``,
        in both runs; the feed posts nothing. Returns the first run's line."""
        for run in (self.first, self.second):
            assert run.code == 1, run.output
            mentions = [line for line in run.output.splitlines() if "hostile" in line]
            assert len(mentions) == 1, run.output
            line = mentions[0]
            assert line in run.stderr.splitlines(), run.output
            assert re.match(r"hostile: error: " + pattern, line), line
            assert len(line) < 400, line
        assert self.hostile_posts == [], self.hostile_posts
        shown = self._status_line()
        assert shown.startswith("  hostile: error, 0 items") and "(2 failures: " in shown, shown
        return self.first.lines("hostile: error: ")[0]

    def _status_line(self) -> str:
        lines = [line for line in self.status.stdout.splitlines()
                 if line.startswith("  hostile: ")]
        assert len(lines) == 1, self.status.stdout
        return lines[0]

    def assert_posted(self, count: int, *, warning: str | None = None) -> list[str]:
        """(a) for a feed whose right answer is to post: ``count`` posts built on X, each
        inert and within the limit; a warning only when ``warning`` is given, matching it.
        Returns the hostile posts."""
        run = self.first
        assert run.code == 0, run.output
        assert not run.lines("hostile: error"), run.output
        assert f"hostile: {count} items, {count} new, {count} post(s) queued" in run.stdout, \
            run.output
        warnings = run.lines("hostile: warning: ")
        if warning is None:
            assert warnings == [], run.output
        else:
            assert len(warnings) == 1 and re.search(warning, warnings[0]), run.output
        # the second run finds nothing new and says so
        assert self.second.code == 0, self.second.output
        assert re.search(rf"^hostile: (?:not modified|{count} items, 0 new, 0 post\(s\) "
                         r"queued)$", self.second.stdout, re.M), self.second.output
        assert re.match(rf"  hostile: (?:ok|not modified), {count} items", self._status_line())
        posts = self.hostile_posts
        assert len(posts) == count, posts
        for text in posts:
            assert not POST_CONTROLS.search(text), ascii(text)
            assert 0 < _weighted(text) <= 280, text
        return posts


def _weighted(text: str) -> int:
    from syndicator.compose import weighted_length

    return weighted_length(text)


@dataclass
class Site:
    """The test's servers and files."""

    tmp_path: Path
    feed_server: FeedServer
    fake_x: FakeX
    fake_graph: FakeGraph

    def url(self, path: str) -> str:
        return self.feed_server.feed_url(path)

    def secret_file(self) -> Path:
        path = self.tmp_path / "secret.txt"
        path.write_text(f"{SECRET}\n")
        return path

    def serve_secret(self) -> None:
        """The pages a hostile feed must never make us read (or post)."""
        for path in ("/secret", "/secret.dtd", "/page"):
            self.feed_server.set_page(path, SECRET_PAGE)

    def secret_hits(self) -> int:
        return sum(self.feed_server.hits.get(path, 0) for path in ("/secret", "/secret.dtd",
                                                                    "/page"))

    def syndicate(self, hostile_url: str, *, backfill: int = 1, fetch_article: str = "never",
                  fetch_timeout: str = "2s", max_feed_bytes: int = 20_000,
                  peak_mb: float | None = PEAK_MB) -> Outcome:
        """Run `now` twice and `status` once with the healthy feed and ``hostile_url``;
        assert (b), (c) and inert, traceback-free output in less than ``peak_mb`` (None:
        the caller checks)."""
        self.feed_server.add_item("/healthy", HEALTHY_TITLE, HEALTHY_LINK,
                                  content_html=HEALTHY_BODY, published=datetime.now(UTC))
        hostile = (f"  - name: hostile\n    url: {hostile_url}\n    post_to: [x]\n"
                   f"    backfill: {backfill}\n    max_age: 100000d\n"
                   f"    fetch_article: {fetch_article}")
        config, secrets = write_config(self.tmp_path, feed_url=self.url("/healthy"),
                                       fake_x=self.fake_x, fake_graph=self.fake_graph,
                                       backfill=1, extra_feed=hostile)
        config.write_text(f"fetch_timeout: {fetch_timeout}\nmax_feed_bytes: {max_feed_bytes}\n"
                          + config.read_text())
        env = syndicate_env(secrets)

        first = _now(config, env, self.tmp_path)
        x_posts, fb_posts = _x_texts(self.fake_x), list(self.fake_graph.posts)
        # (b) the healthy feed, posted once on each account in the same run
        assert "news: 1 items, 1 new, 2 post(s) queued" in first.stdout, first.output
        assert sum(HEALTHY_LINK in text for text in x_posts) == 1, (x_posts, first.output)
        assert [post.link for post in fb_posts] == [HEALTHY_LINK], (fb_posts, first.output)

        # (c) a second run adds nothing; status reads the state
        second = _now(config, env, self.tmp_path)
        assert second.code in (0, 1), second.output
        assert "news: not modified" in second.stdout, second.output
        assert _x_texts(self.fake_x) == x_posts, second.output
        assert len(self.fake_graph.posts) == len(fb_posts), second.output
        status = _status(config, env)
        assert status.code == 0, status.output
        assert re.search(r"^  hostile: ", status.stdout, re.M), status.output

        for run in (first, second, status):
            assert "Traceback" not in run.output, run.output
            assert not OUTPUT_CONTROLS.search(run.output), ascii(run.output)
            assert peak_mb is None or run.peak_mb is None or run.peak_mb < peak_mb, run.peak_mb
        return Outcome(first, second, status, x_posts, fb_posts)


@pytest.fixture
def site(tmp_path: Path, feed_server: FeedServer, fake_x: FakeX,
         fake_graph: FakeGraph) -> Site:
    return Site(tmp_path, feed_server, fake_x, fake_graph)


def rss(items: str, *, doctype: str = "", declaration: str = "UTF-8") -> str:
    return (f'<?xml version="1.0" encoding="{declaration}"?>\n{doctype}'
            '<rss version="2.0"><channel><title>Hostile</title>'
            f"<link>https://hostile.example/</link><description>d</description>{items}"
            "</channel></rss>\n")


def item(title: str, link: str, description: str = "A plain summary of the story.") -> str:
    return (f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{description}</description></item>")


# -- 1. billion laughs --------------------------------------------------------------------

def test_billion_laughs_is_not_expanded(site: Site) -> None:
    """Ten levels of ten: 10^9 "lol"s if expanded. expat refuses the amplification; the
    feed's one item is kept (a malformed feed with entries is used, with a warning)."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE rss [" + "".join(levels) + "]>"
    body = rss(item("Laughs &lol9;", "https://hostile.example/lol",
                    "Laughing: &lol9;"), doctype=doctype)
    outcome = site.syndicate(site.feed_server.set_feed("/lol", body))
    outcome.assert_posted(1, warning=r"malformed feed \(.+\); used the 1 entries found")
    assert "lollol" not in outcome.everything
    assert outcome.first.seconds < 15


# -- 2. XXE ---------------------------------------------------------------------------------

def _xxe_general(site: Site) -> str:
    """Entities naming a local file, a file with a secret, and a page on the server."""
    doctype = ("<!DOCTYPE rss ["
               '<!ENTITY passwd SYSTEM "file:///etc/passwd">'
               f'<!ENTITY secret SYSTEM "file://{site.secret_file()}">'
               f'<!ENTITY remote SYSTEM "{site.url("/secret")}">]>')
    return rss(item("Leak &passwd; &secret; &remote;", "https://hostile.example/xxe",
                    "More: &passwd; &secret; &remote;"), doctype=doctype)


def _xxe_parameter(site: Site) -> str:
    """A parameter entity that would load a DTD from the server."""
    doctype = f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{site.url("/secret.dtd")}"> %remote;]>'
    return rss(item("Parameter entity", "https://hostile.example/xxe"), doctype=doctype)


def _xxe_external_dtd(site: Site) -> str:
    """An external DTD subset on the server."""
    doctype = f'<!DOCTYPE rss SYSTEM "{site.url("/secret.dtd")}">'
    return rss(item("External DTD", "https://hostile.example/xxe"), doctype=doctype)


@pytest.mark.parametrize("build", [_xxe_general, _xxe_parameter, _xxe_external_dtd],
                         ids=["general-entities", "parameter-entity", "external-dtd"])
def test_xxe_reads_no_file_and_requests_no_url(site: Site, build: Callable[[Site], str]) -> None:
    site.serve_secret()
    outcome = site.syndicate(site.feed_server.set_feed("/xxe", build(site)))
    # feedparser drops the DOCTYPE's entity declarations: a reference left is malformed
    posts = outcome.assert_posted(1, warning=None if build is _xxe_external_dtd
                                  else r"malformed feed \(.+\); used the 1 entries found")
    assert site.secret_hits() == 0  # the server never saw a request for the secret
    assert SECRET not in outcome.everything
    assert "root:" not in outcome.everything  # /etc/passwd
    if build is _xxe_general:
        assert "Leak" in posts[0]


# -- 3. gzip bombs --------------------------------------------------------------------------

@pytest.mark.parametrize(("inflated", "layers"), [(10_000_000, 1), (200_000_000, 2)],
                         ids=["gzip-10MB", "gzip-gzip-200MB"])
def test_gzip_bomb_stops_at_the_cap(site: Site, inflated: int, layers: int) -> None:
    """A Content-Encoding: gzip body well under the cap on the wire, 500 and 10,000 times
    the cap inflated: the cap counts inflated bytes, and inflating stops there."""
    wire = site.feed_server.gzip_bomb("/bomb", inflated, layers=layers)
    assert wire < 20_000
    outcome = site.syndicate(site.url("/bomb"))
    outcome.assert_feed_error(r"http://\S+/bomb sent more than the 20000-byte cap — fix: "
                              r"raise max_feed_bytes")
    assert outcome.first.peak_mb is not None and outcome.first.peak_mb < 250, \
        outcome.first.peak_mb


# -- 4, 5. bodies that never end ------------------------------------------------------------

def test_endless_body_stops_at_the_cap(site: Site) -> None:
    site.feed_server.endless("/endless")
    outcome = site.syndicate(site.url("/endless"))
    outcome.assert_feed_error(r"http://\S+/endless sent more than the 20000-byte cap")
    assert outcome.first.seconds < 10


def test_slow_endless_body_stops_at_the_deadline(site: Site) -> None:
    """100 bytes every 50 ms: under the cap for far longer than fetch_timeout."""
    site.feed_server.endless("/endless", interval=0.05, chunk=b" " * 100)
    outcome = site.syndicate(site.url("/endless"))
    outcome.assert_feed_error(r"timed out after 2s fetching http://\S+/endless \(the whole "
                              r"request's deadline, fetch_timeout\)")
    assert outcome.first.seconds < 8


def test_dripping_body_stops_at_the_deadline(site: Site) -> None:
    """One byte every 50 ms, status line and headers too."""
    url = site.feed_server.set_items("/drip", [FeedItem("Drip", "https://hostile.example/d")])
    site.feed_server.drip("/drip", 0.05, times=None)
    outcome = site.syndicate(url)
    outcome.assert_feed_error(r"timed out after 2s fetching http://\S+/drip \(the whole "
                              r"request's deadline")
    assert outcome.first.seconds < 8


# -- 6. one huge item -----------------------------------------------------------------------

def test_huge_single_item_is_posted_within_limits(site: Site) -> None:
    """One item of some 3 MB of prose with quotations: posted, fitting, in seconds."""
    paragraph = ("<p>“We will not stop until the river is clean again,” said Dana Whitfield, "
                 "the director of the Riverside Trust, standing by the old mill on Tuesday. "
                 "The council has promised new filters, new pipes and a study of the banks, "
                 "and the work will take years.</p>\n")
    body = paragraph * (3_000_000 // len(paragraph))
    url = site.feed_server.set_items("/huge", [FeedItem(
        "The river, the mill and the trust", "https://hostile.example/huge",
        content_html=body, published=datetime.now(UTC) - timedelta(hours=1))])
    outcome = site.syndicate(url, max_feed_bytes=10_000_000)
    posts = outcome.assert_posted(1)
    assert "https://hostile.example/huge" in posts[0]
    assert outcome.first.seconds < 30


def test_huge_link_is_not_posted_and_costs_bounded_memory(site: Site) -> None:
    """A 2 MB link: no post can hold it, so the item is recorded and not posted (a
    warning names the account). Measuring the post must not cost hundreds of MB."""
    link = "https://hostile.example/" + "a" * 2_000_000
    url = site.feed_server.set_items("/longlink", [FeedItem(
        "A very long link", link, guid="longlink", description="Short.",
        published=datetime.now(UTC) - timedelta(hours=1))])
    outcome = site.syndicate(url, max_feed_bytes=10_000_000, peak_mb=None)
    first = outcome.first
    assert first.code == 0, first.output
    assert "hostile: 1 items, 1 new, 0 post(s) queued" in first.stdout, first.output
    assert re.search(r"no post fits account x .*the link itself is probably too long",
                     first.stderr), first.stderr
    assert "hostile: not modified" in outcome.second.stdout, outcome.second.output
    assert outcome.hostile_posts == []
    # measuring a 2 MB link took 530 MB in the URL pattern (compose/weighted.py)
    assert first.peak_mb is not None and first.peak_mb < PEAK_MB, first.peak_mb


# -- 7. encodings -----------------------------------------------------------------------------

def _invalid_utf8() -> bytes:
    """Declared UTF-8, with bytes no UTF-8 has in the title: 0xFF, a lone continuation
    byte, an overlong "/", an encoded surrogate."""
    return rss(item("Broken # bytes", "https://hostile.example/enc")).encode().replace(
        b"#", b"\xff\x80\xc0\xaf\xed\xa0\x80")


def _nul_byte() -> bytes:
    """A NUL in the title: no XML document may hold one."""
    return rss(item("Nul\x00byte", "https://hostile.example/enc")).encode()


def _latin1_as_utf8() -> bytes:
    """Latin-1 declared UTF-8: "Café Müller" is not valid UTF-8."""
    return rss(item("Café Müller reopens", "https://hostile.example/enc")).encode("latin-1")


def _utf16_as_utf8() -> bytes:
    """UTF-16 (no byte-order mark) declared UTF-8 in the header and the XML declaration."""
    return rss(item("Wide story", "https://hostile.example/enc")).encode("utf-16-le")


def _utf16_bom_as_utf8() -> bytes:
    """The same with a UTF-16 byte-order mark contradicting the header."""
    return b"\xff\xfe" + _utf16_as_utf8()


# (build, the title posted or None for a refused feed, the warning expected)
ENCODINGS = {
    # feedparser reads undecodable UTF-8 as windows-1252: odd letters, nothing worse
    "invalid-utf8": (_invalid_utf8, "Broken ÿ€À¯í € bytes", None),  # NBSP as a space
    "nul-byte": (_nul_byte, "Nulbyte", r"malformed feed \(.*not well-formed"),
    "latin1-as-utf8": (_latin1_as_utf8, "Café Müller reopens", None),
    "utf16-as-utf8": (_utf16_as_utf8, None, None),
    "utf16-bom-as-utf8": (_utf16_bom_as_utf8, None, None),
}


@pytest.mark.parametrize("case", list(ENCODINGS))
def test_bad_encodings(site: Site, case: str) -> None:
    build, title, warning = ENCODINGS[case]
    site.feed_server.raw("/enc", build(), headers=[("Content-Type", RSS_TYPE)])
    outcome = site.syndicate(site.url("/enc"))
    if title is None:
        outcome.assert_feed_error(r"not a usable feed: <unknown>:\d+:\d+: not well-formed "
                                  r"\(invalid token\) — fix: check that the url points at")
        return
    posts = outcome.assert_posted(1, warning=warning)
    assert posts[0].startswith(title + "\n"), ascii(posts[0])


# -- 8. not a feed at all ---------------------------------------------------------------------

HTML_PAGE = ("<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>News</h1>"
             "<p>Our feed moved.</p><a href='/feed/'>RSS</a></body></html>")
JSON_DOC = '{"status": "ok", "items": [{"title": "A", "url": "https://hostile.example/a"}]}'


@pytest.mark.parametrize(("body", "content_type"), [
    (HTML_PAGE, "text/html; charset=utf-8"),
    (HTML_PAGE, RSS_TYPE),
    (JSON_DOC, "application/json"),
    (JSON_DOC, RSS_TYPE),
], ids=["html", "html-as-rss", "json", "json-as-rss"])
def test_a_web_page_or_json_is_not_a_feed(site: Site, body: str, content_type: str) -> None:
    url = site.feed_server.set_feed("/notafeed", body, content_type=content_type)
    outcome = site.syndicate(url)
    outcome.assert_feed_error(r"not (?:an RSS or Atom feed|a usable feed)\b.* — fix: ")


# -- 9. redirects -----------------------------------------------------------------------------

def test_redirect_loop_is_too_many_redirects(site: Site) -> None:
    site.feed_server.redirect("/loop-a", "/loop-b", 302)
    site.feed_server.redirect("/loop-b", "/loop-a", 302)
    outcome = site.syndicate(site.url("/loop-a"))
    outcome.assert_feed_error(r"too many redirects fetching http://\S+/loop-a — fix: ")
    assert 20 <= site.feed_server.hits["/loop-a"] + site.feed_server.hits["/loop-b"] <= 64


@pytest.mark.parametrize(("target", "reason"), [
    ("file:///etc/passwd", "file:///etc/passwd"),
    ("file://{secret}", "file:///"),
    ("ftp://127.0.0.1:{port}/secret", "ftp"),
    ("javascript:alert(1)", "javascript:alert"),
    ("http://[::1/secret", "Invalid IPv6 URL"),  # urlparse raises ValueError on it
], ids=["file-passwd", "file-secret", "ftp", "javascript", "broken-ipv6"])
def test_redirect_to_another_scheme_or_a_broken_url_is_refused(site: Site, target: str,
                                                               reason: str) -> None:
    site.serve_secret()
    location = target.format(secret=site.secret_file(), port=site.feed_server.port)
    site.feed_server.raw("/moved", b"", status=301, headers=[("Location", location)])
    outcome = site.syndicate(site.url("/moved"))
    outcome.assert_feed_error(rf"request to http://\S+/moved failed \(.*{re.escape(reason)}")
    assert SECRET not in outcome.everything and "root:" not in outcome.everything
    assert site.secret_hits() == 0


def test_broken_location_through_requests_is_a_feed_error(feed_server: FeedServer) -> None:
    """The same Location on the other fetch path (a proxy in the environment or a
    customised session go through requests): a FeedError, not a ValueError. In-process:
    a proxy in a `now` subprocess would carry the platform calls too."""
    import requests

    from syndicator.errors import FeedError
    from syndicator.feeds.fetch import fetch_feed

    feed_server.raw("/moved", b"", status=301, headers=[("Location", "http://[::1/secret")])
    session = requests.Session()
    session.headers["X-Customised"] = "1"  # not the lean urllib3 path
    with pytest.raises(FeedError, match=r"request to http://\S+/moved failed \(Invalid IPv6"):
        fetch_feed("hostile", feed_server.feed_url("/moved"), session=session, timeout=2)


# -- 10. links to private addresses -----------------------------------------------------------

def test_private_address_links_are_not_fetched(site: Site) -> None:
    """With fetch_article: always, links to the loopback in six spellings: no page is
    read, and the posts are built from the feed's own text."""
    site.serve_secret()
    port = site.feed_server.port
    hosts = ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "127.1", "2130706433",
             "0x7f.0.0.1"]
    items = [FeedItem(f"Private link {n}", f"http://{host}:{port}/page",
                      guid=f"private-{n}", description=f"Item {n} of the private links.")
             for n, host in enumerate(hosts)]
    url = site.feed_server.set_items("/private", items)
    outcome = site.syndicate(url, backfill=len(items), fetch_article="always")
    outcome.assert_posted(len(items))
    refused = [line for line in outcome.first.stderr.splitlines()
               if "refused to connect" in line and "not a public address" in line]
    assert len(refused) == len(hosts), outcome.first.stderr
    assert site.feed_server.hits.get("/page", 0) == 0
    assert SECRET not in outcome.everything


# -- 11. pathological quotation marks ---------------------------------------------------------

def _unbalanced_quotes() -> str:
    """20,000 opening and 6,000 closing marks, never in pairs that make a quotation."""
    return "<p>" + " ".join(f"“word{n}" if n % 4 else f"word{n}”"
                            for n in range(26_000)) + "</p>"


def _quotes_and_speakers() -> str:
    """5,000 quotations, each with a speaker of its own."""
    return "".join(f"<p>“Yes, we will do it,” said Jane Roe{n}.</p>" for n in range(5_000))


def _capitalised_run() -> str:
    """A quotation beside 30,000 capitalised words, twice: no name is that long."""
    run = " ".join(["Smith"] * 30_000)
    return (f"<p>“We will rebuild the bridge before the winter,” said {run} on Monday.</p>"
            f"<p>{run} “Every word of it is true,” {run}.</p>")


@pytest.mark.parametrize("build", [_unbalanced_quotes, _quotes_and_speakers, _capitalised_run],
                         ids=["unbalanced-quotes", "quotes-and-speakers", "capitalised-run"])
def test_pathological_quotation_text(site: Site, build: Callable[[], str]) -> None:
    url = site.feed_server.set_items("/quotes", [FeedItem(
        "Quotes gone wild", "https://hostile.example/quotes", content_html=build(),
        published=datetime.now(UTC) - timedelta(hours=1))])
    outcome = site.syndicate(url, max_feed_bytes=2_000_000)
    posts = outcome.assert_posted(1)
    assert "https://hostile.example/quotes" in posts[0]
    assert " ".join(["Smith"] * 13) not in posts[0]  # a name has at most 12 words
    assert outcome.first.seconds < 20


# -- 12. control characters and terminal escapes ----------------------------------------------

# Not XML at all (ESC, BEL, CR LF in a title): feedparser's lenient parser reads them.
MALFORMED = [
    FeedItem("Red \x1b[31malert\x1b[0m and a bell\x07",
             "https://hostile.example/a?\x1b]8;;https://evil.example\x07x",
             guid="ctl-1", description="First."),
    FeedItem("Forged\nsyndicate: error: everything is broken\r\nEND",
             "https://hostile.example/b\nhttps://evil.example/", guid="ctl-2",
             description="Second."),
    FeedItem("Right \u202eto left\u202c and C1 \x9b2J cleared",
             "https://hostile.example/c/\u202e", guid="ctl-3", description="Third."),
]
# Well-formed XML (character references, C1 codes, bidi overrides, line separators):
# the strict parser hands all of it over.
WELL_FORMED = item(
    "Line&#10;break&#13;and \u2028LS \u2029PS \u202eRTL\u202c \u2066isolate\u2069 \u0085NEL",
    "https://hostile.example/d/\u202egpj.exe&#10;https://evil.example/")


@pytest.mark.parametrize("well_formed", [False, True], ids=["malformed", "well-formed"])
def test_control_characters_never_reach_a_post_or_the_terminal(site: Site,
                                                               well_formed: bool) -> None:
    """Escapes, BEL, C1 controls, bidi overrides and line breaks in titles and links."""
    if well_formed:
        url = site.feed_server.set_feed("/ctl", rss(WELL_FORMED))
        posts = site.syndicate(url).assert_posted(1)
        assert posts[0].startswith("Line break and LS PS RTL isolate "), ascii(posts[0])
        assert "https://hostile.example/d/%E2%80%AEgpj.exe%0Ahttps://evil.example/" in posts[0]
        return
    url = site.feed_server.set_feed("/ctl", render_rss("Hostile", "https://hostile.example/",
                                                        MALFORMED))
    outcome = site.syndicate(url, backfill=len(MALFORMED))
    posts = outcome.assert_posted(len(MALFORMED), warning=r"malformed feed")
    everything = outcome.everything
    for marker in ("\x1b", "\x07", "\x9b", "\u202e", "\r"):
        assert marker not in everything, ascii(marker)
    assert not any(line.startswith(("syndicate: error: everything", "https://evil"))
                   for line in everything.splitlines())
    assert any(text.startswith("Red [31malert[0m and a bell\n") for text in posts), posts
    assert "https://hostile.example/a?%1B]8;;https://evil.example%07x" in "".join(posts)
    assert "https://hostile.example/b%0Ahttps://evil.example/" in "".join(posts)
