"""Compose: fit an article and its pull-quote into one post per account (pure, no I/O)."""

from syndicator.compose.weighted import is_valid_tweet, weighted_length

__all__ = ["is_valid_tweet", "weighted_length"]
