"""Compose: fit an article and its pull-quote into one post per account (pure, no I/O).

Public surface: `compose_post` (the fitted `models.Post`), `ComposeSettings`/`CardSettings`
(per account, built from the config), `compile_template` (checks a template at start-up),
`weighted_length`/`is_valid_tweet` (X's counting), `length_counter` (each platform's
counting) and `render_card` (a quote card PNG).
"""

from syndicator.compose.card import (
    FACEBOOK_CARD_SIZE,
    X_CARD_SIZE,
    card_alt_text,
    card_size,
    render_card,
)
from syndicator.compose.compose import PostDoesNotFit, compose_post
from syndicator.compose.hashtags import hashtag_for, hashtags_for
from syndicator.compose.lengths import length_counter, short_link
from syndicator.compose.links import add_utm
from syndicator.compose.settings import (
    DEFAULT_HASHTAG_STOPLIST,
    CardSettings,
    ComposeSettings,
    LinkPlacement,
)
from syndicator.compose.templates import (
    ALLOWED_VARIABLES,
    DEFAULT_FACEBOOK_TEMPLATE,
    DEFAULT_X_TEMPLATE,
    PostTemplate,
    compile_template,
    default_template,
)
from syndicator.compose.weighted import is_valid_tweet, weighted_length

__all__ = [
    "ALLOWED_VARIABLES",
    "DEFAULT_FACEBOOK_TEMPLATE",
    "DEFAULT_HASHTAG_STOPLIST",
    "DEFAULT_X_TEMPLATE",
    "FACEBOOK_CARD_SIZE",
    "X_CARD_SIZE",
    "CardSettings",
    "ComposeSettings",
    "LinkPlacement",
    "PostDoesNotFit",
    "PostTemplate",
    "add_utm",
    "card_alt_text",
    "card_size",
    "compile_template",
    "compose_post",
    "default_template",
    "hashtag_for",
    "hashtags_for",
    "is_valid_tweet",
    "length_counter",
    "render_card",
    "short_link",
    "weighted_length",
]
