"""Article links: tracking parameters added without disturbing what is already there."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

# Characters a URI may hold as they are; everything else (non-ASCII, spaces) is %-encoded
# so X links the whole URL rather than stopping at the first character it does not accept.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def as_uri(url: str) -> str:
    """*url* with non-ASCII and unsafe characters %-encoded (an IRI made a URI).

    The host is left as it is: X's extractor accepts international domain names.
    """
    url = url.strip()
    if url.isascii() and " " not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1/ü": a malformed IPv6 host (tests/test_fuzz_pipeline.py)
        return quote(url, safe=_URI_SAFE)
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe=_URI_SAFE),
            quote(parts.query, safe=_URI_SAFE),
            quote(parts.fragment, safe=_URI_SAFE),
        )
    )


def add_utm(url: str, utm: Mapping[str, str]) -> str:
    """*url* with *utm* parameters appended to its query, keeping any fragment.

    Parameters already in the URL are left alone (the publisher's own tagging wins); the
    existing query is kept byte for byte.
    """
    if not utm:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        # a malformed IPv6 host ("http://[::1/x", from a feed) made compose_post raise
        # (found by tests/test_fuzz_pipeline.py): such a link is posted as it is
        return url
    present = {key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    extra = "&".join(
        f"{quote(key, safe='')}={quote(value, safe='')}"
        for key, value in utm.items()
        if key not in present
    )
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
