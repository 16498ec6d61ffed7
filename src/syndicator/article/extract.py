"""Main-content extraction from a whole article page (pure: HTML string in, text out).

trafilatura is used when installed (it is the best general extractor); otherwise a
selectolax heuristic picks the element holding most paragraph text.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from syndicator.article.text import html_to_text

__all__ = ["extract_main_text"]

_CANDIDATES = (
    "[itemprop=articleBody]", "article .entry-content", ".entry-content", ".post-content",
    ".article-body", ".article__body", ".story-body", ".article-content", "article", "main",
    "[role=main]", "#content",
)  # fmt: skip


def extract_main_text(html: str, url: str | None = None) -> str:
    """Clean paragraphs of the page's main story ("" when none is found)."""
    try:
        import trafilatura  # optional dependency
    except ImportError:
        trafilatura = None
    if trafilatura is not None:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
        if text and text.strip():
            return html_to_text(text.replace("\n", "\n\n"))
    return _selectolax_extract(html)


def _selectolax_extract(html: str) -> str:
    tree = LexborHTMLParser(html)
    for sel in ("script", "style", "noscript", "nav", "footer", "aside", "header", "form"):
        for node in tree.css(sel):
            node.decompose()
    best: LexborNode | None = None
    for sel in _CANDIDATES:
        node = tree.css_first(sel)
        if node is not None and _p_text(node) > 200:
            best = node
            break
    if best is None:
        # The element whose direct <p> children carry the most text.
        scores: dict[int, tuple[int, LexborNode]] = {}
        for p in tree.css("p"):
            parent = p.parent
            if parent is None:
                continue
            n = len(p.text(strip=True))
            key = parent.mem_id
            prev = scores.get(key, (0, parent))
            scores[key] = (prev[0] + n, parent)
        if scores:
            best = max(scores.values(), key=lambda t: t[0])[1]
    if best is None:
        best = tree.body
    if best is None:
        return ""
    return html_to_text(best.html or "")


def _p_text(node: LexborNode) -> int:
    return sum(len(p.text(strip=True)) for p in node.css("p"))
