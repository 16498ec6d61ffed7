"""Templates: every mistake is a ConfigError at start-up, naming the account and the line."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicator.compose import (
    DEFAULT_FACEBOOK_TEMPLATE,
    DEFAULT_X_TEMPLATE,
    ComposeSettings,
    compile_template,
    compose_post,
)
from syndicator.errors import ConfigError
from syndicator.models import Article, Platform, Quote, QuoteKind

ART = Article(id="1", feed="f", title="Headline", link="https://example.com/a", author="Ann Lee")
Q = Quote(text="We won.", speaker="Sam", kind=QuoteKind.FULL, start=0, end=9)


@pytest.mark.parametrize("source", [DEFAULT_X_TEMPLATE, DEFAULT_FACEBOOK_TEMPLATE])
def test_defaults_compile(source: str) -> None:
    compile_template(source, account="x")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{{ title }}\n{{ url ",
            "account news_x: template error at line 2: unexpected end of template",
        ),
        (
            "{{ title }}\n{% if quote %}{{ quote.text }}\n",
            "account news_x: template error at line 2: Unexpected end of template",
        ),
        (
            "{{ title }}\n\n{{ link }}",
            "account news_x: template error at line 3: unknown variable 'link' — fix: use one of",
        ),
        (
            "{{ title | shout }}",
            "account news_x: template error at line 1: No filter named 'shout'",
        ),
        (
            "{{ title }}\n“{{ quote.text }}”",  # quote may be None: must be guarded
            "account news_x: template error at line 2:",
        ),
        (
            "{% if quote %}{{ quote.txt }}{% endif %}",  # a typo in an attribute
            "account news_x: template error at line 1:",
        ),
        (
            "{{ title.__class__.__mro__ }}",  # the sandbox refuses
            "account news_x: template error at line 1:",
        ),
    ],
)
def test_template_errors(source: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        compile_template(source, account="news_x")
    assert str(info.value).startswith(message), str(info.value)
    assert " — fix: " in str(info.value)


def test_all_variables_allowed() -> None:
    source = (
        "{{ title }} {{ url }} {% if quote %}{{ quote.text }} {{ quote.speaker }}{% endif %} "
        "{{ summary }} {{ author }} {{ categories | join(',') }} {{ hashtags | join(' ') }} "
        "{{ site }} {% if published %}{{ published.strftime('%Y') }}{% endif %}"
    )
    compile_template(source, account="x")


def test_custom_template_is_used_and_tidied() -> None:
    source = (
        "{% if quote %}{{ quote.speaker }}: “{{ quote.text }}”{% endif %}   \n\n\n\n"
        "{{ title }}{% if author %} (by {{ author }}){% endif %}\n{{ url }}\n"
    )
    settings = ComposeSettings(platform=Platform.TWITTER, template=source)
    post = compose_post(ART, [Q], settings, account="x")
    assert post.text == "Sam: “We won.”\n\nHeadline (by Ann Lee)\nhttps://example.com/a"


def test_bad_template_in_settings_fails_with_config_error_not_a_crash() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER, template="{{ nope }}")
    with pytest.raises(ConfigError, match="account x: template error at line 1"):
        compose_post(ART, [Q], settings, account="x")


_TEXT = st.text(alphabet=st.sampled_from(list("ab \t\r\n“”—#é")), max_size=12)
_CONTEXTS = st.fixed_dictionaries({
    "title": _TEXT,
    "url": st.sampled_from(["", "https://example.com/a"]),
    "quote": st.none() | st.fixed_dictionaries({"text": _TEXT, "speaker": st.none() | _TEXT}),
    "summary": st.none() | _TEXT,
    "author": st.none() | _TEXT,
    "categories": st.lists(_TEXT, max_size=2),
    "hashtags": st.lists(_TEXT, max_size=3),
    "site": st.none() | _TEXT,
    "published": st.none(),
})


@pytest.mark.parametrize("source", [DEFAULT_X_TEMPLATE, DEFAULT_FACEBOOK_TEMPLATE])
@settings(max_examples=300, deadline=None)
@given(context=_CONTEXTS)
def test_default_templates_render_without_jinja_exactly_as_jinja_does(
        source: str, context: dict[str, object]) -> None:
    fast = compile_template(source, account="x")
    assert fast._direct is not None
    jinja = dataclasses.replace(fast, _direct=None)
    assert fast.render(context) == jinja.render(context)
    assert fast._direct(context) == jinja._template.render(context)


@pytest.mark.parametrize(("source", "message"), [
    ("{{ title * 20000000 }}", "may not build more than 100000 characters"),
    ("{{ 'ab' * 10**9 }}", "power above 64|may not build"),
    ("{{ title | center(1000000000) }}", "center filter may not build"),
    ("{{ '%1000000000s' | format(title) }}", "format filter may not build"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     "unknown variable 'range'"),
    # nested loops over the variables: quadratic, and silent (they build nothing)
    ("{% for a in title %}\n{% for b in title %}{% endfor %}{% endfor %}{{ url }}",
     "line 2: a loop inside a loop"),
    ("{% macro m(t) %}{% for a in t %}{% endfor %}{% endmacro %}{{ m(title) }}",
     "macros are not supported"),
    ("{% for c in categories recursive %}{{ loop(c) }}{% endfor %}", "a loop inside a loop"),
    # one loop whose output alone is far more than a post
    ("{% for c in title %}{{ summary }}{% endfor %}", "may not build more than 100000"),
    # one loop, little output, each turn slow: over the budget on the longest article
    # (cut off at 2 s if it runs that long, else measured against the 0.25 s budget)
    ("{% for c in url %}{{ (title ~ title ~ title)|wordwrap(3)|length }}{% endfor %}",
     r"rendering the longest article took \d+\.\d\d s \(the budget is 0.25 s\)"
     r"|rendering took longer than 2 s"),
    # blocks call each other (self.b()): work doubling with each level, no loop at all
    ("{% block a %}{{ title }}{% endblock %}{{ self.a() }}", "blocks are not supported"),
    # string methods given a width or an empty pattern
    ("{{ title.ljust(10**7) }}", "may not build more than 100000"),
    ("{{ title.replace('', title) }}", r"replace\(''"),
])
def test_a_template_cannot_exhaust_the_host(source: str, message: str) -> None:
    """Refused by `check`, before it could take the CPU or the memory of the machine."""
    with pytest.raises(ConfigError, match=message):
        compile_template(source, account="x")


def test_ordinary_repetition_and_padding_still_work() -> None:
    template = compile_template("{{ '=' * 3 }} {{ title | center(12) }}", account="x")
    assert template.render({"title": "News"}) == "===     News"


def test_what_a_template_sees_is_clipped_to_what_check_measured() -> None:
    from syndicator.compose import ComposeSettings, compose_post
    from syndicator.compose.templates import CATEGORIES, CATEGORY_CHARS, NAME_CHARS, TITLE_CHARS
    from syndicator.models import Article, Platform

    article = Article(id="a", feed="f", link="https://n.example/a",
                      title="Headline words " * 5_000,
                      author="Name " * 1_000, categories=tuple(f"Cat{i} " * 100
                                                             for i in range(500)))
    settings = ComposeSettings(platform=Platform.FACEBOOK, template=(
        "{{ title }}|{{ author }}|{{ categories | join('#') }}"))
    seen = compose_post(article, [], settings, account="fb").text.split("|")
    assert TITLE_CHARS - 20 < len(seen[0]) <= TITLE_CHARS
    assert seen[0].endswith(("Headline…", "words…"))  # cut after a word
    assert len(seen[1]) <= NAME_CHARS and seen[1].endswith("Name…")
    categories = seen[2].split("#")
    assert len(categories) == CATEGORIES
    assert max(map(len, categories)) <= CATEGORY_CHARS and categories[0].endswith("Cat0…")


def test_a_render_that_hits_a_bound_at_post_time_is_no_post_not_a_crash() -> None:
    """What `check` could not foresee for one article (its output past the cap) is
    recorded like a post that does not fit, not retried at every poll as a bug."""
    from syndicator.compose import ComposeSettings, PostDoesNotFit, compose_post
    from syndicator.models import Article, Platform

    settings = ComposeSettings(platform=Platform.FACEBOOK, template=(
        "{{ title }}{% if 'x' in title %}{% for c in summary %}{{ summary }}{% endfor %}"
        "{% endif %}"))
    article = Article(id="a", feed="f", link="https://n.example/a", title="x marks it",
                      summary="Long words here. " * 30)
    with pytest.raises(PostDoesNotFit, match="the template gave up on this article"):
        compose_post(article, [], settings, account="fb")


def test_a_link_longer_than_any_post_gets_no_post() -> None:
    from syndicator.compose import ComposeSettings, PostDoesNotFit, compose_post
    from syndicator.compose.templates import LINK_CHARS
    from syndicator.models import Article, Platform

    link = "https://n.example/" + "a" * LINK_CHARS
    for platform in (Platform.TWITTER, Platform.FACEBOOK):
        with pytest.raises(PostDoesNotFit):
            compose_post(Article(id="a", feed="f", link=link, title="Headline"), [],
                         ComposeSettings(platform=platform), account="acc")
