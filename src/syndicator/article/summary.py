"""A feed summary as a clean, short, whole-sentence teaser for a post."""

from __future__ import annotations

import re

from syndicator.article.text import html_to_text

_TEASER_END = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.)\s*$")
_WORDPRESS_FOOTER = re.compile(r"\s*The post .{1,300}? appeared first on .{1,200}?$")
_SENTENCE_END = re.compile(r"[.!?][\"”’»)]*(?=\s)")


def summary_text(summary: str | None) -> str | None:
    """Plain text, boilerplate dropped, first paragraph only (many feeds repeat the whole
    article there); a teaser cut mid-sentence ("… [&#8230;]") is trimmed back to its last
    whole sentence, or to whole words with an ellipsis."""
    if not summary:
        return None
    first = html_to_text(summary).split("\n\n", 1)[0].strip()
    first = _WORDPRESS_FOOTER.sub("", first).strip()
    if not first:
        return None
    cut = _TEASER_END.search(first)
    if cut is None:
        return first
    body = first[:cut.start()].rstrip()
    ends = list(_SENTENCE_END.finditer(body + " "))
    if ends:
        return body[:ends[-1].end()].strip()
    words = body.rsplit(" ", 1)[0] if " " in body else body
    return (words.rstrip(" ,;:—–-") + "…") if words else None
