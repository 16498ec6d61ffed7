"""Post templates: Jinja2, sandboxed, strict, and checked at start-up rather than at post time.

A template sees these variables (and no others):

``title``       the headline (maybe shortened to fit, ending in "…")
``url``         the link, with tracking parameters; "" when the link is not in the post
``quote``       ``{"text", "speaker"}`` or None: guard it with ``{% if quote %}``
``summary``     the feed's summary (plain text) or None
``author``      the byline or None
``categories``  the feed's categories (list of str)
``hashtags``    the hashtags that fit, e.g. ``["#Putin", "#Trump"]``
``site``        the site's name or None
``published``   a timezone-aware datetime or None

The output is tidied after rendering: trailing spaces go, three or more line breaks become
two, and the text is stripped, so an empty ``{% if %}`` block never leaves a gap.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from syndicator.errors import ConfigError
from syndicator.models import Platform

ALLOWED_VARIABLES: frozenset[str] = frozenset(
    {"title", "url", "quote", "summary", "author", "categories", "hashtags", "site", "published"}
)

# X: the quote leads (it is the point of the post), then the headline and the link, so X
# builds its card from the last line. Hashtags follow the headline on the same line.
DEFAULT_X_TEMPLATE = (
    "{% if quote %}“{{ quote.text }}”{% if quote.speaker %} — {{ quote.speaker }}{% endif %}\n"
    "\n"
    "{% endif %}{{ title }}{% if hashtags %} {{ hashtags | join(' ') }}{% endif %}\n"
    "{{ url }}"
)

# Facebook: the richer version. The link is attached (Facebook builds the preview), so the
# text carries quote, speaker, headline and summary but no URL.
DEFAULT_FACEBOOK_TEMPLATE = (
    "{% if quote %}“{{ quote.text }}”{% if quote.speaker %} — {{ quote.speaker }}{% endif %}\n"
    "\n"
    "{% endif %}{{ title }}\n"
    "{% if summary %}\n{{ summary }}\n{% endif %}"
    "{% if hashtags %}\n{{ hashtags | join(' ') }}{% endif %}"
)

# A post is a few hundred characters; a template that builds more is a mistake or an
# attack on the host ("{{ title * 20000000 }}", "{{ x | center(10**9) }}").
MAX_BUILT_CHARS = 100_000
_BIG_NUMBER = re.compile(r"\d{6,}")

# The longest value of each variable a template is given (compose_post clips to these),
# so a template that renders the longest article within the budget renders every one.
TITLE_CHARS = 1_000
NAME_CHARS = 200  # author, site, speaker
CATEGORY_CHARS = 100
CATEGORIES = 50
QUOTE_CHARS = 2_000  # a longer quote is offered by its first sentences (PREFIX_SCAN)
SUMMARY_CHARS = 600
LINK_CHARS = 4_096 + 280  # X's longest link and a post: a longer one gets no post
RENDER_BUDGET_SECONDS = 0.25  # for the longest article; a default template takes 0.1 ms
RENDER_LIMIT_SECONDS = 2.0  # any render, cut off: what `check` lets through takes 0.25 s


_RENDERING = threading.local()  # the running render's deadline (time.monotonic())


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, and no expression that builds text or numbers beyond a post's
    size: repetition, powers, padding filters and string methods given a width or an
    empty pattern are checked before they run; ``range`` is gone (a post template has
    nothing to count). Every call and attribute look-up checks the render's deadline."""

    intercepted_binops = frozenset({"*", "**"})

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_deadline()
        values = [*args, *kwargs.values()]
        if any(_big(v, MAX_BUILT_CHARS) for v in values):
            raise SecurityError(f"a template may not build more than {MAX_BUILT_CHARS} "
                                "characters")
        if getattr(__obj, "__name__", "") == "replace" and args[:1] == ("",):
            raise SecurityError("replace('' , …) would put text between every character")
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _big(right, 64):
            raise SecurityError("a template may not raise to a power above 64")
        if operator == "*" and _too_long(left, right):
            raise SecurityError(f"a template may not build more than {MAX_BUILT_CHARS} "
                                "characters")
        return super().call_binop(context, operator, left, right)


