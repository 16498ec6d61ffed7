"""Logs: one JSON object per line with context, and secrets scrubbed at the handler."""

from __future__ import annotations

import io
import json
import logging

from syndicator.logs import SECRETS, ContextFilter, JsonFormatter, SecretFilter, log_context


def capture(filters: list[logging.Filter]) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for f in filters:
        handler.addFilter(f)
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_json_lines_carry_feed_account_article_and_delivery() -> None:
    logger, stream = capture([ContextFilter()])
    with log_context(feed="news"), log_context(account="x", article="https://a/1", delivery=7):
        logger.info("posted %s", "it")
    logger.info("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "posted it"
    assert (first["feed"], first["account"], first["article"], first["delivery"]) == \
        ("news", "x", "https://a/1", "7")
    assert "feed" not in second and second["level"] == "info"


def test_secret_filter_scrubs_plain_and_url_encoded_forms_in_messages_and_tracebacks() -> None:
    secrets = SecretFilter(["s3cr3t/+token=", "abc"])  # too short secrets are not scrubbed
    logger, stream = capture([secrets])
    logger.debug("GET /me?access_token=s3cr3t%2F%2Btoken%3D and s3cr3t/+token=")
    try:
        raise RuntimeError("token s3cr3t/%2Btoken%3D in a traceback")
    except RuntimeError:
        logger.exception("failed")
    text = stream.getvalue()
    assert "s3cr3t" not in text
    assert text.count("«redacted»") >= 3
    assert SECRETS.scrub("nothing registered here") == "nothing registered here"
