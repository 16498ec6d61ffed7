"""Main-content extraction from a whole article page (pure: HTML string in, text out).

A selectolax heuristic: a known article container if the page has one, else the
element whose direct <p> children carry the most text. (trafilatura was considered:
2.3.1 does not import in a fresh venv with lxml 6 unless ``lxml_html_clean`` is added,
so it is not a dependency.)
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from syndicator.article.text import html_to_text

__all__ = ["extract_main_text"]

_CANDIDATES = (
    "[itemprop=articleBody]",
    "article .entry-content",
    ".entry-content",
    ".post-content",
    ".article-body",
    ".article__body",
    ".story-body",
    ".article-content",
    "article",
    "main",
    "[role=main]",
    "#content",
)
_NOISE = ("script", "style", "noscript", "nav", "footer", "aside", "header", "form")


def extract_main_text(html: str, url: str | None = None) -> str:
    """Clean paragraphs of the page's main story ("" when none is found)."""
    del url  # kept in the signature for extractors that resolve relative links
    tree = LexborHTMLParser(html)
    for sel in _NOISE:
        for node in tree.css(sel):
            node.decompose()
    best: LexborNode | None = None
    for sel in _CANDIDATES:
        found = tree.css_first(sel)
        if found is not None and _p_text(found) > 200:
            best = found
            break
    if best is None:
        scores: dict[int, tuple[int, LexborNode]] = {}
        for p in tree.css("p"):
            parent = p.parent
            if parent is None:
                continue
            prev = scores.get(parent.mem_id, (0, parent))
            scores[parent.mem_id] = (prev[0] + len(p.text(strip=True)), parent)
        if scores:
            best = max(scores.values(), key=lambda t: t[0])[1]
    if best is None:
        best = tree.body
    if best is None:
        return ""
    return html_to_text(best.html or "")


def _p_text(node: LexborNode) -> int:
    return sum(len(p.text(strip=True)) for p in node.css("p"))
