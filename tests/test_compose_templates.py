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
])
def test_a_template_cannot_exhaust_the_host(source: str, message: str) -> None:
    """Refused by `check`, before it could take the CPU or the memory of the machine."""
    with pytest.raises(ConfigError, match=message):
        compile_template(source, account="x")


def test_ordinary_repetition_and_padding_still_work() -> None:
    template = compile_template("{{ '=' * 3 }} {{ title | center(12) }}", account="x")
    assert template.render({"title": "News"}) == "===     News"
