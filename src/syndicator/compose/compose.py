"""compose_post: one article, its candidate quotes and an account's settings -> a fitted Post.

Fitting tries, in order, and takes the first version that fits the account's limit:

1. the best quote, then each shorter candidate, whole;
2. a candidate cut after a sentence, ending " …" (what stays inside the marks is verbatim);
3. the same with fewer hashtags, down to none;
4. a headline cut between words, ending "…" (keeping at least half of it), with each quote;
5. no quote: full headline (with hashtags if they fit), then a shortened headline;
6. no headline (the link in the post: just the link);
7. last resort, for a headline that is one giant word: a cut between characters.

Nothing is ever cut inside a word, URL, hashtag or (if avoidable) a capitalised name, and no
cut leaves a quotation mark unclosed. Pure: no I/O, no clock, deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

from jinja2.exceptions import SecurityError

from syndicator.compose.hashtags import hashtags_for
from syndicator.compose.lengths import length_counter, short_link
from syndicator.compose.links import add_utm, as_uri
from syndicator.compose.settings import ComposeSettings, LinkPlacement
from syndicator.compose.templates import (
    CATEGORIES,
    CATEGORY_CHARS,
    LINK_CHARS,
    NAME_CHARS,
    QUOTE_CHARS,
    SUMMARY_CHARS,
    TITLE_CHARS,
    PostTemplate,
    cached_template,
    default_template,
)
from syndicator.compose.text import (
    ELLIPSIS,
    PREFIX_SCAN,
    as_standalone_quote,
    char_prefixes,
    clean_inline,
    clip,
    quotation_marks_balanced,
    sentence_prefixes,
    tidy_summary,
    word_prefixes,
)
from syndicator.errors import SyndicatorError
from syndicator.models import Article, Platform, Post, Quote

_T = TypeVar("_T")
QUOTE_CUT_SUFFIX = " " + ELLIPSIS


class PostDoesNotFit(SyndicatorError):
    """Even the barest post (the link alone, or one word) exceeds the account's limit."""

    def __init__(self, account: str, length: int, limit: int) -> None:
        super().__init__(
            f"account {account}: no version of the post fits ({length} > {limit}); "
            "the link itself is probably too long"
        )
        self.account, self.length, self.limit = account, length, limit


class TemplateGaveUp(PostDoesNotFit):
    """The account's template hit a bound (output size, render time) on this article:
    recorded like a post that does not fit, not retried at every poll."""

    def __init__(self, account: str, why: str) -> None:
        SyndicatorError.__init__(self, f"account {account}: the template gave up on this "
                                       f"article ({why})")
        self.account, self.length, self.limit = account, 0, 0


@dataclass(frozen=True, slots=True)
class _QuoteView:
    text: str  # what goes inside the marks: verbatim, or a sentence prefix + " …"
    speaker: str | None


class _Fitter:
    """Renders contexts, measures them, and remembers each result (renders are the cost)."""

    def __init__(
        self,
        template: PostTemplate,
        base: dict[str, object],
        measure: Callable[[str], int],
        limit: int,
    ) -> None:
        self.template, self.base, self.measure, self.limit = template, base, measure, limit
        self.smallest: tuple[int, str] | None = None
        self.lengths: dict[str, int] = {}

    def attempt(self, quote: _QuoteView | None, hashtags: Sequence[str], title: str) -> str | None:
        """The rendered text if it fits, else None."""
        context = dict(self.base)
        context["title"] = title
        context["hashtags"] = list(hashtags)
        context["quote"] = None if quote is None else {"text": quote.text, "speaker": quote.speaker}
        try:
            text = self.template.render(context)
        except SecurityError as exc:  # a bound `check` could not foresee for this article
            raise TemplateGaveUp(self.template.account, str(exc)) from None
        length = self.measure(text)
        self.lengths[text] = length
        if self.smallest is None or length < self.smallest[0]:
            self.smallest = (length, text)
        return text if 0 < length <= self.limit else None

    def first_fitting(
        self, options: Sequence[_T], attempt: Callable[[_T], str | None]
    ) -> str | None:
        """Binary search for the first (longest) option that fits; *options* run longest first.

        Length falls as options get shorter (a URL appearing or vanishing at a cut can bend
        that a little, so the winner is rendered and checked, never assumed).
        """
        lo, hi = 0, len(options)
        found: str | None = None
        while lo < hi:
            mid = (lo + hi) // 2
            text = attempt(options[mid])
            if text is not None:
                found, hi = text, mid
            else:
                lo = mid + 1
        return found

    def first_fitting_title(self, quote: _QuoteView | None, titles: Sequence[str]) -> str | None:
        """The longest of *titles* (longest first) that fits with *quote* and no hashtags."""
        return self.first_fitting(titles, lambda title: self.attempt(quote, (), title))


