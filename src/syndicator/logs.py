"""Logging set-up: one line per event, human or JSON, and secrets redacted at the handler.

Redaction sits on the handler, not on our loggers, so third-party debug lines (tweepy's
request headers, urllib3's URLs with facebook-sdk's access_token query) are scrubbed too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from urllib.parse import quote, quote_plus

REDACTED = "«redacted»"
# Newlines, terminal escapes, C1 codes and bidi overrides in text that came from outside
# (a feed, a server's error): shown escaped, so they can neither forge a log line nor
# act on the terminal.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` as one inert line: control characters written as escapes (``\\n``)."""
    return CONTROL_CHARS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class OneLineFilter(logging.Filter):
    """Every log record is one line of inert text (its traceback stays as it is)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if CONTROL_CHARS.search(message):
            record.msg, record.args = printable(message), None
        return True
_CONTEXT_KEYS = ("feed", "account", "article", "delivery")


class SecretFilter(logging.Filter):
    """Replaces every known secret (and its URL-encoded forms) in the rendered record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._needles: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        needles = set(self._needles)
        for secret in secrets:
            if len(secret) < 4:  # too short to redact without mangling ordinary text
                continue
            needles.update({secret, quote(secret, safe=""), quote(secret), quote_plus(secret)})
        self._needles = sorted(needles, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._needles:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.scrub(message), None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _CONTEXT_KEYS:
            if hasattr(record, key):
                payload[key] = SECRETS.scrub(str(getattr(record, key)))
        if record.exc_text or record.exc_info:
            payload["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, ensure_ascii=False)


_CONTEXT: ContextVar[dict[str, object]] = ContextVar("syndicator_log_context", default={})  # noqa: B039


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Tag every log line inside with feed/account/article/delivery (JSON logs show them)."""
    token = _CONTEXT.set({**_CONTEXT.get(), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _CONTEXT.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


SECRETS = SecretFilter()


def setup_logging(*, level: int = logging.INFO, fmt: str = "human") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(OneLineFilter())
    handler.addFilter(SECRETS)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                                               "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    if level > logging.DEBUG:
        for noisy in ("apscheduler", "urllib3", "requests_oauthlib", "oauthlib", "tweepy"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
