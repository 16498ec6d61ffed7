"""Main-content extraction from a whole article page (pure: HTML string in, text out).

The story's container is found by where its prose is, as readability does: each block of
prose (a ``<p>``, or a ``<div>`` holding text of its own, as Blogger writes with
``<br>``) scores for its parent, less for its grandparent and less again above, so a
story split into sections or steps still gathers under one ancestor; a container's score
is discounted by the share of its text that sits in links (menus, related lists), and
by half when its class or id says it is chrome. Known article containers
(``itemprop=articleBody``, ``.entry-content`` …) get a bonus. The chosen container is
then rendered by ``html_to_text``, which drops the chrome left inside it.
(trafilatura and newspaper4k were measured and rejected: docs/design.md, the article
section.)
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from syndicator.article.text import CHROME_CLASS, html_to_text

__all__ = ["extract_main_text"]

_CANDIDATES = (
    "[itemprop=articleBody]",
    ".entry-content",
    ".post-content",
    ".post-body",
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
# How much of a prose block's score each ancestor level receives.
_LEVELS = (1.0, 0.5, 0.34, 0.25)
_MIN_BLOCK = 25  # characters: shorter blocks are labels and buttons, not prose
_KNOWN_BONUS = 1.25
# A sibling holding this share of the best container's prose is more of the same story.
_SIBLING_SHARE = 0.2
_SIBLING_LEVELS = 5


def extract_main_text(html: str, url: str | None = None) -> str:
    """Clean paragraphs of the page's main story ("" when none is found)."""
    del url  # kept in the signature for extractors that resolve relative links
    tree = LexborHTMLParser(html)
    for sel in _NOISE:
        for node in tree.css(sel):
            node.decompose()
    best = _best_container(tree)
    if best is None:
        best = tree.body
    if best is None:
        return ""
    return html_to_text(best.html or "")


def _best_container(tree: LexborHTMLParser) -> LexborNode | None:
    scores: dict[int, tuple[float, LexborNode]] = {}
    for block in tree.css("p, pre, div, td, li, blockquote"):
        own = _own_text(block) if block.tag in ("div", "td", "li") else block.text(strip=True)
        if len(own) < _MIN_BLOCK or (block.tag in ("div", "td", "li") and len(own) < 80):
            continue
        value = 1 + own.count(",") + own.count("，") + min(len(own) // 100, 3)
        node = block.parent
        for share in _LEVELS:
            if node is None or node.tag in ("html", "-document"):
                break
            prev = scores.get(node.mem_id, (0.0, node))
            scores[node.mem_id] = (prev[0] + value * share, node)
            node = node.parent
    if not scores:
        return None
    known = {n.mem_id for sel in _CANDIDATES for n in tree.css(sel)}
    final: dict[int, float] = {}
    for mem_id, (score, node) in scores.items():
        score *= 1 - _link_density(node)
        if mem_id in known:
            score *= _KNOWN_BONUS
        if _marked_chrome(node):
            score *= 0.5
        final[mem_id] = score
    best_id = max(final, key=final.__getitem__)
    best = scores[best_id][1]
    # A story split into sections (steps, blocks around a newsletter box) has siblings
    # holding a good share of its prose: take their common parent, as readability does.
    floor = _SIBLING_SHARE * len(best.text(strip=True) or "") * (1 - _link_density(best))
    node = best
    for _ in range(_SIBLING_LEVELS):
        parent = node.parent
        if parent is None or parent.tag in ("body", "html", "-document"):
            break
        prose = 0
        sibling = parent.child
        while sibling is not None:
            if (
                sibling.mem_id != node.mem_id
                and sibling.tag not in ("-text", "-comment")
                and not _marked_chrome(sibling)
                and _link_density(sibling) < 0.5
            ):
                prose += _prose(sibling)
            sibling = sibling.next
        if prose and prose >= floor:
            best = parent
        node = parent
    return best


def _own_text(node: LexborNode) -> str:
    """Text of the node's own text children (not of child elements), joined."""
    parts = []
    child = node.child
    while child is not None:
        if child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag in ("a", "b", "strong", "i", "em", "span", "br", "font", "u"):
            parts.append(child.text() or "")
        child = child.next
    return " ".join(" ".join(parts).split())


def _marked_chrome(node: LexborNode) -> bool:
    marker = " ".join(v for k, v in node.attributes.items() if k in ("class", "id") and v)
    return bool(marker) and CHROME_CLASS.search(marker) is not None


def _prose(node: LexborNode) -> int:
    """Characters of paragraph text in the node (itself, when it is a paragraph)."""
    if node.tag == "p":
        return len(node.text(strip=True) or "")
    return sum(len(p.text(strip=True) or "") for p in node.css("p"))


def _link_density(node: LexborNode) -> float:
    total = len(node.text(strip=True) or "")
    if not total:
        return 1.0
    linked = sum(len(a.text(strip=True) or "") for a in node.css("a"))
    return min(1.0, linked / total)
