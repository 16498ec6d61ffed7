"""Site chrome that is not the article: share widgets, comment forms, feed footers.

Pure and shared: ``html_to_text`` drops these paragraphs, and ``quotes`` uses the same
test so a quotation inside page chrome is never chosen as a pull-quote.
"""

from __future__ import annotations

import re

# One paragraph (or one short line) that is nothing but chrome. Anchored, case-insensitive.
_LINE_PATTERNS = [
    r"follow [\w .&'’-]{1,40} on (?:facebook|twitter|x|instagram|linkedin|youtube|tiktok)"
    r"(?:,? (?:and|&) (?:facebook|twitter|x|instagram|linkedin|youtube|tiktok))*[.!]?",
    r"(?:facebook|disqus) comments",
    r"please enter your (?:comment|name|e-?mail(?: address)?)(?: here)?[.!]?",
    r"(?:related|related (?:posts|articles|stories|content|news|coverage)|you may also like|"
    r"more (?:from|stories|news)[\w .-]{0,30}|read more|read next|recommended|most popular|"
    r"articles les plus lus|voir aussi|see also|sources|références|references|external links|"
    r"liens externes|tags|catégories|categories|share|partager|commentaires|comments|"
    r"commentez|leave a reply|leave a comment|post a comment|advertisement|publicité|anzeige|"
    r"loading\.{0,3}|like this:|share this:|teilen|kommentare)\s*:?",
    r"the post .{1,300} appeared first on .{1,120}",
    r"(?:sign up|subscribe|register)(?: now)?(?: to| for)? (?:our |the )?[\w '’-]{0,40}"
    r"newsletters?.{0,120}",
    r"(?:get|join) (?:our|the) [\w '’-]{0,30}newsletter.{0,120}",
    r"(?:enter|type) your e-?mail(?: address)?.{0,80}",
    r"your e-?mail address will not be published\..{0,80}",
    r"required fields are marked.{0,10}",
    r"you may use these html tags and attributes:.*",
    r"save my name, e-?mail,? and website.{0,80}",
    r"(?:click|tap) (?:here )?to (?:share|print|email|tweet).{0,60}",
    r"share (?:this|on) (?:article|story|post|facebook|twitter|x|whatsapp|linkedin).{0,40}",
    r"(?:posted|filed) (?:in|under):? .{0,120}",
    r"continue reading.{0,80}",
    r"(?:photo|image|picture) (?:credit|courtesy|by)s?:? .{0,120}",
    r"credits?: .{0,80}",
    r"partager ?: ?.{0,60}",
    r"(?:xs|sm|md|lg)",
    r"skip to (?:main )?content",
    r"accessibility links",
    r"breaking news",
    r"text size",
    r"print(?: this)?(?: article| page)?",
    r"e-?mail(?: this)?(?: article| page)?",
    r"let us know what you think of this report.{0,120}",
    r"for more news and information.{0,300}",
    r"\[modifier \| modifier le wikicode\].*",
    r"jump to: navigation, search",
]
_LINE_RE = re.compile(r"\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*", re.IGNORECASE)

# A heading after which the rest of the page is other stories, comments or sources.
_TAIL_RE = re.compile(
    r"\s*(?:related(?: posts| articles| stories)?|you may also like|more stories|read next|"
    r"recommended(?: for you)?|voir aussi|see also|sources|references|références|external links|"
    r"liens externes|facebook comments|comments|commentaires|leave a reply|leave a comment|"
    r"post a comment|articles les plus lus|most popular|most read)\s*:?\s*",
    re.IGNORECASE,
)


def is_boilerplate(paragraph: str) -> bool:
    """True when the whole paragraph is site chrome (matched line by line)."""
    lines = [ln for ln in paragraph.splitlines() if ln.strip()]
    if not lines:
        return True
    return all(_LINE_RE.fullmatch(ln) is not None for ln in lines)


def is_tail_heading(paragraph: str) -> bool:
    """True for a heading such as "Related" or "Sources" that starts a page's tail."""
    return _TAIL_RE.fullmatch(paragraph) is not None


def boilerplate_flags(paragraphs: list[str]) -> list[bool]:
    """Flag each paragraph that is chrome, including the tail after a closing heading.

    A tail heading only counts once real text has been seen (sidebars at the top of
    a page also say "Related articles", and the story follows them).
    """
    flags: list[bool] = []
    seen_body = False
    in_tail = False
    for para in paragraphs:
        if in_tail:
            # Long prose after a tail heading is still the tail (comments, teasers).
            flags.append(True)
            continue
        if seen_body and is_tail_heading(para):
            in_tail = True
            flags.append(True)
            continue
        chrome = is_boilerplate(para)
        flags.append(chrome)
        if not chrome and len(para.split()) >= 25:
            seen_body = True
    return flags