def _check_deadline() -> None:
    ends = getattr(_RENDERING, "ends", None)
    if ends is not None and time.monotonic() > ends:
        raise SecurityError(f"rendering took longer than {RENDER_LIMIT_SECONDS:g} s")


def _big(value: object, limit: int) -> bool:
    return isinstance(value, int | float) and abs(value) > limit


def _too_long(left: object, right: object) -> bool:
    return any(isinstance(seq, str | list | tuple) and isinstance(times, int)
               and len(seq) * times > MAX_BUILT_CHARS
               for seq, times in ((left, right), (right, left)))


def _bounded(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
    """A padding filter (``center``, ``indent``, ``format`` …) that refuses a width or a
    format that would build more than ``MAX_BUILT_CHARS``."""
    def checked(*args: Any, **kwargs: Any) -> Any:
        values = [*args[1:], *kwargs.values()]
        if any(_big(v, MAX_BUILT_CHARS) for v in values) or (
                name == "format" and isinstance(args[0], str) and _BIG_NUMBER.search(args[0])):
            raise SecurityError(f"the {name} filter may not build more than "
                                f"{MAX_BUILT_CHARS} characters")
        return real(*args, **kwargs)
    return checked


_ENV = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
_ENV.globals.pop("range", None)
for _name in ("center", "indent", "format"):  # the filters that pad
    _ENV.filters[_name] = _bounded(_name, _ENV.filters[_name])
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")


def default_template(platform: Platform) -> str:
    """The template used when an account sets none."""
    # Mastodon and Bluesky read like X: quote, headline, hashtags, link
    return DEFAULT_FACEBOOK_TEMPLATE if platform == Platform.FACEBOOK else DEFAULT_X_TEMPLATE


@dataclass(frozen=True, slots=True)
class PostTemplate:
    """A checked template; `render` never raises for a context built by `compose_post`."""

    source: str
    account: str
    _template: Any
    _direct: Callable[[Mapping[str, object]], str | None] | None = None

    def render(self, context: Mapping[str, object]) -> str:
        """Render and tidy: no trailing spaces, no runs of blank lines, stripped."""
        text = None
        if self._direct is not None:
            try:
                text = self._direct(context)
            except KeyError:  # a variable missing: Jinja says which
                text = None
        if text is None:
            text = _render_bounded(self._template, context)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if " \n" in text or "\t\n" in text:
            text = _TRAILING_SPACE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_RUNS.sub("\n\n", text)
        return text.strip()


# The default templates rendered in plain Python, character for character what Jinja makes
# of them (a post is rendered a dozen times while it is fitted, and Jinja's context set-up
# is most of each render). They return None for a context they do not model, which then
# goes through Jinja. tests/test_compose_templates.py checks them against Jinja.


def _quote_part(quote: object) -> str | None:
    """``{% if quote %}“{{ quote.text }}”{% if quote.speaker %} — {{ quote.speaker }}
    {% endif %}\\n\\n{% endif %}``; None for a quote that is not a plain dict."""
    if not quote:
        return ""
    if type(quote) is not dict or "text" not in quote or "speaker" not in quote:
        return None
    speaker = quote["speaker"]
    if speaker:
        return f"“{_str(quote['text'])}” — {_str(speaker)}\n\n"
    return f"“{_str(quote['text'])}”\n\n"


def _str(value: object) -> str:
    return value if type(value) is str else str(value)


def _hashtags(hashtags: object) -> str | None:
    if type(hashtags) is not list or not all(type(tag) is str for tag in hashtags):
        return None
    return " ".join(hashtags)


def _render_default_x(context: Mapping[str, object]) -> str | None:
    quote = _quote_part(context["quote"])
    hashtags = context["hashtags"]
    tags = _hashtags(hashtags) if hashtags else ""
    if quote is None or tags is None:
        return None
    tags = f" {tags}" if hashtags else ""
    return f"{quote}{_str(context['title'])}{tags}\n{_str(context['url'])}"


def _render_default_facebook(context: Mapping[str, object]) -> str | None:
    quote = _quote_part(context["quote"])
    hashtags = context["hashtags"]
    tags = _hashtags(hashtags) if hashtags else ""
    if quote is None or tags is None:
        return None
    summary = context["summary"]
    text = f"{quote}{_str(context['title'])}\n"
    if summary:
        text += f"\n{_str(summary)}\n"
    if hashtags:
        text += f"\n{tags}"
    return text


def _direct_renderer(source: str) -> Callable[[Mapping[str, object]], str | None] | None:
    if source == DEFAULT_X_TEMPLATE:
        return _render_default_x
    if source == DEFAULT_FACEBOOK_TEMPLATE:
        return _render_default_facebook
    return None


def _error(account: str, line: int | None, what: str, fix: str) -> ConfigError:
    where = f"line {line}" if line else "line ?"
    return ConfigError(f"account {account}: template error at {where}: {what} — fix: {fix}")


def _line_of(source: str, name: str) -> int | None:
    """First line where *name* is used as a variable (lexer tokens carry line numbers)."""
    try:
        for lineno, kind, value in _ENV.lex(source):
            if kind == "name" and value == name:
                return lineno
    except TemplateSyntaxError:
        return None
    return None


def _sample_contexts() -> list[dict[str, object]]:
    """A full, an empty and the longest context: a template must render with each, the
    longest within the render budget."""
    full: dict[str, object] = {
        "title": "Headline",
        "url": "https://example.com/a",
        "quote": {"text": "Words.", "speaker": "A Speaker"},
        "summary": "Summary.",
        "author": "Author",
        "categories": ["Politics"],
        "hashtags": ["#Politics"],
        "site": "Site",
        "published": datetime(2026, 1, 1, tzinfo=UTC),
    }
    sparse: dict[str, object] = {
        "title": "Headline",
        "url": "",
        "quote": None,
        "summary": None,
        "author": None,
        "categories": [],
        "hashtags": [],
        "site": None,
        "published": None,
    }
    speakerless = dict(full, quote={"text": "Words.", "speaker": None})
    words = "Wörds and 🌍 words. " * QUOTE_CHARS
    longest: dict[str, object] = {
        "title": words[:TITLE_CHARS],
        "url": "https://example.com/" + "a" * (LINK_CHARS - 20),
        "quote": {"text": words[:QUOTE_CHARS + 10], "speaker": words[:NAME_CHARS]},
        "summary": words[:SUMMARY_CHARS],
        "author": words[:NAME_CHARS],
        "categories": [words[:CATEGORY_CHARS]] * CATEGORIES,
        "hashtags": ["#Hashtag"] * CATEGORIES,
        "site": words[:NAME_CHARS],
        "published": datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
    }
    return [full, sparse, speakerless, longest]


_SLOW_HINT = "keep loops short and simple: a post is a few hundred characters"


def _render_bounded(template: Any, context: Mapping[str, object]) -> str:
    """Render, stopping as soon as the output passes ``MAX_BUILT_CHARS`` or the render
    passes ``RENDER_LIMIT_SECONDS`` (checked at every output, call and attribute)."""
    parts: list[str] = []
    size = 0
    _RENDERING.ends = time.monotonic() + RENDER_LIMIT_SECONDS
    try:
        for part in template.generate(context):
            _check_deadline()
            size += len(part)
            if size > MAX_BUILT_CHARS:
                raise SecurityError(f"a template may not build more than {MAX_BUILT_CHARS} "
                                    "characters")
            parts.append(part)
    finally:
        _RENDERING.ends = None
    return "".join(parts)


_NOT_IN_A_POST = {nodes.Macro: "macros", nodes.CallBlock: "call blocks", nodes.Block: "blocks",
                  nodes.Include: "include", nodes.Extends: "extends", nodes.Import: "import",
                  nodes.FromImport: "import"}


def _check_structure(ast: nodes.Template, account: str) -> None:
    """No macros, no recursion, no loop inside a loop: rendering time then grows with the
    variables' length alone, which compose_post bounds, and the worst case is measured."""
    for kind, what in _NOT_IN_A_POST.items():
        for node in ast.find_all(kind):
            raise _error(account, node.lineno, f"{what} are not supported in a post template",
                         "write the post with the variables, if and one level of for")
    for loop in ast.find_all(nodes.For):
        inner = next(loop.find_all(nodes.For), None)
        if loop.recursive or inner is not None:
            raise _error(account, (inner or loop).lineno, "a loop inside a loop",
                         "one level of for is enough for a post (join the inner list)")


def _runtime_line(exc: BaseException) -> int | None:
    """The template line Jinja recorded in the traceback, if any."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def compile_template(source: str, *, account: str) -> PostTemplate:
    """Compile and check *source*; every problem is a `ConfigError` naming account and line.

    Checks syntax, unknown filters, variables outside `ALLOWED_VARIABLES`, and renders it
    with a full and an empty context, so a post-time failure (e.g. ``quote.text`` without
    ``{% if quote %}``) is found at start-up.
    """
    try:
        ast = _ENV.parse(source)
        undeclared = meta.find_undeclared_variables(ast)  # compiles: finds unknown filters
    except TemplateSyntaxError as exc:
        what = (exc.message or "syntax error").rstrip(".")
        fix = "check the tags and filters: {{ variable }}, {% if … %}…{% endif %}, | join(' ')"
        raise _error(account, exc.lineno, what, fix) from exc
    unknown = sorted(undeclared - ALLOWED_VARIABLES)
    if unknown:
        name = unknown[0]
        allowed = ", ".join(sorted(ALLOWED_VARIABLES))
        raise _error(
            account, _line_of(source, name), f"unknown variable '{name}'", f"use one of {allowed}"
        )
    _check_structure(ast, account)
    try:
        template = _ENV.from_string(source)
    except TemplateError as exc:  # e.g. an unknown filter
        line = getattr(exc, "lineno", None)
        raise _error(account, line, str(exc), "use Jinja's built-in filters") from exc
    for context in _sample_contexts():
        began = time.perf_counter()
        try:
            _render_bounded(template, context)
        except Exception as exc:  # any failure here is the template's fault
            if isinstance(exc, SecurityError) and "may not" in str(exc):
                hint = "a post is a few hundred characters: build it from the variables"
            elif isinstance(exc, SecurityError) and "took longer" in str(exc):
                hint = _SLOW_HINT
            elif isinstance(exc, SecurityError):
                hint = "use only the template variables and their plain attributes"
            else:
                hint = (
                    "wrap optional values in {% if … %} (quote, summary, author, site and "
                    "published may be empty)"
                )
            what = str(exc).rstrip(".")
            raise _error(account, _runtime_line(exc), what, hint) from exc
        took = time.perf_counter() - began
        if took > RENDER_BUDGET_SECONDS:
            raise _error(account, None, f"rendering the longest article took {took:.2f} s "
                         f"(the budget is {RENDER_BUDGET_SECONDS:g} s)",
                         _SLOW_HINT)
    return PostTemplate(source=source, account=account, _template=template,
                        _direct=_direct_renderer(source))


@lru_cache(maxsize=64)
def cached_template(source: str, account: str) -> PostTemplate:
    """`compile_template`, memoised: compose_post is called per article, compiled once."""
    return compile_template(source, account=account)
