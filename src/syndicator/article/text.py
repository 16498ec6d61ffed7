"""Feed content (HTML or plain text) to clean paragraphs. Pure: no I/O.

Paragraphs are separated by exactly one blank line ("\\n\\n"), because the quote engine
treats a blank line as the end of a paragraph (unclosed quotes stop there).
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from syndicator.article.boilerplate import boilerplate_flags
from syndicator.article.structure import HEADING, LINK_CLOSE, LINK_OPEN, MARKS, strip_marks
from syndicator.article.structure import structural_flags as _structural_flags

__all__ = ["html_to_text", "looks_like_html", "normalise_text"]

_HTML_HINT = re.compile(
    r"<(?:p|div|br|span|a|article|section|h[1-6]|ul|ol|li|blockquote|em|strong|b|i|img|figure|"
    r"table|tr|td|html|body|script|style|iframe|video|audio|embed|object|picture|source|svg|"
    r"noscript|form|header|footer|nav|aside|main|pre|code|hr)\b[^>]*>",
    re.IGNORECASE,
)

# Whole subtrees that never hold article text.
_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
        "form", "button", "input", "select", "textarea", "nav", "footer", "aside", "figcaption",
        "video", "audio", "head", "title", "meta", "link",
    }
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "td", "th",
        "figure", "hr", "address", "center", "body", "html",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# class/id fragments of widgets: share bars, related posts, captions, comments, ads
# (extract.py discounts containers marked so).
CHROME_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharedaddy|social|related|jp-relatedposts|comments?|"
    r"respond|newsletters?|subscribe|signup|wp-caption-text|caption|advert|ads?|promo|"
    r"sponsor|byline-share|author-box|author-bio|about-author|breadcrumbs?|navigation|menu|"
    r"sidebar|widget|cookie|popup|modal|footer|recirc|outbrain|taboola|related-posts|"
    r"more-stories|tags|tag-list|screen-reader-text|sr-only|visually-hidden|feedflare)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# Runs of horizontal space that are not already one plain space (those need no rewrite).
_SPACES = re.compile(
    r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}"
    r"|[\t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_DOUBLE_SPACE = re.compile(" {2,}")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad]")
# Whitespace that str.split() splits on but _SPACES does not touch.
_OTHER_SPACE = re.compile("[\x1c-\x1f\x85\u1680\u2028\u2029]")


def looks_like_html(text: str) -> bool:
    """True when the text carries HTML markup (a feed's content or a page)."""
    return _HTML_HINT.search(text) is not None


def html_to_text(markup: str) -> str:
    """Clean plain text: entities decoded, chrome dropped, paragraphs split by a blank line.

    Plain text is accepted too: it is normalised and stripped of boilerplate only.
    """
    if not markup or not markup.strip():
        return ""
    if not markup.isascii():
        markup = strip_marks(markup)  # the render's own marks must not come from the feed
    if looks_like_html(markup):
        raw = _render(markup)
    else:
        raw = html.unescape(markup) if "&" in markup else markup
    if "<" in raw and looks_like_html(raw):
        raw = _render(strip_marks(raw))  # markup escaped twice: the first pass revealed it
    return normalise_text(raw)


def normalise_text(raw: str) -> str:
    """Normalise whitespace and drop boilerplate paragraphs (lines inside kept).

    ``raw`` may carry the structure marks of ``_render`` (links, headings); then the
    structural signals of ``structure.py`` drop chrome too, and the marks are removed.
    """
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not raw.isascii():
        raw = _ZERO_WIDTH.sub("", raw)
    # Without the few whitespace characters _SPACES leaves alone, str.split() does its job.
    plain_spaces = _OTHER_SPACE.search(raw) is None
    paragraphs = []
    lines: list[str] = []
    for line in raw.split("\n"):
        if not line.strip(" \t"):  # a blank line ends the paragraph
            if lines:
                paragraphs.append("\n".join(lines))
                lines = []
            continue
        line = " ".join(line.split()) if plain_spaces else _SPACES.sub(" ", line).strip()
        if line:
            lines.append(line)
    if lines:
        paragraphs.append("\n".join(lines))
    if not any(m in raw for m in MARKS):
        flags = boilerplate_flags(paragraphs)
        return "\n\n".join(p for p, chrome in zip(paragraphs, flags, strict=True) if not chrome)
    plain = [_clean(strip_marks(p)) for p in paragraphs]
    flags = [
        words or structure
        for words, structure in zip(
            boilerplate_flags(plain), _structural_flags(paragraphs), strict=True
        )
    ]
    return "\n\n".join(
        p for p, chrome in zip(plain, flags, strict=True) if not chrome and p not in ("", "•")
    )


def _clean(paragraph: str) -> str:
    """A paragraph whose marks were removed: no blank lines or stray spaces left behind."""
    lines = (_DOUBLE_SPACE.sub(" ", ln).strip(" ") for ln in paragraph.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _render(markup: str) -> str:
    tree = LexborHTMLParser(markup)
    root = tree.body or tree.root
    if root is None:
        return ""
    out: list[str] = []
    _walk(root, out, 0)
    return "".join(out)


def _walk(node: LexborNode, out: list[str], depth: int) -> None:
    child = node.child
    while child is not None:
        tag = child.tag
        if tag == "-text":
            text = child.text_content or ""
            if text:
                out.append(text.replace("\n", " "))
        elif tag == "br":
            out.append("\n")
        elif tag in _DROP_TAGS or tag == "-comment" or tag is None or _is_chrome(child):
            pass
        elif depth > 200:
            out.append(child.text(separator=" ") or "")
        elif tag in _BLOCK_TAGS:
            out.append("\n\n")
            if tag == "li":
                out.append("• ")
            elif tag in _HEADINGS:
                out.append(HEADING)
            _walk(child, out, depth + 1)
            out.append("\n\n")
        elif tag == "a":
            out.append(LINK_OPEN)
            _walk(child, out, depth + 1)
            out.append(LINK_CLOSE)
        else:
            _walk(child, out, depth + 1)
        child = child.next


def _is_chrome(node: LexborNode) -> bool:
    if node.tag in ("article", "main", "body", "html"):
        return False
    attrs = node.attributes
    marker = " ".join(v for k, v in attrs.items() if k in ("class", "id", "role") and v)
    if marker and CHROME_CLASS.search(marker):
        # A wrapper that merely mentions "comments" in its class but holds the story stays.
        return len(node.css("p")) < 4
    return attrs.get("aria-hidden") == "true" or "hidden" in attrs
