"""Which of a feed's items may be posted at all: an editor's rules, before anything is queued.

A rule is a keyword (matched as whole words, ignoring case) or ``/a regular expression/``.
Text rules look at the title and the item's own text; category and author rules at those
fields, whole and ignoring case. Include rules, when there are any, must match; an exclude
rule that matches leaves the item out. Pure: no I/O. The regular expressions run with a
time limit, because the text they read comes from strangers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from syndicator.errors import ConfigError
from syndicator.models import Article

MATCH_SECONDS = 0.05  # one rule on one item: a pattern that takes longer does not match


@dataclass(frozen=True, slots=True)
class _Rule:
    source: str
    pattern: regex.Pattern[str]

    def matches(self, text: str) -> bool:
        try:
            return self.pattern.search(text, timeout=MATCH_SECONDS) is not None
        except TimeoutError:
            return False


def _compile(source: str, where: str) -> _Rule:
    if len(source) >= 2 and source.startswith("/") and source.endswith("/"):
        body = source[1:-1]
    else:
        body = r"(?<!\w)" + regex.escape(source.strip()) + r"(?!\w)"
    try:
        return _Rule(source, regex.compile(body, regex.IGNORECASE | regex.V1))
    except regex.error as exc:
        raise ConfigError(f"{where}: {source!r} is not a valid pattern ({exc}) — fix: write a "
                          "plain keyword, or a regular expression between slashes") from None


@dataclass(frozen=True, slots=True)
class FeedFilter:
    """The compiled rules of one feed; ``left_out`` says why an item is not posted."""

    include: tuple[_Rule, ...] = ()
    exclude: tuple[_Rule, ...] = ()
    include_categories: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    include_authors: frozenset[str] = frozenset()
    exclude_authors: frozenset[str] = frozenset()

    @classmethod
    def build(cls, feed: str, *, include: Sequence[str] = (), exclude: Sequence[str] = (),
              include_categories: Sequence[str] = (), exclude_categories: Sequence[str] = (),
              include_authors: Sequence[str] = (), exclude_authors: Sequence[str] = ()
              ) -> FeedFilter:
        where = f"feed {feed}: filter"
        return cls(
            tuple(_compile(s, where) for s in include), tuple(_compile(s, where) for s in exclude),
            frozenset(c.casefold() for c in include_categories),
            frozenset(c.casefold() for c in exclude_categories),
            frozenset(a.casefold() for a in include_authors),
            frozenset(a.casefold() for a in exclude_authors))

    @property
    def empty(self) -> bool:
        return not (self.include or self.exclude or self.include_categories
                    or self.exclude_categories or self.include_authors or self.exclude_authors)

    def left_out(self, article: Article, text: str = "") -> str | None:
        """Why ``article`` is not to be posted, or None when it passes."""
        if self.empty:
            return None
        words = f"{article.title}\n{text}"
        categories = {c.casefold() for c in article.categories}
        author = (article.author or "").casefold()
        for rule in self.exclude:
            if rule.matches(words):
                return f"excluded by {rule.source!r}"
        if hit := sorted(categories & self.exclude_categories):
            return f"excluded category {hit[0]!r}"
        if author and author in self.exclude_authors:
            return f"excluded author {article.author!r}"
        if self.include and not any(rule.matches(words) for rule in self.include):
            return "matches none of " + ", ".join(repr(r.source) for r in self.include)
        if self.include_categories and not categories & self.include_categories:
            return "in none of the categories " + ", ".join(
                repr(c) for c in sorted(self.include_categories))
        if self.include_authors and author not in self.include_authors:
            return f"author {article.author or 'unknown'!r} is not among those included"
        return None