def _quote_views(candidates: Sequence[Quote]) -> list[tuple[_QuoteView, list[_QuoteView]]]:
    """Usable candidates, each with its sentence-cut versions (longest first).

    A candidate whose text has unbalanced quotation marks is skipped: we could not show it
    verbatim without leaving a mark open.
    """
    out: list[tuple[_QuoteView, list[_QuoteView]]] = []
    for quote in candidates:
        text = as_standalone_quote(clean_inline(quote.text))
        if not text or not quotation_marks_balanced(text):
            continue
        speaker = clip(clean_inline(quote.speaker), NAME_CHARS) or None
        cuts = [_QuoteView(p + QUOTE_CUT_SUFFIX, speaker)
                for p in sentence_prefixes(text[:PREFIX_SCAN])]
        if len(text) > QUOTE_CHARS:  # too long to post whole: its first sentences may do
            if cuts:
                out.append((cuts[0], cuts[1:]))
            continue
        out.append((_QuoteView(text, speaker), cuts))
    return out


def _plans(
    fitter: _Fitter,
    quotes: list[tuple[_QuoteView, list[_QuoteView]]],
    hashtags: list[str],
    title: str,
    link_in_text: bool,
) -> Iterator[str | None]:
    """Yield attempts in order of preference; the caller stops at the first fitting one."""
    wholes = [whole for whole, _ in quotes]
    cuts = [cut for _, quote_cuts in quotes for cut in quote_cuts]
    first_views: list[_QuoteView | None] = [*wholes] if wholes else [None]
    for k in range(len(hashtags), -1, -1):
        tags = hashtags[:k]
        for view in first_views:
            yield fitter.attempt(view, tags, title)
        for _, quote_cuts in quotes:
            yield fitter.first_fitting(
                quote_cuts, partial(fitter.attempt, hashtags=tags, title=title)
            )
    shorter_titles = word_prefixes(title[:PREFIX_SCAN])
    if quotes:
        half = [t for t in shorter_titles if len(t) * 2 >= len(title)]
        for view in wholes + cuts:
            yield fitter.first_fitting_title(view, half)
        # Drop the quote (with no quotes, stage 1 already tried this headline).
        for k in range(len(hashtags), -1, -1):
            yield fitter.attempt(None, hashtags[:k], title)
    yield fitter.first_fitting_title(None, shorter_titles)
    if link_in_text:
        yield fitter.attempt(None, (), "")
    yield fitter.first_fitting_title(None, char_prefixes(title))


def compose_post(
    article: Article,
    candidates: Sequence[Quote],
    settings: ComposeSettings,
    *,
    account: str,
    url: str | None = None,
) -> Post:
    """Build the post for one account, fitted to its limit (see the module docstring).

    *candidates* are the quotes good enough to post, best first (may be empty); *url* is
    the canonical article URL (default ``article.link``). Raises `PostDoesNotFit` only when
    not even the link alone fits, and `ConfigError` for a bad template.
    """
    platform = Platform(settings.platform)
    is_x = platform == Platform.TWITTER
    template = cached_template(settings.template or default_template(platform), account)
    link = add_utm(as_uri(url or article.link), settings.utm)
    if len(link) > LINK_CHARS:
        # X cannot link it and no reader follows it; a template would see it whole
        raise PostDoesNotFit(account, len(link), LINK_CHARS)
    placement = LinkPlacement(settings.link) if is_x else LinkPlacement.IN_POST
    # Facebook attaches the link (it builds the preview): its text needs none
    link_in_text = placement == LinkPlacement.IN_POST and platform != Platform.FACEBOOK
    # Bluesky shows a link as its host and path start; the facet and the card carry it whole
    shown_link = short_link(link) if platform == Platform.BLUESKY else link

    # every value clipped to what compile_template measured the template with
    title = clip(clean_inline(article.title), TITLE_CHARS)
    summary = clean_inline(article.summary) or None
    if summary is not None and summary.casefold() == title.casefold():
        summary = None
    if summary is not None:
        summary = tidy_summary(summary, SUMMARY_CHARS)  # Facebook: cut between words

    base: dict[str, object] = {
        # Facebook attaches the link; its text may still show it if a template asks.
        "url": shown_link if (link_in_text or platform == Platform.FACEBOOK) else "",
        "summary": summary,
        "author": clip(clean_inline(article.author), NAME_CHARS) or None,
        "categories": [clip(c, CATEGORY_CHARS) for c in article.categories[:CATEGORIES]],
        "site": clip(settings.site, NAME_CHARS) if settings.site else settings.site,
        "published": article.published,
    }
    limit = settings.max_length or 0
    fitter = _Fitter(template, base, length_counter(platform), limit)
    hashtags = hashtags_for(
        article.categories, settings.hashtag_map, settings.hashtag_stoplist, settings.hashtags or 0
    )
    quotes = _quote_views(candidates)

    text = next(
        (t for t in _plans(fitter, quotes, hashtags, title, link_in_text) if t is not None),
        None,
    )
    if text is None and platform == Platform.FACEBOOK and link:
        text = link  # nothing else to say (no title, quote or summary): the link alone
    if text is None:
        smallest = fitter.smallest[0] if fitter.smallest else 0
        raise PostDoesNotFit(account, smallest, limit)

    length = fitter.lengths.get(text)
    if length is None:
        length = length_counter(platform)(text)
    post = Post(account=account, platform=platform, text=text, weighted_length=length)
    if is_x:
        reply = link if placement == LinkPlacement.IN_REPLY else None
        return replace(post, reply_text=reply)
    if platform == Platform.MASTODON:
        return post  # Mastodon builds the preview card from the link in the text
    if platform == Platform.BLUESKY:
        return replace(post, link=link, link_title=title or None, link_description=summary)
    return replace(post, link=link)
