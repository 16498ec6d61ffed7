"""Fixtures that start and stop the local fake servers (tests/fakes) around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pg import CI, PostgresServer

try:
    from fakes import FakeBluesky, FakeGraph, FakeMastodon, FakeX, FeedServer
except ImportError:  # tests/ became a package
    from tests.fakes import FakeBluesky, FakeGraph, FakeMastodon, FakeX, FeedServer


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """CLI tests run in-process and set up logging; give every test a clean slate."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A fresh feed/web server on 127.0.0.1; ``feed_server.set_items(...)`` to serve."""
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_x() -> Iterator[FakeX]:
    """A fresh fake X API v2 with default credentials (see ``FakeX.__init__``)."""
    server = FakeX().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    """A fresh fake Graph API for Page ``1234567890`` with a Page token."""
    server = FakeGraph().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_mastodon() -> Iterator[FakeMastodon]:
    """A fresh fake Mastodon 4.3 instance with one account and its token."""
    server = FakeMastodon().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_bluesky() -> Iterator[FakeBluesky]:
    """A fresh fake Bluesky PDS with one account and its app password."""
    server = FakeBluesky().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this test process (tests/pg.py). In CI it must be
    there: a missing server fails the run instead of skipping its tests."""
    why_not = PostgresServer.available()
    if why_not is not None:
        if CI:
            pytest.fail(f"CI needs PostgreSQL for the state tests: {why_not}")
        pytest.skip(why_not)
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a fresh, empty PostgreSQL database."""
    return postgres.database()
